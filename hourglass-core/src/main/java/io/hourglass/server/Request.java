package io.hourglass.server;

import io.hourglass.http.Headers;
import io.hourglass.internal.io.BlockInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A request as the handler sees it: line, header, body stream, and its cancellation state.
 * Its body is read while the handler runs; its line and header fields are its own for good, so work handed the
 * request (a queue, {@code Deadline.detached}) may read them after the handler returned and the connection
 * carries the next request. It is the same over HTTP/1.1 and HTTP/2; {@link #protocol()} tells which carried it.
 */
public final class Request {
    private final String method;
    private final String target;
    private final Headers headers;
    private final long contentLength;
    private final ServerExchange ex;
    private final long startNanos;
    private volatile boolean cancelled;   // written by the disconnect watcher and the timer
    private volatile String cancelReason; // as cancelled; written first, so a reader that saw cancelled sees it
    private String path;
    private String query;
    private Map<String, String> pathParams = Map.of();
    private String routeRest;             // the raw part of the path a rest wildcard matched, or null
    private long handlerDeadline;         // System.nanoTime() instant, 0 for none; set before the handler runs
    private volatile boolean clientDeadline; // handlerDeadline is the client's (issue 14); read by the timer
    private long maxBodyBytes;            // 0: no limit
    private LimitedBody limited;          // the body() stream when a limit applies

    Request(String method, String target, Headers headers, long contentLength, ServerExchange ex, long startNanos) {
        this.method = method;
        this.target = target;
        this.headers = headers;
        this.contentLength = contentLength;
        this.ex = ex;
        this.startNanos = startNanos;
    }

    /** {@return the method, e.g. {@code GET}} */
    public String method() {
        return method;
    }

    /** {@return the request target as sent, e.g. {@code /users/7?x=1}} */
    public String target() {
        return target;
    }

    /** {@return the path of the target, without percent-decoding; {@code /} for an absolute target without one} */
    public String path() {
        if (path == null) {
            splitTarget();
        }
        return path;
    }

    /** {@return the query of the target without the '?', or {@code ""}} */
    public String query() {
        if (query == null) {
            splitTarget();
        }
        return query;
    }

    private void splitTarget() {
        String t = target;
        if (t.charAt(0) != '/' && !t.equals("*") && t.indexOf("://") > 0) {
            // absolute-form (RFC 9112 section 3.2.2), http or https as the parser checked: the path and query
            int authority = t.indexOf("://") + 3;
            int end = authority;
            while (end < t.length() && t.charAt(end) != '/' && t.charAt(end) != '?') end++;
            t = end == t.length() ? "/" : t.charAt(end) == '?' ? "/" + t.substring(end) : t.substring(end);
        }
        int q = t.indexOf('?');
        path = q < 0 ? t : t.substring(0, q);
        query = q < 0 ? "" : t.substring(q + 1);
    }

    /**
     * The first value of a query parameter.
     *
     * @param name the parameter's name, compared with the percent-decoded names of the query
     * @return its percent-decoded value, {@code ""} for a name without {@code =}, or null when absent
     */
    public String queryParam(String name) {
        String q = query();
        int i = 0;
        while (i <= q.length()) {
            int amp = q.indexOf('&', i);
            int end = amp < 0 ? q.length() : amp;
            int eq = q.indexOf('=', i);
            String key = eq < 0 || eq > end ? q.substring(i, end) : q.substring(i, eq);
            if (decode(key).equals(name)) {
                return eq < 0 || eq > end ? "" : decode(q.substring(eq + 1, end));
            }
            if (amp < 0) {
                break;
            }
            i = amp + 1;
        }
        return null;
    }

    private static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /**
     * A parameter captured by the router's pattern, such as {@code id} in {@code GET /users/{id}}.
     *
     * @param name the name in the pattern
     * @return the segment it matched (the rest of the path for {@code {name...}}), or null
     */
    public String pathParam(String name) {
        return pathParams.get(name);
    }

    /** Set by the router before it calls the route's handler. */
    void route(Map<String, String> params, String rawRest) {
        this.pathParams = params;
        this.routeRest = rawRest;
    }

    /** The raw (not decoded) part of the path that the route's rest wildcard or trailing slash matched, or null. */
    String routeRest() {
        return routeRest;
    }

    /**
     * Set by the connection before the handler runs: the handler's deadline (the handler timeout's, or the
     * client's when that is earlier) and the body limit.
     */
    void begin(long handlerDeadlineNanos, long maxBodyBytes) {
        this.handlerDeadline = handlerDeadlineNanos;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Set before {@link #begin} when the handler's deadline is the one the client sent (issue 14). */
    void clientDeadline(boolean v) {
        clientDeadline = v;
    }

    /** Whether the handler's deadline is the client's rather than the handler timeout's; the timer reads it. */
    boolean clientDeadline() {
        return clientDeadline;
    }

    /**
     * The instant by which the handler must be done, if there is one: the earlier of the handler timeout's
     * deadline and the deadline the client sent in its deadline header less the server's reserve (at either,
     * the request is cancelled and the handler interrupted; see {@link ServerConfig#honourDeadlines()}), and
     * the response's write deadline (after which the connection is closed). Empty when all are disabled or
     * absent. The same instant is {@link io.hourglass.http.Deadline#current()} on the handler's thread when
     * the handler starts, which bounds the client calls it makes; {@link #isCancelled()} tells when it passed.
     *
     * @return the deadline as a wall-clock instant: now plus the time left, computed at each call from the
     *     monotonic {@link System#nanoTime()} deadline (so the time left stays right when the system clock is
     *     set); empty when no deadline is set
     */
    public Optional<Instant> deadline() {
        long d = deadlineNanos();
        if (d == 0) {
            return Optional.empty();
        }
        return Optional.of(Instant.now().plusNanos(d - System.nanoTime()));
    }

    /** {@link #deadline()} as a {@link System#nanoTime()} instant, 0 for none. */
    long deadlineNanos() {
        return earliest(handlerDeadline, ex.writeDeadlineNanos());
    }

    private static long earliest(long a, long b) {
        if (a == 0) return b;
        if (b == 0) return a;
        return a - b <= 0 ? a : b;
    }

    /**
     * Sets the largest request body this request may have, replacing the server's
     * {@link ServerConfig#maxRequestBodyBytes()}; 0 lifts the limit. For filters such as
     * {@link Filter#maxRequestBody(long)}; it takes effect for body reads that follow.
     */
    void maxBodyBytes(long bytes) {
        this.maxBodyBytes = bytes;
    }

    long maxBodyBytes() {
        return maxBodyBytes;
    }

    /**
     * {@return the protocol version as a request line names it: {@code HTTP/1.1}, {@code HTTP/1.0}, or
     * {@code HTTP/2.0} for HTTP/2 (as Go's {@code Request.Proto} and nginx's {@code $server_protocol})}
     */
    public String version() {
        return ex.version();
    }

    /**
     * The protocol that carried the request, as its ALPN identifier (RFC 7301's registry): {@code http/1.1}
     * or {@code http/1.0}; {@code h2} for HTTP/2 over TLS, {@code h2c} for HTTP/2 over cleartext TCP (prior
     * knowledge). The only difference a handler can see between the protocols: the request, the response and
     * every timeout behave the same over both.
     *
     * @return {@code http/1.1}, {@code http/1.0}, {@code h2} or {@code h2c}
     */
    public String protocol() {
        return ex.protocol();
    }

    /** {@return the request's header fields} */
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
     * {@return the declared body length, -1 for a body of unknown length (HTTP/1.1 chunked, or an HTTP/2
     * request without content-length that has a body), 0 for none}
     */
    public long contentLength() {
        return contentLength;
    }

    /**
     * The body. Reading it sends {@code 100 Continue} first when the client asked for it. A read fails with
     * {@link io.hourglass.http.HttpTimeoutException} when the read timeout or the minimum data rate is
     * exceeded, and with an {@link java.io.EOFException} when the client leaves in the middle (over HTTP/2:
     * resets the stream). Over HTTP/2 a read takes what the client sent and opens its flow-control window by
     * as much, so a handler that reads slowly slows the client down and the server buffers at most one
     * window per stream.
     *
     * <p>When the body is larger than the limit ({@link ServerConfig#maxRequestBodyBytes()}, or a route's
     * {@link Filter#maxRequestBody(long)}), a read fails with an {@link java.io.IOException} that the server
     * answers with 413 and a close (over HTTP/2: 413, then RST_STREAM NO_ERROR to stop the rest of the body,
     * RFC 9113 section 8.1); a declared Content-Length over the limit fails the first read, before
     * {@code 100 Continue} is sent, so such a client never sends its body.
     *
     * @return the body stream; closing it is not needed
     */
    public InputStream body() {
        if (limited == null) {
            if (maxBodyBytes <= 0 || contentLength == 0) {
                return ex.body(); // no limit, or no body: the codec's stream itself
            }
            limited = new LimitedBody();
        }
        return limited;
    }

    /** The body stream with the request's body limit applied. */
    private final class LimitedBody extends BlockInputStream {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long limit = maxBodyBytes;
            if (limit > 0 && contentLength > limit) {
                throw tooLarge(limit); // before the first read: no 100 Continue goes out
            }
            int n = ex.body().read(b, off, len);
            if (limit > 0 && ex.bodyDelivered() > limit) {
                throw tooLarge(limit);
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return ex.body().available();
        }

        @Override
        public void close() throws IOException {
            ex.body().close();
        }
    }

    private static IOException tooLarge(long limit) {
        // H1Exception carries the status the server answers with; the connection is closed after it, which
        // is what HTTP/1.1 framing needs when the rest of a body is left unread.
        return new io.hourglass.internal.h1.H1Exception(413, "request body larger than the limit of " + limit + " bytes",
                io.hourglass.internal.h1.H1Exception.Limit.BODY_BYTES);
    }

    /** {@return the trailer fields of a chunked body once it has been read to its end; empty before, or without} */
    public Headers trailers() {
        return ex.trailers();
    }

    /** {@return the client's address} */
    public SocketAddress remoteAddress() {
        return ex.remoteAddress();
    }

    /** {@return the connection's id, as in logs and error messages (HTTP/2: the connection, not the stream)} */
    public long connectionId() {
        return ex.connectionId();
    }

    /** {@return when the request's first byte arrived, as a {@link System#nanoTime()} instant} */
    public long startNanos() {
        return startNanos;
    }

    /**
     * Whether the request was cancelled: the client went away, or the handler timeout passed. The
     * handler's thread is interrupted at the same moment.
     *
     * @return true once cancelled
     */
    public boolean isCancelled() {
        return cancelled;
    }

    /**
     * {@return why the request was cancelled ("client closed the connection", "handler timeout", or
     * "deadline": the deadline the client sent passed), or null}
     */
    public String cancelReason() {
        return cancelReason;
    }

    /** Marks the request cancelled; the first reason given is kept. */
    synchronized void cancel(String reason) {
        if (!cancelled) {
            cancelReason = reason;
            cancelled = true;
        }
    }

    /**
     * Replaces {@link ServerConfig#readTimeout()} for the rest of this request, for a handler that streams a
     * long request body (Go's ResponseController.SetReadDeadline).
     * <p>The deadline is an absolute instant, not extended by progress ({@link io.hourglass.net.Conn}'s semantics); it holds
     * until the body has been read to its end. When it passes, the blocked body read throws
     * {@link io.hourglass.http.HttpTimeoutException} with phase {@link io.hourglass.http.Phase#READ_BODY};
     * when that exception leaves the handler the server answers 408 if nothing was sent yet and closes,
     * counted in {@code hourglass_timeouts_total{side="server",phase="read-body"}}. Over HTTP/2 the deadline
     * is the stream's: the blocked read fails the same way, the server answers 408 if nothing was sent yet and
     * resets the stream, and the connection carries on.
     *
     * @param deadline the new read deadline, or null for none
     */
    public void setReadDeadline(Instant deadline) {
        ex.readDeadlineNanos(nanosOf(deadline));
    }

    /** A wall-clock instant as a {@link System#nanoTime()} instant; 0 (none) for null, never 0 otherwise. */
    static long nanosOf(Instant deadline) {
        if (deadline == null) {
            return 0;
        }
        long n = System.nanoTime() + Duration.between(Instant.now(), deadline).toNanos();
        return n == 0 ? 1 : n;
    }
}
