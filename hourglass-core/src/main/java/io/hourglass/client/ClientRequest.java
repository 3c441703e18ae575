package io.hourglass.client;

import io.hourglass.http.Headers;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

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
    private final RequestTrailers trailers;
    private final boolean expectContinue;
    private final Duration timeout;
    private final Duration responseHeaderTimeout;
    private final Duration connectTimeout;
    private final Instant deadline;
    private final Boolean inheritDeadline;
    private final List<Protocol> protocols;
    private final Boolean followRedirects;
    // The pool key of a direct call to this request's origin, made on the first call that needs it. Not
    // volatile: a cache of an immutable record (final fields, safely published by any race), as String caches
    // its hash; a thread that sees null makes an equal one.
    private Pool.Origin directOrigin;

    private ClientRequest(Builder b) {
        this.method = b.method;
        this.uri = b.uri;
        this.headers = Headers.copyOf(b.headers); // the builder may go on changing its own
        this.body = b.body;
        this.trailers = b.trailers;
        this.expectContinue = b.expectContinue;
        this.timeout = b.timeout;
        this.responseHeaderTimeout = b.responseHeaderTimeout;
        this.connectTimeout = b.connectTimeout;
        this.deadline = b.deadline;
        this.inheritDeadline = b.inheritDeadline;
        this.protocols = b.protocols;
        this.followRedirects = b.followRedirects;
    }

    /** {@code r} with other (already checked) header fields: the client's own additions, without a builder. */
    private ClientRequest(ClientRequest r, Headers headers) {
        this.method = r.method;
        this.uri = r.uri;
        this.headers = Headers.copyOf(headers);
        this.body = r.body;
        this.trailers = r.trailers;
        this.expectContinue = r.expectContinue;
        this.timeout = r.timeout;
        this.responseHeaderTimeout = r.responseHeaderTimeout;
        this.connectTimeout = r.connectTimeout;
        this.deadline = r.deadline;
        this.followRedirects = r.followRedirects;
        this.inheritDeadline = r.inheritDeadline;
        this.protocols = r.protocols;
    }

    /** {@return the pool key of this request's origin reached directly (no proxy), made once per request} */
    Pool.Origin directOrigin() {
        Pool.Origin o = directOrigin;
        if (o == null) {
            o = Pool.Origin.of(uri, null);
            directOrigin = o;
        }
        return o;
    }

    /** This request with {@code fields} in place of its headers, which must hold only checked fields. */
    ClientRequest withHeaders(Headers fields) {
        return new ClientRequest(this, fields);
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
     * @param uri an absolute http or https URL; characters a URL may not hold are percent-encoded as UTF-8 and
     *     an international host name is put in its ASCII form (see {@link #uri()})
     * @return the request
     * @throws IllegalArgumentException for a malformed URL, another scheme, or no host
     */
    public static ClientRequest get(String uri) {
        return new Builder("GET", Urls.parse(uri)).build();
    }

    /**
     * A POST request.
     *
     * @param uri an absolute http or https URL, encoded as for {@link #get(String)}
     * @param body the body to send
     * @return the request
     * @throws IllegalArgumentException for a malformed URL, another scheme, or no host
     */
    public static ClientRequest post(String uri, RequestBody body) {
        return new Builder("POST", Urls.parse(uri)).body(body).build();
    }

    /**
     * A builder for any request.
     *
     * @param method the method, a token such as {@code PUT}
     * @param uri an absolute http or https URI; non-ASCII characters are percent-encoded as UTF-8 and an
     *     international host name is put in its ASCII form (see {@link #uri()})
     * @return the builder
     * @throws IllegalArgumentException for a method that is not a token, another scheme, or no host
     * @throws NullPointerException if {@code method} or {@code uri} is null
     */
    public static Builder builder(String method, URI uri) {
        return new Builder(method, uri);
    }

    /**
     * A builder for any request, from a URL string encoded as for {@link #get(String)}.
     *
     * @param method the method, a token such as {@code PUT}
     * @param url an absolute http or https URL
     * @return the builder
     * @throws IllegalArgumentException for a method that is not a token, a malformed URL, another scheme, or
     *     no host
     * @throws NullPointerException if {@code method} or {@code url} is null
     */
    public static Builder builder(String method, String url) {
        return new Builder(method, Urls.parse(Objects.requireNonNull(url, "url")));
    }

    /** {@return the method, e.g. {@code GET}} */
    public String method() { return method; }
    /**
     * {@return the absolute URI, as sent: ASCII only, with every character a URL may not hold (non-ASCII,
     * space, quotes, braces...) percent-encoded as UTF-8 and an international host name in its ASCII (IDNA)
     * form, as OkHttp, Go and the JDK client send them}
     */
    public URI uri() { return uri; }
    /**
     * {@return the header fields the caller set, read-only ({@link Headers#copyOf}): change them on a builder
     * instead; the client adds Host, framing and User-Agent}
     */
    public Headers headers() { return headers; }
    /** {@return the body, or null} */
    public RequestBody body() { return body; }
    /**
     * {@return the names of the trailer fields this request declares, in the order given (see
     * {@link Builder#trailers(Collection, Supplier)}); empty when it sends no trailers}
     */
    public List<String> trailerNames() { return trailers == null ? List.of() : trailers.names(); }
    /**
     * {@return the supplier of this request's trailer fields, asked after the body's last byte (see
     * {@link Builder#trailers(Collection, Supplier)}), or null when it sends no trailers}
     */
    public Supplier<Headers> trailerValues() { return trailers == null ? null : trailers.values(); }
    /** The trailer section, or null: for the writers. */
    RequestTrailers trailerSection() { return trailers; }
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
     * This call's connect timeout, in place of {@link ClientConfig#connectTimeout()}, for the connections it
     * dials (a pooled one has no connect): same start (each TCP connect attempt), stop (connected), expiry (the
     * next address, then phase {@code CONNECT}) and metric ({@code hourglass_timeouts_total{side="client",
     * phase="connect"}}).
     *
     * @return the timeout, {@code Duration.ZERO} for none, or null to use the client's
     */
    public Duration connectTimeout() { return connectTimeout; }
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

    /**
     * The protocols for this call, in place of {@link ClientConfig#protocols()}: for instance
     * {@code H2_PRIOR_KNOWLEDGE} to speak HTTP/2 in clear text to one origin of a client that speaks HTTP/1.1
     * to the others. The origin's connections are shared by every call to it, whatever protocols they ask.
     *
     * @return the protocols, or null to use the client's
     */
    public List<Protocol> protocols() { return protocols; }

    /**
     * Whether this call follows redirects, in place of {@link ClientConfig#followRedirects()}.
     *
     * @return true or false, or null to use the client's
     */
    public Boolean followRedirects() { return followRedirects; }

    /**
     * A builder holding this request's method, URL, headers, body and settings, to make a changed copy (an
     * interceptor adding a header, say). The copy's headers are the same fields; the rules of
     * {@link Builder#header} apply to those added.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

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
        private String method;
        private URI uri;
        private final Headers headers = new Headers(8);
        private RequestBody body;
        private RequestTrailers trailers;
        private boolean expectContinue;
        private Duration timeout;
        private Duration responseHeaderTimeout;
        private Duration connectTimeout;
        private Instant deadline;
        private Boolean inheritDeadline;
        private List<Protocol> protocols;
        private Boolean followRedirects;

        Builder(String method, URI uri) {
            method(method);
            uri(uri);
        }

        Builder(ClientRequest r) {
            method = r.method;
            uri = r.uri;
            for (int i = 0; i < r.headers.size(); i++) {
                headers.add(r.headers.name(i), r.headers.value(i));
            }
            body = r.body;
            trailers = r.trailers;
            expectContinue = r.expectContinue;
            timeout = r.timeout;
            responseHeaderTimeout = r.responseHeaderTimeout;
            connectTimeout = r.connectTimeout;
            deadline = r.deadline;
            followRedirects = r.followRedirects;
            inheritDeadline = r.inheritDeadline;
            protocols = r.protocols;
        }

        /**
         * Sets the method.
         *
         * @param m the method, a token such as {@code PUT}
         * @return this builder
         * @throws IllegalArgumentException for a method that is not a token
         */
        public Builder method(String m) {
            Objects.requireNonNull(m, "method");
            if (m.isEmpty()) {
                throw new IllegalArgumentException("empty method");
            }
            for (int i = 0; i < m.length(); i++) {
                if (!Headers.isTokenChar(m.charAt(i))) {
                    throw new IllegalArgumentException("invalid method \"" + m + "\"");
                }
            }
            this.method = m;
            return this;
        }

        /**
         * Sets the URL, encoded as for {@link ClientRequest#builder(String, URI)}.
         *
         * @param u an absolute http or https URI
         * @return this builder
         * @throws IllegalArgumentException for another scheme, or no host
         */
        public Builder uri(URI u) {
            this.uri = Urls.normalize(Objects.requireNonNull(u, "uri")); // checks the scheme and the host too
            return this;
        }

        /**
         * Removes every field of this name.
         *
         * @param name the field name, in any case
         * @return this builder
         */
        public Builder removeHeader(String name) {
            headers.remove(name);
            if (name.equalsIgnoreCase("Expect")) {
                expectContinue = false;
            }
            return this;
        }

        /**
         * Overrides the client's {@link ClientConfig#followRedirects()} for this call.
         *
         * @param on whether to follow redirects, or null to use the client's
         * @return this builder
         */
        public Builder followRedirects(Boolean on) {
            this.followRedirects = on;
            return this;
        }

        /**
         * Adds a header field. The client sets Host (from the URL), User-Agent, Content-Length or
         * Transfer-Encoding (from the body) unless told otherwise; some fields have rules:
         * <ul>
         * <li>{@code Host} replaces the URL's host in the header (one Host; a second replaces the first);
         * <li>{@code Connection} may be {@code close} (sent; the connection is closed after the response) or
         *     {@code keep-alive}; the client manages connections, so other options are refused;
         * <li>{@code Expect} may only be {@code 100-continue} (RFC 9110 section 10.1.1), which is
         *     {@link #expectContinue(boolean) expectContinue(true)};
         * <li>{@code Content-Length} and {@code Transfer-Encoding} are refused: the body sets them.
         * </ul>
         *
         * @param name the field name
         * @param value the field value
         * @return this builder
         * @throws IllegalArgumentException for a name or value that is not a valid field (a CR or LF, say),
         *     or one the rules above refuse, with a message that says why
         */
        public Builder header(String name, String value) {
            if (name.equalsIgnoreCase("Host")) {
                headers.set(name, value);
            } else if (name.equalsIgnoreCase("Expect")) {
                if (!value.strip().equalsIgnoreCase("100-continue")) {
                    throw new IllegalArgumentException("Expect: only 100-continue is defined (RFC 9110 section 10.1.1), got \""
                            + value + "\"");
                }
                expectContinue = true;
            } else if (name.equalsIgnoreCase("Connection")) {
                for (String option : value.split(",", -1)) {
                    String o = option.strip();
                    if (!o.equalsIgnoreCase("close") && !o.equalsIgnoreCase("keep-alive")) {
                        throw new IllegalArgumentException("Connection: only close or keep-alive may be set (the client "
                                + "manages connections), got \"" + value + "\"");
                    }
                }
                headers.add(name, value);
            } else if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")) {
                throw new IllegalArgumentException(name + " is set from the body: use RequestBody.of(stream, length) "
                        + "for a stream of known length, length -1 for chunked");
            } else {
                headers.add(name, value);
            }
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
         * Sends trailer fields after the body (RFC 9110 section 6.5), whose values may be known only once the
         * body has been sent: a checksum or a signature of a streamed body, say. Go's {@code Request.Trailer}
         * model: the names are declared now, the values are asked for at the end.
         * <ul>
         * <li><b>Names.</b> Checked now, as header names are, and refused when RFC 9110 section 6.5.1 keeps them
         *     out of trailers (framing, routing, connection, authentication, request controls and conditionals,
         *     content format: Content-Length, Host, Authorization, Cookie, Expect, Range, Content-Type...) or when
         *     they are pseudo-header fields; so a forbidden name never reaches the wire. They are sent in a
         *     {@code Trailer} field in the header section (RFC 9110 section 6.6.2; Go's HTTP/2 server keeps only
         *     the trailers so announced), beside any Trailer field the caller set itself.
         * <li><b>When the supplier is called.</b> Once per attempt that sends the body to its end, on the thread
         *     that sends it (the caller of {@code send}, the virtual thread of {@code sendAsync}, or a hedged
         *     attempt's own thread: with {@link ClientConfig#hedgeDelay()} two calls may overlap), after the
         *     body's last byte was read from {@link RequestBody#open()} and the stream closed, and before the
         *     message's end goes out. An expect-continue wait comes first: the body, and then the supplier,
         *     wait for 100 Continue (or its timeout); a final status that comes instead, or a server that
         *     answers in full before the body is sent (HTTP/2), means the body is not sent and the supplier not
         *     called. A retry, a 307 or 308 (which send the body again) call it again; a 301, 302 or 303 that
         *     turns the call into a GET drops the body and the trailers with it.
         * <li><b>Time.</b> The supplier runs inside the call: its time counts against the total timeout (or
         *     deadline), and one that passed while it ran fails the call as soon as it returns, with that
         *     deadline's phase ({@code TOTAL}, or {@code DEADLINE} or {@code ATTEMPT} when those bound the
         *     call) and counted as such timeouts are ({@code hourglass_timeouts_total{side="client",
         *     phase="total"}}...), the request cut as below. It should not block for long; a cancel or an
         *     interrupt meanwhile is seen when it returns.
         * <li><b>What it returns.</b> Fields whose names were declared (each any number of times, in any case;
         *     a declared name it leaves out is not sent); null or empty sends an empty trailer section.
         * <li><b>When it fails</b> (it throws, or gives a field that was not declared), the call fails with a
         *     {@link ClientException} of kind {@code IO} that says so, with the cause; the request is cut
         *     before its end so the server cannot take it as whole: over HTTP/1.1 the connection is closed
         *     without the last chunk, over HTTP/2 the stream is reset (RST_STREAM CANCEL) and the connection
         *     carries on. Such a call is not retried.
         * <li><b>On the wire.</b> HTTP/1.1: the body goes chunked even when its length is known (no
         *     Content-Length; a stream body is still read for exactly its length), then the last chunk and the
         *     trailer section (RFC 9112 section 7.1.2). HTTP/2: DATA frames (with content-length when known),
         *     then a HEADERS frame with END_STREAM carrying the trailers, names in lower case (RFC 9113 section
         *     8.1). {@code TE: trailers} is not needed for a request.
         * </ul>
         * A request with trailers needs a body ({@link #build()} says so); {@code RequestBody.of(new byte[0])}
         * is an empty one.
         *
         * @param names the trailer field names, declared now (at least one; each once)
         * @param values gives the fields once the body is sent (see above)
         * @return this builder
         * @throws IllegalArgumentException naming the field, for a name that is not a valid field name, a
         *     pseudo-header field, a name given twice, or a field that cannot be a trailer
         * @throws NullPointerException if {@code names}, a name, or {@code values} is null
         */
        public Builder trailers(Collection<String> names, Supplier<Headers> values) {
            this.trailers = RequestTrailers.of(names, values);
            return this;
        }

        /**
         * Sends these trailer fields after the body, their values known now: as
         * {@link #trailers(Collection, Supplier)} with the fields' names declared and a supplier that returns a
         * copy of them.
         *
         * @param fields the trailer fields (at least one)
         * @return this builder
         * @throws IllegalArgumentException naming the field, for a field that cannot be a trailer; or for no
         *     fields
         */
        public Builder trailers(Headers fields) {
            Headers copy = Headers.copyOf(fields);
            List<String> names = new java.util.ArrayList<>();
            for (int i = 0; i < copy.size(); i++) {
                String n = copy.name(i);
                if (names.stream().noneMatch(n::equalsIgnoreCase)) {
                    names.add(n);
                }
            }
            this.trailers = RequestTrailers.of(names, () -> copy);
            return this;
        }

        /**
         * Sends no trailers (undoes {@link #trailers(Collection, Supplier)}).
         *
         * @return this builder
         */
        public Builder removeTrailers() {
            this.trailers = null;
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
         * Overrides the client's connect timeout for this call (see {@link ClientRequest#connectTimeout()}).
         *
         * @param d the timeout, {@code Duration.ZERO} for none, or null to use the client's
         * @return this builder
         * @throws IllegalArgumentException if {@code d} is negative
         */
        public Builder connectTimeout(Duration d) {
            if (d != null && d.isNegative()) {
                throw new IllegalArgumentException("connectTimeout must not be negative, got " + d);
            }
            this.connectTimeout = d;
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

        /**
         * Sets the protocols for this call (see {@link ClientRequest#protocols()}).
         *
         * @param v {@code H2_PRIOR_KNOWLEDGE} alone, or a list holding {@code HTTP_1_1}; none to use the client's
         * @return this builder
         * @throws IllegalArgumentException for a list {@link ClientConfig#protocols()} would refuse
         */
        public Builder protocols(Protocol... v) {
            this.protocols = v.length == 0 ? null : ClientConfig.checkProtocols("protocols", List.of(v));
            return this;
        }

        /**
         * Builds the request.
         *
         * @return the request
         * @throws IllegalStateException for trailers without a body
         */
        public ClientRequest build() {
            if (trailers != null && body == null) {
                throw new IllegalStateException("request trailers follow a body, and this request has none: set one "
                        + "(RequestBody.of(new byte[0]) for an empty body) or removeTrailers()");
            }
            return new ClientRequest(this);
        }
    }
}
