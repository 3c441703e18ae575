// The one small HTTP/1.1 request-head parser and the canned responses shared by every I/O-core prototype
// (bench/peers/proto, issue 17, docs/BENCHMARKS.md "An I/O core of our own: prototypes measured").
//
// What it is: enough HTTP/1.1 to frame wrk's, curl's and bench/peers/manyconns's requests correctly: a
// request line, header lines ended by CRLF, an empty line (RFC 9112 section 2.1), an optional
// Content-Length body that is skipped (section 6.3), "Connection: close" honoured (section 9.6).
// What it is not: a validating parser (no chunked request bodies, no obs-fold, no limits beyond the
// buffer size), no deadlines, no TLS. The handler is fixed: GET /hello answers "hello\n", anything else 404.

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

final class ProtoHttp {
    /** parse(): the head is not complete in the buffer yet. */
    static final int INCOMPLETE = 0;
    /** parse(): the bytes are not a request this parser can frame; the caller closes the connection. */
    static final int BAD = -1;

    private static final byte[] GET = "GET".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HELLO = "/hello".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "content-length".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION = "connection".getBytes(StandardCharsets.US_ASCII);

    /** The parsed request: what the fixed handler needs. One per connection, reused. */
    static final class Request {
        boolean hello;   // GET /hello
        boolean close;   // Connection: close
    }

    private ProtoHttp() {}

    /**
     * Frames one request in buf[from, to). Returns the bytes it takes (head and body), INCOMPLETE when
     * more bytes are needed, or BAD. Works on heap and direct buffers alike (absolute gets).
     */
    static int parse(ByteBuffer buf, int from, int to, Request req) {
        int lineEnd = findLf(buf, from, to);
        if (lineEnd < 0) return INCOMPLETE;
        int sp1 = find(buf, from, lineEnd, (byte) ' ');
        int sp2 = sp1 < 0 ? -1 : find(buf, sp1 + 1, lineEnd, (byte) ' ');
        if (sp2 < 0) return BAD;
        req.hello = equalsAt(buf, from, sp1, GET, false) && equalsAt(buf, sp1 + 1, sp2, HELLO, false);
        req.close = false;
        long contentLength = 0;
        int pos = lineEnd + 1;
        while (true) {
            int end = findLf(buf, pos, to);
            if (end < 0) return INCOMPLETE;
            int contentEnd = end > pos && buf.get(end - 1) == '\r' ? end - 1 : end;
            if (contentEnd == pos) {   // the empty line: the head ends here (RFC 9112 section 2.1)
                long total = (long) end + 1 - from + contentLength;
                if (total > buf.capacity()) return BAD;
                return from + total <= to ? (int) total : INCOMPLETE;
            }
            int colon = find(buf, pos, contentEnd, (byte) ':');
            if (colon < 0) return BAD;
            if (equalsAt(buf, pos, colon, CONTENT_LENGTH, true)) {
                contentLength = digits(buf, colon + 1, contentEnd);
                if (contentLength < 0) return BAD;
            } else if (equalsAt(buf, pos, colon, CONNECTION, true)) {
                req.close = containsClose(buf, colon + 1, contentEnd);
            }
            pos = end + 1;
        }
    }

    private static int findLf(ByteBuffer b, int from, int to) {
        return find(b, from, to, (byte) '\n');
    }

    private static int find(ByteBuffer b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b.get(i) == c) return i;
        }
        return -1;
    }

    private static boolean equalsAt(ByteBuffer b, int from, int to, byte[] lower, boolean ignoreCase) {
        if (to - from != lower.length) return false;
        for (int i = 0; i < lower.length; i++) {
            byte x = b.get(from + i);
            if (ignoreCase && x >= 'A' && x <= 'Z') x = (byte) (x + 32);
            if (x != lower[i]) return false;
        }
        return true;
    }

    private static long digits(ByteBuffer b, int from, int to) {
        long v = 0;
        int n = 0;
        for (int i = from; i < to; i++) {
            byte c = b.get(i);
            if (c == ' ' || c == '\t') continue;
            if (c < '0' || c > '9' || ++n > 12) return -1;
            v = v * 10 + (c - '0');
        }
        return n == 0 ? -1 : v;
    }

    // "close" as a token of the Connection header's list (RFC 9110 section 7.6.1), case-insensitive
    private static boolean containsClose(ByteBuffer b, int from, int to) {
        for (int i = from; i + 5 <= to; i++) {
            if ((b.get(i) | 32) == 'c' && (b.get(i + 1) | 32) == 'l' && (b.get(i + 2) | 32) == 'o'
                    && (b.get(i + 3) | 32) == 's' && (b.get(i + 4) | 32) == 'e') {
                return true;
            }
        }
        return false;
    }

    // ---- responses: built once per second (the Date header, RFC 9110 section 6.6.1) ----

    // IMF-fixdate (RFC 9110 section 5.6.7): two-digit day, unlike RFC_1123_DATE_TIME
    private static final DateTimeFormatter IMF =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    /** The responses of one second; replaced whole, so a reader sees a consistent set. */
    private record Canned(long second, byte[] hello, byte[] helloClose, byte[] notFound, byte[] notFoundClose) {}

    // volatile: written by whichever thread first sees a new second, read by every connection; a stale read
    // only means a Date one second old
    private static volatile Canned canned = build(System.currentTimeMillis() / 1000);

    private static Canned build(long second) {
        String date = IMF.format(ZonedDateTime.ofInstant(java.time.Instant.ofEpochSecond(second), ZoneOffset.UTC));
        return new Canned(second, response("200 OK", "hello\n", date, false), response("200 OK", "hello\n", date, true),
                response("404 Not Found", "", date, false), response("404 Not Found", "", date, true));
    }

    private static byte[] response(String status, String body, String date, boolean close) {
        String head = "HTTP/1.1 " + status + "\r\nDate: " + date + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length() + "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n";
        return (head + body).getBytes(StandardCharsets.US_ASCII);
    }

    /** The fixed handler: the whole response for req, Date included. */
    static byte[] respond(Request req) {
        Canned c = canned;
        long now = System.currentTimeMillis() / 1000;
        if (now != c.second()) {
            c = build(now);
            canned = c;
        }
        if (req.hello) return req.close ? c.helloClose() : c.hello();
        return req.close ? c.notFoundClose() : c.notFound();
    }
}
