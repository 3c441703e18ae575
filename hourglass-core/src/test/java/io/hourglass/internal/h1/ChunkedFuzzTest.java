package io.hourglass.internal.h1;

import java.util.Set;

/**
 * Fuzz target: a chunked body (RFC 9112 section 7.1) with its trailer section, read from a connection's
 * buffer by {@link BodyIn#chunked} with the server's limits. Besides {@link FuzzRun}'s invariants: the body
 * never delivers more bytes than arrived, never consumes a byte past its last CRLF (what follows is the next
 * message's), and its trailer fields pass {@code Headers}' own validation.
 */
class ChunkedFuzzTest {
    private static final Set<Integer> STATUSES = Set.of(400, 431);

    @CodecFuzzTest
    void chunked(byte[] input) throws Exception {
        FuzzRun.run(input, STATUSES, feed -> {
            InBuffer in = new InBuffer(feed, 2048, RequestFuzzTest.MAX_HEAD + 4096);
            BodyIn body = BodyIn.chunked(in, new H1Parser(RequestFuzzTest.MAX_HEAD, RequestFuzzTest.MAX_FIELDS));
            long n = FuzzRun.readAll(body, new byte[1000]);
            FuzzRun.check(n <= input.length, "no more content than bytes arrived");
            FuzzRun.checkFields(body.trailers(), RequestFuzzTest.MAX_FIELDS);
            // what is left in the buffer is what came after the body: the input up to the bytes served so far
            int bodyEnd = feed.served() - in.available();
            FuzzRun.check(java.util.Arrays.equals(in.buf, in.pos, in.lim, input, bodyEnd, bodyEnd + in.available()),
                    "the bytes after the body are left as they came");
            feed.outcome.append("body ").append(n).append(" trailers ").append(body.trailers().size()).append('\n');
        });
    }
}
