package io.hourglass.server;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.internal.h1.BodyIn;
import io.hourglass.internal.h1.H1Exception;
import io.hourglass.internal.h1.H1Parser;
import io.hourglass.internal.h1.InBuffer;
import io.hourglass.internal.h1.OutBuffer;
import io.hourglass.internal.h1.RequestHead;
import io.hourglass.net.Conn;
import io.hourglass.net.DeadlineExceededException;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSocket;

/**
 * The whole life of one server connection, on its own virtual thread: TLS handshake, then for each request
 * idle wait, header, handler, response; then close. Read top to bottom.
 *
 * <p><b>Deadlines.</b> The connection's read deadline is, in turn, the idle deadline (until the first byte
 * of a request), the read-header deadline (until the blank line), and the read deadline (until the body has
 * been read). The write deadline is set at the end of the header. The handler timeout, the disconnect watch
 * and the minimum body rate run off the connection's alarm.
 *
 * <p><b>Client disconnect.</b> A handler that is still running {@value #WATCH_DELAY_MILLIS} ms after it
 * started gets a watcher: a virtual thread that reads the socket while nobody else does, keeping what it
 * reads (a pipelined next request, or body bytes) for the handler and the connection. When it sees the end
 * of the stream or a reset while the handler runs, it cancels the request, interrupts the handler and
 * closes the socket at once, so the server's CLOSE_WAIT lasts milliseconds rather than as long as the
 * handler. Fast handlers never pay for a watcher. Its memory follows what arrives: a small probe array while
 * it waits, a hand-off buffer only for bytes the owner has not taken yet (dropped once taken). It reads with a
 * {@value #POLL_MILLIS} ms socket timeout, so that it ends at most that long after its handler returned and an
 * idle connection is left with one thread, as after a fast request.
 */
final class ServerConn implements Runnable {
    static final int WATCH_DELAY_MILLIS = 20;
    private static final long WATCH_DELAY = WATCH_DELAY_MILLIS * 1_000_000L;
    private static final int MAX_PENDING = 64 * 1024; // most bytes the watcher reads ahead of the owner
    private static final int PROBE = 512;             // the watcher's blocking read: a next request's head fits
    private static final int POLL_MILLIS = 100;       // the watcher's read timeout, to see its handler has returned
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    static final int IDLE = 0, ACTIVE = 1, DONE = 2;

    private final Server server;
    private final ServerConfig cfg;
    private final ServerMetrics metrics;
    private final Socket raw;
    private final Handler handler;
    private final H1Parser parser;
    private final RequestHead head = new RequestHead();
    private final Runnable onFirstByte = this::firstByte;
    private final Duration headerLimit;   // what bounds a request header: the shorter of the two read timeouts
    private final String headerLimitName; // the ServerConfig field it comes from, for the 408's message
    private Conn conn;
    private InBuffer in;
    private OutBuffer out;
    private Thread thread;
    private long requestStart;
    private boolean firstRequest = true;
    private boolean sawFirstByte;

    /** IDLE while waiting for a request (so shutdown may close it), ACTIVE while serving one, DONE. */
    volatile int state = IDLE;

    // The request in progress, for the timer and the watcher. Volatile: read by those threads.
    private volatile Request request;
    private volatile Response response;
    private volatile BodyIn body;
    private volatile long handlerDeadline;
    private volatile long watchAt;
    private volatile boolean rateViolated;
    private volatile long readingSince;   // when the handler's current body read started waiting, 0 if none
    private volatile long readBlockedNanos; // total time the handler waited in body reads
    private boolean continueSent;
    private boolean responseOnWire;       // a byte of this request's response reached the socket (owner thread)
    private boolean peerGone;             // the socket failed under the handler: reset, EOF (owner thread)
    private boolean slowReaderCounted;    // this request's write was blocked at its deadline (owner thread)
    private boolean writeTimeoutCounted;  // this request's write timeout is counted (owner thread)

