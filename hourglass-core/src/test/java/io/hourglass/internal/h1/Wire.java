package io.hourglass.internal.h1;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Test helpers: byte sources that hand out a fixed input in chosen fragment sizes, and parse shortcuts. */
final class Wire {
    static final int MAX_HEAD = 8192;
    static final int MAX_HEADERS = 100;

    private Wire() {}

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String text(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }

    /** The unconsumed bytes of {@code in}, as text. */
    static String rest(InBuffer in) {
        return text(in.buf, in.pos, in.available());
    }

    static H1Parser parser() {
        return new H1Parser(MAX_HEAD, MAX_HEADERS);
    }

    /** An InBuffer sized like the server's: 4 KiB that may grow past the head limit. */
    static InBuffer buffer(Source src) {
        return new InBuffer(src, 4096, MAX_HEAD + 4096);
    }

    static InBuffer buffer(String wire, int... fragments) {
        return buffer(new Fragments(bytes(wire), fragments));
    }

    /**
     * Runs the server's head sequence (readRequestHead, consume the head) over {@code wire} served in
     * {@code fragments}; the buffer is left positioned at the body.
     */
    static RequestHead request(InBuffer in) throws IOException {
        return request(parser(), in);
    }

    static RequestHead request(H1Parser p, InBuffer in) throws IOException {
        RequestHead h = new RequestHead();
        int end = p.readRequestHead(in, null, h); // the server's call: the quick path when the head came whole
        if (end < 0) {
            throw new java.io.EOFException("no head");
        }
        in.pos = end;
        return h;
    }

    /** Runs the client's head sequence, with the client's parser ({@link H1Parser#forResponses}). */
    static ResponseHead response(InBuffer in, String method) throws IOException {
        H1Parser p = H1Parser.forResponses(MAX_HEAD, MAX_HEADERS);
        int end = p.awaitHead(in, null);
        if (end < 0) {
            throw new java.io.EOFException("no head");
        }
        ResponseHead h = new ResponseHead();
        p.parseResponse(in.buf, in.pos, end, method, h);
        in.pos = end;
        return h;
    }

    /** Reads a body stream to its end (-1) with a small array, so chunk and buffer edges are crossed. */
    static String readAll(BodyIn body) throws IOException {
        StringBuilder sb = new StringBuilder();
        byte[] b = new byte[3];
        int n;
        while ((n = body.read(b, 0, b.length)) >= 0) {
            sb.append(text(b, 0, n));
        }
        return sb.toString();
    }

    /**
     * Serves a byte array in fragments: read i returns at most {@code fragments[i]} bytes, the last size
     * repeating; no sizes means everything at once. Then end of stream, like a peer that closed.
     */
    static final class Fragments implements Source {
        private final byte[] data;
        private final int[] sizes;
        private int pos;
        private int reads;

        Fragments(byte[] data, int... sizes) {
            this.data = data;
            this.sizes = sizes.length == 0 ? new int[] {Integer.MAX_VALUE} : sizes.clone();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len <= 0) {
                throw new AssertionError("read of " + len + " bytes");
            }
            if (pos == data.length) {
                return -1;
            }
            int size = sizes[Math.min(reads, sizes.length - 1)];
            reads++;
            int n = Math.min(Math.min(size, len), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }

        /** Bytes handed out so far. */
        int served() {
            return pos;
        }

        int reads() {
            return reads;
        }
    }
}
