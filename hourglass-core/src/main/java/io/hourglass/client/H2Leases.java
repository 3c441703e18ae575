package io.hourglass.client;

import io.hourglass.internal.text.Durations;
import io.hourglass.net.Clock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP/2 side of a {@link Pool} (issue 12): the origin's shared HTTP/2 connections and the leases of their
 * stream slots. Each call takes a slot on one ({@link #acquire}), under the server's
 * SETTINGS_MAX_CONCURRENT_STREAMS, and gives it back when its stream ends. The connections count against the
 * pool's cap like any other. Only one HTTP/2 dial per origin is in flight at a time: callers that find no free
 * slot wait for it rather than dial too, so a burst of calls opens one connection. When every connection is
 * full, a call opens another (never past the cap), or waits for a slot when
 * {@link ClientConfig#http2StrictMaxConcurrentStreams()} is set. Whether an https origin speaks HTTP/2 is
 * learnt from ALPN on the first dial; calls wait for that dial rather than open HTTP/1.1 connections meanwhile.
 *
 * <p>One per pool, under the pool's lock (its cap, its wait queue and its retirement are shared with the
 * HTTP/1.1 connections); the fields marked so are guarded by it.
 */
final class H2Leases {
    /** A stream slot on a shared connection ({@code conn}), or, when {@code conn} is null, a permit to dial. */
    record Lease(H2Connection conn, long waitedNanos) {
        /** The pool was retired meanwhile (see {@link Pool#less}): the caller asks the client for the origin's new one. */
        static final Lease RETIRED = new Lease(null, -1);
    }

    private final Pool pool;
    private final ClientConfig cfg;
    private final Clock clock;
    private final ArrayList<H2Connection> shared = new ArrayList<>(); // guarded by the pool's lock
    private int dialing;                                               // guarded by the pool's lock
    // What ALPN said last: null until a TLS dial tells. Written under the lock; volatile because every call to
    // an https origin reads it without the lock (route).
    private volatile Boolean speaksH2;
    // Calls waiting in acquire; volatile so that a stream's end (capacity()) takes the lock only when one waits.
    private volatile int waiters;

    H2Leases(Pool pool, ClientConfig cfg, Clock clock) {
        this.pool = pool;
        this.cfg = cfg;
        this.clock = clock;
    }

    /** Whether calls with these protocols go to HTTP/2: prior knowledge, or an https origin not known to refuse it. */
    boolean route(List<Protocol> protocols) {
        if (protocols.contains(Protocol.H2_PRIOR_KNOWLEDGE)) {
            return true;
        }
        if (!pool.origin.tls() || !protocols.contains(Protocol.HTTP_2)) {
            return false;
        }
        return speaksH2 != Boolean.FALSE;
    }

    /**
     * Takes a stream slot on a shared connection, or a permit to dial one (one dial at a time per origin),
     * waiting within the pool-wait timeout and the call's deadline when neither can be had.
     *
     * @return the lease; null when the origin turned out to speak HTTP/1.1 only (the call goes that way)
     * @throws PoolTimeoutException when the wait passes its limit
     */
    Lease acquire(Exchange x, boolean priorKnowledge) throws IOException {
        long start = clock.nanoTime();
        long pw = Durations.nanos(cfg.poolWaitTimeout());
        long waitDeadline = pw == 0 ? 0 : start + pw;
        pool.lock.lock();
        try {
            if (pool.isRetired()) {
                return Lease.RETIRED;
            }
            while (true) {
                H2Connection c = reserveShared();
                if (c != null) {
                    return new Lease(c, clock.nanoTime() - start);
                }
                if (!priorKnowledge && speaksH2 == Boolean.FALSE) {
                    return null;
                }
                if (mayDial()) {
                    pool.countOne();
                    dialing++;
                    return new Lease(null, clock.nanoTime() - start);
                }
                if (pool.makeRoom("replaced by HTTP/2")) { // an HTTP/1.1 connection left from before
                    continue;
                }
                await(x, start, waitDeadline);
            }
        } finally {
            pool.lock.unlock();
        }
    }

    /** The error of a call that gave up waiting for an HTTP/2 stream slot or dial. Under lock. */
    private PoolTimeoutException gaveUp(Exchange x, boolean callDeadline) {
        int streams = 0;
        int limit = 0;
        for (H2Connection c : shared) {
            streams += c.openStreams();
            limit = Math.max(limit, c.streamLimit());
        }
        pool.metrics.poolTimeoutsInUse.inc();
        String origin = pool.origin.label();
        String held = shared.isEmpty() ? "the first HTTP/2 connection to " + origin + " is still being dialled"
                : "every stream slot of the " + shared.size() + " HTTP/2 connection(s) to " + origin
                        + " is taken (" + streams + " streams open; the server allows " + limit + " per connection"
                        + (cfg.http2StrictMaxConcurrentStreams() ? ", http2StrictMaxConcurrentStreams" : "")
                        + (dialing > 0 ? ", another connection is being dialled" : "") + ")";
        return ExchangeErrors.poolTimeoutH2(x, callDeadline, cfg.maxConnsPerHost(), pool.inUse(), held);
    }

    /** A free slot on a shared connection, reserved; null when none. Under lock. */
    private H2Connection reserveShared() {
        for (int i = 0; i < shared.size(); i++) {
            H2Connection c = shared.get(i);
            if (c.tryReserve()) {
                return c;
            }
        }
        return null;
    }

    /** Whether a call may dial a new HTTP/2 connection now. Under lock. */
    private boolean mayDial() {
        if (dialing > 0 || !pool.hasRoom()) {
            return false; // a dial in flight brings ~100 slots: wait for it rather than dial too
        }
        if (!cfg.http2StrictMaxConcurrentStreams()) {
            return true;
        }
        for (H2Connection c : shared) {
            if (c.usable()) {
                return false; // strict: wait for a slot on the live connection
            }
        }
        return true;
    }

    private void await(Exchange x, long start, long waitDeadline) throws IOException {
        long now = clock.nanoTime();
        long until = x.earliest(waitDeadline);
        if (until != 0 && now - until >= 0) {
            throw gaveUp(x, until != waitDeadline);
        }
        x.checkCancelled();
        x.poolWaiting(pool);
        waiters++;
        try {
            if (until == 0) {
                pool.released.await();
            } else {
                pool.awaitUntil(until, now);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(ClientException.Kind.CANCELLED, "interrupted while waiting for a connection", e);
        } finally {
            waiters--;
            x.poolWaiting(null);
        }
    }

    /**
     * A dial made HTTP/2 connection {@code c}: it joins the shared ones and one slot is reserved for the
     * dialling call. {@code h2Permit}: the dial held an {@link #acquire} permit (else an HTTP/1.1 one that
     * ALPN turned into HTTP/2). Returns false when the connection ended already.
     */
    boolean connected(H2Connection c, boolean h2Permit) {
        pool.lock.lock();
        try {
            if (h2Permit) {
                dialing--;
            }
            speaksH2 = Boolean.TRUE;
            pool.released.signalAll();
            if (!c.tryReserve()) {
                pool.less(1); // it ended already (the server closed it at once): its place is free, the call fails
                return false;
            }
            shared.add(c);
            return true;
        } finally {
            pool.lock.unlock();
        }
    }

    /**
     * An {@link #acquire} dial ended without an HTTP/2 connection: it failed (its permit is returned) or
     * ALPN chose HTTP/1.1 (the permit stays with the HTTP/1.1 connection, and the origin is marked).
     */
    void dialEnded(boolean failed, boolean learntHttp11) {
        pool.lock.lock();
        try {
            dialing--;
            if (failed) {
                pool.less(1);
            }
            if (learntHttp11) {
                speaksH2 = Boolean.FALSE;
            }
            pool.released.signalAll();
        } finally {
            pool.lock.unlock();
        }
    }

    /** An HTTP/1.1 dial over TLS learnt that the origin does not pick h2 by ALPN. */
    void learntHttp11() {
        pool.lock.lock();
        try {
            speaksH2 = Boolean.FALSE;
        } finally {
            pool.lock.unlock();
        }
    }

    /** A shared connection may have a free slot, or stopped taking streams: waiters look again. */
    void capacity() {
        if (waiters == 0) {
            return;
        }
        pool.wakeWaiters();
    }

    /** A shared connection ended: its place under the cap is free. */
    void closed(H2Connection c, String reason) {
        pool.lock.lock();
        try {
            if (!shared.remove(c)) {
                return;
            }
            pool.less(1);
            pool.released.signalAll();
        } finally {
            pool.lock.unlock();
        }
        pool.metrics.closed.inc();
        pool.listener().connectionClosed(c.id(), reason);
    }

    /** The shared connections now, a copy. Under lock. */
    List<H2Connection> connections() {
        return new ArrayList<>(shared);
    }
}
