package io.hourglass.client;

/**
 * What happens to an HTTP/1.1 connection when a call on it times out while its response is still due.
 *
 * <p>HTTP/1.1 carries one exchange at a time, so a late response must never be read as the answer to the
 * next request. There are two safe ways out.
 *
 * <p>HTTP/2 has nothing to drain and ignores the policy: a call that times out, is cancelled, or closes its
 * body early resets its own stream (RST_STREAM CANCEL) and the connection carries on with the other calls.
 */
public enum TimeoutPolicy {
    /**
     * Close the connection at the timeout (Go's, OkHttp's and most clients' behaviour). Simple, but on a slow
     * upstream every timed-out call costs a connection: a new one is dialled for the next call, and the
     * closed ones wait in FIN_WAIT2 and then TIME_WAIT on the client, CLOSE_WAIT on the server.
     */
    CLOSE,
    /**
     * The default. The caller gets its timeout error at once; the connection leaves the caller, waits for the
     * late response within the drain budget ({@link ClientConfig#drainTimeout()} and
     * {@link ClientConfig#drainMaxBytes()}), discards it, and goes back to the pool when it is still reusable;
     * otherwise it is closed. While draining it counts against {@link ClientConfig#maxConnsPerHost()}, so a
     * stuck upstream cannot make the client open connections without bound.
     *
     * <p>Drains use only spare capacity: a call that needs a connection while the pool is at its cap with
     * none idle takes a draining connection's place (the connection is reset and a new one dialled, what
     * CLOSE would have done at the timeout), as long as the origin answers: a response came in time within
     * the last second, or fewer than 32 calls in a row timed out since the last one that did. So DRAIN never
     * answers fewer healthy calls than CLOSE. When every call times out, drains keep their places and calls beyond the cap fail in phase
     * POOL_WAIT ({@link PoolTimeoutException}) without reaching the upstream.
     */
    DRAIN
}
