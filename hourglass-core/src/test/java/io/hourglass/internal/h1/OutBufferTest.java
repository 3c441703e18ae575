package io.hourglass.internal.h1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** OutBuffer: what reaches the sink, in order, and when. */
class OutBufferTest {
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private int sinkWrites;
    private final Sink sink = (b, off, len) -> {
        sinkWrites++;
        sent.write(b, off, len);
    };

    private String sent() {
        return sent.toString(StandardCharsets.ISO_8859_1);
    }

    private String buffered(OutBuffer out) {
        return new String(out.bufferedBytes(), StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0, 0",
        "7, 7",
        "10, 10",
        "9, 9",
        "99, 99",
        "100, 100",
        "200, 200",
        "999, 999",
        "1000, 1000",
        "9999, 9999",
        "10000, 10000",
        "99999, 99999",
        "100000, 100000",
        "1234567890, 1234567890",
        "9223372036854775807, 9223372036854775807",
    })
    void writesDecimal(long value, String expected) throws IOException {
        OutBuffer out = new OutBuffer(sink, 64);

        out.writeDecimal(value);

        assertThat(buffered(out)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0, 0",
        "1, 1",
        "10, a",
        "15, f",
        "16, 10",
        "255, ff",
        "4096, 1000",
        "48879, beef",
        "9223372036854775807, 7fffffffffffffff",
    })
    void writesLowerCaseHexWithoutLeadingZeros(long value, String expected) throws IOException {
        OutBuffer out = new OutBuffer(sink, 64);

        out.writeHex(value);

        assertThat(buffered(out)).isEqualTo(expected);
    }

    @Test
    void writesAsciiAndLatin1() throws IOException {
        OutBuffer out = new OutBuffer(sink, 64);

        out.writeAscii("Host: caf\u00e9");
        out.writeCrlf();

        assertThat(out.buffered()).isEqualTo(12);
        assertThat(out.bufferedBytes()[9] & 0xff).isEqualTo(0xe9);
        assertThat(buffered(out)).isEqualTo("Host: caf\u00e9\r\n");
        assertThat(sinkWrites).isZero();
    }

    @Test
    void numbersThatDoNotFitFlushFirstAndKeepOrder() throws IOException {
        OutBuffer out = new OutBuffer(sink, 24);
        out.writeAscii("0123456789");

        out.writeDecimal(Long.MAX_VALUE); // needs 20 bytes of room: flush, then write
        out.writeHex(Long.MAX_VALUE);     // needs 16
        out.flush();

        assertThat(sent()).isEqualTo("0123456789" + Long.MAX_VALUE + "7fffffffffffffff");
    }

    @Test
    void asciiLongerThanTheBufferGoesStraightToTheSinkAfterWhatWasBuffered() throws IOException {
        OutBuffer out = new OutBuffer(sink, 16);
        String big = "x".repeat(40);

        out.writeAscii("head:");
        out.writeAscii(big);
        out.writeAscii(":tail");
        out.flush();

        assertThat(sent()).isEqualTo("head:" + big + ":tail");
        assertThat(sinkWrites).isEqualTo(3);
    }

    @Test
    void asciiThatDoesNotFitFlushesThenBuffers() throws IOException {
        OutBuffer out = new OutBuffer(sink, 16);

        out.writeAscii("0123456789");
        out.writeAscii("abcdefghij");

        assertThat(sent()).isEqualTo("0123456789");
        assertThat(buffered(out)).isEqualTo("abcdefghij");
    }

    @Test
    void largeByteWritesBypassTheBuffer() throws IOException {
        OutBuffer out = new OutBuffer(sink, 16);
        byte[] big = "y".repeat(12).getBytes(StandardCharsets.ISO_8859_1);

        out.write(Wire.bytes("abcdefgh"));
        out.write(big); // does not fit, at least half the buffer: flush then send as is
        out.write(Wire.bytes("z"));

        assertThat(sent()).isEqualTo("abcdefgh" + "y".repeat(12));
        assertThat(buffered(out)).isEqualTo("z");
        assertThat(sinkWrites).isEqualTo(2);
    }

    @Test
    void smallByteWriteThatDoesNotFitIsBuffered() throws IOException {
        OutBuffer out = new OutBuffer(sink, 16);

        out.write(Wire.bytes("0123456789abc"));
        out.write(Wire.bytes("ABCDEF"), 1, 4);

        assertThat(sent()).isEqualTo("0123456789abc");
        assertThat(buffered(out)).isEqualTo("BCDE");
    }

    @Test
    void byteAndCrlfFlushWhenFull() throws IOException {
        OutBuffer out = new OutBuffer(sink, 4);

        out.writeAscii("abc");
        out.writeCrlf();
        for (char c : "defg".toCharArray()) {
            out.writeByte(c);
        }
        out.writeByte('h');
        out.flush();

        assertThat(sent()).isEqualTo("abc\r\ndefgh");
    }

    @Test
    void flushOfNothingDoesNotWrite() throws IOException {
        OutBuffer out = new OutBuffer(sink, 16);

        out.flush();

        assertThat(sinkWrites).isZero();
    }

