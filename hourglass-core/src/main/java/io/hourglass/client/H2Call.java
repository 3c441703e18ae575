package io.hourglass.client;

import io.hourglass.http.Headers;
import io.hourglass.internal.h1.ResponseHead;
import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.FieldList;
import io.hourglass.internal.h2.H2Messages;
import io.hourglass.internal.h2.H2ResponseHead;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

/**
 * One call's exchange on an HTTP/2 stream: the {@link Carrier.Stream} that {@link H2Connection} opens for
 * the call lifecycle in {@link Exchange} (which owns the deadlines, the retries, the errors and the events, as
 * over HTTP/1.1). It writes the request (HEADERS, DATA under flow control, Expect: 100-continue, and the
 * trailers' HEADERS with END_STREAM when the request has them), waits for the head and hands the body over.
 *
 * <p><b>Timeouts and cancellation keep the connection.</b> Whatever ends the call early (a timeout of any
 * phase, {@link Call#cancel()}, an interrupt, a body closed before its end) resets the stream with RST_STREAM
 * CANCEL ({@link #abandon}, {@link #discard}): the server is told at once, the stream's buffered bytes are
 * dropped (their connection-level credit was returned as they came), and the connection goes on carrying
 * the other calls. {@link TimeoutPolicy} has nothing to drain here. Every wait is bounded by the caller's
 * deadlines: the stream checks the call before each wait, and the connection's alarm wakes it at the instant
 * the call gave to {@link #wakeAt}.
 */
final class H2Call implements Carrier.Stream {
    private static final Headers NO_TRAILERS = Headers.copyOf(new Headers(0));

    private final Exchange call;
    private final H2Connection conn;
    private final H2Stream stream;
    private boolean started;            // caller's thread: start() consumed the pool's reservation
    private boolean headersEnded;       // caller's thread: END_STREAM went with the HEADERS (no body)
    private boolean bodyHeld;           // caller's thread: the body waits for 100 Continue and was not sent
    private boolean requestUnended;     // caller's thread: a final status came instead of 100; our side is still open
    private H2ResponseHead earlyHead;   // caller's thread: a final head that came before the body was sent

    H2Call(H2Connection conn, Exchange call) {
        this.conn = conn;
        this.call = call;
        this.stream = new H2Stream(conn);
        this.stream.waiter = call;
        this.stream.bodyless = call.req.method().equals("HEAD");
        this.stream.expiry = call::onAlarm; // a body nobody reads or closes past the call's deadline
    }

    @Override
    public long connectionId() {
        return conn.id();
    }

    @Override
    public int streamId() {
        return stream.id();
    }

    // ---- the request ----

    /**
     * Opens the stream with the request's header block, then sends the body unless it waits for 100
     * Continue. The write deadline is the connection's (a frame stuck past the ping timeout ends it), not the
     * call's: other streams share the socket.
     */
    @Override
    public void writeRequest(ClientRequest req, boolean expectContinue, long deadline) throws IOException {
        RequestBody b = req.body();
        long len = b == null ? 0 : b.length();
        boolean empty = req.trailerSection() == null && (b == null || len == 0); // trailers end the stream, not HEADERS
        started = true;
        headersEnded = empty;
        stream.start(requestFields(req, b, expectContinue && !empty), empty);
        call.streamOpened(conn.id(), stream.id());
        bodyHeld = !empty && expectContinue;
        if (!empty && !expectContinue) {
            writeBody(b);
        }
    }

