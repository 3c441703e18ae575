package io.hourglass.internal.h1;

import java.io.IOException;

/** The write buffer of one connection: heads and small body writes collect here until a flush. */
public final class OutBuffer {
    public final byte[] buf;
    public int len;
    private final Sink sink;

    public OutBuffer(Sink sink, int size) {
        this.sink = sink;
        this.buf = new byte[size];
    }

    public void write(byte[] b, int off, int n) throws IOException {
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
        if (len == buf.length) {
            flush();
        }
        buf[len++] = (byte) c;
    }

    /** Appends a Latin-1 string (callers have validated it). */
    public void writeAscii(String s) throws IOException {
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
        if (buf.length - len < 2) {
            flush();
        }
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    /** Appends a non-negative decimal number. */
    public void writeDecimal(long v) throws IOException {
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
