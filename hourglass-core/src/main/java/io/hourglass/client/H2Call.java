package io.hourglass.client;

import io.hourglass.http.Headers;
import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.FieldList;
import io.hourglass.internal.h2.H2Messages;
import io.hourglass.internal.h2.H2ResponseHead;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One call's exchange on an HTTP/2 stream, for the call lifecycle in {@link Exchange} (which owns the
 * deadlines, the errors and the events): write the request (HEADERS, DATA under flow control, Expect:
 * 100-continue), wait for the head, hand the body to the caller.
 *
 * <p><b>Timeouts and cancellation keep the connection.</b> Whatever ends the call early (a timeout of any
 * phase, {@link Call#cancel()}, an interrupt, a body closed before its end) resets the stream with RST_STREAM
 * CANCEL: the server is told at once, the stream's buffered bytes are dropped, and the connection goes on
 * carrying the other calls. {@link TimeoutPolicy} has nothing to drain here. Every wait is bounded by the
 * caller's deadlines through {@link Exchange#check()}, which the stream calls before each wait and the
 * connection's alarm wakes it for.
 */
final class H2Call implements ResponseSource {
    private static final Headers NO_TRAILERS = Headers.copyOf(new Headers(0));

    private final Exchange x;
    private final H2Connection conn;
    private final boolean reused;
    private final H2Stream stream;
    private final AtomicBoolean ended = new AtomicBoolean(); // the body was read to its end, closed or given up

    H2Call(Exchange x, H2Connection conn, boolean reused) {
        this.x = x;
        this.conn = conn;
        this.reused = reused;
        this.stream = new H2Stream(conn);
        this.stream.waiter = x;
        this.stream.bodyless = x.req.method().equals("HEAD");
    }

    int streamId() {
        return stream.id();
    }

    long connectionId() {
        return conn.id();
    }

    /** Writes the request and waits for the response head; the body is read later through the response. */
    ClientResponse run() throws IOException {
        try {
            return exchange();
        } catch (IOException e) {
            throw fail(e);
        }
    }

    private ClientResponse exchange() throws IOException {
        ClientRequest req = x.req;
        stream.arm(x.earliest(0));
        x.check(); // a deadline that passed while waiting for the pool must not open a stream
        RequestBody b = req.body();
        long len = b == null ? 0 : b.length();
        boolean expect = req.expectContinue() && b != null && len != 0;
        x.doing("writing the request");
        stream.start(requestFields(req, b, expect), b == null || len == 0);
        x.streamOpened(this);
        H2ResponseHead head = null;
        if (b != null && len != 0) {
            if (expect) {
                head = awaitContinue();
            }
            if (head == null) {
                head = writeBody(b, len);
            } else {
                conn.abandonRequestBody(stream); // a final status came instead of 100: the body is not wanted
            }
        }
        x.requestWritten(conn.id());
        if (head == null) {
            Duration limit = req.responseHeaderTimeout() != null ? req.responseHeaderTimeout()
                    : x.config().responseHeaderTimeout();
            stream.arm(x.startPhase(Phase.RESPONSE_HEADERS, limit));
            x.doing("awaiting headers");
            head = stream.awaitHead(false);
            stream.arm(x.endPhase());
        }
        x.gotHead(head.status());
        x.doing("reading the body");
        stream.expiry = this::abandoned;
        ClientResponse resp = new ClientResponse(this, head.status(), "", "HTTP/2", head.headers(), conn.id(), reused);
        if (stream.complete()) {
            finish();
        }
        return resp;
    }

    /** The request's header block: pseudo-header fields, the caller's fields, and what the client adds. */
    private FieldList requestFields(ClientRequest req, RequestBody b, boolean expect) {
        URI u = req.uri();
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        if (u.getRawQuery() != null) {
            path = path + "?" + u.getRawQuery();
        }
        Headers h = req.headers();
        if (h.contains("content-length") || h.contains("expect")) {
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
        H2Messages.requestFields(req.method(), u.getScheme().toLowerCase(Locale.ROOT), Exchange.hostHeader(u), path, h, f);
        if (!h.contains("user-agent")) {
            f.add("user-agent", x.config().userAgent());
        }
        if (b != null && b.length() >= 0) {
            f.add("content-length", Long.toString(b.length()));
        } else if (b == null && (req.method().equals("POST") || req.method().equals("PUT") || req.method().equals("PATCH"))) {
            f.add("content-length", "0"); // RFC 9110 section 8.6, as over HTTP/1.1
        }
        if (expect) {
            f.add("expect", "100-continue");
        }
        return f;
    }

    /** Waits for 100 Continue: null when the body should go now (a 100, or the wait ended), or a final head. */
    private H2ResponseHead awaitContinue() throws IOException {
        stream.arm(x.startPhase(Phase.EXPECT_CONTINUE, x.config().expectContinueTimeout()));
        x.doing("waiting for 100 Continue");
        try {
            return stream.awaitHead(true);
        } catch (Exchange.ContinueExpired e) {
            return null; // not an error: the body goes anyway
        } finally {
            stream.arm(x.endPhase());
        }
    }

    /**
     * Sends the body as DATA under flow control; returns a final head when the server answered in full before
     * the body was sent (section 8.1: the rest is not sent, the stream is reset), else null.
     */
    private H2ResponseHead writeBody(RequestBody b, long len) throws IOException {
        x.doing("writing the request body");
        byte[] chunk = new byte[(int) (len >= 0 ? Math.min(16 * 1024, len) : 16 * 1024)];
        try (InputStream in = b.open()) {
            long left = len;
            while (len < 0 || left > 0) {
                int n = in.read(chunk, 0, (int) (len < 0 ? chunk.length : Math.min(chunk.length, left)));
                if (n < 0) {
                    if (len >= 0) {
                        throw new IOException("request body ended after " + (len - left) + " of " + len + " bytes");
                    }
                    stream.writeData(chunk, 0, 0, true);
                    return null;
                }
                left -= n;
                if (n > 0 || left == 0) {
                    stream.writeData(chunk, 0, n, len >= 0 && left == 0);
                }
            }
            return null;
        } catch (H2StreamException e) {
            if (e.kind() != H2StreamException.Kind.ANSWERED_EARLY) {
                throw e;
            }
            conn.abandonRequestBody(stream);
            return stream.awaitHead(false);
        }
    }

    // ---- failure ----

    /**
     * What an early end does: the stream is reset if it is still open (the connection stays), and the error
     * the caller sees is returned. Errors that leave the request unprocessed come back as they are, for the
     * call lifecycle to retry.
     */
    private IOException fail(IOException e) {
        ended.set(true);
        stream.expiry = null;
        stream.arm(0);
        boolean wasOpened = stream.id() != 0;
        if (wasOpened) {
            stream.reset(ErrorCode.CANCEL);
        }
        return translate(e);
    }

    private IOException translate(IOException e) {
        if (e instanceof HttpTimeoutException || e instanceof ClientException) {
            return e;
        }
        if (e instanceof InterruptedIOException) {
            try {
                x.checkCancelled();
            } catch (IOException cancelled) {
                return cancelled;
            }
        }
        if (!(e instanceof H2StreamException s)) {
            return x.translateIo(e);
        }
        if (s.unprocessed() || retryableLoss(s)) {
            return s; // the call lifecycle decides whether to retry
        }
        return x.fromStream(s);
    }

    /**
     * A connection lost before any byte of this call's response arrived, on a reused connection, for a
     * request that may be sent again (RFC 9110 section 9.2.2): retried once, as over HTTP/1.1.
     */
    private boolean retryableLoss(H2StreamException s) {
        return s.kind() == H2StreamException.Kind.CONNECTION && reused && !stream.responseStarted()
                && !(s.getCause() instanceof HttpTimeoutException) && x.req.idempotent()
                && (x.req.body() == null || x.req.body().replayable());
    }

    // ---- the response body, read by the caller ----

    @Override
    public int readBody(byte[] b, int off, int len) throws IOException {
        if (ended.get()) {
            if (stream.complete()) {
                return -1;
            }
            throw x.timeoutOrCancelled();
        }
        int n;
        try {
            n = stream.read(b, off, len);
        } catch (IOException e) {
            if (ended.get()) {
                throw x.timeoutOrCancelled(); // given up meanwhile (the body was left unread past the deadline)
            }
            IOException out = fail(e);
            x.bodyFailed(out);
            throw out;
        }
        if (n < 0) {
            finish();
        }
        return n;
    }

    @Override
    public int availableBody() {
        return ended.get() ? 0 : stream.available();
    }

    @Override
    public Headers trailers() {
        Headers t = stream.trailersIfComplete();
        return t != null ? t : NO_TRAILERS;
    }

    /** The body was read to its end: the stream is closed already, its slot free. */
    private void finish() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        stream.expiry = null;
        stream.arm(0);
        x.bodyDone(conn.id(), stream.received());
    }

    @Override
    public void closeBody() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        stream.expiry = null;
        stream.arm(0);
        if (!stream.complete()) {
            stream.reset(ErrorCode.CANCEL); // the rest is not wanted: the server stops, the connection stays
        }
        x.closedEarly();
    }

    @Override
    public void leaked() {
        if (ended.compareAndSet(false, true)) {
            stream.reset(ErrorCode.CANCEL);
        }
    }

    /** Nobody reads or closes the body and the call's time is up (on a virtual thread, from the alarm). */
    private void abandoned() {
        if (!x.totalPassed() || !ended.compareAndSet(false, true)) {
            return;
        }
        x.timeout(Phase.TOTAL, "while the body was left unread");
        stream.reset(ErrorCode.CANCEL);
    }

    /** Wakes the caller waiting on the stream (a cancel from another thread). */
    void wake() {
        stream.wake();
    }

    @Override
    public String toString() {
        return stream.toString();
    }
}
