package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The read-ahead under a client's TLS layer: fewer reads of the socket, the same bytes, the first five kept. */
class TlsInputTest {
    /** A source that counts its reads and returns at most {@code chunk} bytes per read, as a socket may. */
    static final class Counting extends InputStream {
        final ByteArrayInputStream in;
        final int chunk;
        int reads;

        Counting(byte[] data, int chunk) {
            this.in = new ByteArrayInputStream(data);
            this.chunk = chunk;
        }

        @Override
        public int read() {
            reads++;
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            reads++;
            return in.read(b, off, Math.min(len, chunk));
        }

        @Override
        public int available() {
            return in.available();
        }

        @Override
        public long skip(long n) {
            return in.skip(n);
        }
    }

    /** Twenty small "records" read as the TLS layer does, a 5-byte header and then the rest of each. */
    @Test
    void recordsThatArriveTogetherCostOneSocketRead() throws IOException {
        byte[] data = new byte[20 * 100];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        Counting src = new Counting(data, 64 * 1024);
        TlsInput in = new TlsInput(src);
        byte[] got = new byte[data.length];
        for (int r = 0; r < 20; r++) {
            readFully(in, got, r * 100, 5);
            readFully(in, got, r * 100 + 5, 95);
        }
        assertThat(got).isEqualTo(data);
        assertThat(src.reads).isEqualTo(1); // 40 reads of the TLS layer, one of the socket
        assertThat(in.read(new byte[10], 0, 10)).isEqualTo(-1);
    }

    /** A large read with nothing buffered goes straight to the socket; what was buffered comes first. */
    @Test
    void largeReadsBypassTheBufferAndKeepTheOrder() throws IOException {
        byte[] data = new byte[3 * TlsInput.BUFFER];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        Counting src = new Counting(data, 1000); // the socket gives at most 1000 bytes per read
        TlsInput in = new TlsInput(src);
        byte[] got = new byte[data.length];
        readFully(in, got, 0, 5);                    // buffers the first 1000
        int n = in.read(got, 5, TlsInput.BUFFER * 2); // the 995 buffered ones, not more
        assertThat(n).isEqualTo(995);
        readFully(in, got, 1000, data.length - 1000);
        assertThat(got).isEqualTo(data);
    }

    /** available() and skip() see the buffered bytes: the TLS layer drains its input that way when it closes. */
    @Test
    void availableAndSkipCountTheBufferedBytes() throws IOException {
        byte[] data = "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        Counting src = new Counting(data, 10);
        TlsInput in = new TlsInput(src);
        assertThat(in.read()).isEqualTo('H');
        assertThat(in.available()).isEqualTo(data.length - 1); // 9 buffered, the rest still in the source
        assertThat(in.skip(100)).isEqualTo(9);
        assertThat(in.available()).isEqualTo(data.length - 10);
        assertThat(in.plainHttp()).isFalse(); // only one byte read so far
    }

    /** The first five bytes read are kept, to tell a plain-HTTP answer from a TLS failure. */
    @Test
    void keepsTheFirstFiveBytes() throws IOException {
        TlsInput in = new TlsInput(new Counting("HTTP/1.1 400 Bad Request".getBytes(StandardCharsets.ISO_8859_1), 3));
        byte[] b = new byte[5];
        readFully(in, b, 0, 5);
        assertThat(in.plainHttp()).isTrue();
        assertThat(in.first()).isEqualTo("HTTP/");

        TlsInput tls = new TlsInput(new Counting(new byte[] {0x16, 0x03, 0x03, 0x00, 0x7a, 1, 2}, 100));
        readFully(tls, b, 0, 5);
        assertThat(tls.plainHttp()).isFalse();
        assertThat(Arrays.copyOf(b, 5)).containsExactly(0x16, 0x03, 0x03, 0x00, 0x7a);
    }

    private static void readFully(InputStream in, byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = in.read(b, off, len);
            assertThat(n).as("bytes before the end").isPositive();
            off += n;
            len -= n;
        }
    }
}
