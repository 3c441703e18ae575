package io.hourglass.client;

import io.hourglass.http.Headers;
import io.hourglass.internal.h1.ResponseHead;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;

/**
 * A response: status, headers, and the body stream.
 *
 * <p>Read the body to its end or {@link #close()} it: either gives the connection back (a body closed early
 * is drained in the background under {@link TimeoutPolicy#DRAIN}, or its connection closed under
 * {@link TimeoutPolicy#CLOSE}). Leaving a body neither read nor closed is a mistake; the pool survives it:
 * the call's total timeout frees the connection when it passes, and a response that becomes unreachable
 * without being closed is freed when the garbage collector finds it.
 *
 * <p>Reading the body is bounded by the call's total timeout, as in Go: a body read that is still waiting
 * when it passes fails with {@link io.hourglass.http.HttpTimeoutException} (phase TOTAL).
 */
public final class ClientResponse implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Exchange exchange;
    private final int status;
    private final String reason;
    private final String version;
    private final Headers headers;
    private final long connectionId;
    private final boolean reused;
    private final Body body;
    private final Cleaner.Cleanable cleanable;

    ClientResponse(Exchange exchange, ResponseHead head, long connectionId, boolean reused) {
        this.exchange = exchange;
        this.status = head.status;
        this.reason = head.reason;
        this.version = head.version == 20 ? "HTTP/2" : head.version == 11 ? "HTTP/1.1" : "HTTP/1.0";
        this.headers = head.headers;
        this.connectionId = connectionId;
        this.reused = reused;
        this.body = new Body(exchange);
        this.cleanable = CLEANER.register(this, exchange::leaked);
    }

    /** {@return the status code, e.g. 200} */
    public int status() {
        return status;
    }

    /** {@return the reason phrase as sent (may be empty; always empty over HTTP/2, which has none)} */
    public String reason() {
        return reason;
    }

    /** {@return the protocol version of the response: {@code HTTP/1.1}, {@code HTTP/1.0} or {@code HTTP/2}} */
    public String version() {
        return version;
    }

    /** {@return the response's header fields} */
    public Headers headers() {
        return headers;
    }

    /**
     * The first value of a header field.
     *
     * @param name the field name, in any case
     * @return its first value, or null when absent
     */
    public String header(String name) {
        return headers.first(name);
    }

    /**
     * The trailer fields that followed the body (a chunked HTTP/1.1 body's trailer section, or an HTTP/2
     * header section that ended the stream after the data).
     *
     * @return the trailers once the body has been read to its end; empty before that, and when there are none
     */
    public Headers trailers() {
        return exchange.trailers();
    }

    /** {@return the id of the connection that carried the call, as in messages and events} */
    public long connectionId() {
        return connectionId;
    }

    /** {@return whether the call reused a pooled connection} */
    public boolean reused() {
        return reused;
    }

    /**
     * The body stream; reading it to its end, or closing it, gives the connection back. A read fails with
     * {@link io.hourglass.http.HttpTimeoutException} (phase TOTAL) when the call's total timeout passes, and
     * with a {@link ClientException} when the connection breaks.
     *
     * @return the same stream on every call
     */
    public InputStream body() {
        return body;
    }

    /**
     * Reads the whole body and closes it.
     *
     * @return the body
     * @throws IOException as a read of {@link #body()} does
     */
    public byte[] bodyAsBytes() throws IOException {
        try (InputStream in = body) {
            return in.readAllBytes();
        }
    }

    /**
     * Reads the whole body as UTF-8 text and closes it.
     *
     * @return the body as text
     * @throws IOException as a read of {@link #body()} does
     */
    public String bodyAsString() throws IOException {
        return new String(bodyAsBytes(), StandardCharsets.UTF_8);
    }

    /** Closes the body (see the class comment). Idempotent. */
    @Override
    public void close() {
        body.close();
    }

    @Override
    public String toString() {
        return version() + " " + status + " " + reason + " (connection #" + connectionId + (reused ? ", reused)" : ", new)");
    }

    private final class Body extends InputStream {
        private final Exchange x;
        private boolean closed;

        Body(Exchange x) {
            this.x = x;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (closed) {
                throw new IOException("response body closed");
            }
            if (len == 0) {
                return 0;
            }
            return x.readBody(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return closed ? 0 : x.availableBody();
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                x.closeBody();
                cleanable.clean();
            }
        }
    }
}
