package io.hourglass.internal.h1;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** The {@code Date: ...\r\n} header line (RFC 9110 section 6.6.1), formatted once per second. */
public final class HttpDate {
    private record Cached(long second, byte[] line, String value) {}

    // Formatted by hand: IMF-fixdate has a two-digit day ("01 Dec"), which DateTimeFormatter.RFC_1123_DATE_TIME
    // does not write, and a pattern formatter with day and month names loads locale data (about half a second
    // the first time, on the first response of a server).
    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS =
            {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    private static volatile Cached cached = new Cached(-1, new byte[0], ""); // replaced at most once a second

    private HttpDate() {}

    /** The bytes of {@code Date: <IMF-fixdate>\r\n} for the current second. Do not modify. */
    public static byte[] line() {
        return current().line;
    }

    /** The IMF-fixdate of the current second, the value of a Date field (HTTP/2 sends fields, not lines). */
    public static String value() {
        return current().value;
    }

    private static Cached current() {
        long second = System.currentTimeMillis() / 1000;
        Cached c = cached;
        if (c.second != second) {
            String v = format(second);
            c = new Cached(second, ("Date: " + v + "\r\n").getBytes(StandardCharsets.ISO_8859_1), v);
            cached = c;
        }
        return c;
    }

    /** The IMF-fixdate of an instant, e.g. {@code Tue, 01 Dec 2026 00:00:00 GMT}. */
    static String format(long epochSecond) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(29);
        b.append(DAYS[t.getDayOfWeek().ordinal()]).append(", ");
        two(b, t.getDayOfMonth()).append(' ').append(MONTHS[t.getMonthValue() - 1]).append(' ');
        b.append(t.getYear()).append(' ');
        two(b, t.getHour()).append(':');
        two(b, t.getMinute()).append(':');
        two(b, t.getSecond()).append(" GMT");
        return b.toString();
    }

    private static StringBuilder two(StringBuilder b, int v) {
        return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }
}
