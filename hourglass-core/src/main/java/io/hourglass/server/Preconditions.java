package io.hourglass.server;

import io.hourglass.http.Headers;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Conditional requests (RFC 9110 section 13): entity-tag lists and their comparison, HTTP-dates in the three
 * formats a recipient must accept, and the evaluation order of section 13.2.2.
 */
final class Preconditions {
    private Preconditions() {}

    /** What the preconditions decided: go on, 304 Not Modified, or 412 Precondition Failed. */
    static final int PROCEED = 0, NOT_MODIFIED = 304, FAILED = 412;

    /**
     * Evaluates If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since, in that order, for a
     * representation that exists with the strong entity-tag {@code etag} and the modification time
     * {@code lastModified} (epoch seconds).
     */
    static int evaluate(Request req, String etag, long lastModified) {
        Headers h = req.headers();
        boolean getOrHead = req.method().equals("GET") || req.method().equals("HEAD");
        String ifMatch = joined(h, "If-Match");
        if (ifMatch != null) {
            if (!matches(ifMatch, etag, true)) {
                return FAILED; // step 1
            }
        } else {
            long since = date(h, "If-Unmodified-Since");
            if (since != NO_DATE && lastModified > since) {
                return FAILED; // step 2
            }
        }
        String ifNoneMatch = joined(h, "If-None-Match");
        if (ifNoneMatch != null) {
            if (matches(ifNoneMatch, etag, false)) {
                return getOrHead ? NOT_MODIFIED : FAILED; // step 3
            }
        } else if (getOrHead) {
            long since = date(h, "If-Modified-Since");
            if (since != NO_DATE && lastModified <= since) {
                return NOT_MODIFIED; // step 4
            }
        }
        return PROCEED;
    }

    /**
     * Whether a Range request may be served as a range (RFC 9110 section 13.1.5): true without If-Range;
     * with it, only when its entity-tag matches strongly or its date equals Last-Modified exactly.
     */
    static boolean ifRange(Request req, String etag, long lastModified) {
        List<String> values = req.headers().all("If-Range");
        if (values.isEmpty()) {
            return true;
        }
        if (values.size() > 1) {
            return false;
        }
        String v = values.get(0).strip();
        if (v.startsWith("\"") || v.startsWith("W/")) {
            List<String> tags = tags(v);
            return tags != null && tags.size() == 1 && !tags.get(0).startsWith("W/") && tags.get(0).equals(etag);
        }
        long d = parseDate(v);
        return d != NO_DATE && d == lastModified;
    }

    private static String joined(Headers h, String name) {
        List<String> all = h.all(name);
        return all.isEmpty() ? null : String.join(", ", all);
    }

    /** A date field's value in epoch seconds, or NO_DATE when absent, repeated or not a valid HTTP-date. */
    private static long date(Headers h, String name) {
        List<String> all = h.all(name);
        return all.size() == 1 ? parseDate(all.get(0)) : NO_DATE;
    }

