package io.hourglass.client;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.internal.text.Durations;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The connections to one origin (scheme, host, port): idle ones kept LIFO, a cap on all of them (active,
 * idle, connecting and draining together), and callers waiting for the cap in arrival order.
 */
final class Pool {
    /** An origin: where connections go. */
    record Origin(String scheme, String host, int port) {
        boolean tls() {
            return scheme.equals("https");
        }

        /** host:port, the metrics label. */
        String label() {
            return host + ":" + port;
        }
    }

    final Origin origin;
    private final Client client;
    private final ClientConfig cfg;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private final ArrayDeque<ClientConn> idle = new ArrayDeque<>(); // guarded by lock
    private int total;      // guarded by lock: every connection counted against the cap
    private int draining;   // guarded by lock
    final ClientMetrics.PerHost metrics;

    Pool(Origin origin, Client client) {
        this.origin = origin;
        this.client = client;
        this.cfg = client.config();
        this.metrics = client.clientMetrics().perHost(origin.label(), this);
    }

    /** What a call gets from the pool: a connection and whether it was reused. */
    record Lease(ClientConn conn, boolean reused, long waitedNanos) {}

    /**
     * Takes an idle connection or a permit to open one, waiting up to the pool-wait timeout (and the
     * call's deadline) when the cap is reached.
     *
     * @return a lease whose conn is null when the caller must open a new connection (it holds a permit)
     */
    Lease acquire(Exchange x, boolean forceNew) throws IOException {
        long start = System.nanoTime();
        long pw = cfg.poolWaitTimeout().toNanos();
        long waitDeadline = pw == 0 ? 0 : start + pw;
        lock.lock();
        try {
            while (true) {
                if (!forceNew) {
                    ClientConn c;
                    while ((c = idle.pollLast()) != null) {
                        if (c.reusable()) {
                            c.state = ClientConn.ACTIVE;
                            c.alarmAction = null;
                            c.conn.armAlarm(0);
                            return new Lease(c, true, System.nanoTime() - start);
                        }
                        total--;
                        closeLater(c, "stale");
                    }
                }
                if (total < cfg.maxConnsPerHost()) {
                    total++;
                    return new Lease(null, false, System.nanoTime() - start);
                }
                if (forceNew && !idle.isEmpty()) {
                    ClientConn c = idle.pollFirst();
                    total--;
                    closeLater(c, "replaced");
                    continue;
                }
                long now = System.nanoTime();
                long until = x.earliest(waitDeadline);
                if (until != 0 && now - until >= 0) {
                    throw x.timeout(until == waitDeadline ? Phase.POOL_WAIT : Phase.TOTAL,
                            "all " + cfg.maxConnsPerHost() + " connections to " + origin.label()
                                    + " are busy (maxConnsPerHost=" + cfg.maxConnsPerHost() + ", " + draining + " draining)");
                }
                x.checkCancelled();
                x.poolWaiting(this);
                try {
                    if (until == 0) {
                        released.await();
                    } else {
                        released.await(until - now, TimeUnit.NANOSECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ClientException(ClientException.Kind.CANCELLED, "interrupted while waiting for a connection", e);
                } finally {
                    x.poolWaiting(null);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes callers waiting for the pool (a cancelled one notices). */
    void wakeWaiters() {
        lock.lock();
        try {
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A permit taken for a new connection was not used (the connect failed). */
    void connectFailed() {
        lock.lock();
        try {
            total--;
            released.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Gives a connection back after a complete exchange; it is kept idle or closed. */
    void release(ClientConn c) {
        boolean close;
        lock.lock();
        try {
            if (c.state == ClientConn.DRAINING) {
                draining--;
            }
            close = client.isClosed() || idle.size() >= cfg.maxIdlePerHost() || !c.reusable();
            if (close) {
                total--;
            } else {
                c.state = ClientConn.IDLE;
                c.idleSince = System.nanoTime();
                c.reader = null;
                idle.addLast(c);
                long it = cfg.idleTimeout().toNanos();
                if (it > 0) {
                    c.alarmAction = () -> evictIfIdle(c);
                    c.conn.armAlarm(c.idleSince + it);
                }
            }
            released.signal();
        } finally {
            lock.unlock();
        }
        if (close) {
            closeLater(c, "pool full or not reusable");
        }
    }

    /** Closes a connection that cannot be used again, and frees its place under the cap. */
    void discard(ClientConn c, String reason) {
        lock.lock();
        try {
            if (c.state == ClientConn.DRAINING) {
                draining--;
            }
            if (c.state != ClientConn.CLOSED) {
                total--;
            }
            released.signal();
        } finally {
            lock.unlock();
        }
        closeLater(c, reason);
    }

    /** The connection leaves its caller to drain a late response; it still counts against the cap. */
    void startedDraining(ClientConn c) {
        lock.lock();
        try {
            c.state = ClientConn.DRAINING;
            draining++;
        } finally {
            lock.unlock();
        }
    }

    /** The reader thread saw an idle connection end (server closed it, or sent stray bytes). */
    void idleConnectionEnded(ClientConn c, String reason) {
        lock.lock();
        try {
            if (c.state != ClientConn.IDLE || !idle.remove(c)) {
                return; // a caller took it meanwhile: its call finds out
            }
            total--;
            released.signal();
        } finally {
            lock.unlock();
        }
        closeLater(c, reason);
    }

    private void evictIfIdle(ClientConn c) {
        // On the timer thread: decide under the lock (held only briefly anywhere), close without blocking.
        lock.lock();
        try {
            long it = cfg.idleTimeout().toNanos();
            if (c.state != ClientConn.IDLE || System.nanoTime() - c.idleSince < it || !idle.remove(c)) {
                return;
            }
            total--;
            released.signal();
        } finally {
            lock.unlock();
        }
        closeLater(c, "idle timeout");
    }

    /** Closes idle connections (client shutdown). */
    void closeIdle() {
        ArrayDeque<ClientConn> copy;
        lock.lock();
        try {
            copy = new ArrayDeque<>(idle);
            total -= idle.size();
            idle.clear();
            released.signalAll();
        } finally {
            lock.unlock();
        }
        for (ClientConn c : copy) {
            closeLater(c, "client closed");
        }
    }

    private void closeLater(ClientConn c, String reason) {
        if (c.state == ClientConn.CLOSED) {
            return;
        }
        c.close();
        metrics.closed.inc();
        client.listener().connectionClosed(c.id(), reason);
    }

    // ---- gauges ----

    int idleCount() {
        lock.lock();
        try {
            return idle.size();
        } finally {
            lock.unlock();
        }
    }

    int drainingCount() {
        lock.lock();
        try {
            return draining;
        } finally {
            lock.unlock();
        }
    }

    int activeCount() {
        lock.lock();
        try {
            return total - idle.size() - draining;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "Pool[" + origin.label() + ", max " + cfg.maxConnsPerHost() + ", idle timeout "
                + Durations.format(cfg.idleTimeout()) + "]";
    }

}