    /** The request's header block: pseudo-header fields, the caller's fields, and what the client adds. */
    private FieldList requestFields(ClientRequest req, RequestBody b, boolean expect) {
        URI u = req.uri();
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        if (u.getRawQuery() != null) {
            path = path + "?" + u.getRawQuery();
        }
        Headers h = req.headers();
        // What the caller's fields say, in one pass (most requests have few or none)
        String host = null;
        boolean framing = false;
        boolean ua = false;
        for (int i = 0; i < h.size(); i++) {
            String n = h.name(i);
            if (host == null && n.equalsIgnoreCase("host")) {
                host = h.value(i);
            } else if (n.equalsIgnoreCase("content-length") || n.equalsIgnoreCase("expect")) {
                framing = true;
            } else if (n.equalsIgnoreCase("user-agent")) {
                ua = true;
            }
        }
        if (framing) {
            Headers w = new Headers(h.size()); // the client owns framing and the expectation
            for (int i = 0; i < h.size(); i++) {
                String n = h.name(i);
                if (!n.equalsIgnoreCase("content-length") && !n.equalsIgnoreCase("expect")) {
                    w.add(n, h.value(i));
                }
            }
            h = w;
        }
        FieldList f = new FieldList(h.size() + 8);
        // the caller's Host, as over HTTP/1.1, goes as :authority (RFC 9113 section 8.3.1); else the origin's,
        // whose scheme is lower-cased already
        H2Messages.requestFields(req.method(), call.pool.origin.scheme(), host != null ? host : call.pool.hostHeader,
                path, h, f);
        if (!ua) {
            f.add("user-agent", call.userAgent());
        }
        if (call.wireGzip()) {
            f.add("accept-encoding", "gzip"); // the bridge's, written here when no step below sees it
        }
        if (b != null && b.length() >= 0) {
            f.add("content-length", Long.toString(b.length()));
        } else if (b == null && (req.method().equals("POST") || req.method().equals("PUT") || req.method().equals("PATCH"))) {
            f.add("content-length", "0"); // RFC 9110 section 8.6, as over HTTP/1.1
        }
        if (expect) {
            f.add("expect", "100-continue");
        }
        if (req.trailerSection() != null) {
            f.add("trailer", req.trailerSection().declaration()); // RFC 9110 section 6.6.2, as over HTTP/1.1
        }
        return f;
    }

    /**
     * Sends the body as DATA under flow control, then the trailers (if any) as a HEADERS frame that ends the
     * stream (RFC 9113 section 8.1), their values asked for after the body's last byte. When the server
     * answers in full before the body is sent (section 8.1), the rest is not sent and the stream's sending
     * side is reset; the head is kept for {@link #readHead}. A trailer supplier that fails fails the call,
     * whose stream is then reset ({@link #discard}), so the server never sees the request's end.
     */
    @Override
    public void writeBody(RequestBody b) throws IOException {
        long len = b.length();
        bodyHeld = false;
        call.doing("writing the request body");
        if (headersEnded) {
            return; // an empty body went with the HEADERS' END_STREAM
        }
        RequestTrailers t = call.req.trailerSection();
        try {
            try (InputStream in = b.open()) {
                copy(in, len, t == null);
            }
            if (t != null) {
                sendTrailers(t);
            }
        } catch (H2StreamException e) {
            if (e.kind() != H2StreamException.Kind.ANSWERED_EARLY) {
                throw e;
            }
            conn.abandonRequestBody(stream);
            earlyHead = stream.awaitHead(false);
        }
    }

    /**
     * Sends {@code len} bytes of {@code in} as DATA (-1: to its end), the last frame with END_STREAM when
     * {@code end} (else trailers follow).
     */
    private void copy(InputStream in, long len, boolean end) throws IOException {
        byte[] chunk = new byte[(int) (len >= 0 ? Math.min(16 * 1024, len) : 16 * 1024)];
        long left = len;
        while (len < 0 || left > 0) {
            int n = in.read(chunk, 0, (int) (len < 0 ? chunk.length : Math.min(chunk.length, left)));
            if (n < 0 && len >= 0) {
                throw new IOException("request body ended after " + (len - left) + " of " + len + " bytes");
            }
            if (n < 0) {
                if (end) {
                    stream.writeData(chunk, 0, 0, true);
                }
                return;
            }
            left -= n;
            if (n > 0) {
                stream.writeData(chunk, 0, n, end && len >= 0 && left == 0);
            }
        }
    }

    /** The trailer section as HEADERS with END_STREAM; none to send ends the stream with an empty DATA. */
    private void sendTrailers(RequestTrailers t) throws IOException {
        Headers fields = t.collect(call);
        if (fields.isEmpty()) {
            stream.writeData(new byte[0], 0, 0, true);
            return;
        }
        FieldList f = new FieldList(fields.size());
        H2Messages.trailerFields(fields, f); // lower-case names (section 8.2.1)
        stream.writeTrailers(f);
    }

    @Override
    public void requestWritten() {
        // nothing to undo: HTTP/2 writes carry the connection's own write deadline
    }

