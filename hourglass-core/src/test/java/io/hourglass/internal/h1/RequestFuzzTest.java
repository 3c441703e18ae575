package io.hourglass.internal.h1;

import io.hourglass.http.Headers;
import java.util.Set;

/**
 * Fuzz target: the server's request path over one connection's bytes, as {@code ServerConn} drives it:
 * {@link H1Parser#readRequestHead} (its one-pass parse when a head arrives whole, the general path when it comes in
 * pieces, so the whole-versus-fragments comparison also holds the two paths to one answer), then the body it framed (fixed length or
 * chunked, trailers included) read to its end, then the next pipelined request while the connection is
 * keep-alive. Limits are the server's defaults (16 KiB head, 100 fields). Besides {@link FuzzRun}'s
 * invariants: an accepted head has a token method, a target without spaces or controls, HTTP/1.0 or 1.1,
 * one framing, and fields that pass {@code Headers}' own validation; a body delivers exactly its length.
 *
 * <p>The two runs may answer a rejected input with different statuses (a head over the limit that also has
 * a bare LF past the limit is 400 when it arrives at once and 431 when it trickles in); both reject it.
 */
class RequestFuzzTest {
    static final int MAX_HEAD = 16 * 1024;
    static final int MAX_FIELDS = 100;
    private static final Set<Integer> STATUSES = Set.of(400, 414, 431, 501, 505);

    @CodecFuzzTest
    void requests(byte[] input) throws Exception {
        FuzzRun.run(input, STATUSES, RequestFuzzTest::serve);
    }

    private static void serve(FuzzRun.Feed feed) throws Exception {
        H1Parser parser = new H1Parser(MAX_HEAD, MAX_FIELDS);
        InBuffer in = new InBuffer(feed, 2048, MAX_HEAD + 4096);
        RequestHead h = new RequestHead();
        byte[] scratch = new byte[1000];
        while (true) {
            in.rewindIfEmpty();
            int end = parser.readRequestHead(in, null, h);
            if (end < 0) {
                return;
            }
            in.pos = end;
            checkHead(h);
            BodyIn body = h.chunked ? BodyIn.chunked(in, parser)
                    : h.contentLength > 0 ? BodyIn.length(in, h.contentLength) : BodyIn.empty(in);
            long n = FuzzRun.readAll(body, scratch);
            if (!h.chunked) {
                FuzzRun.check(n == h.contentLength, "a fixed-length body delivers its length");
            }
            FuzzRun.checkFields(body.trailers(), MAX_FIELDS);
            FuzzRun.check(in.buf.length <= MAX_HEAD + 4096, "the read buffer stays within its limit");
            feed.outcome.append(h.method).append(' ').append(h.target).append(' ').append(h.version)
                    .append(" body ").append(n).append(" trailers ").append(body.trailers().size()).append('\n');
            if (!h.keepAlive) {
                return;
            }
        }
    }

    private static void checkHead(RequestHead h) {
        FuzzRun.check(h.headBytes >= 1 && h.headBytes <= MAX_HEAD, "a head within the limit");
        FuzzRun.check(!h.method.isEmpty() && h.method.chars().allMatch(Headers::isTokenChar), "the method is a token");
        FuzzRun.check(!h.target.isEmpty() && h.target.chars().allMatch(c -> c > 0x20 && c < 0x7f),
                "the target is visible ASCII");
        FuzzRun.check(h.version == 10 || h.version == 11, "HTTP/1.0 or 1.1");
        FuzzRun.check(h.chunked ? h.contentLength == -1 : h.contentLength >= 0, "one framing");
        FuzzRun.checkFields(h.headers, MAX_FIELDS);
    }
}
