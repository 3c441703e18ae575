package io.hourglass.client;

import io.hourglass.http.Headers;
import io.hourglass.internal.h1.BodyIn;
import io.hourglass.internal.h1.ResponseHead;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;

/**
 * One exchange on an HTTP/1.1 {@link ClientConn}, which it has to itself: writes the request
 * ({@link RequestWriter}), reads the response heads and chooses the body's framing (one path, also the
 * {@link Drainer}'s), and decides what the exchange's end does to the connection: back to the pool, drained,
 * or closed.
 */
final class H1Stream implements Carrier.Stream {
    private static final Headers NO_TRAILERS = Headers.copyOf(new Headers(0));

    private final ClientConn c;
    private final Exchange call;
    private final String method;
    // Whether the request is fully written; volatile because a cancelling thread reads it.
    private volatile boolean requestDone;
    private boolean bodyHeld;          // the body waits for 100 Continue and has not been sent
    private boolean mustClose;         // the connection cannot carry another exchange after this one
    private boolean closeAsked;        // the caller's request said Connection: close
    private ResponseHead head;
    private BodyIn body;

    H1Stream(ClientConn c, Exchange call) {
        this.c = c;
        this.call = call;
        this.method = call.req.method();
    }

    @Override
    public long connectionId() {
        return c.id();
    }

    // ---- the request ----

    @Override
    public void writeRequest(ClientRequest req, boolean expectContinue, long deadline) throws IOException {
        c.conn.setWriteDeadlineNanos(deadline);
        Proxies.Route p = c.pool.origin.proxy(); // plain http to an HTTP proxy: the proxy gets the request itself
        RequestWriter.writeHead(c.out, req, c.pool.hostHeader, call.userAgent(), expectContinue, call.wireGzip(),
                p != null && !p.socks() && !c.pool.origin.tls() ? p : null);
        // RFC 9112 section 9.6: a sender of Connection: close closes after this response
        closeAsked = req.headers().hasToken("Connection", "close");
        if (req.body() != null && !expectContinue) {
            RequestWriter.writeBody(c.out, req.body(), req.trailerSection(), call);
        }
        bodyHeld = expectContinue;
        c.out.flush();
    }

    @Override
    public void writeBody(RequestBody b) throws IOException {
        RequestWriter.writeBody(c.out, b, call.req.trailerSection(), call);
        c.out.flush();
        bodyHeld = false;
    }

    @Override
    public void requestWritten() {
        c.conn.setWriteDeadlineNanos(0);
        requestDone = true;
    }

    // ---- the response ----

    @Override
    public ResponseHead readHead(boolean stopAtContinue) throws IOException {
        return readHead(c, method, stopAtContinue);
    }

    /**
     * Reads heads until the final one (not 1xx, or 101), or a 100 when {@code stopAtContinue}: the one place
     * that reads response heads, for calls, 100 Continue and drains.
     */
    static ResponseHead readHead(ClientConn c, String method, boolean stopAtContinue) throws IOException {
        while (true) {
            int end = c.parser.awaitHead(c.in, null);
            if (end < 0) {
                throw new EOFException("connection closed before the response headers");
            }
            ResponseHead h = new ResponseHead();
            c.parser.parseResponse(c.in.buf, c.in.pos, end, method, h);
            c.in.pos = end;
            boolean interim = h.status / 100 == 1 && h.status != 101; // RFC 9110 section 15.2
            if (!interim || (stopAtContinue && h.status == 100)) {
                return h;
            }
        }
    }

    /** The body's framing (RFC 9112 section 6.3): chunked, a length, or until the server closes. */
    static BodyIn bodyOf(ClientConn c, ResponseHead h) {
        if (h.chunked) {
            return BodyIn.chunked(c.in, c.parser);
        }
        if (h.contentLength == ResponseHead.UNTIL_CLOSE) {
            return BodyIn.untilClose(c.in);
        }
        return BodyIn.length(c.in, h.contentLength);
    }

    @Override
    public void openBody(ResponseHead h) {
        head = h;
        body = bodyOf(c, h);
        // A final status before a held-back body leaves the server's framing unclear; 101 and close end it.
        mustClose = bodyHeld || closeAsked || !h.keepAlive || h.status == 101;
        // the server's idle timeout (Keep-Alive: timeout=N): the pool retires the connection before it closes
        long hint = KeepAliveHint.timeoutSeconds(h.headers.first("Keep-Alive"));
        c.keepAliveWindow = hint < 0 ? -1 : KeepAliveHint.reuseWindowNanos(hint);
        if (c.keepAliveWindow == 0) {
            mustClose = true; // timeout=0: the server will not wait for another request
        }
    }

    @Override
    public int readBody(byte[] b, int off, int len) throws IOException {
        return body.read(b, off, len);
    }

    @Override
    public int bodyAvailable() throws IOException {
        return body.available();
    }

    @Override
    public boolean bodyComplete() {
        return body.isComplete();
    }

    @Override
    public long bodyDelivered() {
        return body.delivered();
    }

    @Override
    public Headers trailers() {
        BodyIn b = body;
        return b != null && b.isComplete() ? b.trailers() : NO_TRAILERS;
    }

    @Override
    public void wakeAt(long nanoTime) {
        c.conn.armAlarm(nanoTime);
    }

    // ---- how it ends ----

    /**
     * Clears the write deadline; true when nothing reached the socket and the connection survived: the timer
     * did not reset it first, and no interrupt closed the socket under a blocked write.
     */
    @Override
    public boolean untouched() {
        c.conn.setWriteDeadlineNanos(0);
        return c.sent() == 0 && !requestDone && !c.conn.isClosed() && !c.conn.socket().isClosed();
    }

    /** A reused connection the server had closed: nothing of a response came, the reset or end came instead. */
    @Override
    public boolean retryable(IOException e) {
        return c.received() == 0
                && (e instanceof EOFException || (e instanceof SocketException && !(e instanceof ConnectException)));
    }

    @Override
    public void complete() {
        c.conn.armAlarm(0);
        if (mustClose || !body.isComplete()) {
            c.pool.discard(c, "response asked to close");
        } else {
            c.pool.release(c);
        }
    }

    @Override
    public void abandon(TimeoutPolicy policy, String closeReason) {
        if (policy == TimeoutPolicy.DRAIN && requestDone && !mustClose && (body == null || !body.isBroken())) {
            Drainer.start(c, method, head, body, call.config());
        } else {
            c.pool.discard(c, closeReason);
        }
    }

    @Override
    public void discard(String reason) {
        c.pool.discard(c, reason);
    }

    @Override
    public void release() {
        c.pool.release(c);
    }

    @Override
    public void cancel() {
        if (!requestDone) {
            c.conn.abort(); // a blocked write cannot be woken otherwise; a half-sent request is unusable anyway
        }
        c.wake();
    }
}
