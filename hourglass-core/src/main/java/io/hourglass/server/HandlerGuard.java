package io.hourglass.server;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.internal.h1.BodyIn;
import io.hourglass.internal.io.ReadAhead;
import io.hourglass.internal.text.Durations;
import io.hourglass.net.Clock;
import io.hourglass.net.Conn;
import io.hourglass.net.DeadlineExceededException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What watches a running handler from the outside, off its connection's alarm: the handler timeout (cancel,
 * interrupt, and a 503, or a reset when the response had begun), the minimum request-body rate, the start of
 * the disconnect watch, and what a departed client does to the handler (cancel, interrupt, close). Its
 * decisions run on the shared timer thread and hand any I/O to a virtual thread; the handler's connection
 * thread calls {@link #begin} and {@link #end} around the handler and reports its body reads.
 */
final class HandlerGuard {
    static final int WATCH_DELAY_MILLIS = 20;
    private static final long WATCH_DELAY = WATCH_DELAY_MILLIS * 1_000_000L;
    private static final long RATE_CHECK = 250_000_000L; // how often the body rate is looked at

    private final Server server;
    private final ServerConfig cfg;
    private final ServerMetrics metrics;
    private final Conn conn;
    private final Clock clock;
    private final ReadAhead readAhead;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean running;              // guarded by lock (written under it; read by the handler's thread without it)
    private Thread handlerThread;         // written before running turns true; read under the lock

    // The request in progress; volatile because the timer thread and the watcher read them.
    private volatile Request request;
    private volatile Response response;
    private volatile BodyIn body;
    private volatile long requestStart;
    private volatile long handlerDeadline;   // 0: none, or already handled
    private volatile long watchAt;           // 0: none, or already started
    private volatile boolean rateViolated;   // set by the timer, read by the handler's failed body read
    private volatile long readingSince;      // when the handler's current body read began waiting, 0 if none
    private volatile long readBlockedNanos;  // total time the handler waited in body reads; the timer sums it
    // The handler timeout took the response over (it writes the 503 and closes the connection); read by the
    // connection's thread after the handler returned.
    private volatile boolean abandoned;
    // This handler's cancellation is counted: one reason per handler, the first (a client that reads the 503 and
    // closes before the timer's thread has closed the connection is not a second cancellation, nor is a handler
    // timeout on a handler that ignored its client's departure).
    private boolean cancelCounted;           // guarded by lock

    // Tests only: runs on the timer's thread once the timeout's error response is flushed, before the connection
    // is closed, so a test can order a client's close into that gap. Volatile: set by the test's thread; read
    // once per handler timeout, never on the request path.
    static volatile java.util.function.Consumer<Conn> afterTimeoutResponse;

    HandlerGuard(Server server, Conn conn) {
        this.server = server;
        this.cfg = server.config();
        this.metrics = server.recorder();
        this.conn = conn;
        this.clock = conn.clock();
        this.readAhead = ReadAhead.lazy(conn, new Watch());
    }

    /** The connection's disconnect watcher, through which its reads go while a handler runs. */
    ReadAhead readAhead() {
        return readAhead;
    }

    /**
     * Arms the handler timeout, the disconnect watch and the body-rate check for the handler about to run;
     * {@code received} is the client's deadline less the reserve ({@link RequestDeadline#received}, issue 14), 0
     * for none: when it comes before the handler timeout it takes its place, and cuts the handler short with a
     * 504 marked {@code Deadline-Expired} instead of the 503. {@code now} is the clock's instant the handler
     * starts at (the caller's reading, taken a few steps before).
     */
    void begin(Request req, Response res, BodyIn b, long start, long received, long now) {
        request = req;
        response = res;
        body = b;
        requestStart = start;
        // Written only when a body read of the last request changed them: each volatile store is a fence, and
        // most requests read no body.
        if (rateViolated) {
            rateViolated = false;
        }
        if (readBlockedNanos != 0) {
            readBlockedNanos = 0;
        }
        if (readingSince != 0) {
            readingSince = 0;
        }
        long ht = cfg.handlerTimeout().toNanos();
        long own = ht == 0 ? 0 : now + ht;
        req.clientDeadline(received != 0 && (own == 0 || received - own < 0));
        handlerDeadline = RequestDeadline.earliest(own, received);
        req.begin(handlerDeadline, cfg.maxRequestBodyBytes());
        watchAt = cfg.watchClientDisconnect() ? now + WATCH_DELAY : 0;
        handlerThread = Thread.currentThread();
        lock.lock();
        try {
            running = true;
            cancelCounted = false;
        } finally {
            lock.unlock();
        }
        readAhead.activate();
        long first = min(watchAt, handlerDeadline);
        if (cfg.minRequestBodyRate() > 0 && !b.isComplete()) {
            first = min(first, now + RATE_CHECK);
        }
        conn.armAlarm(first);
    }

    /** The handler returned (on its thread): nothing of the above may act on it any more. */
    void end() {
        readAhead.deactivate();
        lock.lock();
        try {
            running = false;
        } finally {
            lock.unlock();
        }
        conn.armAlarm(0);
        // A cancellation that came as the handler returned must not leak on. Nobody interrupts this thread once
        // running is false (the interrupters check it under the lock), so the status read here is final; read
        // first because clearing it takes a virtual thread's interrupt lock (1 % of the server's CPU at 64
        // connections when done on every request).
        Thread t = Thread.currentThread();
        if (t.isInterrupted()) {
            Thread.interrupted();
        }
    }

    /** The request is over; the guard lets go of it. */
    void clear() {
        request = null;
        response = null;
        body = null;
    }

    /** Whether a handler runs; read by the handler's own thread. */
    boolean running() {
        return running;
    }

    /** Whether the handler timeout took the response over (and owns the connection's close). */
    boolean abandoned() {
        return abandoned;
    }

    // ---- body reads, for the minimum rate ----

    /** The handler's body read is about to wait; returns the instant to hand to {@link #readEnded}. */
    long readStarted() {
        long now = clock.nanoTime();
        readingSince = now;
        return now;
    }

    void readEnded(long started) {
        readingSince = 0;
        readBlockedNanos += clock.nanoTime() - started;
    }

    /** The error a body read that met its read deadline fails with: the read timeout's, or the body rate's. */
    IOException bodyTimeout(DeadlineExceededException e) {
        if (!running || e.op() != DeadlineExceededException.Op.READ) {
            return e;
        }
        long elapsed = clock.nanoTime() - requestStart;
        HttpTimeoutException t = rateViolated
                ? new HttpTimeoutException(Phase.MIN_BODY_RATE, cfg.minRequestBodyGrace(),
                        Duration.ofNanos(readBlockedNanos), "less than " + cfg.minRequestBodyRate()
                        + " bytes/s of request body, " + conn)
                : new HttpTimeoutException(Phase.READ_BODY, cfg.readTimeout(), Duration.ofNanos(elapsed),
                        conn.toString());
        t.initCause(e);
        return t;
    }

    // ---- the timer's side ----

    /** The connection's alarm; runs on the shared timer thread: decides, hands off any work, never blocks. */
    void onAlarm() {
        if (!running) {
            return;
        }
        long now = clock.nanoTime();
        long hd = handlerDeadline;
        if (hd != 0 && now - hd >= 0) {
            handlerDeadline = 0;
            Thread.ofVirtual().start(this::timedOut);
            return;
        }
        long wa = watchAt;
        if (wa != 0 && now - wa >= 0) {
            watchAt = 0;
            readAhead.start("hourglass-watch-" + conn.id());
        }
        long next = min(hd, watchAt);
        if (checkBodyRate(now)) {
            next = min(next, now + RATE_CHECK);
        }
        conn.armAlarm(next);
    }

    /** Whether the rate still needs watching; expires the read deadline when the body is too slow. */
    private boolean checkBodyRate(long now) {
        long rate = cfg.minRequestBodyRate();
        BodyIn b = body;
        if (rate == 0 || b == null || b.isComplete() || rateViolated) {
            return false;
        }
        long since = readingSince;
        long blocked = readBlockedNanos + (since == 0 ? 0 : now - since);
        long grace = cfg.minRequestBodyGrace().toNanos();
        if (blocked > grace && b.delivered() < (double) rate * blocked / 1e9) {
            rateViolated = true; // the timeout is counted where the failed read is answered
            metrics.limit(ServerMetrics.Limit.MIN_BODY_RATE); // the limit is counted here: the defence acts now
            conn.setReadDeadlineNanos(now); // the timer shuts the input down; the blocked read fails
            return false;
        }
        return true;
    }

    /** Runs on its own virtual thread when the handler timeout (or the client's deadline) passes. */
    private void timedOut() {
        Request req = request;
        Response res = response;
        boolean nothingSent;
        boolean client; // the client's deadline passed (issue 14), not the handler timeout
        boolean count;
        lock.lock();
        try {
            if (!running || req == null || res == null) {
                return;
            }
            client = req.clientDeadline();
            req.cancel(client ? "deadline" : "handler timeout");
            abandoned = true;
            nothingSent = res.abandon(client ? "client's deadline" : "handler timeout after "
                    + fmt(cfg.handlerTimeout()));
            handlerThread.interrupt();
            count = !cancelCounted;
            cancelCounted = true;
        } finally {
            lock.unlock();
        }
        server.timeout(client ? Phase.DEADLINE : Phase.HANDLER);
        if (count) {
            metrics.cancelled(client ? ServerMetrics.CancelReason.DEADLINE : ServerMetrics.CancelReason.HANDLER_TIMEOUT);
        }
        long start = requestStart;
        // Counted before the connection is cut: its close ends the connection's own thread, which takes it off
        // the open-connections gauge, and whoever sees that gauge at zero must see this response counted too.
        if (!nothingSent) {
            metrics.responded(res.status(), clock.nanoTime() - start);
            conn.abort(); // the response had begun: the client must see it truncated
            return;
        }
        metrics.responded(client ? 504 : 503, clock.nanoTime() - start);
        // Written on the socket, not through the handler's write buffer, which its own thread owns.
        byte[] resp = client
                ? ErrorResponse.bytes(504, RequestDeadline.cutShortMessage(cfg),
                        RequestDeadline.EXPIRED_HEADER + ": true\r\n")
                : ErrorResponse.bytes(503, "handler did not finish within " + fmt(cfg.handlerTimeout()));
        try {
            conn.write(resp, 0, resp.length);
            conn.flush();
            java.util.function.Consumer<Conn> hook = afterTimeoutResponse;
            if (hook != null) {
                hook.accept(conn);
            }
            conn.shutdownOutput();
        } catch (IOException ignored) {
            // the client went away as well
        }
        conn.close();
    }

    // ---- the client left ----

    /** What the disconnect watcher's end of stream does to the handler; on the watcher's thread. */
    private final class Watch implements ReadAhead.Events {
        private boolean clientLeft;

        @Override
        public void ending(IOException err, boolean active) {
            // Not a departure: a read deadline that passed, or our own close (handler timeout).
            clientLeft = active && !(err instanceof DeadlineExceededException) && !conn.isClosed();
            Request req = request;
            if (clientLeft && req != null) {
                // Before the handler can see the end of the stream, so that its failed read is never counted
                // as a failure.
                req.cancel("client closed the connection");
            }
        }

        @Override
        public void ended() {
            if (clientLeft) {
                clientLeft = false;
                clientGone();
            }
        }
    }

    /** Our FIN goes now: CLOSE_WAIT ends here, not when the handler returns; the request is cancelled. */
    private void clientGone() {
        boolean count;
        lock.lock();
        try {
            count = !cancelCounted;
            cancelCounted = true;
        } finally {
            lock.unlock();
        }
        if (count) {
            metrics.cancelled(ServerMetrics.CancelReason.CLIENT_GONE);
        }
        conn.close();
        lock.lock();
        try {
            if (running) {
                handlerThread.interrupt();
            }
        } finally {
            lock.unlock();
        }
    }

    static long min(long a, long b) {
        if (a == 0) return b;
        if (b == 0) return a;
        return a - b <= 0 ? a : b;
    }

    private static String fmt(Duration d) {
        return Durations.format(d);
    }
}
