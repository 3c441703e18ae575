package io.hourglass.server;

import io.hourglass.http.Headers;
import io.hourglass.internal.h1.BodyIn;
import io.hourglass.net.Conn;
import java.io.InputStream;
import java.net.SocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * A request as the handler sees it: line, header, body stream, and its cancellation state.
 * Valid only while the handler runs.
 */
public final class Request {
    private final String method;
    private final String target;
    private final int version;
    private final Headers headers;
    private final long contentLength;
    private final BodyIn body;
    private final Conn conn;
    private final long startNanos;
    private volatile boolean cancelled;   // written by the disconnect watcher and the timer
    private volatile String cancelReason;
    private String path;
    private String query;
    Map<String, String> pathParams = Map.of();

    Request(String method, String target, int version, Headers headers, long contentLength, BodyIn body, Conn conn,
            long startNanos) {
        this.method = method;
        this.target = target;
        this.version = version;
        this.headers = headers;
        this.contentLength = contentLength;
        this.body = body;
        this.conn = conn;
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

    /** {@return the protocol version, {@code HTTP/1.1} or {@code HTTP/1.0}} */
    public String version() {
        return version == 11 ? "HTTP/1.1" : "HTTP/1.0";
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

    /** {@return the declared body length, -1 for a chunked body, 0 for none} */
    public long contentLength() {
        return contentLength;
    }

    /**
     * The body. Reading it sends {@code 100 Continue} first when the client asked for it. A read fails with
     * {@link io.hourglass.http.HttpTimeoutException} when the read timeout or the minimum data rate is
     * exceeded, and with an {@link java.io.EOFException} when the client leaves in the middle.
     *
     * @return the body stream; closing it is not needed
     */
    public InputStream body() {
        return body;
    }

    /** {@return the trailer fields of a chunked body once it has been read to its end; empty before, or without} */
    public Headers trailers() {
        return body.trailers();
    }

    /** {@return the client's address} */
    public SocketAddress remoteAddress() {
        return conn.remoteAddress();
    }

    /** {@return the connection's id, as in logs and error messages} */
    public long connectionId() {
        return conn.id();
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

    /** {@return why the request was cancelled ("client closed the connection", "handler timeout"), or null} */
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
     * <p>The deadline is an absolute instant, not extended by progress ({@link Conn}'s semantics); it holds
     * until the body has been read to its end. When it passes, the blocked body read throws
     * {@link io.hourglass.http.HttpTimeoutException} with phase {@link io.hourglass.http.Phase#READ_BODY};
     * when that exception leaves the handler the server answers 408 if nothing was sent yet and closes,
     * counted in {@code hourglass_timeouts_total{side="server",phase="read-body"}}.
     *
     * @param deadline the new read deadline, or null for none
     */
    public void setReadDeadline(Instant deadline) {
        conn.setReadDeadline(deadline);
    }
}
