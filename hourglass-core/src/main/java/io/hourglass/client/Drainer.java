package io.hourglass.client;

import io.hourglass.internal.h1.BodyIn;
import io.hourglass.internal.h1.ResponseHead;
import io.hourglass.internal.text.Durations;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * {@link TimeoutPolicy#DRAIN} on HTTP/1.1: a call gave up, and its connection leaves it to read the late
 * response (its head first, when it had not come) and discard it, on a virtual thread, within the drain
 * budget ({@link ClientConfig#drainTimeout()}, {@link ClientConfig#drainMaxBytes()}). Then the connection goes
 * back to the pool, or is closed when it overran the budget or cannot be reused. While it drains, a caller
 * that needs its place may preempt it (see {@link Pool}): the reset wakes the drain's read, which ends.
 */
final class Drainer {
    private final ClientConn c;
    private final String method;
    private final ClientConfig cfg;
    private final long deadline;        // the drain timeout's instant, 0 for none

    private Drainer(ClientConn c, String method, ClientConfig cfg, long deadline) {
        this.c = c;
        this.method = method;
        this.cfg = cfg;
        this.deadline = deadline;
    }

    /**
     * Starts draining {@code c}'s late response.
     *
     * @param head the response's head when it had come, else null: the drain reads it first
     * @param body the body of {@code head}, or null
     */
    static void start(ClientConn c, String method, ResponseHead head, BodyIn body, ClientConfig cfg) {
        long now = c.conn.clock().nanoTime();
        long dt = Durations.nanos(cfg.drainTimeout());
        Drainer d = new Drainer(c, method, cfg, dt == 0 ? 0 : now + dt);
        c.pool.startedDraining(c, d::checkBudget, d.deadline);
        Thread.ofVirtual().name("hourglass-drain-" + c.id()).start(() -> d.run(head, body));
    }

    /** The drain's consumer check: its time is up. */
    private void checkBudget() throws IOException {
        if (deadline != 0 && c.conn.clock().nanoTime() - deadline >= 0) {
            throw new DrainTimeout(cfg.drainTimeout());
        }
    }

    private void run(ResponseHead head, BodyIn body) {
        DrainResult result;
        try {
            result = drain(head, body);
        } catch (DrainTimeout e) {
            result = DrainResult.TIMEOUT;
        } catch (IOException | RuntimeException e) {
            result = DrainResult.CLOSED; // also a preempted drain, whose reset wakes this read: the pool knows
        }
        c.pool.drainEnded(c, result);
    }

    /** Reads the late response (its head first when it had not come) and discards it. */
    private DrainResult drain(ResponseHead h, BodyIn b) throws IOException {
        if (h == null) {
            h = H1Stream.readHead(c, method, false);
            b = H1Stream.bodyOf(c, h);
        }
        if (!h.keepAlive || h.contentLength == ResponseHead.UNTIL_CLOSE || h.status == 101) {
            return DrainResult.CLOSED;
        }
        long before = b.delivered();
        if (!b.drain(cfg.drainMaxBytes())) {
            return b.delivered() - before >= cfg.drainMaxBytes() ? DrainResult.MAX_BYTES : DrainResult.CLOSED;
        }
        return c.reusable() ? DrainResult.REUSED : DrainResult.CLOSED;
    }

    /** The drain budget's time ran out. */
    private static final class DrainTimeout extends SocketTimeoutException {
        DrainTimeout(Duration limit) {
            super("drain budget of " + Durations.format(limit) + " used up");
        }
    }
}
