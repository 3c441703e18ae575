package io.hourglass.client;

import io.hourglass.internal.h2.ErrorCode;

/**
 * What one HTTP/2 connection reports, turned into the client's metrics, its {@link EventListener} calls and
 * its pool's bookkeeping (waiters woken when a slot frees, the connection dropped when it ends).
 */
final class H2Events implements H2Connection.Events {
    private final Pool pool;
    private final long id;
    private volatile H2Connection conn; // set once, right after the connection starts; read by any thread

    H2Events(Pool pool, long connectionId) {
        this.pool = pool;
        this.id = connectionId;
    }

    void attach(H2Connection c) {
        conn = c;
    }

    @Override
    public void streamReset(int streamId, boolean byServer, int code) {
        String name = ErrorCode.nameOf(code);
        pool.metrics.h2Reset(byServer, name);
        listener().streamReset(id, streamId, byServer, name);
    }

    @Override
    public void pingSent(String reason) {
        pool.metrics.h2PingsSent.inc();
        listener().pingSent(id, reason);
    }

    @Override
    public void pingAcked(long rttNanos) {
        pool.metrics.h2PingsAcked.inc();
        listener().pingAcked(id, rttNanos);
    }

    @Override
    public void pingTimedOut() {
        pool.metrics.h2PingTimeouts.inc();
        listener().pingTimedOut(id);
    }

    @Override
    public void goAwayReceived(int lastStreamId, int code) {
        String name = ErrorCode.nameOf(code);
        pool.metrics.h2GoAway(name);
        listener().goAwayReceived(id, lastStreamId, name);
    }

    @Override
    public void capacity() {
        pool.h2.capacity();
    }

    @Override
    public void closed(String reason) {
        H2Connection c = conn;
        if (c != null) {
            pool.h2.closed(c, reason);
        }
    }

    private EventListener listener() {
        return pool.listener();
    }
}
