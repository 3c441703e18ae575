package io.hourglass.internal.h1;

import java.io.IOException;

/**
 * The write buffer of one connection: heads and small body writes collect here until a flush.
 *
 * <p>The array is taken on the first write and can be handed back with {@link #release()} once everything
 * is flushed, so that a connection waiting for its next request holds no write buffer: arrays of the
 * {@linkplain #POOLED_SIZE pooled size} go to a small JVM-wide pool that the next response takes them from.
 * A buffer made with a small array ({@link #OutBuffer(Sink, int, int)}) keeps that one for good and writes
 * into it first, taking a full-size array only for what outgrows it.
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
    // Kept for the buffer's whole life, or null: what is written goes here first, and only what outgrows it
    // takes an array of the full size (the bytes so far copied over). A server connection's small responses
    // (a head and a short body) then never touch the pool and its lock, which two carriers otherwise take
    // twice per keep-alive request (issue 17); it costs an idle connection these few hundred bytes.
    private final byte[] small;

    public OutBuffer(Sink sink, int size) {
        this(sink, size, 0);
    }

    /**
     * A buffer that keeps an array of {@code smallSize} bytes for good (0 for none), used until a response
     * outgrows it; {@code size} is the array taken (from the pool when it is {@link #POOLED_SIZE}) after that.
     */
    public OutBuffer(Sink sink, int size, int smallSize) {
        this.sink = sink;
        this.size = size;
        this.small = smallSize > 0 && smallSize < size ? new byte[smallSize] : null;
    }

    private byte[] buf() {
        byte[] b = buf;
        return b != null ? b : (buf = small != null ? small : take(size));
    }

    /**
     * The array with room for {@code n} more bytes: the small array moves to a full-size one when it has no
     * room (the bytes so far go with it, so one flush still sends them together); a full-size array is flushed.
     * Returns an array with less room only when {@code n} is more than a full-size array holds.
     */
    private byte[] room(int n) throws IOException {
        byte[] b = buf();
        if (b.length - len >= n) {
            return b;
        }
        if (b == small) {
            byte[] big = take(size);
            System.arraycopy(b, 0, big, 0, len);
            buf = big;
            if (big.length - len >= n) {
                return big;
            }
            b = big;
        }
        flush();
        return b;
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
        if (b != small && b.length == POOLED_SIZE) {
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

    /** Whether this buffer holds an array now, its small one (kept for good) apart (for tests). */
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
        if (buf == small) {
            buf = room(n); // the small array's bytes move to a full-size array (flushed if even that is short)
            if (n <= buf.length - len) {
                System.arraycopy(b, off, buf, len, n);
                len += n;
                return;
            }
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
        byte[] buf = room(1);
        buf[len++] = (byte) c;
    }

    /** Appends a Latin-1 string (callers have validated it). */
    public void writeAscii(String s) throws IOException {
        int n = s.length();
        byte[] buf = room(n);
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
        byte[] buf = room(2);
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    /** Appends a non-negative decimal number. */
    public void writeDecimal(long v) throws IOException {
        byte[] buf = room(20);
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
        byte[] buf = room(16);
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