    // ---- the response ----

    /** The final head (1xx other than 100 skipped by the connection's reader), or a 100 when asked. */
    @Override
    public ResponseHead readHead(boolean stopAtContinue) throws IOException {
        H2ResponseHead h = earlyHead;
        if (h == null) {
            h = stream.awaitHead(stopAtContinue);
        }
        if (h == null) {
            ResponseHead c = new ResponseHead();
            c.status = 100;
            c.version = 20;
            c.reason = "";
            return c;
        }
        ResponseHead r = new ResponseHead();
        r.version = 20;
        r.status = h.status();
        r.reason = ""; // HTTP/2 has no reason phrase
        r.headers = h.headers();
        r.contentLength = h.contentLength();
        r.keepAlive = true;
        return r;
    }

    /**
     * A final status that came instead of 100 means the body is not wanted (RFC 9110 section 10.1.1). Our side
     * of the stream is then reset (CANCEL), but only once the response is in: a RST_STREAM sent before would
     * make the rest of the response arrive on a closed stream and be dropped (RFC 9113 section 5.1).
     */
    @Override
    public void openBody(ResponseHead h) {
        if (bodyHeld) {
            bodyHeld = false;
            requestUnended = true;
            if (stream.complete()) {
                endRequestSide();
            }
        }
    }

    /** Resets the request's side of a stream whose body was never sent, once; the response was read. */
    private void endRequestSide() {
        if (requestUnended) {
            requestUnended = false;
            conn.abandonRequestBody(stream);
        }
    }

    @Override
    public int readBody(byte[] b, int off, int len) throws IOException {
        return stream.read(b, off, len);
    }

    @Override
    public int bodyAvailable() {
        return stream.available();
    }

    @Override
    public boolean bodyComplete() {
        return stream.complete();
    }

    @Override
    public long bodyDelivered() {
        return stream.received();
    }

    @Override
    public Headers trailers() {
        Headers t = stream.trailersIfComplete();
        return t != null ? t : NO_TRAILERS;
    }

    @Override
    public void wakeAt(long nanoTime) {
        stream.arm(nanoTime);
    }

    // ---- how it ends ----

    /** Nothing went out: HEADERS were never written (the stream has no id). */
    @Override
    public boolean untouched() {
        return stream.id() == 0;
    }

    /**
     * A connection lost before any byte of this call's response came (not by a ping timeout: that one is the
     * call's error, as the server may be processing it), for the lifecycle's rule on reused connections.
     */
    @Override
    public boolean retryable(IOException e) {
        return e instanceof H2StreamException s && s.kind() == H2StreamException.Kind.CONNECTION
                && !stream.responseStarted() && !(s.getCause() instanceof io.hourglass.http.HttpTimeoutException);
    }

    @Override
    public int unprocessedRetries(IOException e) {
        if (!(e instanceof H2StreamException s) || !s.unprocessed()) {
            return 0;
        }
        return s.kind() == H2StreamException.Kind.REFUSED ? 1 : 2;
    }

    /**
     * The body was read to its end: both sides ended, so the stream is closed and its slot free already, unless
     * the request's side was left open by a final status that came instead of 100.
     */
    @Override
    public void complete() {
        quiet();
        endRequestSide(); // a response read in full while the request's side stayed open (see openBody)
    }

    /** Given up after the request went out: RST_STREAM CANCEL whatever the policy; the connection stays. */
    @Override
    public void abandon(TimeoutPolicy policy, String closeReason) {
        quiet();
        if (!stream.complete()) {
            stream.reset(ErrorCode.CANCEL);
        } else {
            endRequestSide();
        }
    }

    /** A failed exchange: the stream is reset if it is still open; the connection decides for itself. */
    @Override
    public void discard(String reason) {
        abandon(TimeoutPolicy.CLOSE, reason);
    }

    /** Nothing was sent: the slot the pool reserved goes back (start() consumes it once called). */
    @Override
    public void release() {
        quiet();
        if (!started) {
            conn.unreserve();
        }
    }

    @Override
    public void cancel() {
        stream.wake();
    }

    /** No more wake-ups or expiry for this call. */
    private void quiet() {
        stream.expiry = null;
        stream.arm(0);
    }

    @Override
    public String toString() {
        return stream.toString();
    }
}
