package io.hourglass.server;

import io.hourglass.http.Headers;
import io.hourglass.internal.h1.HttpDate;
import io.hourglass.internal.h1.OutBuffer;
import io.hourglass.net.Conn;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The response writer handed to a {@link Handler}.
 *
 * <p>Set the status and headers first; the head is sent ("committed") with the first body byte, a
 * {@link #flush()}, or when the handler returns. Framing is automatic: {@link #send} sets Content-Length;
 * {@link #body()} streams with Content-Length when {@link #contentLength(long)} was set, chunked otherwise
 * (or until close for an HTTP/1.0 client). A Date header is added.
 */
public final class Response {
    static final int OPEN = 0, COMMITTED = 1, ABANDONED = 2;

    private final ServerConn owner;
    private final OutBuffer out;
    private final Conn conn;
    private final String method;
    private final int requestVersion;
    private final Headers headers = new Headers(8);
    private final AtomicInteger state = new AtomicInteger(OPEN); // CAS against the handler timeout
    private int status = 200;
    private long contentLength = -1;
    private boolean chunked;
    private boolean untilClose;
    private boolean bodyless;
    private long written;
    private boolean ended;
    private boolean keepAlive;
    private String abandonReason;
    private BodyStream stream;

    Response(ServerConn owner, OutBuffer out, Conn conn, String method, int requestVersion, boolean keepAlive) {
        this.owner = owner;
        this.out = out;
        this.conn = conn;
        this.method = method;
        this.requestVersion = requestVersion;
        this.keepAlive = keepAlive;
    }

    /**
     * Sets the status code. Before commit only; 1xx responses are the server's own (100 Continue).
     *
     * @param code 200 to 999; default 200
     * @return this response
     * @throws IllegalArgumentException for a code out of range
     * @throws IllegalStateException after commit, or once the handler timeout took the response away
     */
    public Response status(int code) {
        checkOpen();
        if (code < 200 || code > 999) {
            throw new IllegalArgumentException("status must be between 200 and 999, got " + code);
        }
        status = code;
        return this;
    }

    /** {@return the status code set so far; 200 unless changed} */
    public int status() {
        return status;
    }

    /**
     * Adds a header field. Before commit only.
     *
     * @param name the field name
     * @param value the field value
     * @return this response
     * @throws IllegalArgumentException for a name or value that is not a valid field (a CR or LF, say)
     * @throws IllegalStateException after commit, or once the handler timeout took the response away
     */
    public Response header(String name, String value) {
        checkOpen();
        headers.add(name, value);
        return this;
    }

    /** {@return the response header fields, to read, or to change before commit} */
    public Headers headers() {
        return headers;
    }

    /**
     * Declares the body length, so that {@link #body()} streams with Content-Length rather than chunked.
     *
     * @param length the exact number of body bytes the handler will write
     * @return this response
     * @throws IllegalArgumentException for a negative length
     * @throws IllegalStateException after commit, or once the handler timeout took the response away
     */
    public Response contentLength(long length) {
        checkOpen();
        if (length < 0) {
            throw new IllegalArgumentException("content length must not be negative, got " + length);
        }
        contentLength = length;
        return this;
    }

    /**
     * Sends {@code text} (UTF-8) as the whole body, with Content-Type text/plain unless one was set, and ends
     * the response.
     *
     * @param text the body
     * @throws IOException when the connection fails or the write timeout passes
     * @throws IllegalStateException after commit, or once the handler timeout took the response away
     */
    public void send(String text) throws IOException {
        if (!headers.contains("Content-Type")) {
            headers.add("Content-Type", "text/plain; charset=utf-8");
        }
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends {@code body} as the whole body with a Content-Length, and ends the response.
     *
     * @param body the body bytes
     * @throws IOException when the connection fails or the write timeout passes
     * @throws IllegalStateException after commit, or once the handler timeout took the response away
     */
    public void send(byte[] body) throws IOException {
        checkOpen();
        contentLength = body.length;
        commit();
        if (!bodyless) {
            out.write(body, 0, body.length);
            written = body.length;
        }
        ended = true;
    }

    /**
     * The body stream. Writes are buffered; {@link OutputStream#flush()} sends them (one chunk per write
     * when chunked). Closing it ends the response.
     *
     * @return the same stream on every call
     */
    public OutputStream body() {
        if (stream == null) {
            stream = new BodyStream();
        }
        return stream;
    }

    /**
     * Sends the head (when not sent yet) and everything buffered.
     *
     * @throws IOException when the connection fails, the write timeout passes, or the handler timeout took
     *     the response away
     */
    public void flush() throws IOException {
        if (state.get() == OPEN) {
            commit();
        }
        checkAlive();
        out.flush();
    }

    /** {@return whether the head has been sent (or buffered to be sent), so status and headers can no longer change} */
    public boolean isCommitted() {
        return state.get() != OPEN;
    }

    /**
     * Replaces {@link ServerConfig#writeTimeout()} for the rest of this response, for a handler that streams
     * a long response (Go's ResponseController.SetWriteDeadline).
     * <p>The deadline is an absolute instant, not extended by progress; it holds until the response has been
     * written. When it passes, the connection is closed abortively (RST): unsent data is dropped, the
     * handler's next write throws, and the client sees a reset. Counted in
     * {@code hourglass_timeouts_total{side="server",phase="write"}}.
     *
     * @param deadline the new write deadline, or null for none
     */
    public void setWriteDeadline(Instant deadline) {
        conn.setWriteDeadline(deadline);
    }

    // ---- server side ----

    private void checkOpen() {
        if (state.get() != OPEN) {
            throw new IllegalStateException(state.get() == ABANDONED
                    ? "response abandoned: " + abandonReason
                    : "response already committed");
        }
    }

    private void checkAlive() throws IOException {
        if (state.get() == ABANDONED) {
            throw new IOException("response abandoned: " + abandonReason);
        }
    }

    /** Takes the response away from the handler (handler timeout); true when nothing had been committed. */
    boolean abandon(String reason) {
        abandonReason = reason;
        if (state.compareAndSet(OPEN, ABANDONED)) {
            return true;
        }
        state.set(ABANDONED);
        return false;
    }

    boolean keepAlive() {
        return keepAlive;
    }

    /** Whether the handler's head was committed and not taken away since: the status that went out. */
    boolean headCommitted() {
        return state.get() == COMMITTED;
    }

    private void commit() throws IOException {
        if (!state.compareAndSet(OPEN, COMMITTED)) {
            checkAlive();
            return;
        }
        bodyless = Status.bodyless(method, status);
        if (headers.hasToken("Connection", "close") || owner.closing()) {
            keepAlive = false;
        }
        if (!bodyless && contentLength < 0) {
            if (requestVersion == 11) {
                chunked = true;
            } else {
                untilClose = true;
                keepAlive = false;
            }
        }
        writeHead();
    }

    private void writeHead() throws IOException {
        OutBuffer o = out;
        if (status == 200) {
            o.write(STATUS_200);
        } else {
            o.writeAscii("HTTP/1.1 "); // our highest version, also to 1.0 clients (RFC 9110 section 6.2)
            o.writeDecimal(status);
            o.writeByte(' ');
            o.writeAscii(Status.reason(status));
            o.writeCrlf();
        }
        o.write(HttpDate.line());
        for (int i = 0; i < headers.size(); i++) {
            String n = headers.name(i);
            if (n.equalsIgnoreCase("Content-Length") || n.equalsIgnoreCase("Transfer-Encoding")
                    || n.equalsIgnoreCase("Connection") || n.equalsIgnoreCase("Date")) {
                continue; // the server owns framing and connection management
            }
            o.writeAscii(n);
            o.writeByte(':');
            o.writeByte(' ');
            o.writeAscii(headers.value(i));
            o.writeCrlf();
        }
        if (contentLength >= 0 && !(status / 100 == 1 || status == 204)) {
            o.write(CONTENT_LENGTH);
            o.writeDecimal(contentLength);
            o.writeCrlf();
        } else if (chunked) {
            o.write(CHUNKED);
        }
        if (!keepAlive) {
            o.write(CONNECTION_CLOSE);
        } else if (requestVersion == 10) {
            o.write(CONNECTION_KEEP_ALIVE);
        }
        o.writeCrlf();
    }

    private static final byte[] STATUS_200 = "HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] CONTENT_LENGTH = "Content-Length: ".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] CHUNKED = "Transfer-Encoding: chunked\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] CONNECTION_CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] CONNECTION_KEEP_ALIVE = "Connection: keep-alive\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private void writeBody(byte[] b, int off, int len) throws IOException {
        if (state.get() == OPEN) {
            commit();
        }
        checkAlive();
        if (ended) {
            throw new IOException("response already ended");
        }
        if (len == 0 || bodyless) {
            return;
        }
        if (contentLength >= 0 && written + len > contentLength) {
            throw new IOException("body longer than the declared Content-Length " + contentLength);
        }
        if (chunked) {
            out.writeHex(len);
            out.writeCrlf();
            out.write(b, off, len);
            out.writeCrlf();
        } else {
            out.write(b, off, len);
        }
        written += len;
    }

    /**
     * Ends the response after the handler returned: commits an empty response when nothing was sent, writes
     * the last chunk, and flushes. Returns false when the response is incomplete (a Content-Length body
     * shorter than declared), so the connection must close.
     */
    boolean finish() throws IOException {
        if (state.get() == OPEN) {
            if (contentLength < 0) {
                contentLength = 0;
            }
            commit();
        }
        checkAlive();
        boolean complete = true;
        if (!ended) {
            if (chunked) {
                out.write(LAST_CHUNK);
            } else if (!bodyless && contentLength >= 0 && written < contentLength) {
                complete = false;
            }
            ended = true;
        }
        out.flush();
        if (untilClose) {
            keepAlive = false;
        }
        return complete;
    }

    private final class BodyStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            writeBody(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            writeBody(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            Response.this.flush();
        }

        @Override
        public void close() throws IOException {
            // Ending early lets the server reuse the connection while the handler does other work.
            if (!ended && state.get() != ABANDONED) {
                finish();
            }
        }
    }
}
