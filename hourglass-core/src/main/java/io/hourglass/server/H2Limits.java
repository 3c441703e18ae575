package io.hourglass.server;

/**
 * The windowed counters of one HTTP/2 connection's flood defences ({@link Http2Config#maxPeerResets()},
 * {@link Http2Config#maxServerResets()}, {@link Http2Config#maxControlFrames()}): each counts events in a
 * fixed window that starts with its first event, and says when one passes its limit. Kept apart, as Jetty's
 * experience with counting its own resets together with the peer's taught (jetty#13807): a server that
 * resets streams for its own reasons must not drop a healthy client.
 *
 * <p>Used by the connection's reading thread only, except {@link #serverReset} which the timer and handler
 * threads call too: all calls are made under the connection's lock.
 */
final class H2Limits {
    /** One counter: events in the current window. */
    static final class Window {
        private final int limit;       // 0: none
        private final long span;
        private long start;            // guarded by the connection's lock
        private int count;             // guarded by the connection's lock

        Window(int limit, long spanNanos) {
            this.limit = limit;
            this.span = spanNanos;
        }

        /** Counts one event at {@code now}; true when the count is now past the limit. */
        boolean add(long now) {
            if (limit == 0) {
                return false;
            }
            if (count == 0 || now - start >= span) {
                start = now;
                count = 0;
            }
            return ++count > limit;
        }

        int count() {
            return count;
        }
    }

    final Window peerResets;
    final Window serverResets;
    final Window controlFrames;

    H2Limits(Http2Config c) {
        long span = c.limitWindow().toNanos();
        peerResets = new Window(c.maxPeerResets(), span);
        serverResets = new Window(c.maxServerResets(), span);
        controlFrames = new Window(c.maxControlFrames(), span);
    }
}
