package io.hourglass.client;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.internal.text.Durations;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The timers of one HTTP/2 client connection, all on the connection's one alarm (the shared timing wheel,
 * {@link io.hourglass.net.Conn#armAlarm}): the streams' callers' deadlines, the read-idle PING, the PING's
 * timeout, and the idle timeout of a connection without streams.
 *
 * <p><b>Liveness.</b> When no byte has been read for {@code http2ReadIdleTimeout}, a PING goes out; when its
 * ACK has not come within {@code http2PingTimeout}, the connection is closed and every call on it fails with
 * an {@link HttpTimeoutException} of phase {@link Phase#PING}. A PING also goes out at once when a stream is
 * reset while nothing had been read since it started (see {@link H2Connection#resetStream}); its ACK frees
 * the slots those resets kept. One PING is outstanding at a time; any ACK with its data ends it.
 *
 * <p>The alarm runs on the timer thread: it only decides, under the connection's lock, and hands writing
 * and closing to a virtual thread.
 */
final class H2Liveness {
    private final H2Connection c;
    // Written under c.lock: the instant the alarm is armed at, 0 for none. Volatile for armedBy(), which a
    // caller reads without the lock after publishing its stream's alarmAt; onAlarm() clears it before it reads
    // the streams' alarmAt, so one of the two always sees the other's write.
    private volatile long next;
    private long pingData;         // guarded by c.lock
    private long pingSentAt;       // guarded by c.lock: 0 when no PING is outstanding
    private long pingSeq = ThreadLocalRandom.current().nextLong(); // guarded by c.lock

    H2Liveness(H2Connection c) {
        this.c = c;
        c.conn.setAlarm(this::onAlarm);
    }

    void start() {
        c.lock.lock();
        try {
            armLocked(c.lastReadAt + c.options.readIdleNanos(), c.options.readIdleNanos() > 0);
            armLocked(c.idleSince + c.options.idleTimeoutNanos(), c.options.idleTimeoutNanos() > 0);
        } finally {
            c.lock.unlock();
        }
    }

    /** Arms the alarm at {@code at} when {@code on} and earlier than the instant armed. Under c.lock. */
    void armLocked(long at, boolean on) {
        if (!on || at == 0) {
            return;
        }
        if (next == 0 || at - next < 0) {
            next = at;
            c.conn.armAlarm(at);
        }
    }

    /**
     * Whether the alarm is armed at or before {@code at} already, read without the lock: then arming is not
     * needed, as the alarm, when it fires, arms again for every stream's later instant (see the field).
     */
    boolean armedBy(long at) {
        long n = next;
        return n != 0 && at - n >= 0;
    }

    /** Whether a PING is outstanding (for tests and the degraded check). */
    boolean pingOutstanding() {
        c.lock.lock();
        try {
            return pingSentAt != 0;
        } finally {
            c.lock.unlock();
        }
    }

    /** Sends a PING unless one is outstanding; {@code reason} is "idle" or "reset" (events and metrics). */
    void ping(String reason) {
        long data;
        c.lock.lock();
        try {
            if (c.failure != null || pingSentAt != 0 || c.options.pingTimeoutNanos() <= 0) {
                return;
            }
            data = ++pingSeq;
            pingData = data;
            pingSentAt = c.conn.clock().nanoTime();
            armLocked(pingSentAt + c.options.pingTimeoutNanos(), true);
        } finally {
            c.lock.unlock();
        }
        c.events.pingSent(reason); // before the write: its ACK may be read before the write returns
        c.sendPing(data, false);
    }

    /** A PING ACK arrived (reader thread): the server is there; slots kept by resets are free again. */
    void acked(long data) {
        long rtt;
        int freed;
        c.lock.lock();
        try {
            if (pingSentAt == 0 || data != pingData) {
                return; // not ours, or late: ignored (section 6.7)
            }
            rtt = c.conn.clock().nanoTime() - pingSentAt;
            pingSentAt = 0;
            freed = c.pendingResets;
            c.pendingResets = 0;
            armLocked(c.lastReadAt + c.options.readIdleNanos(), c.options.readIdleNanos() > 0);
        } finally {
            c.lock.unlock();
        }
        c.events.pingAcked(rtt);
        if (freed > 0) {
            c.events.capacity();
        }
    }

    /** The alarm, on the timer thread: wake streams whose instant passed, and decide what liveness needs. */
    private void onAlarm() {
        long now = c.conn.clock().nanoTime();
        Runnable action = null;
        java.util.List<Runnable> expired = null;
        c.lock.lock();
        try {
            next = 0;
            if (c.failure != null) {
                return;
            }
            for (H2Stream s : c.streams.values()) {
                long a = s.alarmAt;
                if (a == 0) {
                    continue;
                }
                if (now - a < 0) {
                    armLocked(a, true);
                } else if (c.lock.hasWaiters(s.changed)) {
                    s.changed.signalAll(); // the caller checks its deadline and fails, or arms again
                } else if (s.expiry != null) {
                    expired = expired == null ? new java.util.ArrayList<>() : expired;
                    expired.add(s.expiry); // nobody waits on it: a body left unread past the deadline
                    s.alarmAt = 0;
                }
            }
            action = liveness(now);
        } finally {
            c.lock.unlock();
        }
        if (action != null) {
            Thread.ofVirtual().name("hourglass-h2-liveness-" + c.conn.id()).start(action);
        }
        if (expired != null) {
            for (Runnable r : expired) {
                Thread.ofVirtual().start(r);
            }
        }
    }

    /** What the connection's liveness needs at {@code now}, if anything; arms the next check. Under c.lock. */
    private Runnable liveness(long now) {
        H2Connection.Options o = c.options;
        if (pingSentAt != 0) {
            long sent = pingSentAt;
            if (now - sent >= o.pingTimeoutNanos()) {
                return () -> timedOut(sent);
            }
            armLocked(sent + o.pingTimeoutNanos(), true);
        } else if (o.readIdleNanos() > 0) {
            long at = c.lastReadAt + o.readIdleNanos();
            if (now - at >= 0) {
                return () -> ping("idle");
            }
            armLocked(at, true);
        }
        if (c.closeWhenIdle()) {
            return () -> c.closeIfIdle("going away, no stream left");
        }
        if (o.idleTimeoutNanos() > 0 && c.idleSince != 0) {
            long at = c.idleSince + o.idleTimeoutNanos();
            if (now - at >= 0) {
                return () -> c.closeIfIdle("idle timeout");
            }
            armLocked(at, true);
        }
        return null;
    }

    private void timedOut(long sentAt) {
        Duration limit = Duration.ofNanos(c.options.pingTimeoutNanos());
        Duration elapsed = Duration.ofNanos(c.conn.clock().nanoTime() - sentAt);
        c.events.pingTimedOut();
        c.fail(new HttpTimeoutException(Phase.PING, limit, elapsed, "connection #" + c.conn.id()
                + " closed: no frame for " + Durations.format(Duration.ofNanos(c.options.readIdleNanos()))
                + " or a stream reset, and the server did not answer a PING"), null);
    }
}
