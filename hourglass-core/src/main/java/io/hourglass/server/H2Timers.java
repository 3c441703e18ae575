package io.hourglass.server;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.net.DeadlineExceededException;
import java.time.Duration;

/**
 * Every deadline of one HTTP/2 connection and its streams, on the connection's one alarm ({@link
 * io.hourglass.net.Conn#armAlarm}): the alarm is kept at the earliest deadline armed since it last rang, and
 * when it rings the timer thread looks at every stream and the connection, acts on what passed, and arms the
 * alarm for the next. Arming a deadline is a comparison and, rarely, a store; a connection whose streams
 * finish in time costs about one look per handler timeout, not one per stream.
 *
 * <p>Per stream: the handler timeout (from the handler's start), the read timeout (from the HEADERS to the end
 * of the body), the write timeout (from the end of the HEADERS to the end of the response), the minimum request
 * body rate (while the handler waits in body reads) and the minimum response rate (while a chunk of the
 * response waits for the client's window). Per connection: the idle timeout (no stream open), step two of a
 * graceful shutdown, and PING liveness. The alarm runs on the shared timer thread: it only decides, under the
 * connection's lock taken with tryLock (if the lock is busy, it looks again a millisecond later), and hands
 * off; nothing it does blocks.
 */
final class H2Timers {
    private static final long RATE_CHECK = 250_000_000L; // how often a minimum rate is checked while it applies
    private static final long SHUTDOWN_STEP = 1_000_000_000L; // the longest wait for the shutdown PING's ACK

    private final H2Conn c;
    private final long idle, readTimeout, writeTimeout, readIdle, pingTimeout;
    private final long bodyRate, bodyGrace, responseRate, responseGrace;
    // guarded by the connection's lock
    private long alarmAt;            // the instant the alarm is armed for, 0 for none
    private long idleDeadline;       // when the connection has been idle too long, 0 while streams are held
    private long shutdownStepAt;     // when the final GOAWAY of a graceful shutdown goes at the latest
    private long pingSentAt;         // the liveness PING in flight, 0 for none
    private boolean stopped;
    private volatile long lastFrameAt; // written by the reading thread after each frame, when liveness is on

    H2Timers(H2Conn c) {
        this.c = c;
        ServerConfig cfg = c.cfg;
        idle = cfg.idleTimeout().toNanos();
        readTimeout = cfg.readTimeout().toNanos();
        writeTimeout = cfg.writeTimeout().toNanos();
        readIdle = c.h2.readIdleTimeout().toNanos();
        pingTimeout = c.h2.pingTimeout().toNanos();
        bodyRate = cfg.minRequestBodyRate();
        bodyGrace = cfg.minRequestBodyGrace().toNanos();
        responseRate = c.h2.minResponseRate();
        responseGrace = c.h2.minResponseGrace().toNanos();
        lastFrameAt = c.clock.nanoTime();
        if (readIdle > 0) {
            armed(lastFrameAt + readIdle);
        }
    }

    /** A deadline was set: the alarm moves earlier if it must. Under the lock. */
    void armed(long deadline) {
        if (deadline != 0 && !stopped && (alarmAt == 0 || deadline - alarmAt < 0)) {
            alarmAt = deadline;
            c.conn.armAlarm(deadline);
        }
    }

    /** A stream opened on its HEADERS: its read and write clocks start. Under the lock. */
    void streamOpened(H2Stream s) {
        idleDeadline = 0;
        long now = s.startNanos;
        s.writeDeadline = writeTimeout == 0 ? 0 : now + writeTimeout;
        s.readDeadline = readTimeout == 0 || s.remoteClosed ? 0 : now + readTimeout;
        armed(s.writeDeadline);
        armed(s.readDeadline);
    }

    /** No stream is held any more: the idle clock starts. Under the lock. */
    void startIdle(long now) {
        if (idle > 0) {
            idleDeadline = now + idle;
            armed(idleDeadline);
        }
    }

    /** A graceful shutdown announced itself: step two comes at the PING's ACK, or a second from now. */
    void shutdownStarted(long now) {
        shutdownStepAt = now + SHUTDOWN_STEP;
        armed(shutdownStepAt);
    }

    /** A body read began to wait, or a chunk of the response to wait for a window: a rate may apply. */
    void waiting(long now, boolean response) {
        long grace = response ? responseGrace : bodyGrace;
        if ((response ? responseRate : bodyRate) > 0) {
            armed(now + Math.max(grace, RATE_CHECK));
        }
    }

    /** A frame arrived (reading thread): liveness is fine. */
    void frameRead() {
        if (readIdle > 0) {
            lastFrameAt = c.clock.nanoTime();
        }
    }

    /** Liveness is on: a PING ACK or any frame clears the PING in flight. Under the lock. */
    void pingAcknowledged() {
        pingSentAt = 0;
    }

    void stop() {
        stopped = true;
        c.conn.armAlarm(0);
    }

