package io.hourglass.internal.h2;

/**
 * One flow-control window (RFC 9113 section 5.2 and 6.9): of a stream ({@link #streamId()} &gt; 0) or of the
 * connection (0), seen from either end.
 *
 * <ul>
 *   <li><b>Sending</b> (the peer's window for our DATA): {@link #take} before writing DATA, {@link #credit}
 *       on each WINDOW_UPDATE received.</li>
 *   <li><b>Receiving</b> (our window for the peer's DATA): {@link #receive} for each DATA frame (its whole
 *       payload, padding included), {@link #release} as the application consumes bytes, which says when to
 *       send a WINDOW_UPDATE and credits the window by as much.</li>
 * </ul>
 * A change of SETTINGS_INITIAL_WINDOW_SIZE moves every stream window by the difference
 * ({@link #applyInitialDelta}), which may leave it negative: nothing can be sent until WINDOW_UPDATEs bring it
 * above zero again (section 6.9.2). The connection window is not affected by that setting.
 *
 * <p>Errors: a window above 2^31-1 is a FLOW_CONTROL_ERROR, a stream error for a stream window through
 * WINDOW_UPDATE and a connection error through SETTINGS (section 6.9.1, 6.9.2); so is a peer sending more
 * than our window allows. Not thread-safe: the connection guards its windows with its lock.
 */
public final class FlowWindow {
    private final int streamId;
    private long window;  // within [-(2^31-1), 2^31-1]
    private int unsent;   // receiving: bytes consumed but not yet returned to the peer by a WINDOW_UPDATE

    /** A window of {@code initial} bytes (65 535 for a new connection, the initial window size for a stream). */
    public FlowWindow(int streamId, int initial) {
        if (streamId < 0 || initial < 0) {
            throw new IllegalArgumentException("stream id " + streamId + " and initial window " + initial + " must not be negative");
        }
        this.streamId = streamId;
        this.window = initial;
    }

    public int streamId() {
        return streamId;
    }

    /** The bytes that may still be sent (sending) or received (receiving); negative after a settings decrease. */
    public int available() {
        return (int) window;
    }

    /**
     * Sending: takes {@code n} bytes of the window for a DATA frame about to be written.
     *
     * @throws IllegalStateException when {@code n} exceeds what is available: a bug of the caller, who
     *                               must write no more than {@code min(stream, connection)} windows allow
     */
    public void take(int n) {
        if (n < 0 || n > window) {
            throw new IllegalStateException("taking " + n + " bytes from a window of " + window + " on stream " + streamId);
        }
        window -= n;
    }

    /**
     * Sending: adds a WINDOW_UPDATE's increment (1 to 2^31-1, as the reader checked).
     *
     * @throws H2Exception FLOW_CONTROL_ERROR when the window would exceed 2^31-1: a stream error on a
     *                     stream window, a connection error on the connection's (section 6.9.1)
     */
    public void credit(int increment) throws H2Exception {
        if (window + increment > Frame.MAX_WINDOW) {
            String msg = "WINDOW_UPDATE of " + increment + " takes the window of " + window + " past 2^31-1";
            throw streamId == 0 ? H2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, msg)
                    : H2Exception.stream(streamId, ErrorCode.FLOW_CONTROL_ERROR, msg);
        }
        window += increment;
    }

    /**
     * Moves a stream window by the change of SETTINGS_INITIAL_WINDOW_SIZE (new value minus old); the result
     * may be negative (section 6.9.2).
     *
     * @throws H2Exception FLOW_CONTROL_ERROR (connection error) when the window would exceed 2^31-1
     */
    public void applyInitialDelta(int delta) throws H2Exception {
        if (window + delta > Frame.MAX_WINDOW) {
            throw H2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE change of "
                    + delta + " takes the window of stream " + streamId + " (" + window + ") past 2^31-1");
        }
        window += delta;
    }

    /**
     * Receiving: the peer sent a DATA frame of {@code n} flow-controlled bytes.
     *
     * @throws H2Exception FLOW_CONTROL_ERROR when {@code n} exceeds the window: a stream error on a stream
     *                     window, a connection error on the connection's
     */
    public void receive(int n) throws H2Exception {
        if (n > window) {
            String msg = "peer sent " + n + " bytes with " + Math.max(0, window) + " left in the window";
            throw streamId == 0 ? H2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, msg)
                    : H2Exception.stream(streamId, ErrorCode.FLOW_CONTROL_ERROR, msg);
        }
        window -= n;
    }

    /**
     * Receiving: the application consumed {@code n} bytes (or they were discarded). Returns the increment of
     * the WINDOW_UPDATE to send now, already added to the window, or 0 while the bytes not yet returned
     * are fewer than {@code threshold} (half the window size is the usual choice: fewer, larger updates).
     */
    public int release(int n, int threshold) {
        unsent += n;
        if (unsent < threshold || unsent == 0) {
            return 0;
        }
        int increment = (int) Math.min(unsent, Frame.MAX_WINDOW - window);
        unsent -= increment;
        window += increment;
        return increment;
    }

    @Override
    public String toString() {
        return "FlowWindow{stream " + streamId + ", " + window + " bytes}";
    }
}
