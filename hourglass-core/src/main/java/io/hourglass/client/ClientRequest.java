package io.hourglass.client;

import io.hourglass.http.Headers;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * An HTTP request: method, URI, headers, optional body, and per-call timeout overrides.
 * Immutable once built: {@link Builder#build()} copies the builder's headers, so a builder can be changed and
 * built again without touching requests built before, and {@link #headers()} is read-only. Build with
 * {@link #get(String)}, {@link #post(String, RequestBody)} or {@link #builder(String, URI)}.
 */
public final class ClientRequest {
    private final String method;
    private final URI uri;
    private final Headers headers;
    private final RequestBody body;
    private final boolean expectContinue;
    private final Duration timeout;
    private final Duration responseHeaderTimeout;
    private final Instant deadline;
    private final Boolean inheritDeadline;

    private ClientRequest(Builder b) {
        this.method = b.method;
        this.uri = b.uri;
        this.headers = Headers.copyOf(b.headers); // the builder may go on changing its own
        this.body = b.body;
        this.expectContinue = b.expectContinue;
        this.timeout = b.timeout;
        this.responseHeaderTimeout = b.responseHeaderTimeout;
        this.deadline = b.deadline;
        this.inheritDeadline = b.inheritDeadline;
    }

    /** A copy of {@code r} with other header fields: an attempt's request (see {@link Attempts}). */
    private ClientRequest(ClientRequest r, Headers headers) {
        this.method = r.method;
        this.uri = r.uri;
        this.headers = Headers.copyOf(headers);
        this.body = r.body;
        this.expectContinue = r.expectContinue;
        this.timeout = r.timeout;
        this.responseHeaderTimeout = r.responseHeaderTimeout;
        this.deadline = r.deadline;
        this.inheritDeadline = r.inheritDeadline;
    }

    /** This request with the field {@code name} set to {@code value} (replacing any it had). */
    ClientRequest withHeader(String name, String value) {
        Headers h = new Headers(headers.size() + 1);
        for (int i = 0; i < headers.size(); i++) {
            if (!headers.name(i).equalsIgnoreCase(name)) {
                h.add(headers.name(i), headers.value(i));
            }
        }
        h.add(name, value);
        return new ClientRequest(this, h);
    }

    /**
     * A GET request without a body.
     *
     * @param uri an absolute http or https URL
     * @return the request
     * @throws IllegalArgumentException for a malformed URL, another scheme, or no host
     */
    public static ClientRequest get(String uri) {
        return builder("GET", URI.create(uri)).build();
    }

    /**
     * A POST request.
     *
     * @param uri an absolute http or https URL
     * @param body the body to send
     * @return the request
     * @throws IllegalArgumentException for a malformed URL, another scheme, or no host
     */
    public static ClientRequest post(String uri, RequestBody body) {
        return builder("POST", URI.create(uri)).body(body).build();
    }

    /**
     * A builder for any request.
     *
     * @param method the method, a token such as {@code PUT}
     * @param uri an absolute http or https URI
     * @return the builder
     * @throws IllegalArgumentException for a method that is not a token, another scheme, or no host
     * @throws NullPointerException if {@code method} or {@code uri} is null
     */
    public static Builder builder(String method, URI uri) {
        return new Builder(method, uri);
    }

    /** {@return the method, e.g. {@code GET}} */
    public String method() { return method; }
    /** {@return the absolute URI} */
    public URI uri() { return uri; }
    /**
     * {@return the header fields the caller set, read-only ({@link Headers#copyOf}): change them on a builder
     * instead; the client adds Host, framing and User-Agent}
     */
    public Headers headers() { return headers; }
    /** {@return the body, or null} */
    public RequestBody body() { return body; }
    /** {@return whether the request sends {@code Expect: 100-continue} and waits before its body} */
    public boolean expectContinue() { return expectContinue; }
    /**
     * This call's total timeout, in place of {@link ClientConfig#timeout()}: same start (the call starts),
     * stop (the body read to its end or closed), expiry (phase {@code TOTAL}; the connection follows the
     * policy) and metric ({@code hourglass_timeouts_total{side="client",phase="total"}}).
     *
     * @return the timeout, {@code Duration.ZERO} for none, or null to use the client's
     */
    public Duration timeout() { return timeout; }
    /**
     * This call's response-header timeout, in place of {@link ClientConfig#responseHeaderTimeout()}: same
     * start (the request written), stop (headers read), expiry (phase {@code RESPONSE_HEADERS}) and metric
     * ({@code hourglass_timeouts_total{side="client",phase="response-headers"}}).
     *
     * @return the timeout, {@code Duration.ZERO} for none, or null to use the client's
     */
    public Duration responseHeaderTimeout() { return responseHeaderTimeout; }
    /**
     * An absolute deadline for the whole call, like a Go context's. When it is earlier than the call's start
     * plus its total timeout, it takes the total timeout's place: the call fails with phase {@code TOTAL} when
     * it passes, counted in {@code hourglass_timeouts_total{side="client",phase="total"}}.
     *
     * @return the deadline, or null for none
     */
    public Instant deadline() { return deadline; }
    /**
     * Whether this call is bounded by the {@link io.hourglass.http.Deadline#current() current deadline} of the
     * thread that makes it and forwards what is left of it, in place of
     * {@link ClientConfig#inheritDeadline()}; {@code false} is the per-request opt-out (a call that must not be
     * cut short by the request it is made for, or that leaves the trust boundary).
     *
     * @return true or false, or null to use the client's
     */
    public Boolean inheritDeadline() { return inheritDeadline; }

    /** {@return whether repeating this request has the effect of sending it once (RFC 9110 section 9.2.2)} */
    public boolean idempotent() {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };
    }

    /** "GET http://host/path", for messages. */
    @Override
    public String toString() {
        return method + " " + uri;
    }

    /** Builder of {@link ClientRequest}. */
    public static final class Builder {
        private final String method;
        private final URI uri;
        private final Headers headers = new Headers(8);
        private RequestBody body;
        private boolean expectContinue;
        private Duration timeout;
        private Duration responseHeaderTimeout;
        private Instant deadline;
        private Boolean inheritDeadline;

        Builder(String method, URI uri) {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(uri, "uri");
            for (int i = 0; i < method.length(); i++) {
                if (!Headers.isTokenChar(method.charAt(i))) {
                    throw new IllegalArgumentException("invalid method \"" + method + "\"");
                }
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("URL must start with http:// or https://, got \"" + uri + "\"");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new IllegalArgumentException("URL has no host: \"" + uri + "\"");
            }
            this.method = method;
            this.uri = uri;
        }

        /**
         * Adds a header field. Host, Content-Length, Transfer-Encoding and Connection are set by the client.
         *
         * @param name the field name
         * @param value the field value
         * @return this builder
         * @throws IllegalArgumentException for a name or value that is not a valid field (a CR or LF, say)
         */
        public Builder header(String name, String value) {
            headers.add(name, value);
            return this;
        }

        /**
         * Sets the body.
         *
         * @param body the body, or null for none
         * @return this builder
         */
        public Builder body(RequestBody body) {
            this.body = body;
            return this;
        }

        /**
         * Sends {@code Expect: 100-continue} and waits for 100 before the body, up to
         * {@link ClientConfig#expectContinueTimeout()}.
         *
         * @param on whether to
         * @return this builder
         */
        public Builder expectContinue(boolean on) {
            this.expectContinue = on;
            return this;
        }

        /**
         * Overrides the client's total timeout for this call (see {@link ClientRequest#timeout()}).
         *
         * @param d the timeout, {@code Duration.ZERO} for none, or null to use the client's
         * @return this builder
         * @throws IllegalArgumentException if {@code d} is negative
         */
        public Builder timeout(Duration d) {
            if (d != null && d.isNegative()) {
                throw new IllegalArgumentException("timeout must not be negative, got " + d);
            }
            this.timeout = d;
            return this;
        }

        /**
         * Overrides the client's response-header timeout for this call (see
         * {@link ClientRequest#responseHeaderTimeout()}).
         *
         * @param d the timeout, {@code Duration.ZERO} for none, or null to use the client's
         * @return this builder
         * @throws IllegalArgumentException if {@code d} is negative
         */
        public Builder responseHeaderTimeout(Duration d) {
            if (d != null && d.isNegative()) {
                throw new IllegalArgumentException("responseHeaderTimeout must not be negative, got " + d);
            }
            this.responseHeaderTimeout = d;
            return this;
        }

        /**
         * Sets an absolute deadline for the whole call (see {@link ClientRequest#deadline()}).
         *
         * @param at the deadline, or null for none
         * @return this builder
         */
        public Builder deadline(Instant at) {
            this.deadline = at;
            return this;
        }

        /**
         * Overrides {@link ClientConfig#inheritDeadline()} for this call (see
         * {@link ClientRequest#inheritDeadline()}).
         *
         * @param on whether the call is bounded by the current deadline and forwards it
         * @return this builder
         */
        public Builder inheritDeadline(boolean on) {
            this.inheritDeadline = on;
            return this;
        }

        /** {@return the request} */
        public ClientRequest build() {
            return new ClientRequest(this);
        }
    }
}