    // The disconnect watcher and the hand-off of the bytes it reads.
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean handlerRunning;       // guarded by lock (written under it; read by the owner without it)
    private volatile boolean watchMode;   // reads go through the hand-off; written under lock
    private boolean watcherAlive;         // guarded by lock
    private boolean directReading;        // guarded by lock
    private byte[] pending;               // guarded by lock; null when empty: sized to what arrived
    private int pendPos, pendLen;         // guarded by lock
    private boolean pendEof;              // guarded by lock
    private IOException pendErr;          // guarded by lock

    ServerConn(Server server, Socket raw) {
        this.server = server;
        this.cfg = server.config();
        this.metrics = server.recorder();
        this.raw = raw;
        this.handler = server.handler();
        this.parser = new H1Parser(cfg.maxHeaderBytes(), cfg.maxHeaderCount());
        // The read timeout covers the whole request, header included (as Go's ReadTimeout): when it is the
        // shorter one, or the read-header timeout is off, it is what bounds the header.
        Duration rh = cfg.readHeaderTimeout();
        Duration rt = cfg.readTimeout();
        boolean byRead = !rt.isZero() && (rh.isZero() || rt.compareTo(rh) < 0);
        this.headerLimit = byRead ? rt : rh;
        this.headerLimitName = byRead ? "readTimeout" : "readHeaderTimeout";
    }

