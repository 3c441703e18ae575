package io.hourglass.server;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.internal.h1.H1Exception;
import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.net.DeadlineExceededException;
import java.io.InterruptedIOException;

/**
 * A stream's handler on its own virtual thread, and what the server does when it fails or runs too long: the
 * HTTP/2 side of {@link ServerConn}'s handler code. A failure before anything of the response went out
 * becomes the server's own status (408 for a body timeout, 413 past the body limit, 431, 500 for a bug),
 * followed by RST_STREAM NO_ERROR when the client is still sending a body (RFC 9113 section 8.1); after the
 * response began, the stream is reset (INTERNAL_ERROR), so the client never takes a cut-off body for a
 * complete one. The handler timeout cancels the request and interrupts the handler: 503 when nothing was
 * committed, else RST_STREAM CANCEL. Each is counted as on HTTP/1.1, with {@code protocol="h2"}.
 */
final class H2Run {
    private final H2Conn c;
    private final H2Dispatch d;

    H2Run(H2Conn c, H2Dispatch d) {
        this.c = c;
        this.d = d;
    }

    /** The body of a stream's handler thread. */
    void run(H2Stream s) {
        try {
            serve(s);
        } finally {
            Thread.interrupted(); // a cancellation that came as the handler returned must not leak on
            d.handlerDone(s);
        }
    }

    private void serve(H2Stream s) {
        Request req = s.request;
        Response res = s.response;
        long now = c.clock.nanoTime();
        long ht = c.cfg.handlerTimeout().toNanos();
        long own = ht == 0 ? 0 : now + ht;
        // issue 14: the client's deadline (less the reserve) shortens the handler's, from the stream's HEADERS;
        // one that leaves nothing gets a 504 in place of the handler
        long received = RequestDeadline.counted(c.metrics, s.headerDeadline); // found by the reading thread
        boolean reject = received != 0 && RequestDeadline.expired(c.cfg, c.metrics, received, now);
        req.clientDeadline(!reject && received != 0 && (own == 0 || received - own < 0));
        long deadline = reject ? own : RequestDeadline.earliest(own, received);
        c.lock.lock();
        try {
            s.handlerDeadline = deadline;
            c.timers.armed(deadline);
        } finally {
            c.lock.unlock();
        }
        req.begin(deadline, c.cfg.maxRequestBodyBytes());
        Throwable failure = null;
        try {
            if (reject) {
                RequestDeadline.reject(c.cfg, req, res, received, now);
            } else {
                RequestDeadline.run(c.server.handler(), req, res);
            }
        } catch (Throwable t) {
            failure = t;
        }
        Thread.interrupted();
        if (res.isAbandoned() || req.isCancelled()) {
            return; // the timer answered (503 or a reset), or the client reset the stream
        }
        try {
            if (failure == null) {
                res.finish();
                return;
            }
        } catch (Throwable t) {
            failure = t;
        }
        if (!res.isAbandoned() && !req.isCancelled()) {
            failed(s, res, failure);
        }
    }

    /** The handler (or the end of its response) threw: a status, or a reset once the response began. */
    private void failed(H2Stream s, Response res, Throwable t) {
        int status;
        String message;
        if (t instanceof HttpTimeoutException te) {
            if (te.phase() == Phase.WRITE) {
                writeTimedOut(s, false);
                return; // the minimum response rate: the stream is reset already
            }
            c.server.timeout(te.phase(), true);
            // a call the handler made ran out of the request's deadline (issue 14): 504, as on HTTP/1.1
            status = te.phase() == Phase.DEADLINE ? 504 : 408;
            message = te.getMessage();
        } else if (t instanceof H1Exception he) {
            limitHit(he);
            status = he.status();
            message = he.getMessage();
        } else if (t instanceof DeadlineExceededException de && de.op() == DeadlineExceededException.Op.WRITE) {
            writeTimedOut(s, false);
            return;
        } else if (resetAlready(s) || t instanceof InterruptedIOException) {
            return; // the client reset the stream or left, or the server reset it: counted where it happened
        } else {
            c.server.handlerError(t);
            status = 500;
            message = "internal server error";
        }
        c.lock.lock();
        try {
            if (s.reset) {
                return;
            }
            if (s.out.nothingSent()) {
                // Nothing of the handler's response left (at most its head waits for the writer): the error
                // status replaces it, as for any other bad request.
                res.abandon("handler failed");
                s.out.dropStaged();
                s.out.answer(status, message, status == 504);
            } else {
                d.reset(s, ErrorCode.INTERNAL_ERROR); // the response had begun: the client must see it cut
            }
        } finally {
            c.lock.unlock();
        }
    }

    private boolean resetAlready(H2Stream s) {
        c.lock.lock();
        try {
            return s.reset;
        } finally {
            c.lock.unlock();
        }
    }

    private void limitHit(H1Exception e) {
        if (e.limit() == H1Exception.Limit.BODY_BYTES) {
            c.metrics.limit(ServerMetrics.Limit.BODY_TOO_LARGE);
        } else if (e.limit() == H1Exception.Limit.HEAD_BYTES) {
            c.metrics.limit(ServerMetrics.Limit.HEADER_TOO_LARGE);
        } else if (e.limit() == H1Exception.Limit.FIELD_COUNT) {
            c.metrics.limit(ServerMetrics.Limit.TOO_MANY_HEADERS);
        }
    }

    /** Counts a stream's write timeout once, and a slow reader when a write was waiting for the client. */
    void writeTimedOut(H2Stream s, boolean slowReader) {
        c.lock.lock();
        try {
            if (!s.out.timeoutCounted) {
                s.out.timeoutCounted = true;
                c.server.timeout(Phase.WRITE, true);
                if (slowReader) {
                    c.metrics.limit(ServerMetrics.Limit.SLOW_READER);
                }
            }
        } finally {
            c.lock.unlock();
        }
    }

    /** The handler timeout passed (timer thread, under the lock): 503 if nothing was committed, else a reset. */
    void timedOut(H2Stream s) {
        Request req = s.request;
        Response res = s.response;
        if (s.phase != H2Stream.RUNNING || req == null || req.isCancelled()) {
            return;
        }
        s.handlerDeadline = 0;
        String limit = H2Conn.fmt(c.cfg.handlerTimeout());
        boolean client = req.clientDeadline(); // the client's deadline passed (issue 14), not the handler timeout
        req.cancel(client ? "deadline" : "handler timeout");
        boolean nothingCommitted = res.abandon(client ? "client's deadline" : "handler timeout after " + limit);
        c.server.timeout(client ? Phase.DEADLINE : Phase.HANDLER, true);
        c.metrics.cancelled(client ? ServerMetrics.CancelReason.DEADLINE : ServerMetrics.CancelReason.HANDLER_TIMEOUT);
        if (nothingCommitted && !s.reset) {
            if (client) {
                s.out.answer(504, RequestDeadline.cutShortMessage(c.cfg), true);
            } else {
                s.out.answer(503, "handler did not finish within " + limit);
            }
        } else {
            d.reset(s, ErrorCode.CANCEL); // the response had begun: a reset, never a body that looks complete
        }
        Thread t = s.thread;
        if (t != null) {
            c.writer.interrupt(t);
        }
    }

    /** Counts a stream's response once it is done at {@code now}: the status whose HEADERS went out, if any. */
    void counted(H2Stream s, long now) {
        if (s.out.sentStatus != 0) {
            c.metrics.responded(s.out.sentStatus, now - s.startNanos);
        }
    }
}