    /**
     * Whether a field value ({@code *} or a list of entity-tags) matches {@code etag}: a strong comparison
     * (both strong, same opaque tag) or a weak one (same opaque tag) (RFC 9110 section 8.8.3.2). A malformed
     * list matches nothing.
     */
    static boolean matches(String field, String etag, boolean strong) {
        if (field.strip().equals("*")) {
            return true;
        }
        List<String> tags = tags(field);
        if (tags == null) {
            return false;
        }
        String opaque = opaque(etag);
        for (String t : tags) {
            boolean weak = t.startsWith("W/");
            if (strong ? !weak && t.equals(etag) && !etag.startsWith("W/") : opaque(t).equals(opaque)) {
                return true;
            }
        }
        return false;
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    /** The entity-tags of a list, each with its quotes (and W/), or null when the list is malformed. */
    static List<String> tags(String field) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = field.length();
        while (i < n) {
            char c = field.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') {
                i++;
                continue;
            }
            int start = i;
            if (field.startsWith("W/", i)) {
                i += 2;
            }
            if (i >= n || field.charAt(i) != '"') {
                return null;
            }
            int close = field.indexOf('"', i + 1);
            if (close < 0) {
                return null;
            }
            for (int k = i + 1; k < close; k++) {
                char e = field.charAt(k);
                if (e < 0x21 || e == 0x7f) { // etagc = %x21 / %x23-7E / obs-text
                    return null;
                }
            }
            out.add(field.substring(start, close + 1));
            i = close + 1;
            while (i < n && (field.charAt(i) == ' ' || field.charAt(i) == '\t')) {
                i++;
            }
            if (i < n && field.charAt(i) != ',') {
                return null;
            }
        }
        return out;
    }

    // ---- HTTP-date (RFC 9110 section 5.6.7) ----

    static final long NO_DATE = Long.MIN_VALUE;

    private static final String[] MONTHS =
            {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

    /** IMF-fixdate of an epoch second, e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
    static String formatDate(long epochSecond) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
        return String.format(java.util.Locale.ROOT, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                DAYS[t.getDayOfWeek().ordinal()], t.getDayOfMonth(), MONTHS[t.getMonthValue() - 1], t.getYear(),
                t.getHour(), t.getMinute(), t.getSecond());
    }

    /**
     * Parses IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37 GMT}), the obsolete RFC 850 form
     * ({@code Sunday, 06-Nov-94 08:49:37 GMT}) and asctime ({@code Sun Nov  6 08:49:37 1994}); epoch seconds,
     * or NO_DATE when it is none of them.
     */
    static long parseDate(String s) {
        s = s.strip();
        try {
            int comma = s.indexOf(',');
            if (comma == 3 && s.length() == 29 && s.endsWith(" GMT")) { // IMF-fixdate
                return epoch(num(s, 12, 4), month(s, 8), num(s, 5, 2), s, 17);
            }
            if (comma > 3 && s.endsWith(" GMT")) { // rfc850-date: weekday, DD-Mon-YY HH:MM:SS GMT
                String r = s.substring(comma + 1);
                if (r.length() != 23 || r.charAt(0) != ' ' || r.charAt(3) != '-' || r.charAt(7) != '-') {
                    return NO_DATE;
                }
                int yy = num(r, 8, 2);
                int year = 1900 + yy;
                int thisYear = LocalDateTime.now(ZoneOffset.UTC).getYear();
                while (year + 100 <= thisYear + 50) {
                    year += 100; // the most recent year with these digits, not over 50 years ahead
                }
                return epoch(year, month(r, 4), num(r, 1, 2), r, 11);
            }
            if (comma < 0 && s.length() == 24 && s.charAt(3) == ' ' && s.charAt(7) == ' ') { // asctime
                int day = s.charAt(8) == ' ' ? num(s, 9, 1) : num(s, 8, 2);
                return epoch(num(s, 20, 4), month(s, 4), day, s, 11);
            }
        } catch (RuntimeException e) {
            return NO_DATE; // a number, month or field out of place
        }
        return NO_DATE;
    }

    private static long epoch(int year, int month, int day, String s, int timeAt) {
        if (s.charAt(timeAt + 2) != ':' || s.charAt(timeAt + 5) != ':') {
            return NO_DATE;
        }
        LocalDateTime t = LocalDateTime.of(year, month, day, num(s, timeAt, 2), num(s, timeAt + 3, 2),
                num(s, timeAt + 6, 2));
        return t.toEpochSecond(ZoneOffset.UTC);
    }

    private static int month(String s, int at) {
        String m = s.substring(at, at + 3);
        for (int i = 0; i < 12; i++) {
            if (MONTHS[i].equals(m)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("month");
    }

    private static int num(String s, int at, int len) {
        int v = 0;
        for (int i = at; i < at + len; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("digit");
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
