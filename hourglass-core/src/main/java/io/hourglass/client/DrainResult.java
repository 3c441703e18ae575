package io.hourglass.client;

/**
 * How a drain ended ({@link TimeoutPolicy#DRAIN}): the connection of a call that gave up (timeout, cancel, or
 * a body closed early) read the late response to throw it away, and then went back to the pool or was closed.
 * Reported by {@link EventListener#drainEnd} and counted in
 * {@code hourglass_client_drains_total{host,result}} with {@link #label()}.
 */
public enum DrainResult {
    /** The late response was read to its end and the connection went back to the pool. */
    REUSED("reused"),
    /**
     * A call needed a connection while the pool was at its cap, and took this draining connection's place:
     * the connection was reset (closed with RST: the rest of its response is not wanted, so the socket skips
     * TIME_WAIT) and the call opened a new one. What {@link TimeoutPolicy#CLOSE} would have done at the
     * timeout, done only when the slot was needed.
     */
    PREEMPTED("preempted"),
    /** The drain timeout ({@link ClientConfig#drainTimeout()}) passed first: the connection was reset. */
    TIMEOUT("timeout"),
    /** The late response was larger than {@link ClientConfig#drainMaxBytes()}: the connection was reset. */
    MAX_BYTES("max_bytes"),
    /**
     * The connection could not be kept: the late response asked to close it, was malformed, or the server
     * closed or reset the connection. Closed.
     */
    CLOSED("closed");

    private final String label;

    DrainResult(String label) {
        this.label = label;
    }

    /** {@return the value of the metric's {@code result} label, e.g. {@code max_bytes}} */
    public String label() {
        return label;
    }
}
