package io.hourglass.client;

import io.hourglass.internal.io.BlockInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The bytes a client's TLS layer reads from its socket, read ahead into a small buffer, with the first five
 * kept (see {@link ClientTls.Sniffing}).
 *
 * <p><b>Why a buffer.</b> The JDK's SSLSocket reads a record's 5-byte header, then the rest of the record,
 * from the stream below it, each a read of the socket: two system calls per record (three or four when the
 * first one finds nothing yet and waits). An HTTP/2 response that fits in one record (a small one) costs
 * them all; at many concurrent streams, one read here takes the many records that arrived together. The TLS
 * layer is the only reader (it reads under its own lock, one thread at a time), so this class takes no lock.
 * A read that asks for as much as the buffer holds, or more, and finds it empty goes straight to the socket:
 * a large record's body is not copied twice. Deadlines and errors are the socket's: the one read that waits
 * is the socket's own (a read deadline that shuts the input down ends it with end-of-stream, as before).
 *
 * <p>Memory: {@value #BUFFER} bytes per TLS connection, allocated at its first read and kept for its life.
 */
final class TlsInput extends BlockInputStream {
    /** Room for dozens of small records; a larger read bypasses it. */
    static final int BUFFER = 8 * 1024;

    private final InputStream in;
    private final byte[] first = new byte[5];
    private int kept;                  // bytes of first[] filled
    private byte[] buf;                // allocated at the first read
    private int pos, lim;              // buf[pos, lim) not read yet

    TlsInput(InputStream in) {
        this.in = in;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n;
        if (pos < lim) {
            n = Math.min(len, lim - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
        } else if (len >= BUFFER) {
            n = in.read(b, off, len);
        } else {
            if (buf == null) {
                buf = new byte[BUFFER];
            }
            int got = in.read(buf, 0, BUFFER);
            if (got <= 0) {
                return got;
            }
            lim = got;
            n = Math.min(len, got);
            System.arraycopy(buf, 0, b, off, n);
            pos = n;
        }
        keep(b, off, n);
        return n;
    }

    private void keep(byte[] b, int off, int n) {
        for (int i = 0; i < n && kept < first.length; i++) {
            first[kept++] = b[off + i];
        }
    }

    /** What is buffered, and what the socket has: the TLS layer asks when it drains the input at close. */
    @Override
    public int available() throws IOException {
        return (lim - pos) + in.available();
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        if (pos < lim) {
            int k = (int) Math.min(n, lim - pos);
            pos += k;
            return k;
        }
        return in.skip(n);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Whether the first bytes read were an HTTP/1.x status line's start: a plain-HTTP server. */
    boolean plainHttp() {
        return kept == first.length && first().equals("HTTP/");
    }

    /** The first bytes read (up to five), as text. */
    String first() {
        return new String(first, 0, kept, StandardCharsets.ISO_8859_1);
    }
}
