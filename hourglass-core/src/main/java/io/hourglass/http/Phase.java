package io.hourglass.http;

/**
 * The phase of an exchange in which a timeout fired. Server phases and client phases share one enum so
 * that metrics and logs use one vocabulary ({@code hourglass_timeouts_total{side,phase}}).
 */
public enum Phase {
    /** Server: TLS handshake after accept. */
    TLS_HANDSHAKE("tls-handshake", "TLS handshake not completed"),
    /** Server: waiting for the first byte of the next request on a keep-alive connection. */
    IDLE("idle", "no next request"),
    /** Server: reading a request's line and header. */
    READ_HEADER("read-header", "request header not read"),
    /** Server: reading a request's body (the read timeout). */
    READ_BODY("read-body", "request body not read"),
    /** Server: the request body arrived slower than the minimum data rate. */
    MIN_BODY_RATE("min-body-rate", "request body slower than the minimum rate"),
    /** Server: from the end of the request header to the end of writing the response. */
    WRITE("write", "response not written"),
    /** Server: the handler ran longer than the handler timeout. */
    HANDLER("handler", "handler did not finish"),
    /**
     * HTTP/2 connection liveness: a PING sent after the read-idle timeout was not acknowledged within the
     * ping timeout, so the connection was closed (server: {@code Http2Config.pingTimeout}; client:
     * {@code ClientConfig.http2PingTimeout}, which fails every call on the connection in this phase).
     */
    PING("ping", "PING not acknowledged"),
    /**
     * Client: waiting for a pooled connection or a permit to open one, until the pool-wait timeout or the
     * call's own deadline passes (the error, {@code io.hourglass.client.PoolTimeoutException}, says which).
     */
    POOL_WAIT("pool-wait", "no connection available"),
    /** Client: TCP connect. */
    CONNECT("connect", "connection not established"),
    /**
     * Client: a proxy setting up a tunnel (an HTTP proxy's answer to CONNECT, or the SOCKS5 handshake), after
     * the TCP connect to the proxy.
     */
    PROXY_CONNECT("proxy-connect", "proxy tunnel not established"),
    /** Client: waiting for 100 Continue before sending the body. */
    EXPECT_CONTINUE("expect-continue", "no 100 Continue"),
    /** Client: from the request fully written until the status line and headers are read. */
    RESPONSE_HEADERS("response-headers", "response headers not received"),
    /**
     * Client: the whole call, from its start to the end of the body (the message says what the call was
     * doing when it passed, e.g. "while reading the body").
     */
    TOTAL("total", "call not completed"),
    /**
     * The deadline that travels with a request ({@link Deadline}, issue 14). Server: the deadline the client
     * sent in its deadline header passed while the handler ran, before the handler timeout would have (the
     * handler is cancelled as by the handler timeout). Client: a call made under a current deadline found
     * nothing of it left (less the client's reserve) and was refused without sending, or the call's total
     * timeout, shortened by the inherited deadline, passed.
     */
    DEADLINE("deadline", "deadline passed"),
    /**
     * Client: one attempt of a call that may be retried ran past the per-try timeout
     * ({@code ClientConfig.perTryTimeout}, issue 14); the next attempt follows when the call's deadline and the
     * retry budget allow, else the call fails with this phase.
     */
    ATTEMPT("attempt", "attempt not completed");

    private final String label;
    private final String what;

    Phase(String label, String what) {
        this.label = label;
        this.what = what;
    }

    /** {@return the lower-case name used in metrics, logs and CLI output, e.g. {@code read-header}} */
    public String label() {
        return label;
    }

    /** {@return what did not happen in time, e.g. "request header not read" (used to build messages)} */
    public String what() {
        return what;
    }
}
