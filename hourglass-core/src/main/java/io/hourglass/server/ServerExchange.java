package io.hourglass.server;

import io.hourglass.http.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;

/**
 * The protocol under one request and its response: what {@link Request} and {@link Response} need from the
 * connection, so that both stay the same whatever carries them. {@link H1Exchange} frames a response for
 * HTTP/1.1 (status line, Content-Length or chunked, Connection, 100 Continue) on a {@link ServerConn};
 * {@code H2Stream} sends it as HEADERS and DATA frames of one HTTP/2 stream, under flow control.
 *
 * <p>What stays above the seam, in Request and Response: the status and header fields, the state machine of
 * a response (open, committed, abandoned), the declared length and its check, the content coding, the body
 * limit, the cancellation flag. What is below: how the head and body bytes are framed, where the body comes
 * from, trailers, and the deadlines the protocol keeps (a connection's on HTTP/1.1, a stream's on HTTP/2).
 *
 * <p>Threads: the handler's thread calls the response methods; the request methods may be called by the
 * handler and by filters on its thread. Implementations say which of their methods other threads call.
 */
interface ServerExchange {
    /** The ALPN id of the protocol: {@code http/1.0}, {@code http/1.1}, {@code h2} or {@code h2c}. */
    String protocol();

    /** The version as a request line names it: {@code HTTP/1.0}, {@code HTTP/1.1} or {@code HTTP/2.0}. */
    String version();

    // ---- the request ----

    /** The request body as the protocol delivers it; end of stream at the end of the body. */
    InputStream body();

    /** Bytes of request body content delivered to the handler so far (the body limit counts them). */
    long bodyDelivered();

    /** The request's trailer fields once the body has been read to its end; empty before, or without. */
    Headers trailers();

    SocketAddress remoteAddress();

    long connectionId();

    /** Replaces the read deadline for the rest of this request ({@link System#nanoTime()} instant, 0 for none). */
    void readDeadlineNanos(long deadline);

    /** The response's write deadline ({@link System#nanoTime()} instant, 0 for none). */
    long writeDeadlineNanos();

    /** Replaces the write deadline for the rest of this response. */
    void writeDeadlineNanos(long deadline);

    /** Whether the server is shutting down: a response then asks the client not to reuse the connection. */
    boolean closing();

    // ---- the response ----

    /**
     * Sends (or buffers, to send with the first body bytes) the response head.
     *
     * @param contentLength the declared body length, or -1 when the body is streamed without one
     * @param bodyless whether the response has no body whatever the handler writes (HEAD, 204, 304, 1xx)
     */
    void commit(int status, Headers headers, long contentLength, boolean bodyless) throws IOException;

    /** Writes body bytes, already encoded by any content coding; buffered until the buffer fills or a flush. */
    void write(byte[] b, int off, int len) throws IOException;

    /** Sends what is buffered. */
    void flush() throws IOException;

    /**
     * Ends the body (the last chunk, or END_STREAM) and sends what is buffered.
     *
     * @param complete whether the body is complete: false when it is shorter than its declared length, which
     *     the protocol must make visible to the client (a close, or a reset)
     */
    void end(boolean complete) throws IOException;

    /** Whether the connection may carry another request after this one (HTTP/1.1 keep-alive; HTTP/2: always). */
    boolean keepAlive();
}
