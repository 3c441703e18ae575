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

    private ClientRequest(Builder b) {
        this.method = b.method;
        this.uri = b.uri;
        this.headers = Headers.copyOf(b.headers); // the builder may go on changing its own
        this.body = b.body;
        this.expectContinue = b.expectContinue;
        this.timeout = b.timeout;
        this.responseHeaderTimeout = b.responseHeaderTimeout;
        this.deadline = b.deadline;
    }

    public static ClientRequest get(String uri) {
        return builder("GET", URI.create(uri)).build();
    }

    public static ClientRequest post(String uri, RequestBody body) {
        return builder("POST", URI.create(uri)).body(body).build();
    }

    public static Builder builder(String method, URI uri) {
        return new Builder(method, uri);
    }

    public String method() { return method; }
    public URI uri() { return uri; }
    /** The header fields, read-only ({@link Headers#copyOf}): change them on a builder instead. */
    public Headers headers() { return headers; }
    /** The body, or null. */
    public RequestBody body() { return body; }
    public boolean expectContinue() { return expectContinue; }
    /** The per-call total timeout, or null to use the client's. */
    public Duration timeout() { return timeout; }
    /** The per-call response-header timeout, or null to use the client's. */
    public Duration responseHeaderTimeout() { return responseHeaderTimeout; }
    /** An absolute deadline for the whole call, or null. The earlier of this and the timeout wins. */
    public Instant deadline() { return deadline; }

    /** Whether retrying this request cannot change the server's state (RFC 9110 section 9.2.2). */
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

        /** Adds a header. Host, Content-Length, Transfer-Encoding and Connection are set by the client. */
        public Builder header(String name, String value) {
            headers.add(name, value);
            return this;
        }

        public Builder body(RequestBody body) {
            this.body = body;
            return this;
        }

        /** Sends {@code Expect: 100-continue} and waits for 100 before the body (see expectContinueTimeout). */
        public Builder expectContinue(boolean on) {
            this.expectContinue = on;
            return this;
        }

        /** Overrides the client's total timeout for this call. */
        public Builder timeout(Duration d) {
            if (d != null && d.isNegative()) {
                throw new IllegalArgumentException("timeout must not be negative, got " + d);
            }
            this.timeout = d;
            return this;
        }

        /** Overrides the client's response-header timeout for this call. */
        public Builder responseHeaderTimeout(Duration d) {
            if (d != null && d.isNegative()) {
                throw new IllegalArgumentException("responseHeaderTimeout must not be negative, got " + d);
            }
            this.responseHeaderTimeout = d;
            return this;
        }

        /** An absolute deadline for the whole call (like a Go context deadline). */
        public Builder deadline(Instant at) {
            this.deadline = at;
            return this;
        }

        public ClientRequest build() {
            return new ClientRequest(this);
        }
    }
}
