package io.hourglass.internal.h2;

import java.util.Arrays;

/**
 * A growable byte array reused across messages: the HPACK encoder's output, and the header block being
 * assembled from HEADERS and CONTINUATION fragments. Bytes are {@code buf[0, len)}.
 */
final class Bytes {
    byte[] buf;
    int len;

    Bytes(int capacity) {
        buf = new byte[capacity];
    }

    void clear() {
        len = 0;
    }

    /** Makes room for {@code n} more bytes. */
    void ensure(int n) {
        if (buf.length - len < n) {
            buf = Arrays.copyOf(buf, Math.max(len + n, buf.length * 2));
        }
    }

    void write(int b) {
        if (len == buf.length) {
            ensure(1);
        }
        buf[len++] = (byte) b;
    }

    void write(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    /** Appends the low byte of each char (the string is ISO-8859-1). */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int) is exactly the Latin-1 copy wanted
    void writeLatin1(String s) {
        int n = s.length();
        ensure(n);
        s.getBytes(0, n, buf, len); // Latin-1 copy without an intermediate array
        len += n;
    }

    /** Drops a buffer that grew past {@code size} (one large message should not pin its memory). */
    void shrink(int size) {
        if (buf.length > size && len <= size) {
            buf = Arrays.copyOf(buf, size);
        }
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }
}
