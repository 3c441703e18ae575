package io.hourglass.internal.h1;

import java.io.IOException;

/**
 * The write buffer of one connection: heads and small body writes collect here until a flush.
 *
 * <p>The array is taken on the first write and can be handed back with {@link #release()} once everything
 * is flushed, so that a connection waiting for its next request holds no write buffer: arrays of the
 * {@linkplain #POOLED_SIZE pooled size} go to a small JVM-wide pool that the next response takes them from.
 */
public final class OutBuffer {
    /** The buffer size that is pooled; buffers of other sizes are simply dropped on release. */
    public static final int POOLED_SIZE = 8192;
    private static final int POOL_CAPACITY = 256; // at most 2 MiB kept for reuse
    private static final byte[][] POOL = new byte[POOL_CAPACITY][]; // guarded by POOL
    private static int pooled;                                         // guarded by POOL

    private byte[] buf;
    private int len;
    private final int size;
    private final Sink sink;

    public OutBuffer(Sink sink, int size) {
        this.sink = sink;
        this.size = size;
    }

    private byte[] buf() {
        byte[] b = buf;
        return b != null ? b : (buf = take(size));
    }

    /**
     * Gives the array back to the pool when nothing is buffered; the next write takes one again. Returns
     * whether the buffer is now released.
     */
    public boolean release() {
        byte[] b = buf;
        if (b == null) {
            return true;
        }
        if (len != 0) {
            return false;
        }
        buf = null;
        if (b.length == POOLED_SIZE) {
            synchronized (POOL) {
                if (pooled < POOL_CAPACITY) {
                    POOL[pooled++] = b;
                }
            }
        }
        return true;
    }

    /** A copy of what is buffered (for tests). */
    byte[] bufferedBytes() {
        return buf == null ? new byte[0] : java.util.Arrays.copyOf(buf, len);
    }

    /** Whether this buffer holds an array now (for tests). */
    boolean holdsArray() {
        return buf != null;
    }

    /** The array it holds now, or null (for tests: which array went where). */
    byte[] heldArray() {
        return buf;
    }

    private static byte[] take(int size) {
        if (size == POOLED_SIZE) {
            synchronized (POOL) {
                if (pooled > 0) {
                    byte[] b = POOL[--pooled];
                    POOL[pooled] = null;
                    return b;
                }
            }
        }
        return new byte[size];
    }

    public void write(byte[] b, int off, int n) throws IOException {
        byte[] buf = buf();
        if (n <= buf.length - len) {
            System.arraycopy(b, off, buf, len, n);
            len += n;
            return;
        }
        flush();
        if (n >= buf.length / 2) {
            sink.write(b, off, n);
        } else {
            System.arraycopy(b, off, buf, 0, n);
            len = n;
        }
    }

    public void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    public void writeByte(int c) throws IOException {
        byte[] buf = buf();
        if (len == buf.length) {
            flush();
        }
        buf[len++] = (byte) c;
    }

    /** Appends a Latin-1 string (callers have validated it). */
    public void writeAscii(String s) throws IOException {
        byte[] buf = buf();
        int n = s.length();
        if (n > buf.length - len) {
            flush();
            if (n > buf.length) {
                byte[] b = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                sink.write(b, 0, b.length);
                return;
            }
        }
        s.getBytes(0, n, buf, len); // Latin-1 copy without an intermediate array
        len += n;
    }

    public void writeCrlf() throws IOException {
        byte[] buf = buf();
        if (buf.length - len < 2) {
            flush();
        }
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    /** Appends a non-negative decimal number. */
    public void writeDecimal(long v) throws IOException {
        byte[] buf = buf();
        if (buf.length - len < 20) {
            flush();
        }
        if (v == 0) {
            buf[len++] = '0';
            return;
        }
        int digits = 0;
        for (long t = v; t > 0; t /= 10) digits++;
        int p = len + digits;
        for (long t = v; t > 0; t /= 10) buf[--p] = (byte) ('0' + (t % 10));
        len += digits;
    }

    /** Appends a non-negative hexadecimal number (chunk sizes). */
    public void writeHex(long v) throws IOException {
        byte[] buf = buf();
        if (buf.length - len < 16) {
            flush();
        }
        if (v == 0) {
            buf[len++] = '0';
            return;
        }
        int digits = (64 - Long.numberOfLeadingZeros(v) + 3) / 4;
        for (int i = digits - 1; i >= 0; i--) {
            buf[len++] = HEX[(int) (v >>> (4 * i)) & 0xf];
        }
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Sends what is buffered. */
    public void flush() throws IOException {
        if (len > 0) {
            int n = len;
            len = 0;
            sink.write(buf, 0, n);
        }
    }

    public int buffered() {
        return len;
    }

    /** Drops what is buffered without sending it. */
    public void discard() {
        len = 0;
    }
}
