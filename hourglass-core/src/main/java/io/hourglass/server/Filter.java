package io.hourglass.server;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Code that runs around a handler: it may look at or change the request and the response, answer by
 * itself, or call {@code next} to go on (Go's handler wrappers, Jetty's and Helidon's filters).
 *
 * <p><b>Where filters run.</b> {@link Router#use} on the root router wraps every request the router handles
 * (the server's filters, when the router is the server's handler); {@link Router#use} on a
 * {@linkplain Router#group group} wraps that group's routes; {@link #wrap} puts a filter around any one
 * handler (a single route). Filters run in the order they were added, the first one outermost:
 * {@code use(a, b)} runs {@code a}, which calls {@code b}, which calls the handler.
 *
 * <p><b>On the handler's thread.</b> A filter runs on the request's virtual thread, before and after the
 * handler, with the same cancellation: {@link Request#isCancelled()} and {@link Request#deadline()} say
 * whether and by when the work must stop, and the thread is interrupted when the request is cancelled (the
 * client left, or the handler timeout passed). A filter that does not call {@code next} answers the request
 * itself. Exceptions from {@code next} pass through a filter that does not catch them and end the request as
 * {@link Handler} describes. Filters are protocol-agnostic: they see only {@link Request} and
 * {@link Response}.
 *
 * <p><b>The filters that come with Hourglass</b>, all off unless added: {@link #requestId()},
 * {@link #accessLog()} and {@link #accessLogJson()}, {@link #recovery()}, {@link #cors(String...)},
 * {@link #gzip()}, {@link #maxRequestBody(long)}.
 */
@FunctionalInterface
public interface Filter {

    /**
     * Handles the request, calling {@code next.handle(request, response)} to pass it on, or answering it
     * itself without calling {@code next}. Code placed after the call to {@code next} runs once the rest of
     * the chain has returned, when the response may already be committed.
     *
     * @param request the request, as the handler will see it: a filter may change its headers before calling
     *     {@code next}
     * @param response the response the handler will write: a filter may set headers or a status before
     *     calling {@code next}, or send the whole answer itself
     * @param next the rest of the chain: the next filter, or the route's handler after the last filter
     * @throws Exception the filter's own failure, or one from {@code next} that it lets through; the server
     *     ends the request with it as {@link Handler#handle} describes
     */
    void filter(Request request, Response response, Handler next) throws Exception;

    /**
     * A handler that runs this filter around {@code handler}: {@code filter(request, response, handler)} on
     * each request. Use it to filter one route only.
     *
     * @param handler the handler to wrap; it becomes {@code next}
     * @return the wrapped handler; {@code handler} itself is not changed
     * @throws NullPointerException when {@code handler} is null
     */
    default Handler wrap(Handler handler) {
        Objects.requireNonNull(handler, "handler");
        return (req, res) -> filter(req, res, handler);
    }

    /**
     * Gives every request an id in the {@code X-Request-Id} field: the client's, when it sent a usable one
     * (1 to 128 visible ASCII characters without quotes or backslashes), else a new random one (32 hex
     * digits). The id is set on the request's headers, so that handlers and later filters (the access log)
     * read it with {@code req.header("X-Request-Id")}, and on the response.
     *
     * @return the filter, equal to {@code requestId("X-Request-Id")}
     */
    static Filter requestId() {
        return requestId("X-Request-Id");
    }

    /**
     * {@link #requestId()} with another field name, e.g. {@code X-Correlation-Id}. The JSON access log's
     * {@code request_id} still reads {@code X-Request-Id}.
     *
     * @param fieldName the header field that carries the id, on the request and on the response
     * @return the filter
     * @throws IllegalArgumentException when {@code fieldName} is empty or not a token (not a field name)
     * @throws NullPointerException when {@code fieldName} is null
     */
    static Filter requestId(String fieldName) {
        return StandardFilters.requestId(fieldName);
    }

    /**
     * Logs one line per request in the common log format, followed by the duration in seconds and what
     * ended the request when it did not end normally (e.g. {@code timeout:handler}, {@code timeout:write},
     * {@code cancelled:client-gone}, {@code error}; {@code -} otherwise):
     * <pre>127.0.0.1 - - [05/Dec/2026:10:00:00 +0000] "GET /hello HTTP/1.1" 200 6 0.000412 -</pre>
     * The line goes to the {@link System.Logger} {@code io.hourglass.access} at level INFO, once the handler
     * has returned; the duration runs from the request's first byte until then. The status is the one the
     * client got: the handler's, or the server's own when it answered for a failed or timed-out handler
     * (500, 408, 413, 503), or 499 when the client left before a status was sent (nginx's convention).
     * Put it outermost (first) to see what the other filters did. When the logger does not log INFO, the
     * filter only calls {@code next}.
     *
     * @return the filter, logging to {@code System.getLogger("io.hourglass.access")}
     */
    static Filter accessLog() {
        return accessLog(System.getLogger(AccessLog.LOGGER_NAME));
    }

    /**
     * {@link #accessLog()} into another logger.
     *
     * @param logger where the lines go, one {@code log(INFO, line)} call per request
     * @return the filter
     * @throws NullPointerException when {@code logger} is null
     */
    static Filter accessLog(System.Logger logger) {
        return new AccessLog(logger, false);
    }

    /**
     * {@link #accessLog()} as one JSON object per line: {@code time}, {@code remote}, {@code method},
     * {@code target}, {@code protocol}, {@code status}, {@code bytes}, {@code duration_ms}, {@code ended_by}
     * (null when it ended normally) and {@code request_id} (when the request has an {@code X-Request-Id}).
     *
     * @return the filter, logging to {@code System.getLogger("io.hourglass.access")}
     */
    static Filter accessLogJson() {
        return accessLogJson(System.getLogger(AccessLog.LOGGER_NAME));
    }

    /**
     * {@link #accessLogJson()} into another logger.
     *
     * @param logger where the lines go, one {@code log(INFO, json)} call per request
     * @return the filter
     * @throws NullPointerException when {@code logger} is null
     */
    static Filter accessLogJson(System.Logger logger) {
        return new AccessLog(logger, true);
    }

    /**
     * Turns a handler's exception into a 500 with a plain-text body that says nothing about the exception,
     * and one log line (the request, the exception and where it was thrown; no stack trace) at level ERROR in
     * the {@link System.Logger} {@code io.hourglass.server}. The connection stays usable. Exceptions that
     * are the server's business pass through untouched: timeouts, a client that left, a body over its limit,
     * an interrupt after cancellation, and any exception once the response has been committed (the server
     * then resets the connection, so the client never takes a truncated body as complete).
     *
     * @return the filter
     */
    static Filter recovery() {
        return StandardFilters.recovery(System.getLogger("io.hourglass.server"));
    }

    /**
     * Sets the largest request body for the requests it wraps, in bytes, replacing the server's
     * {@link ServerConfig#maxRequestBodyBytes()} (higher or lower); 0 lifts the limit. A read past it fails
     * and the server answers 413 and closes, as the server's own limit does.
     *
     * @param bytes the largest body the wrapped requests may send, in bytes; 0 for no limit
     * @return the filter
     * @throws IllegalArgumentException when {@code bytes} is negative
     */
    static Filter maxRequestBody(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("maxRequestBody must not be negative, got " + bytes);
        }
        return (req, res, next) -> {
            req.maxBodyBytes(bytes);
            next.handle(req, res);
        };
    }

    /**
     * Compresses response bodies with gzip when the client accepts it ({@code Accept-Encoding}, with
     * q-values; {@code x-gzip} counts as gzip), for text-like types ({@code text/*}, JSON, JavaScript, XML,
     * SVG, WebAssembly, {@code +json} and {@code +xml} types) of at least 1024 bytes or of unknown length.
     * See {@link #gzip(int, String...)}.
     *
     * @return the filter, with a minimum of 1024 bytes and the types above
     */
    static Filter gzip() {
        return new Gzip(Gzip.DEFAULT_MIN_BYTES, Gzip.DEFAULT_TYPES);
    }

    /**
     * Compresses response bodies with gzip for the given content types, when the body is at least
     * {@code minBytes} long or its length is not declared. A type is a media type ({@code text/html}), a
     * whole top-level type ({@code text/*}) or a structured-syntax suffix ({@code +json}).
     *
     * <p>It applies only when the client accepts gzip; whenever the type and size qualify it adds
     * {@code Vary: Accept-Encoding}, so caches keep the two forms apart. It never compresses a 206 or any
     * response with a Content-Range, a response that already has a Content-Encoding, or one without a body.
     * A compressed response loses its Content-Length (it is streamed, or sent with the compressed length when
     * the handler used {@link Response#send(byte[])}) and its strong ETag becomes weak ({@code W/"..."}), since
     * the bytes differ (RFC 9110 section 8.8.3). {@link Response#flush()} flushes the compressor too.
     *
     * @param minBytes the smallest declared body length ({@link Response#contentLength(long)}, or the length
     *     given to {@code send}) that is compressed; 0 for any. A body of undeclared length (streamed chunked)
     *     qualifies whatever this is
     * @param contentTypes the types to compress, matched against the response's Content-Type without its
     *     parameters, case-insensitively; at least one
     * @return the filter
     * @throws IllegalArgumentException when {@code minBytes} is negative, no type is given, or one is not a
     *     media type, {@code type/*} or {@code +suffix}
     */
    static Filter gzip(int minBytes, String... contentTypes) {
        if (minBytes < 0) {
            throw new IllegalArgumentException("gzip minBytes must not be negative, got " + minBytes);
        }
        if (contentTypes.length == 0) {
            throw new IllegalArgumentException("gzip needs at least one content type, e.g. \"text/*\"");
        }
        return new Gzip(minBytes, List.of(contentTypes));
    }

    /**
     * Cross-origin resource sharing for browsers (the Fetch standard's CORS protocol) for the given origins
     * ({@code "https://app.example"}; {@code "*"} for any). Requests without an Origin pass untouched. A
     * preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}) from an allowed origin for an
     * allowed method gets 204 with the Access-Control-Allow-* fields and does not reach the handler; one that
     * is not allowed gets 403 saying why. Other requests from an allowed origin get
     * {@code Access-Control-Allow-Origin} (and the rest the policy asks for) and go on to the handler.
     * Responses that depend on the origin get {@code Vary: Origin}.
     *
     * <p>Defaults: methods GET, HEAD, POST, PUT, PATCH, DELETE; any request header the preflight asks for;
     * no credentials; preflight results cached for 10 minutes. Put it on the root router or on a group: a
     * preflight has no route of its own, and a group's filters also see the 405 of a path under its prefix.
     *
     * @param origins the allowed origins, each {@code scheme://host[:port]} without a path, compared
     *     case-insensitively with the request's Origin; {@code "*"} allows any origin
     * @return the policy with the defaults above, itself a filter; its methods return changed copies
     * @throws IllegalArgumentException when no origin is given or one is not of that form
     */
    static Cors cors(String... origins) {
        return new Cors(List.of(origins));
    }

    /** A CORS policy; immutable: every method returns a new one. See {@link Filter#cors(String...)}. */
    final class Cors implements Filter {
        private final CorsPolicy policy;

        Cors(List<String> origins) {
            this(CorsPolicy.of(origins));
        }

        private Cors(CorsPolicy policy) {
            this.policy = policy;
        }

        /**
         * The methods a preflight may ask for (default GET, HEAD, POST, PUT, PATCH, DELETE), listed in
         * {@code Access-Control-Allow-Methods}; a preflight for another method gets 403. Matched
         * case-sensitively, as methods are (RFC 9110 section 9.1). Requests that are not preflights are not
         * checked against them.
         *
         * @param methods the method names, replacing the current list
         * @return a copy of this policy with these methods
         * @throws IllegalArgumentException when a name is empty or not a token
         */
        public Cors methods(String... methods) {
            return new Cors(policy.withMethods(Arrays.asList(methods)));
        }

        /**
         * The request headers a preflight may ask for ({@code Access-Control-Request-Headers}), compared
         * case-insensitively. By default any header it asks for is allowed and echoed back; once this is set,
         * a preflight asking for another header gets 403.
         *
         * @param headers the field names, replacing the current set; none allows no request header
         * @return a copy of this policy with these headers
         * @throws IllegalArgumentException when a name is empty or not a token
         */
        public Cors headers(String... headers) {
            return new Cors(policy.withHeaders(Arrays.asList(headers)));
        }

        /**
         * Response headers the browser may show to the page, sent as {@code Access-Control-Expose-Headers} on
         * the answers to allowed origins' requests (not on preflights). Default none.
         *
         * @param headers the field names, replacing the current list; none sends no such field
         * @return a copy of this policy with these headers
         * @throws IllegalArgumentException when a name is empty or not a token
         */
        public Cors exposeHeaders(String... headers) {
            return new Cors(policy.withExposed(Arrays.asList(headers)));
        }

        /**
         * Whether the browser may send cookies and credentials ({@code Access-Control-Allow-Credentials}).
         * Not with the origin {@code "*"}: browsers refuse that pairing, so it is rejected here.
         *
         * @param allow true to send {@code Access-Control-Allow-Credentials: true} to allowed origins; default
         *     false
         * @return a copy of this policy with this setting
         * @throws IllegalArgumentException when {@code allow} is true and the origins include {@code "*"}
         */
        public Cors allowCredentials(boolean allow) {
            return new Cors(policy.withCredentials(allow));
        }

        /**
         * How long a browser may cache a preflight's answer, sent as {@code Access-Control-Max-Age} in whole
         * seconds (a fraction is dropped). Default 10 minutes; {@code Duration.ZERO} asks browsers not to
         * cache it.
         *
         * @param maxAge the time, not negative
         * @return a copy of this policy with this time
         * @throws IllegalArgumentException when {@code maxAge} is null or negative
         */
        public Cors maxAge(Duration maxAge) {
            return new Cors(policy.withMaxAge(maxAge));
        }

        @Override
        public void filter(Request request, Response response, Handler next) throws Exception {
            policy.filter(request, response, next);
        }

        @Override
        public String toString() {
            return "Cors" + policy;
        }
    }
}