    /** The connection's alarm, on the shared timer thread: decides and hands off, never blocks. */
    void onAlarm() {
        if (!c.lock.tryLock()) {
            c.conn.armAlarm(c.clock.nanoTime() + 1_000_000L); // busy for a moment: look again in a millisecond
            return;
        }
        try {
            if (stopped) {
                return;
            }
            long now = c.clock.nanoTime();
            alarmAt = 0;
            long next = connection(now);
            for (H2Stream s : c.streams()) {
                next = min(next, stream(s, now));
            }
            armed(next);
        } finally {
            c.lock.unlock();
        }
    }

    private long connection(long now) {
        long next = 0;
        if (idleDeadline != 0) {
            if (now - idleDeadline >= 0 && c.dispatch.held() == 0) {
                idleDeadline = 0;
                c.idleTimedOut();
            } else {
                next = idleDeadline;
            }
        }
        if (shutdownStepAt != 0) {
            if (now - shutdownStepAt >= 0) {
                shutdownStepAt = 0;
                c.finalGoAway();
            } else {
                next = min(next, shutdownStepAt);
            }
        }
        return min(next, liveness(now));
    }

    private long liveness(long now) {
        if (readIdle == 0 || c.failed) {
            return 0;
        }
        if (pingSentAt != 0) {
            if (now - pingSentAt >= pingTimeout) {
                c.pingTimedOut();
                return 0;
            }
            return pingSentAt + pingTimeout;
        }
        long quietSince = lastFrameAt;
        if (now - quietSince >= readIdle) {
            pingSentAt = now;
            c.writer.ping(now, false);
            return now + pingTimeout;
        }
        return quietSince + readIdle;
    }

    /** One stream's deadlines: acts on those that passed, returns the next one (0 for none). */
    private long stream(H2Stream s, long now) {
        long next = 0;
        long hd = s.handlerDeadline;
        if (hd != 0 && s.phase == H2Stream.RUNNING) {
            if (now - hd >= 0) {
                c.dispatch.handlerTimedOut(s);
            } else {
                next = hd;
            }
        }
        long wd = s.writeDeadline;
        if (wd != 0 && !s.localClosed) {
            if (now - wd >= 0) {
                writeTimedOut(s, now);
            } else {
                next = min(next, wd);
            }
        }
        long rd = s.readDeadline;
        if (rd != 0 && !s.remoteClosed && s.recvError == null) {
            if (now - rd >= 0) {
                s.readDeadline = 0;
                s.recvError = timeout(Phase.READ_BODY, c.cfg.readTimeout(), now - s.startNanos, s, "");
                s.wake();
            } else {
                next = min(next, rd);
            }
        }
        next = min(next, bodyRate(s, now));
        return min(next, responseRate(s, now));
    }

    private void writeTimedOut(H2Stream s, long now) {
        s.writeDeadline = 0;
        boolean waiting = s.out.pendingSince != 0;
        if (s.out.error == null) {
            s.out.error = new DeadlineExceededException(DeadlineExceededException.Op.WRITE, c.conn.id());
        }
        c.dispatch.writeTimeout(s, waiting);
    }

    /** The minimum request body rate, like HTTP/1.1's: only time the handler waited in body reads counts. */
    private long bodyRate(H2Stream s, long now) {
        if (bodyRate == 0 || s.remoteClosed || s.readRateViolated || s.recvError != null || s.phase != H2Stream.RUNNING) {
            return 0;
        }
        long since = s.readingSince;
        long blocked = s.readBlocked + (since == 0 ? 0 : now - since);
        if (blocked == 0) {
            return 0;
        }
        if (blocked > bodyGrace && s.delivered < (double) bodyRate * blocked / 1e9) {
            s.readRateViolated = true;
            c.metrics.limit(ServerMetrics.Limit.MIN_BODY_RATE); // the defence acts now; the timeout is counted when answered
            s.recvError = timeout(Phase.MIN_BODY_RATE, c.cfg.minRequestBodyGrace(), blocked, s,
                    "less than " + bodyRate + " bytes/s of request body, ");
            s.wake();
            return 0;
        }
        return since == 0 ? 0 : now + RATE_CHECK;
    }

    /** The minimum response rate: only time a chunk of the response waited to leave counts. */
    private long responseRate(H2Stream s, long now) {
        if (responseRate == 0 || s.localClosed || s.out.error != null) {
            return 0;
        }
        long since = s.out.pendingSince;
        long blocked = s.out.writeBlocked + (since == 0 ? 0 : now - since);
        if (blocked == 0) {
            return 0;
        }
        if (blocked > responseGrace && s.out.sent < (double) responseRate * blocked / 1e9) {
            s.out.error = timeout(Phase.WRITE, c.h2.minResponseGrace(), blocked, s,
                    "less than " + responseRate + " bytes/s of response taken by the client, ");
            c.dispatch.writeTimeout(s, true);
            return 0;
        }
        return since == 0 ? 0 : now + RATE_CHECK;
    }

    private HttpTimeoutException timeout(Phase phase, Duration limit, long elapsed, H2Stream s, String what) {
        return new HttpTimeoutException(phase, limit, Duration.ofNanos(elapsed), what + c.conn + ", stream " + s.id);
    }

    static long min(long a, long b) {
        if (a == 0) return b;
        if (b == 0) return a;
        return a - b <= 0 ? a : b;
    }
}
