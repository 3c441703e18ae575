package io.hourglass.internal.h1;

import io.hourglass.http.Headers;
import io.hourglass.internal.io.BlockInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * A message body read from a connection's {@link InBuffer}: fixed length, chunked, or until the peer closes
 * (responses only). Reads never go past the body's end, so the next message's bytes stay in the buffer.
 *
 * <p>{@link #close()} does not consume the rest; the owner decides whether to drain it or to drop the
 * connection. A premature end of stream is an {@link EOFException}; a malformed chunk is an
 * {@link H1Exception} (400).
 */
public abstract class BodyIn extends BlockInputStream {
    protected final InBuffer in;
    /** Bytes of body content delivered so far (read by other threads for data-rate checks). */
    protected volatile long delivered;
    private Runnable beforeFirstRead;
    private boolean closed;

    BodyIn(InBuffer in) {
        this.in = in;
    }

    public static BodyIn empty(InBuffer in) {
        return new Length(in, 0);
    }

    public static BodyIn length(InBuffer in, long length) {
        return new Length(in, length);
    }

    public static BodyIn chunked(InBuffer in, H1Parser parser) {
        return new Chunked(in, parser);
    }

    public static BodyIn untilClose(InBuffer in) {
        return new UntilClose(in);
    }

    /** Runs once before the first read that needs bytes from the peer (sends 100 Continue). */
    public void beforeFirstRead(Runnable r) {
        this.beforeFirstRead = r;
    }

    /** Bytes of content delivered so far. */
    public long delivered() {
        return delivered;
    }

    /** Whether the whole body has been read (the terminating chunk and trailers included). */
    public abstract boolean isComplete();

    /**
     * Whether a failed read left the framing in an unknown state (a chunk-size line half read), so the rest
     * of the body cannot be drained and the connection cannot be reused.
     */
    public boolean isBroken() {
        return false;
    }

    /** Trailer fields of a chunked body, once complete; empty otherwise. */
    public Headers trailers() {
        return EMPTY;
    }

    private static final Headers EMPTY = new Headers(0);

    @Override
    public final int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("body stream closed");
        }
        if (len == 0 || isComplete()) {
            return isComplete() ? -1 : 0;
        }
        if (isBroken()) {
            // The failed read left the framing unknown: parsing on from there would read whatever follows (a
            // next request, say) as chunks, and a drain that then "completes" would let the connection be
            // reused out of step with the client. Every later read, drain() included, fails.
            throw new H1Exception(400, "the chunked framing broke in an earlier read; the rest cannot be read");
        }
        Runnable r = beforeFirstRead;
        if (r != null) {
            beforeFirstRead = null;
            r.run();
        }
        int n = readBody(b, off, len);
        if (n > 0) {
            delivered += n;
        }
        return n;
    }

    protected abstract int readBody(byte[] b, int off, int len) throws IOException;

    /**
     * Reads and discards the rest of the body, up to {@code maxBytes}; returns true when the body was
     * complete within that budget.
     */
    public boolean drain(long maxBytes) throws IOException {
        byte[] scratch = new byte[4096];
        long left = maxBytes;
        while (!isComplete()) {
            if (left <= 0) {
                return false;
            }
            int n = read(scratch, 0, (int) Math.min(scratch.length, left));
            if (n < 0) {
                break;
            }
            left -= n;
        }
        return isComplete();
    }

    @Override
    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    // ---- implementations ----

    static final class Length extends BodyIn {
        private long remaining;

        Length(InBuffer in, long length) {
            super(in);
            this.remaining = length;
        }

        @Override
        public boolean isComplete() {
            return remaining == 0;
        }

        @Override
        public int available() {
            return (int) Math.min(remaining, in.available());
        }

        @Override
        protected int readBody(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("connection closed with " + remaining + " bytes of the body still to come");
            }
            remaining -= n;
            return n;
        }
    }

    static final class UntilClose extends BodyIn {
        private boolean eof;

        UntilClose(InBuffer in) {
            super(in);
        }

        @Override
        public boolean isComplete() {
            return eof;
        }

        @Override
        protected int readBody(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) {
                eof = true;
            }
            return n;
        }
    }

    /** RFC 9112 section 7.1, strictly: hex sizes without overflow, CRLF after every line and chunk. */
    static final class Chunked extends BodyIn {
        private static final int MAX_SIZE_LINE = 4096;
        private final H1Parser parser;
        private long remaining;       // of the current chunk
        private boolean needSize = true;
        private boolean done;
        private Headers trailers = new Headers(0);

        Chunked(InBuffer in, H1Parser parser) {
            super(in);
            this.parser = parser;
        }

        @Override
        public boolean isComplete() {
            return done;
        }

        @Override
        public Headers trailers() {
            return trailers;
        }

        @Override
        public boolean isBroken() {
            return broken;
        }

        private boolean broken;

        @Override
        public int available() {
            return needSize || done ? 0 : (int) Math.min(remaining, in.available());
        }

        @Override
        protected int readBody(byte[] b, int off, int len) throws IOException {
            if (needSize) {
                try {
                    readSizeLine();
                } catch (IOException e) {
                    broken = true;
                    throw e;
                }
                if (done) {
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("connection closed inside a chunk");
            }
            remaining -= n;
            if (remaining == 0) {
                needSize = true;
                try {
                    expect('\r');
                    expect('\n');
                } catch (IOException e) {
                    broken = true;
                    throw e;
                }
            }
            return n;
        }

        private void expect(int c) throws IOException {
            int got = in.readByte();
            if (got < 0) {
                throw new EOFException("connection closed inside chunked framing");
            }
            if (got != c) {
                throw new H1Exception(400, "chunk data not followed by CRLF");
            }
        }

        private void readSizeLine() throws IOException {
            long size = 0;
            int digits = 0;
            int significant = 0;
            int count = 0;
            boolean ext = false;
            boolean bws = false;
            while (true) {
                int c = in.readByte();
                if (c < 0) {
                    throw new EOFException("connection closed inside a chunk-size line");
                }
                if (++count > MAX_SIZE_LINE) {
                    throw new H1Exception(400, "chunk-size line too long");
                }
                if (c == '\r') {
                    int lf = in.readByte();
                    if (lf < 0) {
                        throw new EOFException("connection closed inside a chunk-size line");
                    }
                    if (lf != '\n') {
                        throw new H1Exception(400, "chunk-size line not ended by CRLF");
                    }
                    break;
                }
                if (c == '\n') {
                    throw new H1Exception(400, "chunk-size line ended by a bare LF");
                }
                if (ext) {
                    if ((c < 0x20 && c != '\t') || c == 0x7f) {
                        throw new H1Exception(400, "control character in a chunk extension");
                    }
                    continue;
                }
                int d = hex(c);
                if (d >= 0 && !bws) {
                    digits++;
                    // leading zeros are valid (chunk-size = 1*HEXDIG, RFC 9112 section 7.1) and add nothing
                    if ((size != 0 || d != 0) && ++significant > 15) {
                        throw new H1Exception(400, "chunk size overflows");
                    }
                    size = (size << 4) | d;
                } else if (c == ';' || c == ' ' || c == '\t') {
                    if (digits == 0) {
                        throw new H1Exception(400, "chunk extension without a size");
                    }
                    // chunk extensions are ignored (RFC 9112 section 7.1.1); they start at ';', and only
                    // whitespace (BWS) may come between the size and it, so "5 6" is not size 5
                    ext = c == ';';
                    bws = true;
                } else {
                    throw new H1Exception(400, "malformed chunk size");
                }
            }
            if (digits == 0) {
                throw new H1Exception(400, "empty chunk size");
            }
            if (size == 0) {
                readTrailers();
                done = true;
                return;
            }
            remaining = size;
            needSize = false;
        }

        private void readTrailers() throws IOException {
            int end = parser.awaitTrailers(in);
            Headers t = new Headers(2);
            parser.parseFields(in.buf, in.pos, end, t);
            in.pos = end;
            trailers = t;
        }

        private static int hex(int c) {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        }
    }
}
