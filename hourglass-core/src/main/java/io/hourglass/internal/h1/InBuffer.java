package io.hourglass.internal.h1;

import java.io.IOException;
import java.util.Arrays;

/**
 * The read buffer of one connection: bytes received but not yet consumed are {@code buf[pos, lim)}.
 * Heads are parsed in place; bodies are read through it, so bytes of a pipelined next message that arrive
 * with the current one stay here and are never lost.
 */
public final class InBuffer {
    public byte[] buf;
    public int pos;
    public int lim;
    private final Source src;
    private final int maxSize;

    public InBuffer(Source src, int initialSize, int maxSize) {
        this.src = src;
        this.buf = new byte[initialSize];
        this.maxSize = Math.max(initialSize, maxSize);
    }

    public int available() {
        return lim - pos;
    }

    /**
     * Reads more bytes from the source after {@code lim}, moving the unconsumed bytes to the front or
     * growing the buffer (up to its maximum size) when there is no room. Returns the count read, or -1 at
     * end of stream; 0 only when the buffer is full at its maximum size.
     */
    public int fill() throws IOException {
        if (lim == buf.length) {
            if (pos > 0) {
                compact();
            } else if (buf.length < maxSize) {
                buf = Arrays.copyOf(buf, Math.min(maxSize, buf.length * 2));
            } else {
                return 0;
            }
        }
        int n = src.read(buf, lim, buf.length - lim);
        if (n > 0) {
            lim += n;
        }
        return n;
    }

    /** Moves the unconsumed bytes to the front of the buffer. */
    public void compact() {
        int n = lim - pos;
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, n);
            pos = 0;
            lim = n;
        }
    }

    /** When empty, rewinds to the front so the next fill has the whole buffer. */
    public void rewindIfEmpty() {
        if (pos == lim) {
            pos = 0;
            lim = 0;
        }
    }

    /**
     * Reads up to {@code len} bytes, from the buffer first; when it is empty, reads the source directly into
     * {@code b} for large reads. Returns -1 at end of stream.
     */
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int avail = lim - pos;
        if (avail == 0) {
            if (len >= buf.length) {
                return src.read(b, off, len);
            }
            pos = 0;
            lim = 0;
            int n = fill();
            if (n < 0) {
                return -1;
            }
            avail = lim - pos;
        }
        int n = Math.min(avail, len);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    /** Reads one byte, or -1 at end of stream. */
    public int readByte() throws IOException {
        if (pos == lim) {
            pos = 0;
            lim = 0;
            if (fill() < 0) {
                return -1;
            }
        }
        return buf[pos++] & 0xff;
    }

    /** Shrinks a buffer that grew for a large head back to {@code size} when it holds nothing. */
    public void shrink(int size) {
        if (buf.length > size && pos == lim) {
            buf = new byte[size];
            pos = 0;
            lim = 0;
        }
    }
}
