package io.hourglass.server;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.internal.h1.H1Exception;
import io.hourglass.net.Conn;
import io.hourglass.net.DeadlineExceededException;
import java.io.EOFException;
import java.io.IOException;

/**
 * What an HTTP/1.1 connection does when its handler throws (neither cancelled nor cut short by the handler
 * timeout, which answer for themselves): an error status in place of a response that has not reached the
 * wire, a reset when the response had begun (so the client cannot take a truncated body as complete), or only
 * the close when the client is gone. The status says whose failure it was:
 * <ul>
 *   <li>a timeout the handler met: 408, or 504 marked {@code Deadline-Expired} when it was the request's
 *       deadline (issue 14: a caller whose time is gone must not retry); counted by its phase, a write
 *       timeout once;</li>
 *   <li>a framing error of the request found while the handler read it (a trailer section too large):
 *       its own status, counted as the limit that fired;</li>
 *   <li>the client reset or closed the connection under the handler: normal traffic, counted as a
 *       departure (client_gone), one debug line at most and no stack trace;</li>
 *   <li>anything else is the handler's fault: 500, and a warning with its stack trace.</li>
 * </ul>
 */
final class HandlerFailure {
    private HandlerFailure() {}

    /** Answers {@code t}, thrown by the handler of {@code res}'s request on connection {@code c}. */
    static void answer(ServerConn c, Throwable t, Response res) throws IOException {
        Server server = c.server();
        ServerMetrics metrics = server.recorder();
        Conn conn = c.conn();
        H1Wire wire = c.wire();
        int status;
        String message;
        if (t instanceof HttpTimeoutException te) {
            if (te.phase() == Phase.WRITE) {
                wire.writeTimedOut(); // a write deadline a handler set (static files' minimum rate): counted once
            } else {
                server.timeout(te.phase());
            }
            status = te.phase() == Phase.DEADLINE ? 504 : 408;
            message = te.getMessage();
        } else if (t instanceof H1Exception he) {
            metrics.limit(he);
            status = he.status();
            message = he.getMessage();
        } else if (t instanceof DeadlineExceededException de && de.op() == DeadlineExceededException.Op.WRITE) {
            wire.writeTimedOut();
            conn.abort();
            return;
        } else if (wire.peerGone()) {
            metrics.cancelled(ServerMetrics.CancelReason.CLIENT_GONE);
            server.clientGone(conn, t);
            conn.close();
            return;
        } else if (t instanceof EOFException || conn.isClosed()) {
            conn.close();
            return;
        } else {
            server.handlerError(t);
            status = 500;
            message = "internal server error";
        }
        if (!res.isCommitted() || !wire.responseOnWire()) {
            // Nothing of the handler's response left the server (at most its head sits in the write buffer):
            // the error status replaces it, as for any other bad request.
            res.abandon("handler failed");
            c.sendError(status, message, status == 504 ? RequestDeadline.EXPIRED_HEADER + ": true\r\n" : "");
            wire.lingerAndClose();
        } else {
            conn.abort(); // the response had started: a reset, so the client cannot take it as complete
        }
    }
}
