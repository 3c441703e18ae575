package io.hourglass.server;

import io.hourglass.internal.text.Decimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The Range field of a GET (RFC 9110 section 14): parsing against a representation's length, and the
 * layout of a multipart/byteranges body (section 14.6).
 */
final class ByteRanges {
    private ByteRanges() {}

    /** Past this many ranges, the request is served whole: many small ranges cost more than they save. */
    static final int MAX_RANGES = 64;

    /** One satisfiable range: {@code first} to {@code last}, both included. */
    record Range(long first, long last) {
        long length() {
            return last - first + 1;
        }

        String contentRange(long size) {
            return "bytes " + first + "-" + last + "/" + size;
        }
    }

    /** What to do with a Range field: ignore it (send 200), 416, or send these ranges. */
    record Decision(boolean ignore, boolean unsatisfiable, List<Range> ranges) {
        static final Decision IGNORE = new Decision(true, false, List.of());
        static final Decision UNSATISFIABLE = new Decision(false, true, List.of());
    }

    /**
     * Decides how to answer {@code Range: field} for a representation of {@code size} bytes.
     *
     * <ul>
     * <li>a unit other than {@code bytes}, or a ranges-specifier that is not valid: ignored (section 14.2:
     *     "MUST ignore" an unknown unit, and a server "MAY ignore" an invalid one; a whole 200 is the
     *     answer every client can use);
     * <li>no range-spec satisfiable (every first-pos at or past the end, or a suffix of length 0): 416;
     *     for an empty representation, whose only satisfiable form is a suffix, that suffix gets the whole
     *     (empty) representation;
     * <li>otherwise the satisfiable ones, clipped to the end, in the order asked; served whole instead when
     *     there are more than {@value #MAX_RANGES} of them or they add up to more than the representation
     *     (overlaps: section 14.1.1 lets a server ignore such requests, which are a known amplification).
     * </ul>
     */
    static Decision decide(String field, long size) {
        String s = field.strip();
        int eq = s.indexOf('=');
        if (eq < 0 || !s.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("bytes")) {
            return Decision.IGNORE;
        }
        List<Range> out = new ArrayList<>();
        boolean any = false;
        boolean emptySuffix = false; // a suffix-range of an empty representation: satisfiable, but no bytes
        long total = 0;
        for (String spec : s.substring(eq + 1).split(",", -1)) {
            String r = spec.strip();
            if (r.isEmpty()) {
                continue; // empty list elements are allowed (RFC 9110 section 5.6.1)
            }
            any = true;
            int dash = r.indexOf('-');
            if (dash < 0) {
                return Decision.IGNORE;
            }
            long a = Decimal.parse(r.substring(0, dash).strip(), 18);
            long b = Decimal.parse(r.substring(dash + 1).strip(), 18);
            Range range;
            if (dash == 0) { // suffix-range: the last b bytes
                if (b < 0) {
                    return Decision.IGNORE;
                }
                emptySuffix |= b > 0 && size == 0;
                range = b == 0 || size == 0 ? null : new Range(Math.max(0, size - b), size - 1);
            } else {
                if (a < 0 || (r.length() > dash + 1 && b < 0) || (b >= 0 && b < a)) {
                    return Decision.IGNORE; // not digits, or last-pos before first-pos: invalid
                }
                range = a >= size ? null : new Range(a, b < 0 || b >= size ? size - 1 : b);
            }
            if (range != null) {
                out.add(range);
                total += range.length();
            }
        }
        if (!any) {
            return Decision.IGNORE;
        }
        if (out.isEmpty()) {
            // A zero-length representation has no bytes a 206 could name: its one satisfiable form (a suffix)
            // is answered whole (RFC 9110 section 14.1.1).
            return emptySuffix ? Decision.IGNORE : Decision.UNSATISFIABLE;
        }
        if (out.size() > MAX_RANGES || total > size) {
            return Decision.IGNORE;
        }
        return new Decision(false, false, List.copyOf(out));
    }

    // ---- multipart/byteranges ----

    /** A boundary no part's content can be mistaken for in practice: 32 random hex digits. */
    static String newBoundary() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return String.format("%016x%016x", r.nextLong(), r.nextLong());
    }

    /** The head of part {@code i}: the delimiter, Content-Type and Content-Range, and the blank line. */
    static byte[] partHead(String boundary, String contentType, Range r, long size, boolean first) {
        String s = (first ? "" : "\r\n") + "--" + boundary + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "Content-Range: " + r.contentRange(size) + "\r\n\r\n";
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] closing(String boundary) {
        return ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The whole multipart body's length, so that it goes with a Content-Length. */
    static long multipartLength(String boundary, String contentType, List<Range> ranges, long size) {
        long n = closing(boundary).length;
        for (int i = 0; i < ranges.size(); i++) {
            n += partHead(boundary, contentType, ranges.get(i), size, i == 0).length + ranges.get(i).length();
        }
        return n;
    }
}
