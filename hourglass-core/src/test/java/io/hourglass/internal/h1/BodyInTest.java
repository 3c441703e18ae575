package io.hourglass.internal.h1;

import static io.hourglass.internal.h1.Wire.buffer;
import static io.hourglass.internal.h1.Wire.bytes;
import static io.hourglass.internal.h1.Wire.readAll;
import static io.hourglass.internal.h1.Wire.rest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Content-Length and until-close bodies, and what every BodyIn shares. */
class BodyInTest {

    @ParameterizedTest(name = "fragments of {0}")
    @ValueSource(ints = {1, 2, 4096})
    void readsExactlyContentLengthBytes(int fragment) throws IOException {
        InBuffer in = buffer("helloNEXT", fragment);
        BodyIn body = BodyIn.length(in, 5);

        assertThat(readAll(body)).isEqualTo("hello");
        assertThat(body.isComplete()).isTrue();
        assertThat(body.delivered()).isEqualTo(5);
        assertThat(body.read()).isEqualTo(-1);
        if (fragment == 4096) {
            assertThat(rest(in)).isEqualTo("NEXT");
        }
        assertThat(readAll(BodyIn.untilClose(in))).isEqualTo("NEXT");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hello", "5\r\nhello\r\n0\r\nX: 1\r\n\r\n"})
    void neverAsksTheSourceForBytesPastTheBody(String wire) throws IOException {
        // a peer that sent one body and waits for the answer has nothing more to give: asking would block
        for (int fragment : new int[] {1, 3, 4096}) {
            Wire.Fragments served = new Wire.Fragments(bytes(wire), fragment);
            Source strict = (b, off, len) -> {
                if (served.served() == wire.length()) {
                    throw new AssertionError("read past the end of the body");
                }
                return served.read(b, off, len);
            };
            InBuffer in = buffer(strict);
            BodyIn body = wire.equals("hello") ? BodyIn.length(in, 5) : BodyIn.chunked(in, Wire.parser());

            assertThat(readAll(body)).isEqualTo("hello");
            assertThat(body.isComplete()).isTrue();
        }
    }

    @Test
    void readsLargeBodyDirectlyWithoutTakingTheNextRequest() throws IOException {
        // a read at least as large as the buffer bypasses it; the length still caps what is taken
        String data = "b".repeat(20_000);
        String next = "GET /next HTTP/1.1\r\nHost: h\r\n\r\n";
        InBuffer in = buffer(data + next, 7000);
        BodyIn body = BodyIn.length(in, data.length());

        byte[] b = new byte[64 * 1024];
        StringBuilder sb = new StringBuilder();
        int n;
        while ((n = body.read(b, 0, b.length)) >= 0) {
            sb.append(Wire.text(b, 0, n));
        }

        assertThat(sb.toString()).isEqualTo(data);
        assertThat(Wire.request(in).target).isEqualTo("/next");
    }

    @ParameterizedTest(name = "fragments of {0}")
    @ValueSource(ints = {1, 4096})
    void failsWithEndOfStreamWhenContentLengthBodyIsCut(int fragment) {
        BodyIn body = BodyIn.length(buffer("hel", fragment), 5);

        assertThatThrownBy(() -> readAll(body)).isExactlyInstanceOf(EOFException.class);
        assertThat(body.delivered()).isEqualTo(3);
        assertThat(body.isComplete()).isFalse();
    }

    @Test
    void emptyBodyEndsAtOnce() throws IOException {
        BodyIn body = BodyIn.empty(buffer((b, off, len) -> {
            throw new AssertionError("an empty body must not read");
        }));

        assertThat(body.isComplete()).isTrue();
        assertThat(body.read()).isEqualTo(-1);
        assertThat(body.read(new byte[4], 0, 4)).isEqualTo(-1);
        assertThat(body.drain(0)).isTrue();
    }

    @Test
    void drainReadsTheRestWithinBudget() throws IOException {
        InBuffer in = buffer("0123456789NEXT");
        BodyIn body = BodyIn.length(in, 10);
        assertThat(body.read()).isEqualTo('0');

        assertThat(body.drain(100)).isTrue();

        assertThat(body.isComplete()).isTrue();
        assertThat(body.delivered()).isEqualTo(10);
        assertThat(rest(in)).isEqualTo("NEXT");
    }

    @Test
    void drainWithExactBudgetCompletes() throws IOException {
        BodyIn body = BodyIn.length(buffer("0123456789"), 10);

        assertThat(body.drain(10)).isTrue();
    }

    @Test
    void drainStopsAtBudgetAndReportsIncomplete() throws IOException {
        InBuffer in = buffer("0123456789NEXT");
        BodyIn body = BodyIn.length(in, 10);

        assertThat(body.drain(4)).isFalse();

        assertThat(body.delivered()).isEqualTo(4);
        assertThat(body.isComplete()).isFalse();
        assertThat(rest(in)).isEqualTo("456789NEXT");
        assertThat(body.drain(6)).isTrue();
        assertThat(rest(in)).isEqualTo("NEXT");
    }

    @Test
    void drainWithZeroBudgetReadsNothing() throws IOException {
        InBuffer in = buffer("0123456789");
        BodyIn body = BodyIn.length(in, 10);

        assertThat(body.drain(0)).isFalse();
        assertThat(body.delivered()).isZero();
    }

    @Test
    void drainOfChunkedBodyConsumesTrailers() throws IOException {
        InBuffer in = buffer("3\r\nabc\r\n4\r\ndefg\r\n0\r\nX-T: 1\r\n\r\nNEXT");
        BodyIn body = BodyIn.chunked(in, Wire.parser());

        assertThat(body.drain(1000)).isTrue();

        assertThat(body.delivered()).isEqualTo(7);
        assertThat(body.trailers().first("X-T")).isEqualTo("1");
        assertThat(rest(in)).isEqualTo("NEXT");
    }

    @Test
    void drainPropagatesEndOfStream() {
        BodyIn body = BodyIn.length(buffer("012"), 10);

        assertThatThrownBy(() -> body.drain(100)).isExactlyInstanceOf(EOFException.class);
    }

    @ParameterizedTest(name = "fragments of {0}")
    @ValueSource(ints = {1, 4096})
    void untilCloseBodyReadsToEndOfStream(int fragment) throws IOException {
        BodyIn body = BodyIn.untilClose(buffer("all of it, however long", fragment));

        assertThat(body.isComplete()).isFalse();
        assertThat(readAll(body)).isEqualTo("all of it, however long");
        assertThat(body.isComplete()).isTrue();
        assertThat(body.delivered()).isEqualTo(23);
    }

    @Test
    void untilCloseBodyDrainsToEndOfStream() throws IOException {
        BodyIn body = BodyIn.untilClose(buffer("x".repeat(10_000), 999));

        assertThat(body.drain(1 << 20)).isTrue();
        assertThat(body.delivered()).isEqualTo(10_000);
    }

    @Test
    void beforeFirstReadRunsOnceBeforeTheFirstRead() throws IOException {
        AtomicInteger runs = new AtomicInteger();
        Wire.Fragments src = new Wire.Fragments(bytes("hello"), 1);
        BodyIn body = BodyIn.length(buffer(src), 5);
        body.beforeFirstRead(() -> {
            assertThat(src.served()).isZero(); // e.g. 100 Continue goes out before the client sends the body
            runs.incrementAndGet();
        });

        assertThat(runs).hasValue(0);
        assertThat(readAll(body)).isEqualTo("hello");
        assertThat(runs).hasValue(1);
    }

    @Test
    void beforeFirstReadDoesNotRunForACompleteBody() throws IOException {
        AtomicInteger runs = new AtomicInteger();
        BodyIn body = BodyIn.empty(buffer(""));
        body.beforeFirstRead(runs::incrementAndGet);

        assertThat(body.read()).isEqualTo(-1);
        assertThat(runs).hasValue(0);
    }

    @Test
    void zeroLengthReadReturnsZeroUntilComplete() throws IOException {
        BodyIn body = BodyIn.length(buffer("ab"), 2);

        assertThat(body.read(new byte[1], 0, 0)).isZero();
        readAll(body);
        assertThat(body.read(new byte[1], 0, 0)).isEqualTo(-1);
    }

    @Test
    void closeLeavesTheRestUnreadAndLaterReadsFail() throws IOException {
        InBuffer in = buffer("helloNEXT");
        in.fill();
        BodyIn body = BodyIn.length(in, 5);
        body.close();

        assertThat(body.isClosed()).isTrue();
        assertThat(body.isComplete()).isFalse();
        assertThat(rest(in)).isEqualTo("helloNEXT");
        assertThatThrownBy(body::read).isInstanceOf(IOException.class).hasMessageContaining("closed");
    }

    @Test
    void availableIsBoundedByTheBody() throws IOException {
        InBuffer in = buffer("helloNEXT");
        in.fill();
        BodyIn body = BodyIn.length(in, 5);

        assertThat(body.available()).isEqualTo(5);
        assertThat(body.read()).isEqualTo('h');
        assertThat(body.available()).isEqualTo(4);
    }

    @Test
    void rejectsReadOutsideTheArray() {
        BodyIn body = BodyIn.length(buffer("hello"), 5);

        assertThatThrownBy(() -> body.read(new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
