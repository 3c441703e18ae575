package io.hourglass.internal.h1;

import java.util.Set;

/**
 * Fuzz target: the client's response path over one connection's bytes, as {@code Exchange} drives it: heads
 * ({@link H1Parser#parseResponse}, interim 1xx heads skipped) and the body each one frames (length, chunked
 * or until close), while the connection stays keep-alive; once for a GET and once for a HEAD, whose
 * responses have no body. Limits are the client's (64 KiB head, 256 fields). Besides {@link FuzzRun}'s
 * invariants: an accepted head has a status of three digits from 100, a reason without controls, one framing
 * and fields that pass {@code Headers}' own validation.
 */
class ResponseFuzzTest {
    static final int MAX_HEAD = 64 * 1024;
    static final int MAX_FIELDS = 256;
    private static final Set<Integer> STATUSES = Set.of(400, 431, 502);

    @CodecFuzzTest
    void responses(byte[] input) throws Exception {
        FuzzRun.run(input, STATUSES, feed -> exchange(feed, "GET"));
        FuzzRun.run(input, STATUSES, feed -> exchange(feed, "HEAD"));
    }

    private static void exchange(FuzzRun.Feed feed, String method) throws Exception {
        H1Parser parser = H1Parser.forResponses(MAX_HEAD, MAX_FIELDS); // as the client makes it
        InBuffer in = new InBuffer(feed, 8192, MAX_HEAD);
        byte[] scratch = new byte[1000];
        while (true) {
            ResponseHead h = new ResponseHead();
            do {
                int end = parser.awaitHead(in, null);
                if (end < 0) {
                    return;
                }
                parser.parseResponse(in.buf, in.pos, end, method, h);
                in.pos = end;
                checkHead(h);
            } while (h.status / 100 == 1 && h.status != 101);
            BodyIn body = h.chunked ? BodyIn.chunked(in, parser)
                    : h.contentLength == ResponseHead.UNTIL_CLOSE ? BodyIn.untilClose(in)
                    : BodyIn.length(in, h.contentLength);
            long n = FuzzRun.readAll(body, scratch);
            if (h.contentLength >= 0) {
                FuzzRun.check(n == h.contentLength, "a fixed-length body delivers its length");
            }
            FuzzRun.checkFields(body.trailers(), MAX_FIELDS);
            FuzzRun.check(in.buf.length <= MAX_HEAD, "the read buffer stays within its limit");
            feed.outcome.append(h.status).append(" body ").append(n).append('\n');
            if (!h.keepAlive || h.status == 101) {
                return;
            }
        }
    }

    private static void checkHead(ResponseHead h) {
        FuzzRun.check(h.headBytes >= 1 && h.headBytes <= MAX_HEAD, "a head within the limit");
        FuzzRun.check(h.status >= 100 && h.status <= 999, "a three-digit status from 100");
        FuzzRun.check(h.version == 10 || h.version == 11, "HTTP/1.0 or 1.1");
        FuzzRun.check(h.reason.chars().noneMatch(c -> c == '\r' || c == '\n' || c == 0), "no CR, LF or NUL in the reason");
        FuzzRun.check(h.chunked ? h.contentLength == -1 : h.contentLength >= ResponseHead.UNTIL_CLOSE, "one framing");
        FuzzRun.checkFields(h.headers, MAX_FIELDS);
    }
}
