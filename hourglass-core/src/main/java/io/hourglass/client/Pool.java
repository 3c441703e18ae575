package io.hourglass.client;

import io.hourglass.internal.io.ReadAhead;
import io.hourglass.internal.text.Durations;
import io.hourglass.internal.time.Timers;
import io.hourglass.net.Clock;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The connections to one origin (scheme, host, port): idle ones kept LIFO, a cap on all of them (active,
 * idle, connecting and draining together), and callers waiting for the cap in arrival order.
 *
 * <p><b>Drains use only spare capacity</b> (issue 15). A draining connection still counts against the cap,
 * so a stuck upstream cannot make the client open connections without bound. But when a call needs a
 * connection and the pool is at its cap with none idle, the call may take the slot of a draining connection:
 * that connection is reset and the call dials a new one, which is what {@link TimeoutPolicy#CLOSE} would have
 * done at the timeout, done only when the slot is needed. It may while the origin answers ("live"): a
 * response came in time within the last second, or fewer than {@link #LIVE_STREAK} calls in a row have
 * timed out since the last one did. When every call times out (nothing to protect), drains keep their slots
 * and calls wait, and fail in phase POOL_WAIT. The victim is the drain least likely to end soon: a stuck one
 * (draining for more than half the drain timeout), else the newest, whose late response has the longest to
 * come when late responses take about the same time. While the origin does not answer, one stuck drain a
 * second is still preempted, so that drains stuck on dead requests do not starve the pool until the drain
 * timeout once the origin recovers. docs/design.md has the arithmetic and the measurements.
 *
 * <p><b>HTTP/2</b> (issue 12). Connections that speak HTTP/2 are shared, a stream slot per call: {@link #h2}
 * ({@link H2Leases}) leases them under the same lock and cap.
 */
final class Pool {
    /** An origin and the proxy its connections go through (null: direct); the pool's key. */
    record Origin(String scheme, String host, int port, Proxies.Route proxy) {
        /** The origin of {@code uri} (its scheme lower-cased, its port or the scheme's) through {@code proxy}. */
        static Origin of(URI uri, Proxies.Route proxy) {
            return new Origin(uri.getScheme().toLowerCase(Locale.ROOT), uri.getHost(), port(uri), proxy);
        }

        // Written out rather than the record's generated pair: the pools' map looks the key up on every call,
        // and a request's cached key (ClientRequest.directOrigin) is usually the very object the map holds.
        @Override
        public boolean equals(Object o) {
            return this == o || (o instanceof Origin x && port == x.port && scheme.equals(x.scheme)
                    && java.util.Objects.equals(host, x.host) && java.util.Objects.equals(proxy, x.proxy));
        }

        @Override
        public int hashCode() {
            int h = scheme.hashCode() * 31 + java.util.Objects.hashCode(host);
            return (h * 31 + port) * 31 + java.util.Objects.hashCode(proxy);
        }

        /** {@return the port of {@code uri}, or its scheme's default: 443 for https, else 80} */
        static int port(URI uri) {
            return uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        }

        boolean tls() {
            return scheme.equals("https");
        }

        /** host:port, the metrics label. */
        String label() {
            return host + ":" + port;
        }
    }

    /**
     * Calls in a row that timed out on a connection since the last one answered in time, past which (and a
     * second without an answer, {@link #LIVE_NANOS}) the origin is not answering and drains keep their slots.
     * A fresh pool starts here: not live until a first answer. 32 keeps a mix of 90 % slow calls live (a run
     * of 32 timeouts has odds 0.9^32 = 3 %); the second keeps a fast origin live through a stall that times
     * out a burst of calls at once; together they bound what an origin that goes from healthy to stuck costs:
     * at most a second's worth of preemptions.
     */
    static final int LIVE_STREAK = 32;
    /** An answer within this long keeps the origin live whatever the streak. */
    static final long LIVE_NANOS = 1_000_000_000L;
    /** How long an empty pool is kept when idle connections never time out ({@code idleTimeout} zero). */
    static final long EMPTY_LINGER_NANOS = 90_000_000_000L;
    /** While the origin does not answer: at most one stuck drain preempted per this interval. */
    static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;

    final Origin origin;
    // The Host field's value for the origin's requests (its host, bracketed when IPv6, and a port that is not
    // the scheme's): the same for every call, so made here once rather than per request.
    final String hostHeader;
    private final Client client;
    private final ClientConfig cfg;
    private final Clock clock;
    final ReentrantLock lock = new ReentrantLock();          // H2Leases takes it too
    final Condition released = lock.newCondition();          // H2Leases's waiters wait here too
    private final ArrayDeque<ClientConn> idle = new ArrayDeque<>();   // guarded by lock
    private final ArrayDeque<ClientConn> drains = new ArrayDeque<>(); // guarded by lock: oldest drain first
    private final long stuckAfter;                                    // a drain this old is presumed stuck
    private long nextProbe;                                           // guarded by lock
    private int total;      // guarded by lock: every connection counted against the cap
    private int dialing;    // guarded by lock: of those, the ones being dialled (maxDialsPerHost, issue 14)
    private boolean retired;               // guarded by lock: forgotten by the client (empty for the linger)
    private Timers.Task retireCheck;       // guarded by lock: pending while the pool is empty
    private int waiting;                   // guarded by lock: callers waiting for a connection
    // Written under the lock; volatile because every call that gets an answer reads it without the lock (and
    // takes the lock only when it is not already 0).
    private volatile int slowStreak = LIVE_STREAK;
    // Written by callers that get an answer (at most every 10 ms, so the line is mostly read); volatile so that
    // acquire sees it without the lock on the answer path.
    private volatile long lastAnswer;
    final ClientMetrics.PerHost metrics;
    /** The origin's retry budget (issue 14); null when the client does not retry ({@code maxAttempts} 1). */
    final RetryBudget retryBudget;

    /** The HTTP/2 connections to the origin, shared, and their stream slots' leases (under this pool's lock). */
    final H2Leases h2;

    Pool(Origin origin, Client client) {
        this.origin = origin;
        this.hostHeader = origin.host() == null ? null : Urls.hostHeader(origin.scheme(), origin.host(), origin.port());
        this.client = client;
        this.cfg = client.config();
        this.clock = client.clock();
        this.metrics = client.clientMetrics().perHost(origin.label());
        this.retryBudget = cfg.maxAttempts() > 1
                ? new RetryBudget(cfg.retryBudgetPercent(), cfg.retryBudgetFloor(), RetryBudget.WINDOW_NANOS) : null;
        long now = clock.nanoTime();
        this.nextProbe = now;
        this.lastAnswer = now - 2 * LIVE_NANOS; // never answered
        long dt = Durations.nanos(cfg.drainTimeout());
        this.stuckAfter = dt == 0 ? 30_000_000_000L : dt / 2;
        this.h2 = new H2Leases(this, cfg, clock);
    }

    /**
     * While the origin has at most this many connections, they read on their callers' threads (plaintext HTTP/1.1
     * on JDK 25+, see {@link ClientConn}): one. A selector's wait goes through the JDK's platform poller thread:
     * cheaper than a reader thread's two virtual-thread hand-offs while the machine is idle (one caller),
     * dearer, for the whole process, once several calls run at once. So a connection dialled while the origin
     * has others gets a reader thread, and a channel connection taken then moves to one (docs/BENCHMARKS.md has
     * the A/B at 1, 8 and 64 callers).
     */
    static final int CALLER_READ_CONNS = 1;

    /** Whether a connection dialled (its permit taken) or taken now may read on its callers' threads. */
    boolean callerReadsAllowed() {
        lock.lock();
        try {
            return total <= CALLER_READ_CONNS;
        } finally {
            lock.unlock();
        }
    }

    /** What a call gets from the pool: a connection and whether it was reused. */
    record Lease(ClientConn conn, boolean reused, long waitedNanos) {}

    /**
     * Takes an idle connection or a permit to open one (possibly in a preempted drain's place), waiting up to
     * the pool-wait timeout (and the call's deadline) when the cap is reached.
     *
     * @return a lease whose conn is null when the caller must open a new connection (it holds a permit); null
     *     when the pool was retired meanwhile (see {@link #less})
     * @throws PoolTimeoutException when the pool-wait timeout or the call's deadline passes first
     */
    Lease acquire(Exchange x, boolean forceNew) throws IOException {
        long start = clock.nanoTime();
        long pw = Durations.nanos(cfg.poolWaitTimeout());
        long waitDeadline = pw == 0 ? 0 : start + pw;
        ClientConn victim;
        lock.lock();
        try {
            if (retired) {
                return null; // the client forgot this pool just now: the caller asks it for the origin's new one
            }
            while (true) {
                Lease l = tryTake(forceNew, start);
                if (l != null) {
                    return l;
                }
                long now = clock.nanoTime();
                victim = dialsFull() ? null : preemptable(now);
                if (victim != null) {
                    dialing++;
                    drains.remove(victim);
                    victim.toClosed(); // its place under the cap passes to this caller
                    break;
                }
                long until = x.earliest(waitDeadline);
                if (until != 0 && now - until >= 0) {
                    throw gaveUp(x, until != waitDeadline);
                }
                x.checkCancelled();
                await(x, now, until);
            }
        } finally {
            lock.unlock();
        }
        // Outside the lock: a reset never blocks, and the listener's callbacks must not run under it.
        victim.abort();
        drainOver(victim, DrainResult.PREEMPTED, "preempted: a call needed its slot");
        return new Lease(null, false, clock.nanoTime() - start);
    }

    /** An idle connection, or a permit to open one (replacing an idle one when forced); null if none. Under lock. */
    private Lease tryTake(boolean forceNew, long start) {
        if (!forceNew) {
            ClientConn c = takeIdle();
            if (c != null) {
                return new Lease(c, true, clock.nanoTime() - start);
            }
        }
        if (dialsFull()) {
            return null; // as many dials as allowed are in progress: wait for one to end (or a release)
        }
        if (forceNew) {
            makeRoom("replaced"); // a retry must not take a stale one again: the oldest makes room
        }
        if (total < cfg.maxConnsPerHost()) {
            total++;
            dialing++;
            return new Lease(null, false, clock.nanoTime() - start);
        }
        return null;
    }

    /** Waits for a release, a cancellation or the next chance (see nextChance), under the lock. */
    private void await(Exchange x, long now, long until) throws IOException {
        x.poolWaiting(this);
        waiting++;
        try {
            long wake = nextChance(now, until);
            if (wake == 0) {
                released.await();
            } else {
                awaitUntil(wake, now);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(ClientException.Kind.CANCELLED, "interrupted while waiting for a connection", e);
        } finally {
            waiting--;
            x.poolWaiting(null);
        }
    }

    /** A timed wait: real on the system clock; on another (a test's) woken by that clock's timer. */
    void awaitUntil(long wake, long now) throws InterruptedException {
        if (clock == Clock.system()) {
            released.await(wake - now, TimeUnit.NANOSECONDS);
            return;
        }
        Timers.Task t = Timers.schedule(clock, wake, this::wakeWaiters);
        try {
            released.await();
        } finally {
            t.cancel();
        }
    }

    EventListener listener() {
        return client.listener();
    }

    // ---- the cap, as H2Leases shares it (under lock) ----

    /** Whether the client forgot this pool (see {@link #less}). Under lock. */
    boolean isRetired() {
        return retired;
    }

    /** Whether the cap has room for one more connection. Under lock. */
    boolean hasRoom() {
        return total < cfg.maxConnsPerHost();
    }

    /** Counts a connection about to be dialled against the cap. Under lock. */
    void countOne() {
        total++;
    }

    /** Connections in use: neither idle nor draining. Under lock. */
    int inUse() {
        return total - idle.size() - drains.size();
    }

    /** At the cap, closes the oldest idle connection to make room for a new one; false when none. Under lock. */
    boolean makeRoom(String reason) {
        if (total < cfg.maxConnsPerHost() || idle.isEmpty()) {
            return false;
        }
        ClientConn c = idle.pollFirst();
        less(1);
        closeLater(c, reason);
        return true;
    }

    /** The newest reusable idle connection, marked active; stale ones met on the way are closed. Under lock. */
    private ClientConn takeIdle() {
        ClientConn c;
        while ((c = idle.pollLast()) != null) {
            if (c.reusable()) {
                c.toActive(); // on a channel the taker then looks at the socket (Carriers.take), outside the lock
                return c;
            }
            less(1);
            closeLater(c, "stale");
        }
        return null;
    }

    /** The draining connection a caller may take the place of now, or null (see the class comment). Under lock. */
    private ClientConn preemptable(long now) {
        ClientConn oldest = drains.peekFirst();
        if (oldest == null) {
            return null;
        }
        boolean stuck = now - oldest.drainStart() > stuckAfter;
        if (slowStreak < LIVE_STREAK || now - lastAnswer < LIVE_NANOS) {
            return stuck ? oldest : drains.peekLast();
        }
        if (stuck && now - nextProbe >= 0) {
            nextProbe = now + PROBE_INTERVAL_NANOS;
            return oldest;
        }
        return null;
    }

    /** When a waiting caller should look again without a signal: its deadline, or when a drain turns stuck. */
    private long nextChance(long now, long until) {
        ClientConn oldest = drains.peekFirst();
        if (oldest == null) {
            return until;
        }
        long stuckAt = oldest.drainStart() + stuckAfter + 1;
        long at = stuckAt - nextProbe >= 0 ? stuckAt : nextProbe;
        if (at - now <= 0) {
            at = now + 1_000_000; // stuck, but this interval's probe is taken: look again in 1 ms
        }
        return until == 0 || at - until < 0 ? at : until;
    }

    /** Builds the error of a caller that gave up waiting, and counts it by what held the pool. Under lock. */
    private PoolTimeoutException gaveUp(Exchange x, boolean callDeadline) {
        int draining = drains.size();
        int inUse = total - idle.size() - draining;
        (draining > 0 ? metrics.poolTimeoutsDraining : metrics.poolTimeoutsInUse).inc();
        return ExchangeErrors.poolTimeout(x, callDeadline, cfg.maxConnsPerHost(), inUse, draining, origin.label(),
                dialsFull() && total < cfg.maxConnsPerHost() ? dialing : -1);
    }

    /** Whether {@code maxDialsPerHost} dials are in progress, so no new one may start. Under lock. */
    private boolean dialsFull() {
        int max = cfg.maxDialsPerHost();
        return max > 0 && dialing >= max;
    }

    /**
     * Takes {@code n} connections off the count. Under lock. A pool left empty is forgotten by the client
     * after the idle timeout (or {@link #EMPTY_LINGER_NANOS} when idle connections never time out), unless a
     * connection came meanwhile: a client that talks to many hosts keeps only the pools it uses. Its gauges
     * go with it; its counters stay (see {@link ClientMetrics}).
     */
    void less(int n) {
        total -= n;
        if (total > 0 || retireCheck != null || retired) {
            return;
        }
        long it = Durations.nanos(cfg.idleTimeout());
        long at = clock.nanoTime() + (it > 0 ? it : EMPTY_LINGER_NANOS);
        retireCheck = Timers.schedule(clock, at, this::retireIfEmpty);
    }

    /** On the timer thread: decides under the lock (held briefly anywhere), then a map removal. */
    private void retireIfEmpty() {
        lock.lock();
        try {
            retireCheck = null;
            if (total > 0 || retired) {
                return; // in use again: a later emptying schedules another check
            }
            retired = true;
        } finally {
            lock.unlock();
        }
        client.retire(this);
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

    /** A permit taken for a new connection was not used after its dial (the HTTP/2 start failed). */
    void connectFailed() {
        lock.lock();
        try {
            less(1);
            released.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The dial of a permit taken for a new connection ended: its dial slot is free, and when it failed
     * ({@code connected} false) its place under the cap too.
     */
    void dialEnded(boolean connected) {
        lock.lock();
        try {
            dialing--;
            if (!connected) {
                less(1);
            }
            released.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Gives a connection back after a complete exchange; it is kept idle or closed. */
    void release(ClientConn c) {
        boolean kept;
        lock.lock();
        try {
            kept = keepIdle(c);
        } finally {
            lock.unlock();
        }
        if (!kept) {
            closeLater(c, "pool full or not reusable");
        }
    }

    /** Puts a connection back to the idle list, or frees its place when it cannot be kept. Under lock. */
    private boolean keepIdle(ClientConn c) {
        boolean keep = !client.isClosed() && idle.size() < cfg.maxIdlePerHost() && c.reusable();
        if (!keep) {
            less(1);
        } else {
            long now = clock.nanoTime();
            long it = idleLimit(c);
            c.toIdle(now, it > 0 ? now + it : 0);
            idle.addLast(c);
        }
        released.signal();
        return keep;
    }

    /** Closes a connection that cannot be used again, and frees its place under the cap. */
    void discard(ClientConn c, String reason) {
        lock.lock();
        try {
            if (!c.isClosed()) {
                less(1);
            }
            released.signal();
        } finally {
            lock.unlock();
        }
        closeLater(c, reason);
    }

    /**
     * The connection leaves its caller to drain a late response, with {@code budget} as its consumer until
     * {@code deadline}; it still counts against the cap, and a waiting caller may now take its place (woken
     * here).
     */
    void startedDraining(ClientConn c, ReadAhead.Waiter budget, long deadline) {
        lock.lock();
        try {
            c.toDraining(clock.nanoTime(), budget, deadline);
            drains.addLast(c);
            released.signal();
        } finally {
            lock.unlock();
        }
        metrics.drainsStarted.inc();
        client.listener().drainStart(c.id());
    }

    /**
     * A drain ended on its own thread with {@code result}: the connection goes back to the pool (REUSED, when
     * the pool keeps it) or is closed, reset when a response was still coming (TIMEOUT, MAX_BYTES). Nothing
     * happens when a caller preempted it meanwhile: that caller counted it.
     */
    void drainEnded(ClientConn c, DrainResult result) {
        boolean kept = false;
        lock.lock();
        try {
            if (!c.isDraining()) {
                return;
            }
            drains.remove(c);
            if (result == DrainResult.REUSED) {
                kept = keepIdle(c);
            } else {
                less(1);
                released.signal();
            }
        } finally {
            lock.unlock();
        }
        if (result == DrainResult.TIMEOUT || result == DrainResult.MAX_BYTES) {
            c.abort(); // the rest of the response is not wanted: a reset spares the socket its TIME_WAIT
        }
        drainOver(c, result, kept ? null : result == DrainResult.REUSED ? "pool full or not reusable"
                : "drain ended: " + result.label());
    }

    /** Counts a drain's end and tells the listener; closes the connection when {@code closeReason} is set. */
    private void drainOver(ClientConn c, DrainResult result, String closeReason) {
        metrics.drainEnded(result).inc();
        EventListener ev = client.listener();
        ev.drainEnd(c.id(), result);
        ev.connectionDrained(c.id(), result == DrainResult.REUSED);
        if (closeReason != null) {
            c.close();
            metrics.closed.inc();
            ev.connectionClosed(c.id(), closeReason);
        }
    }

    /** A call on this origin got its response in time ({@code now}): the origin answers, drains may be preempted. */
    void answered(long now) {
        if (now - lastAnswer > 10_000_000L) {
            lastAnswer = now;
        }
        if (slowStreak == 0) {
            return; // the common case: two volatile reads
        }
        lock.lock();
        try {
            slowStreak = 0;
            released.signalAll(); // waiters may now take a draining connection's place
        } finally {
            lock.unlock();
        }
    }

    /** A call timed out on a connection of this origin (after sending on it). */
    void timedOut() {
        lock.lock();
        try {
            if (slowStreak < LIVE_STREAK) {
                slowStreak++;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The reader thread saw an idle connection end (server closed it, or sent stray bytes). */
    void idleConnectionEnded(ClientConn c, String reason) {
        lock.lock();
        try {
            if (!c.isIdle() || !idle.remove(c)) {
                return; // a caller took it meanwhile: its call finds out
            }
            less(1);
            released.signal();
        } finally {
            lock.unlock();
        }
        closeLater(c, reason);
    }

    /**
     * The idle connection's alarm: closes it when it has been idle for the idle timeout; before that (the alarm
     * of a channel connection's quiet period, see {@link ClientConn}) starts its idle watch.
     */
    void evictIfIdle(ClientConn c) {
        // On the timer thread: decide under the lock (held only briefly anywhere), close without blocking.
        long watch = -1;
        lock.lock();
        try {
            long it = idleLimit(c);
            if (!c.isIdle()) {
                return;
            }
            if (it == 0 || clock.nanoTime() - c.idleSince() < it) {
                watch = c.quietOver();
                return;
            }
            if (!idle.remove(c)) {
                return;
            }
            less(1);
            released.signal();
        } finally {
            lock.unlock();
            if (watch >= 0) {
                c.watchIdle(watch); // hands off to a new virtual thread: the timer never blocks
            }
        }
        closeLater(c, hinted(c) ? "server's keep-alive timeout" : "idle timeout");
    }

    /**
     * A channel connection's idle watch saw it readable: looks, under the lock, and closes it when the server
     * ended it or sent bytes nobody asked for (counted and reported as the reader thread's
     * {@link #idleConnectionEnded}). True when the watch is over: closed, or no longer idle.
     */
    boolean idleReadable(ClientConn c) {
        String why;
        lock.lock();
        try {
            if (!c.isIdle() || !idle.contains(c)) {
                return true; // a caller took it meanwhile: its call reads it
            }
            if (c.takeable()) {
                return false; // nothing after all: watch on
            }
            why = c.idleEnd();
            idle.remove(c);
            less(1);
            released.signal();
        } finally {
            lock.unlock();
        }
        closeLater(c, why != null ? why : "stale");
        return true;
    }

    /**
     * How long {@code c} may stay idle: the idle timeout, or less when the server announced its own in
     * {@code Keep-Alive: timeout=N} (less a margin, see {@link KeepAliveHint}), so that no call is sent on a
     * connection the server is closing (issue 14). Nanoseconds, 0 for never.
     */
    private long idleLimit(ClientConn c) {
        long it = Durations.nanos(cfg.idleTimeout());
        return hinted(c) ? c.keepAliveWindow : it;
    }

    private boolean hinted(ClientConn c) {
        long w = c.keepAliveWindow;
        long it = Durations.nanos(cfg.idleTimeout());
        return w > 0 && (it == 0 || w < it);
    }

    /** Closes idle connections, and HTTP/2 connections without a stream (client shutdown). */
    void closeIdle() {
        ArrayDeque<ClientConn> copy;
        List<H2Connection> shared;
        lock.lock();
        try {
            copy = new ArrayDeque<>(idle);
            less(idle.size());
            idle.clear();
            shared = h2.connections();
            released.signalAll();
        } finally {
            lock.unlock();
        }
        for (ClientConn c : copy) {
            closeLater(c, "client closed");
        }
        for (H2Connection c : shared) {
            c.shutdown(); // closes now, or when its last stream ends; H2Leases.closed follows through its events
        }
    }

    private void closeLater(ClientConn c, String reason) {
        if (c.isClosed()) {
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

    /** Callers waiting for a connection now. For tests. */
    int waitingCount() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    int drainingCount() {
        lock.lock();
        try {
            return drains.size();
        } finally {
            lock.unlock();
        }
    }

    int activeCount() {
        lock.lock();
        try {
            return total - idle.size() - drains.size();
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
