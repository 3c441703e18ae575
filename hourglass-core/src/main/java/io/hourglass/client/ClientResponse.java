package io.hourglass.client;

import io.hourglass.http.Headers;
import io.hourglass.internal.h1.ResponseHead;
import io.hourglass.internal.io.BlockInputStream;
import io.hourglass.internal.text.Decimal;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

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
 *
 * <p>A response the client decompressed ({@link ClientConfig#transparentGzip()}) has neither
 * {@code Content-Encoding} nor {@code Content-Length}, as in Go. Interceptors and fakes make responses with
 * {@link #of(int, Headers, InputStream)}, {@link #withHeaders} and {@link #withBody}.
 */
public final class ClientResponse implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final Headers NO_TRAILERS = Headers.copyOf(new Headers(0));

    private volatile ClientRequest request;  // set once; volatile as an interceptor's thread may differ
    private final Exchange exchange;         // the call that read it (for its trailers); null when made by code
    private final int status;
    private final String reason;
    private final String version;
    private final Headers headers;
    private final long connectionId;
    private final boolean reused;
    private final Body body;
    private final Cleaner.Cleanable cleanable;

    ClientResponse(Exchange exchange, ExchangeBody source, ClientRequest request, ResponseHead head, long connectionId,
            boolean reused) {
        this.request = request;
        this.exchange = exchange;
        this.status = head.status;
        this.reason = head.reason;
        this.version = head.version == 20 ? "HTTP/2" : head.version == 11 ? "HTTP/1.1" : "HTTP/1.0";
        this.headers = head.headers;
        this.connectionId = connectionId;
        this.reused = reused;
        this.body = new Body(source);
        this.cleanable = CLEANER.register(this, source::leaked);
    }

    private ClientResponse(Exchange exchange, ClientRequest request, int status, String reason, String version,
            Headers headers, long connectionId, boolean reused, InputStream source) {
        this.exchange = exchange;
        this.request = request;
        this.status = status;
        this.reason = reason;
        this.version = version;
        this.headers = headers;
        this.connectionId = connectionId;
        this.reused = reused;
        this.body = new Body(source);
        this.cleanable = null;
    }

    /**
     * A response made by code rather than read from a connection: for a {@link ClientConfig#transport() fake
     * transport} in tests, or an {@link Interceptor} that answers itself. Its version is {@code HTTP/1.1}, its
     * reason phrase empty, its connection id 0; the client sets its {@link #request()}.
     *
     * @param status the status code, 100 to 999
     * @param headers the header fields (used as they are, not copied)
     * @param body the body; closing the response closes it
     * @return the response
     * @throws IllegalArgumentException for a status outside 100 to 999
     */
    public static ClientResponse of(int status, Headers headers, InputStream body) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status must be 100 to 999, got " + status);
        }
        return new ClientResponse(null, null, status, "", "HTTP/1.1", Objects.requireNonNull(headers, "headers"), 0, false,
                Objects.requireNonNull(body, "body"));
    }

    /**
     * A response made by code, with a UTF-8 text body (see {@link #of(int, Headers, InputStream)}).
     *
     * @param status the status code, 100 to 999
     * @param headers the header fields (used as they are, not copied)
     * @param body the body text
     * @return the response
     * @throws IllegalArgumentException for a status outside 100 to 999
     */
    public static ClientResponse of(int status, Headers headers, String body) {
        return of(status, headers, new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * This response with other header fields, for an interceptor; the body is this response's: reading or
     * closing either reads or closes the same stream.
     *
     * @param headers the header fields of the copy
     * @return the copy
     */
    public ClientResponse withHeaders(Headers headers) {
        return new ClientResponse(exchange, request, status, reason, version, Objects.requireNonNull(headers, "headers"),
                connectionId, reused, body);
    }

    /**
     * This response with another body, for an interceptor that transforms it: wrap this response's
     * {@link #body()} in the new stream, so that reading the new one to its end, or closing it, gives the
     * connection back.
     *
     * @param newBody the body of the copy; closing the copy closes it
     * @return the copy
     */
    public ClientResponse withBody(InputStream newBody) {
        return new ClientResponse(exchange, request, status, reason, version, headers, connectionId, reused,
                Objects.requireNonNull(newBody, "newBody"));
    }

    /**
     * {@return the request that this response answers: after redirects, the last hop's, with the URL it went
     * to ({@code request().uri()}); the fields the client adds on the way out (Host, User-Agent, cookies,
     * Accept-Encoding) are not in it, as in OkHttp. A network interceptor sees them}
     */
    public ClientRequest request() {
        return request;
    }

    /** A copy answering {@code r}, with these headers and body ({@code null}: this response's body). */
    ClientResponse derive(ClientRequest r, Headers h, InputStream newBody) {
        return new ClientResponse(exchange, r, status, reason, version, h, connectionId, reused,
                newBody == null ? body : newBody);
    }

    /** Makes this response answer {@code r}, the request before the client's bridge added its fields. */
    void reanswers(ClientRequest r) {
        request = r;
    }

    /** Sets the request of a response made by code (the chain does, for {@link #of}). */
    void answers(ClientRequest r) {
        if (request == null) {
            request = r;
        }
    }

    /** The call whose end this response's body marks: its end, close or failure ends the call's events. */
    void endsCall(Call call) {
        body.call = call;
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
        return exchange == null ? NO_TRAILERS : exchange.trailers();
    }

    /** {@return the id of the connection that carried the call, as in messages and events; 0 when made by code} */
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
     * Reads the whole body and closes it. A body of a declared length ({@code Content-Length}, up to 1 MiB) is
     * read into an array of that size, with no buffer on the way.
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
        return version + " " + status + " " + reason + " (connection #" + connectionId + (reused ? ", reused)" : ", new)");
    }

    private static final int EXACT_MAX = 1 << 20; // bodyAsBytes: the largest declared length allocated at once

    /** The body as the caller reads it: closed once, and the call's end reported once. */
    private final class Body extends BlockInputStream {
        private final InputStream source;
        private boolean closed;
        volatile Call call; // set before the response is handed to the caller, read by whoever ends the body

        Body(InputStream source) {
            this.source = source;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (closed) {
                throw new IOException("response body closed");
            }
            if (len == 0) {
                return 0;
            }
            int n;
            try {
                n = source.read(b, off, len);
            } catch (IOException e) {
                ended(e);
                throw e;
            }
            if (n < 0) {
                ended(null);
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return closed ? 0 : source.available();
        }

        /**
         * Into an array of the declared length when there is one (up to {@link #EXACT_MAX}), then one more read
         * for the end of the body, which gives the connection back; without one, or when the body turns out
         * longer than declared (a body an interceptor replaced), as {@link InputStream#readAllBytes()} does.
         * {@code InputStream}'s own would take a 16 KiB buffer per call for a body of a few bytes.
         */
        @Override
        public byte[] readAllBytes() throws IOException {
            long declared = declaredLength();
            if (declared < 0 || declared > EXACT_MAX) {
                return super.readAllBytes();
            }
            byte[] b = new byte[(int) declared];
            int n = 0;
            while (n < b.length) {
                int r = read(b, n, b.length - n);
                if (r < 0) {
                    return Arrays.copyOf(b, n); // shorter than declared (a HEAD, a 304): what came
                }
                n += r;
            }
            byte[] probe = new byte[1];
            if (read(probe, 0, 1) < 0) {
                return b;
            }
            byte[] rest = super.readAllBytes();
            byte[] all = Arrays.copyOf(b, b.length + 1 + rest.length);
            all[b.length] = probe[0];
            System.arraycopy(rest, 0, all, b.length + 1, rest.length);
            return all;
        }

        private long declaredLength() {
            String v = headers.first("Content-Length");
            return v == null ? -1 : Decimal.parse(v, 18);
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                source.close();
            } catch (IOException ignored) {
                // a stream made by code failed to close: nothing the caller could do about it
            } finally {
                if (cleanable != null) {
                    cleanable.clean();
                }
                ended(null);
            }
        }

        private void ended(IOException failure) {
            Call c = call;
            if (c != null) {
                c.ended(failure);
            }
        }
    }
}
