package io.hourglass.internal.h1;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** The {@code Date: ...\r\n} header line (RFC 9110 section 6.6.1), formatted once per second. */
public final class HttpDate {
    private record Cached(long second, byte[] line) {}

    private static volatile Cached cached = new Cached(-1, new byte[0]); // replaced at most once a second

    private HttpDate() {}

    /** The bytes of {@code Date: <IMF-fixdate>\r\n} for the current second. Do not modify. */
    public static byte[] line() {
        long second = System.currentTimeMillis() / 1000;
        Cached c = cached;
        if (c.second != second) {
            String s = "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    ZonedDateTime.ofInstant(java.time.Instant.ofEpochSecond(second), ZoneOffset.UTC)) + "\r\n";
            c = new Cached(second, s.getBytes(StandardCharsets.ISO_8859_1));
            cached = c;
        }
        return c.line;
    }
}