    Conn conn() {
        return conn;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            conn = server.tlsContext() == null ? Conn.of(raw) : handshake();
            if (conn == null) {
                return;
            }
            conn.setAlarm(this::onAlarm);
            // 2 KiB holds most request heads; a bigger one grows the buffer (up to the header limit) for the
            // rest of the connection. Idle connections keep this buffer: it is most of what they hold.
            in = new InBuffer(this::sourceRead, 2048, cfg.maxHeaderBytes() + 4096);
            out = new OutBuffer(this::sinkWrite, OutBuffer.POOLED_SIZE);
            serve();
        } catch (IOException e) {
            server.log(e); // the network's doing (a reset, a failed handshake): one debug line
        } catch (RuntimeException e) {
            server.internalError(e); // ours: a bug deserves a warning and its stack trace
        } finally {
            enter(DONE);
            if (conn != null) {
                if (!abandonedByTimer) {
                    conn.close();
                }
            } else {
                closeRaw();
            }
            server.closed(this);
        }
    }

    private volatile boolean abandonedByTimer; // the handler-timeout path owns the close (it is writing a 503)

    private Conn handshake() throws IOException {
        SSLSocket tls = (SSLSocket) server.tlsContext().getSocketFactory()
                .createSocket(raw, null, raw.getPort(), true);
        tls.setUseClientMode(false);
        Conn c = Conn.of(raw, tls);
        long limit = cfg.tlsHandshakeTimeout().toNanos();
        if (limit > 0) {
            long d = System.nanoTime() + limit;
            c.setReadDeadlineNanos(d);
            c.setWriteDeadlineNanos(d);
        }
        try {
            tls.startHandshake();
        } catch (IOException e) {
            server.timeout(c.readExpired() || c.writeExpired() ? Phase.TLS_HANDSHAKE : null);
            c.abort();
            return null;
        }
        c.setReadDeadlineNanos(0);
        c.setWriteDeadlineNanos(0);
        return c;
    }

    private void closeRaw() {
        try {
            raw.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    // ---- the request loop ----

    private void serve() throws IOException {
        long connStart = System.nanoTime();
        while (true) {
            if (!awaitRequest(connStart)) {
                return;
            }
            if (!handle()) {
                return;
            }
            firstRequest = false;
        }
    }

    /** Waits for and parses the next request head. Returns false when the connection should end. */
    private boolean awaitRequest(long connStart) throws IOException {
        in.rewindIfEmpty();
        sawFirstByte = false;
        if (in.available() == 0) {
            enter(IDLE);
            if (server.closing()) {
                return false;
            }
            long base = firstRequest ? connStart : System.nanoTime();
            Duration limit = firstRequest ? headerLimit : cfg.idleTimeout();
            conn.setReadDeadlineNanos(limit.isZero() ? 0 : base + limit.toNanos());
        }
        int end;
        try {
            end = parser.awaitRequestHead(in, onFirstByte);
        } catch (DeadlineExceededException e) {
            if (!sawFirstByte && !firstRequest) {
                server.timeout(Phase.IDLE);
                return false;
            }
            server.timeout(Phase.READ_HEADER);
            if (sawFirstByte) {
                sendError(408, "request header not read within " + fmt(headerLimit) + " (" + headerLimitName + ")");
            }
            return false;
        } catch (H1Exception e) {
            limitHit(e);
            sendError(e.status(), e.getMessage());
            lingerAndClose();
            return false;
        } catch (EOFException e) {
            return false; // the client left in the middle of a head
        } catch (IOException e) {
            return false; // reset, or closed by shutdown
        }
        if (end < 0) {
            return false; // clean end of stream between requests
        }
        try {
            parser.parseRequest(in.buf, in.pos, end, head);
        } catch (H1Exception e) {
            limitHit(e);
            sendError(e.status(), e.getMessage());
            lingerAndClose();
            return false;
        }
        in.pos = end;
        return true;
    }

    /** Called by the parser when a request's first byte is there: idle ends, the header clock starts. */
    private void firstByte() {
        sawFirstByte = true;
        enter(ACTIVE);
        long now = System.nanoTime();
        requestStart = now;
        if (!firstRequest) {
            // the first request's header is bounded from accept (awaitRequest), a later one's from here
            long limit = headerLimit.toNanos();
            conn.setReadDeadlineNanos(limit == 0 ? 0 : now + limit);
        }
    }

    /** Moves to state {@code next}, keeping the connections-by-state gauge in step. Only this thread calls it. */
    private void enter(int next) {
        int prev = state;
        if (prev != next) {
            state = next;
            metrics.moved(prev, next);
        }
    }

    /** Serves one parsed request. Returns false when the connection should end. */
    private boolean handle() throws IOException {
        long headerEnd = System.nanoTime();
        long wt = cfg.writeTimeout().toNanos();
        if (wt > 0) {
            conn.setWriteDeadlineNanos(headerEnd + wt);
        }
        BodyIn b;
        if (head.chunked) {
            b = BodyIn.chunked(in, parser);
        } else if (head.contentLength > 0) {
            b = BodyIn.length(in, head.contentLength);
        } else {
            b = BodyIn.empty(in);
        }
        long rt = cfg.readTimeout().toNanos();
        conn.setReadDeadlineNanos(b.isComplete() || rt == 0 ? 0 : requestStart + rt);
        continueSent = false;
        if (head.expectContinue && !b.isComplete()) {
            b.beforeFirstRead(this::sendContinue);
        }
        Request req = new Request(head.method, head.target, head.version, head.headers, head.contentLength, b, conn,
                requestStart);
        Response res = new Response(this, out, conn, head.method, head.version, head.keepAlive);
        rateViolated = false;
        responseOnWire = false;
        peerGone = false;
        slowReaderCounted = false;
        writeTimeoutCounted = false;
        readBlockedNanos = 0;
        readingSince = 0;
        body = b;
        request = req;
        response = res;

        runHandler(req, res);

        if (abandonedByTimer || req.isCancelled() || conn.isClosed()) {
            if (conn.writeExpired()) {
                writeTimedOut(); // e.g. a handler slower than the write timeout, which wrote nothing since
            }
            responseEnded(res);
            return false;
        }
        boolean keep = res.keepAlive() && head.keepAlive && !server.closing();
        try {
            if (!res.finish()) {
                keep = false; // a Content-Length body left short: only a close tells the client
            }
        } catch (IOException e) {
            if (e instanceof DeadlineExceededException de && de.op() == DeadlineExceededException.Op.WRITE) {
                writeTimedOut(); // the last flush met the write timeout
            }
            responseEnded(res);
            return false;
        }
        responseEnded(res);
        if (keep && !b.isComplete()) {
            keep = drainBody(b);
        }
        request = null;
        response = null;
        body = null;
        conn.setWriteDeadlineNanos(0);
        if (!keep) {
            if (!b.isComplete()) {
                lingerAndClose(); // unread body bytes would turn the close into a RST that can destroy the response
            }
            return false; // run() closes the connection; the FIN goes with the close (no separate shutdown call)
        }
        out.release(); // an idle connection holds no write buffer
        return true;
    }

    /**
     * Counts the handler's response once it has ended, if its head was committed. An abandoned response is
     * counted by whoever abandoned it (the error response, or the handler timeout's 503); a request whose
     * client left before a head was committed has no response to count.
     */
    private void responseEnded(Response res) {
        if (res.headCommitted()) {
            metrics.responded(res.status(), System.nanoTime() - requestStart);
        }
    }

    private void runHandler(Request req, Response res) throws IOException {
        long now = System.nanoTime();
        long ht = cfg.handlerTimeout().toNanos();
        long own = ht == 0 ? 0 : now + ht;
        // issue 14: the client's deadline (less the reserve) shortens the handler's; one that leaves nothing
        // gets a 504 in place of the handler, and no alarm
        long received = RequestDeadline.received(cfg, metrics, head.headers, requestStart);
        boolean reject = received != 0 && RequestDeadline.expired(cfg, metrics, received, now);
        req.clientDeadline(!reject && received != 0 && (own == 0 || received - own < 0));
        handlerDeadline = reject ? 0 : RequestDeadline.earliest(own, received);
        req.begin(handlerDeadline, cfg.maxRequestBodyBytes());
        watchAt = cfg.watchClientDisconnect() ? now + WATCH_DELAY : 0;
        lock.lock();
        try {
            handlerRunning = true;
        } finally {
            lock.unlock();
        }
        long first = min(watchAt, handlerDeadline);
        if (cfg.minRequestBodyRate() > 0 && !body.isComplete()) {
            first = min(first, now + 250_000_000L); // the body-rate check runs off the same alarm
        }
        conn.armAlarm(first);
        Throwable failure = null;
        try {
            if (reject) {
                RequestDeadline.reject(cfg, req, res, received, now);
            } else {
                RequestDeadline.run(handler, req, res);
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            lock.lock();
            try {
                handlerRunning = false;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            conn.armAlarm(0);
            Thread.interrupted(); // a cancellation that came as the handler returned must not leak on
        }
        if (failure != null && !abandonedByTimer && !req.isCancelled()) {
            handlerFailed(failure, res);
        }
    }

    private void handlerFailed(Throwable t, Response res) throws IOException {
        int status;
        String message;
        if (t instanceof HttpTimeoutException te) {
            if (te.phase() == Phase.WRITE) {
                writeTimedOut(); // a write deadline a handler set (static files' minimum rate): counted once
            } else {
                server.timeout(te.phase());
            }
            // A call the handler made ran out of the request's deadline (issue 14): the caller's time is gone,
            // which the caller's client must not retry, as for the server's own deadline; else a 408.
            status = te.phase() == Phase.DEADLINE ? 504 : 408;
            message = te.getMessage();
        } else if (t instanceof H1Exception he) {
            limitHit(he); // a trailer section too big or with too many fields
            status = he.status();
            message = he.getMessage();
        } else if (t instanceof DeadlineExceededException de && de.op() == DeadlineExceededException.Op.WRITE) {
            writeTimedOut();
            conn.abort();
            return;
        } else if (peerGone) {
            // The client reset or closed the connection under the handler: normal traffic, not a fault of
            // ours. Counted like a departure the watcher sees; one debug line at most, no stack trace.
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
        if (!res.isCommitted() || !responseOnWire) {
            // Nothing of the handler's response left the server (at most its head sits in the write buffer):
            // the error status replaces it, as for any other bad request.
            res.abandon("handler failed");
            sendError(status, message, status == 504 ? RequestDeadline.EXPIRED_HEADER + ": true\r\n" : "");
            lingerAndClose();
        } else {
            conn.abort(); // the response had started: a reset, so the client cannot take it as complete
        }
    }

    /** Counts this request's write timeout, once, wherever it is noticed first. */
    private void writeTimedOut() {
        if (!writeTimeoutCounted) {
            writeTimeoutCounted = true;
            server.timeout(Phase.WRITE);
        }
    }

    /** Reads and discards what the handler left of the body, so the connection can carry the next request. */
    private boolean drainBody(BodyIn b) {
        if (head.expectContinue && !continueSent) {
            return false; // the client may or may not send the body now: only a close is unambiguous
        }
        try {
            return b.drain(cfg.maxDrainBytes());
        } catch (H1Exception e) {
            limitHit(e);
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** Counts a head or trailer section that broke a size limit, by kind. */
    private void limitHit(H1Exception e) {
        if (e.limit() == H1Exception.Limit.HEAD_BYTES) {
            metrics.limit(ServerMetrics.Limit.HEADER_TOO_LARGE);
        } else if (e.limit() == H1Exception.Limit.FIELD_COUNT) {
            metrics.limit(ServerMetrics.Limit.TOO_MANY_HEADERS);
        } else if (e.limit() == H1Exception.Limit.BODY_BYTES) {
            metrics.limit(ServerMetrics.Limit.BODY_TOO_LARGE);
        } else if (e.limit() == H1Exception.Limit.TARGET_BYTES) {
            metrics.limit(ServerMetrics.Limit.URI_TOO_LONG);
        }
    }

    private void sendContinue() {
        Response res = response;
        if (res != null && res.isCommitted()) {
            return; // a final status is already on its way; RFC 9110 section 10.1.1 allows skipping the 100
        }
        try {
            conn.write(CONTINUE, 0, CONTINUE.length);
            continueSent = true;
        } catch (IOException e) {
            // the body read that follows fails with the connection's error
        }
    }

    // ---- error responses ----

    private void sendError(int status, String message) {
        sendError(status, message, "");
    }

    /** An error response with {@code extra} (whole header lines, CRLF-ended) among its fields. */
    private void sendError(int status, String message, String extra) {
        try {
            out.discard();
            byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
            out.writeAscii("HTTP/1.1 " + status + " " + Status.reason(status) + "\r\n");
            out.write(io.hourglass.internal.h1.HttpDate.line());
            out.writeAscii("Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length
                    + "\r\n" + extra + "Connection: close\r\n\r\n");
            out.write(body);
            out.flush();
        } catch (IOException ignored) {
            // the client is gone or too slow: the close follows anyway
        }
        metrics.responded(status, System.nanoTime() - requestStart);
    }

    /**
     * Sends FIN, then reads and discards what the client still sends for a short while, so that closing
     * with unread bytes does not reset the connection before the client has read our error response.
     */
    private void lingerAndClose() {
        conn.shutdownOutput();
        if (conn.readExpired()) {
            return;
        }
        conn.setReadDeadlineNanos(System.nanoTime() + 500_000_000L);
        byte[] scratch = new byte[4096];
        int budget = 64 * 1024;
        try {
            while (budget > 0) {
                int n = conn.read(scratch, 0, scratch.length);
                if (n < 0) {
                    break;
                }
                budget -= n;
            }
        } catch (IOException ignored) {
            // deadline or reset: done lingering
        }
    }

    /**
     * The {@link OutBuffer}'s sink: the socket, noting that the response has begun to leave, that the client
     * went away (a reset or broken pipe), and that a write was still blocked on the client when the write
     * deadline passed: a client that does not read (a slow reader, counted once).
     */
    private void sinkWrite(byte[] b, int off, int len) throws IOException {
        responseOnWire = true;
        long d = conn.writeDeadlineNanos();
        long started = d == 0 ? 0 : System.nanoTime();
        try {
            conn.write(b, off, len);
        } catch (DeadlineExceededException e) {
            if (e.op() == DeadlineExceededException.Op.WRITE && d != 0 && started - d < 0) {
                slowReader(); // it began in time and was still blocked when the deadline passed
            }
            throw e;
        } catch (IOException e) {
            peerGone = true; // reset or broken pipe: the client went away
            throw e;
        }
        if (d != 0 && System.nanoTime() - d >= 0) {
            slowReader(); // it got through, but only as the deadline passed: the next write fails
        }
    }

    /** Counts a client that does not read (the write timeout caught a blocked write), once per request. */
    private void slowReader() {
        if (!slowReaderCounted) {
            slowReaderCounted = true;
            metrics.limit(ServerMetrics.Limit.SLOW_READER);
        }
    }

    // ---- reading: direct, or through the watcher's hand-off ----

    /** The {@link InBuffer}'s source. */
    private int sourceRead(byte[] b, int off, int len) throws IOException {
        if (!watchMode && !handlerRunning) {
            return conn.read(b, off, len); // fast path: no handler runs, so no watcher can start
        }
        long start = System.nanoTime();
        readingSince = start;
        try {
            int n = watchMode ? watchedRead(b, off, len) : guardedRead(b, off, len);
            if (n < 0) {
                peerGone = true; // the client closed its side in the middle of the body
            }
            return n;
        } catch (DeadlineExceededException e) {
            throw bodyTimeout(e);
        } catch (java.io.InterruptedIOException e) {
            throw e; // our own cancellation, not the client's doing
        } catch (IOException e) {
            peerGone = true;
            throw e;
        } finally {
            readingSince = 0;
            readBlockedNanos += System.nanoTime() - start;
        }
    }

    private IOException bodyTimeout(DeadlineExceededException e) {
        if (!handlerRunning || e.op() != DeadlineExceededException.Op.READ) {
            return e;
        }
        long elapsed = System.nanoTime() - requestStart;
        HttpTimeoutException t = rateViolated
                ? new HttpTimeoutException(Phase.MIN_BODY_RATE, cfg.minRequestBodyGrace(),
                        Duration.ofNanos(readBlockedNanos), "less than " + cfg.minRequestBodyRate()
                        + " bytes/s of request body, " + conn)
                : new HttpTimeoutException(Phase.READ_BODY, cfg.readTimeout(), Duration.ofNanos(elapsed), conn.toString());
        t.initCause(e);
        return t;
    }

    /** A read by the owner while a handler runs but no watcher does: excludes a watcher starting meanwhile. */
    private int guardedRead(byte[] b, int off, int len) throws IOException {
        lock.lock();
        try {
            if (watchMode) {
                return watchedRead(b, off, len);
            }
            directReading = true;
        } finally {
            lock.unlock();
        }
        try {
            return conn.read(b, off, len);
        } finally {
            lock.lock();
            try {
                directReading = false;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** A read by the owner while a watcher is (or was) reading the socket. */
    private int watchedRead(byte[] b, int off, int len) throws IOException {
        lock.lock();
        try {
            while (true) {
                if (pendPos < pendLen) {
                    int n = Math.min(len, pendLen - pendPos);
                    System.arraycopy(pending, pendPos, b, off, n);
                    pendPos += n;
                    if (pendPos == pendLen) {
                        dropPending(); // hand the memory back: an idle connection holds no hand-off buffer
                    }
                    changed.signalAll();
                    return n;
                }
                if (pendEof) {
                    if (pendErr != null) {
                        IOException e = pendErr;
                        pendErr = null;
                        throw e;
                    }
                    return -1;
                }
                if (!watcherAlive) {
                    watchMode = false;
                    break;
                }
                changed.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while reading the request body");
        } finally {
            lock.unlock();
        }
        return guardedOrDirect(b, off, len);
    }

    private int guardedOrDirect(byte[] b, int off, int len) throws IOException {
        return handlerRunning ? guardedRead(b, off, len) : conn.read(b, off, len);
    }

    // ---- the timer's side: handler timeout, disconnect watch, minimum body rate ----

    /** Runs on the shared timer thread: decides, hands off any work, never blocks on I/O. */
    private void onAlarm() {
        if (!handlerRunning) {
            return;
        }
        long now = System.nanoTime();
        long hd = handlerDeadline;
        if (hd != 0 && now - hd >= 0) {
            handlerDeadline = 0;
            Thread.ofVirtual().start(this::handlerTimedOut);
            return;
        }
        long wa = watchAt;
        if (wa != 0 && now - wa >= 0) {
            watchAt = 0;
            startWatcher();
        }
        long next = min(hd, watchAt);
        if (checkBodyRate(now)) {
            next = min(next, now + 250_000_000L);
        }
        conn.armAlarm(next);
    }

    private static long min(long a, long b) {
        if (a == 0) return b;
        if (b == 0) return a;
        return a - b <= 0 ? a : b;
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

    private void startWatcher() {
        lock.lock();
        try {
            if (!handlerRunning || watchMode || conn.isClosed()) {
                return;
            }
            watchMode = true;
            watcherAlive = true;
        } finally {
            lock.unlock();
        }
        Thread.ofVirtual().start(this::watch);
    }

    /**
     * The watcher: reads while nobody else does, keeps the bytes, and notices a client that left. Memory is
     * sized to what arrives (issue 9): while nothing comes it waits in a read into a small probe array, and
     * the hand-off buffer grows only with bytes that arrived and is dropped when the owner has taken them all.
     * It ends when the handler has returned: at once when bytes arrive, else within one poll interval.
     */
    private void watch() {
        byte[] probe = new byte[PROBE];
        boolean gone = false;
        pollEvery(POLL_MILLIS);
        lock.lock();
        try {
            while (true) {
                while (handlerRunning && (directReading || pendLen - pendPos == MAX_PENDING)) {
                    changed.await();
                }
                if (!handlerRunning) {
                    break; // the owner reads for itself again
                }
                int room = MAX_PENDING - (pendLen - pendPos);
                lock.unlock();
                byte[] got;
                int n;
                IOException err = null;
                try {
                    int ready = readyBytes();
                    got = ready > probe.length ? new byte[Math.min(ready, room)] : probe;
                    n = conn.read(got, 0, Math.min(got.length, room));
                } catch (DeadlineExceededException e) {
                    got = probe;
                    n = -1;
                    err = e;
                } catch (java.net.SocketTimeoutException e) {
                    got = probe;
                    n = 0; // the poll interval passed: look at the handler again
                } catch (IOException e) {
                    got = probe;
                    n = -1;
                    err = e;
                }
                lock.lock();
                if (n > 0) {
                    appendPending(got, n);
                    changed.signalAll();
                    if (!handlerRunning) {
                        break;
                    }
                } else if (n < 0) {
                    pendEof = true;
                    pendErr = err;
                    // Not a departure: a read deadline that passed, or our own close (handler timeout).
                    gone = handlerRunning && !(err instanceof DeadlineExceededException) && !conn.isClosed();
                    if (gone) {
                        cancelRequest(); // under the lock, so the owner never also counts it as a failure
                    }
                    changed.signalAll();
                    break;
                }
            }
        } catch (InterruptedException e) {
            // not expected: the watcher is never interrupted
        } finally {
            pollEvery(0); // before the owner may read directly again
            watcherAlive = false;
            changed.signalAll();
            lock.unlock();
        }
        if (gone) {
            clientGone();
        }
    }

    /**
     * Sets the socket's read timeout for the watcher's reads, 0 to clear it. A blocked read cannot be woken
     * without closing the socket, so the watcher reads with a timeout (which leaves the socket usable, TLS
     * included) to see that its handler has returned and end, rather than stay parked on an idle connection
     * until the next request. Only the watcher reads while it is set.
     */
    private void pollEvery(int millis) {
        try {
            conn.socket().setSoTimeout(millis);
        } catch (java.net.SocketException e) {
            // closed: the read reports it
        }
    }

    /** How many bytes a read would return at once; 0 when unknown (the read that follows tells why). */
    private int readyBytes() {
        try {
            return conn.socket().getInputStream().available();
        } catch (IOException e) {
            return 0; // e.g. the input was shut down by a read deadline: the read reports the timeout
        }
    }

    /** Adds {@code n} bytes the watcher read to the hand-off buffer, growing it to fit. Under the lock. */
    private void appendPending(byte[] b, int n) {
        int live = pendLen - pendPos;
        if (pending == null || pending.length < live + n) {
            byte[] grown = new byte[Math.min(MAX_PENDING, Math.max(live + n, 2 * live))];
            if (live > 0) {
                System.arraycopy(pending, pendPos, grown, 0, live);
            }
            pending = grown;
            pendPos = 0;
            pendLen = live;
        } else if (pending.length - pendLen < n) {
            System.arraycopy(pending, pendPos, pending, 0, live); // compact: the room is at the front
            pendPos = 0;
            pendLen = live;
        }
        System.arraycopy(b, 0, pending, pendLen, n);
        pendLen += n;
    }

    /** Drops the emptied hand-off buffer. Under the lock. */
    private void dropPending() {
        pending = null;
        pendPos = 0;
        pendLen = 0;
    }

    private void cancelRequest() {
        Request req = request;
        if (req != null) {
            req.cancel("client closed the connection");
        }
    }

    /** The client closed or reset the connection while its handler ran; the request is already cancelled. */
    private void clientGone() {
        metrics.cancelled(ServerMetrics.CancelReason.CLIENT_GONE);
        conn.close(); // our FIN goes now: CLOSE_WAIT ends here, not when the handler returns
        interruptHandler();
    }

    private void interruptHandler() {
        lock.lock();
        try {
            if (handlerRunning) {
                thread.interrupt();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Runs on its own virtual thread when the handler timeout passes. */
    private void handlerTimedOut() {
        Request req = request;
        Response res = response;
        boolean nothingSent;
        long start;
        boolean client; // the client's deadline passed (issue 14), not the handler timeout
        lock.lock();
        try {
            if (!handlerRunning || req == null || res == null) {
                return;
            }
            client = req.clientDeadline();
            req.cancel(client ? "deadline" : "handler timeout");
            start = requestStart; // written before runHandler took this lock, so visible here
            abandonedByTimer = true;
            nothingSent = res.abandon(client ? "client's deadline" : "handler timeout after "
                    + fmt(cfg.handlerTimeout()));
            thread.interrupt();
        } finally {
            lock.unlock();
        }
        server.timeout(client ? Phase.DEADLINE : Phase.HANDLER);
        metrics.cancelled(client ? ServerMetrics.CancelReason.DEADLINE : ServerMetrics.CancelReason.HANDLER_TIMEOUT);
        if (nothingSent) {
            byte[] body = ((client ? RequestDeadline.cutShortMessage(cfg)
                    : "handler did not finish within " + fmt(cfg.handlerTimeout())) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            byte[] headBytes = ((client ? "HTTP/1.1 504 Gateway Timeout\r\n" + RequestDeadline.EXPIRED_HEADER
                    + ": true\r\n" : "HTTP/1.1 503 Service Unavailable\r\n")
                    + "Content-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            try {
                conn.write(headBytes, 0, headBytes.length);
                conn.write(body, 0, body.length);
                conn.flush();
                conn.shutdownOutput();
            } catch (IOException ignored) {
                // the client went away as well
            }
            conn.close();
            metrics.responded(client ? 504 : 503, System.nanoTime() - start);
        } else {
            conn.abort(); // the response had begun: the client must see it truncated
            metrics.responded(res.status(), System.nanoTime() - start);
        }
    }

    /** Whether a disconnect watcher is (or was, for the bytes it left) reading the socket. For tests. */
    boolean watching() {
        return watchMode;
    }

    /** Whether the watcher's thread is still running. For tests. */
    boolean watcherRunning() {
        lock.lock();
        try {
            return watcherAlive;
        } finally {
            lock.unlock();
        }
    }

    /** The size of the watcher's hand-off buffer, 0 when there is none. For tests. */
    int handOffBufferBytes() {
        lock.lock();
        try {
            return pending == null ? 0 : pending.length;
        } finally {
            lock.unlock();
        }
    }

    /** Graceful shutdown: closes the connection when it is waiting for a request. */
    void closeIfIdle() {
        if (state == IDLE && conn != null) {
            conn.close();
        }
    }

    /** Shutdown timeout passed: closes whatever is left. */
    void forceClose() {
        if (conn != null) {
            conn.abort();
        } else {
            closeRaw();
        }
    }

    boolean closing() {
        return server.closing();
    }

    /** {@return the server's {@code Keep-Alive: timeout=N} line for keep-alive responses, or null} */
    byte[] keepAliveHint() {
        return server.keepAliveHint();
    }

    private static String fmt(Duration d) {
        return io.hourglass.internal.text.Durations.format(d);
    }
}
