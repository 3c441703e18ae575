package io.hourglass.server;

import io.hourglass.http.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The response writer handed to a {@link Handler}.
 *
 * <p>Set the status and headers first; the head is sent ("committed") with the first body byte, a
 * {@link #flush()}, or when the handler returns. Framing is automatic: {@link #send} sets Content-Length;
 * {@link #body()} streams with Content-Length when {@link #contentLength(long)} was set, chunked otherwise
 * (or until close for an HTTP/1.0 client). A Date header is added. Over HTTP/2 the same calls send a HEADERS
 * frame and DATA frames under the stream's flow control (a write waits while the client's window is
 * closed); the response is the same to a handler, and {@link Request#protocol()} tells the two apart.
 */
public final class Response {
    static final int OPEN = 0, COMMITTED = 1, ABANDONED = 2;

    private final ServerExchange ex;
    private final String method;
    private final Headers headers = new Headers(8);
    private static final VarHandle STATE;
    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Response.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // OPEN, COMMITTED or ABANDONED; volatile and compare-and-set (STATE) because the handler timeout, on
    // another thread, races the handler for it. A field rather than an AtomicInteger: one object less per request.
    private volatile int state; // OPEN (0) until committed or abandoned; not written here: no fence per request
    private int status = 200;
    private long contentLength = -1;
    private boolean bodyless;
    private long written;
    private boolean ended;             // the handler's body is complete (send, or finish)
    private boolean endSent;           // the exchange was told the body ended
    private boolean complete = true;   // what end reported: false for a body short of its declared length
    private String abandonReason;
    private boolean abandonedUnsent;   // the handler timeout took the response before its head went out
    private BodyStream stream;
    private Coding coding;             // a content coding to decide on at commit (gzip), or null
    private OutputStream encoder;      // the coding's stream once it applies; body writes go through it
    private java.io.ByteArrayOutputStream early; // what the coding wrote before the head went out (gzip's header)

    Response(ServerExchange ex, String method) {
        this.ex = ex;
        this.method = method;
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
        if (coding != null) {
            body = encodeWhole(body);
        }
        commit();
        if (!bodyless) {
            ex.write(body, 0, body.length);
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
        if (state == OPEN) {
            commit();
        }
        checkAlive();
        if (encoder != null) {
            encoder.flush(); // a sync flush: what was written so far can be decoded by the client now
        }
        ex.flush();
    }

    /** {@return whether the head has been sent (or buffered to be sent), so status and headers can no longer change} */
    public boolean isCommitted() {
        return state != OPEN;
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
        ex.writeDeadlineNanos(Request.nanosOf(deadline));
    }

    // ---- server side ----

    private void checkOpen() {
        if (state != OPEN) {
            throw new IllegalStateException(state == ABANDONED
                    ? "response abandoned: " + abandonReason
                    : "response already committed");
        }
    }

    private void checkAlive() throws IOException {
        if (state == ABANDONED) {
            throw new IOException("response abandoned: " + abandonReason);
        }
    }

    /** Takes the response away from the handler (handler timeout); true when nothing had been committed. */
    boolean abandon(String reason) {
        abandonReason = reason;
        if (STATE.compareAndSet(this, OPEN, ABANDONED)) {
            abandonedUnsent = true;
            return true;
        }
        state = ABANDONED;
        return false;
    }

    /** Whether the server took the response away from the handler (handler timeout, or a failed handler). */
    boolean isAbandoned() {
        return state == ABANDONED;
    }

    /** Whether it was taken away before its head went out (so the server sent its own status). */
    boolean abandonedUnsent() {
        return abandonedUnsent;
    }

    /** Body bytes written so far, after any content coding: what went (or is going) on the wire. */
    long bytesWritten() {
        return written;
    }

    String requestMethod() {
        return method;
    }

    /** The declared body length, -1 when none (streamed). */
    long declaredLength() {
        return contentLength;
    }

    /** Forgets the declared length (a coding changes it): the body is then streamed. Before commit only. */
    void dropLength() {
        contentLength = -1;
    }

    /** The response's write deadline ({@link System#nanoTime()} instant, 0 for none). */
    long writeDeadlineNanos() {
        return ex.writeDeadlineNanos();
    }

    void writeDeadlineNanos(long deadline) {
        ex.writeDeadlineNanos(deadline);
    }

    /**
     * A content coding of the body, decided when the head is committed: by then the status, the headers and
     * the declared length are final. Used by {@link Filter#gzip()}; protocol-agnostic (it sees only this
     * response's status, headers and length).
     */
    interface Coding {
        /**
         * Returns a stream that encodes into {@code sink}, having set the headers that say so (and dropped
         * the declared length), or null to send the body as it is.
         */
        OutputStream begin(Response res, OutputStream sink) throws IOException;
    }

    /** Installs a coding for this response. Before commit only; the last one installed applies. */
    void coding(Coding c) {
        checkOpen();
        coding = c;
    }

    /** For {@link #send(byte[])}: encodes the whole body at once, so it still goes with a Content-Length. */
    private byte[] encodeWhole(byte[] body) throws IOException {
        Coding c = coding;
        coding = null;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream(Math.max(64, body.length / 3));
        OutputStream enc = c.begin(this, buf);
        if (enc == null) {
            return body;
        }
        enc.write(body);
        enc.close();
        byte[] encoded = buf.toByteArray();
        contentLength = encoded.length;
        return encoded;
    }

    /** Whether the exchange under this response lets the connection carry another request (HTTP/1.1). */
    boolean keepAlive() {
        return ex.keepAlive();
    }

    /** Whether the handler's head was committed and not taken away since: the status that went out. */
    boolean headCommitted() {
        return state == COMMITTED;
    }

    private void commit() throws IOException {
        if (!STATE.compareAndSet(this, OPEN, COMMITTED)) {
            checkAlive();
            return;
        }
        if (coding != null) {
            Coding c = coding;
            coding = null;
            early = new java.io.ByteArrayOutputStream(16);
            encoder = c.begin(this, new RawSink());
        }
        bodyless = Status.bodyless(method, status);
        ex.commit(status, headers, contentLength, bodyless);
        if (early != null) {
            byte[] b = early.toByteArray();
            early = null;
            writeRaw(b, 0, b.length);
        }
    }

    private void writeBody(byte[] b, int off, int len) throws IOException {
        if (state == OPEN) {
            commit();
        }
        checkAlive();
        if (ended) {
            throw new IOException("response already ended");
        }
        if (encoder != null) {
            encoder.write(b, off, len);
            return;
        }
        writeRaw(b, off, len);
    }

    /** Writes body bytes as they go on the wire (after any coding), framed. */
    private void writeRaw(byte[] b, int off, int len) throws IOException {
        if (len == 0 || bodyless) {
            return;
        }
        if (contentLength >= 0 && written + len > contentLength) {
            throw new IOException("body longer than the declared Content-Length " + contentLength);
        }
        ex.write(b, off, len);
        written += len;
    }

    /**
     * Ends the response after the handler returned (or when the handler closes the body stream): commits an
     * empty response when nothing was sent, ends the body (the last chunk, or END_STREAM), and flushes.
     * Returns false when the response is incomplete (a Content-Length body shorter than declared): on
     * HTTP/1.1 the connection must then close; on HTTP/2 the stream has been reset.
     */
    boolean finish() throws IOException {
        if (state == OPEN) {
            if (contentLength < 0 && status != 304) {
                // (a 304 gets no Content-Length unless one was set: it would describe the representation)
                contentLength = 0;
            }
            commit();
        }
        checkAlive();
        if (endSent) {
            ex.flush();
            return complete;
        }
        if (!ended && encoder != null) {
            OutputStream e = encoder;
            encoder = null;
            e.close(); // the coding's trailer (gzip's CRC and length) goes out through writeRaw
        }
        ended = true;
        complete = bodyless || contentLength < 0 || written >= contentLength;
        endSent = true;
        ex.end(complete);
        return complete;
    }

    /** Where a coding's output goes: the framed body (kept aside until the head is out). */
    private final class RawSink extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (early != null) {
                early.write(b, off, len);
            } else {
                writeRaw(b, off, len);
            }
        }
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
            if (!ended && state != ABANDONED) {
                finish();
            }
        }
    }
}