    @Test
    void discardDropsBufferedBytes() throws IOException {
        OutBuffer out = new OutBuffer(sink, 16);
        out.writeAscii("HTTP/1.1 200 OK");

        out.discard();
        out.writeAscii("HTTP/1.1 500");
        out.flush();

        assertThat(sent()).isEqualTo("HTTP/1.1 500");
    }

    @Test
    void writesAChunkedBodyFrame() throws IOException {
        OutBuffer out = new OutBuffer(sink, 64);

        out.writeHex(26);
        out.writeCrlf();
        out.writeAscii("abcdefghijklmnopqrstuvwxyz");
        out.writeCrlf();
        out.writeHex(0);
        out.writeCrlf();
        out.writeCrlf();
        out.flush();

        BodyIn body = BodyIn.chunked(Wire.buffer(sent()), Wire.parser());
        assertThat(Wire.readAll(body)).isEqualTo("abcdefghijklmnopqrstuvwxyz");
    }

    @Test
    void holdsNoArrayBeforeTheFirstWriteNorAfterRelease() throws IOException {
        OutBuffer out = new OutBuffer(sink, OutBuffer.POOLED_SIZE);
        assertThat(out.holdsArray()).isFalse();

        out.writeAscii("HTTP/1.1 200 OK\r\n");
        assertThat(out.holdsArray()).isTrue();
        assertThat(out.release()).as("release with bytes not yet flushed").isFalse();
        assertThat(out.holdsArray()).isTrue();

        out.flush();
        assertThat(out.release()).isTrue();
        assertThat(out.holdsArray()).isFalse();

        out.writeAscii("again");  // takes an array (from the pool) again
        out.flush();
        assertThat(sent()).isEqualTo("HTTP/1.1 200 OK\r\nagain");
    }

    @Test
    void aSmallArrayServesSmallWritesAndHandsOverToAFullOneWithoutAnExtraFlush() throws IOException {
        OutBuffer out = new OutBuffer(sink, OutBuffer.POOLED_SIZE, 32);
        out.writeAscii("HTTP/1.1 200 OK\r\n");
        byte[] small = out.heldArray();
        assertThat(small).hasSize(32);
        out.flush();
        assertThat(out.release()).isTrue();
        out.writeAscii("0123456789");
        assertThat(out.heldArray()).as("the same small array, kept").isSameAs(small);

        // outgrowing it: what was written so far moves along, and nothing is sent before the flush
        out.writeAscii("x".repeat(30));
        out.writeDecimal(1234567890123L);
        out.writeCrlf();
        out.write("y".repeat(100).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(out.heldArray()).hasSize(OutBuffer.POOLED_SIZE);
        assertThat(sent()).isEqualTo("HTTP/1.1 200 OK\r\n");
        out.flush();
        assertThat(sent()).isEqualTo("HTTP/1.1 200 OK\r\n0123456789" + "x".repeat(30) + "1234567890123\r\n"
                + "y".repeat(100));

        assertThat(out.release()).isTrue();
        assertThat(out.holdsArray()).isFalse();
        out.writeByte('z');
        assertThat(out.heldArray()).as("back to the small array").isSameAs(small);
    }

    @Test
    void aWriteLargerThanTheFullArrayStillGoesOutWhole() throws IOException {
        OutBuffer out = new OutBuffer(sink, 64, 16);
        out.writeAscii("head:");
        out.write("b".repeat(200).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.writeAscii("a".repeat(100));
        out.flush();
        assertThat(sent()).isEqualTo("head:" + "b".repeat(200) + "a".repeat(100));
    }

    @Test
    void aReleasedArrayIsReusedCleanByTheNextBuffer() throws IOException {
        OutBuffer a = new OutBuffer(sink, OutBuffer.POOLED_SIZE);
        a.writeAscii("x".repeat(100));
        a.flush();
        a.release();
        OutBuffer b = new OutBuffer(sink, OutBuffer.POOLED_SIZE);
        b.writeAscii("yz");
        assertThat(buffered(b)).isEqualTo("yz");
    }

    @Test
    void noArrayIsHeldByTwoBuffersAtOnce() throws Exception {
        // Two threads, many buffers each (more than the pool's probe window, so they meet on slots), take and
        // release arrays as keep-alive connections do; an array seen held by two buffers at once is a bug.
        Map<byte[], OutBuffer> holders = new IdentityHashMap<>();
        AtomicReference<String> problem = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                List<OutBuffer> mine = new ArrayList<>();
                for (int i = 0; i < 64; i++) {
                    mine.add(new OutBuffer((b, off, len) -> { }, OutBuffer.POOLED_SIZE));
                }
                try {
                    start.await();
                    for (int round = 0; round < 2_000; round++) {
                        for (OutBuffer o : mine) {
                            o.writeByte('x');
                            byte[] a = o.heldArray();
                            synchronized (holders) {
                                OutBuffer other = holders.putIfAbsent(a, o);
                                if (other != null && other != o) {
                                    problem.compareAndSet(null, "one array held by two buffers");
                                }
                            }
                            o.flush();
                            synchronized (holders) {
                                holders.remove(a);
                            }
                            o.release();
                        }
                    }
                } catch (Exception e) {
                    problem.compareAndSet(null, e.toString());
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(problem.get()).isNull();
    }
}
