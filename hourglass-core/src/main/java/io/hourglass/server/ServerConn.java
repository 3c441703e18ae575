package io.hourglass.server;

import io.hourglass.http.Phase;
import io.hourglass.internal.h1.BodyIn;
import io.hourglass.internal.h1.H1Exception;
import io.hourglass.internal.h1.H1Parser;
import io.hourglass.internal.h1.InBuffer;
import io.hourglass.internal.h1.OutBuffer;
import io.hourglass.internal.h1.RequestHead;
import io.hourglass.internal.io.ReadAhead;
import io.hourglass.net.Clock;
import io.hourglass.net.Conn;
import io.hourglass.net.DeadlineExceededException;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * <p><b>Client disconnect.</b> A handler that is still running {@value HandlerGuard#WATCH_DELAY_MILLIS} ms after it
 * started gets a watcher: a {@link ReadAhead} (lazy mode) that reads the socket while nobody else does,
 * keeping what it reads (a pipelined next request, or body bytes) for the handler and the connection. When it
 * sees the end of the stream or a reset while the handler runs, it cancels the request, interrupts the
 * handler and closes the socket at once, so the server's CLOSE_WAIT lasts milliseconds rather than as long
 * as the handler. Fast handlers never pay for a watcher; its memory follows what arrives, and it ends soon
 * after its handler returned, so an idle connection is left with one thread, as after a fast request.
 */
final class ServerConn implements Runnable {
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    static final int IDLE = 0, ACTIVE = 1, DONE = 2;
    private static final int SMALL_OUT = 256; // the write buffer's own array: a /hello response's head is 146 bytes

    private final Server server;
    private final ServerConfig cfg;
    private final ServerMetrics metrics;
    private final Clock clock;
    private final Socket raw;
    private final Handler handler;
    private final H1Parser parser;
    private final RequestHead head = new RequestHead();
    private final Runnable onFirstByte = this::firstByte;
    private final Duration headerLimit;   // what bounds a request header: the shorter of the two read timeouts
    private final String headerLimitName; // the ServerConfig field it comes from, for the 408's message
    // Whether a deadline header (issue 14) can hide among a head's known field names; when not, a head of known
    // names only has none, and its deadline needs no look-up (issue 17).
    private final boolean deadlineNameKnown;
    private Conn conn;
    private volatile H2Conn h2;           // set once the connection speaks HTTP/2; volatile: shutdown reads it
    private H1Wire wire;                  // the socket as the buffers see it (the watcher's hand-off included)
    private HandlerGuard guard;           // handler timeout, body rate, disconnect watch, cancellation
    private InBuffer in;
    private OutBuffer out;
    private long requestStart;
    private int readsAtFirstByte;         // wire.reads() when the request's first byte was there
    private long idleFrom;                // when the last response ended, if the idle clock starts then; else 0
    private boolean firstRequest = true;
    private boolean sawFirstByte;

    /**
     * IDLE while waiting for a request (so shutdown may close it), ACTIVE while serving one, DONE. Volatile:
     * written by the connection's thread, read by shutdown's.
     */
    volatile int state = IDLE;

    private Response response;            // the request in progress's, for 100 Continue (owner thread)
    private boolean continueSent;

    ServerConn(Server server, Socket raw) {
        this.server = server;
        this.cfg = server.config();
        this.metrics = server.recorder();
        this.clock = server.clock();
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
        this.deadlineNameKnown = H1Parser.isKnownName(cfg.deadlineHeader())
                || H1Parser.isKnownName(RequestDeadline.GRPC_TIMEOUT);
    }

    Conn conn() {
        return conn;
    }

    Server server() {
        return server;
    }

    /** The socket as the buffers see it, its disconnect watcher included; null before the handshake's end. */
    H1Wire wire() {
        return wire;
    }

    /** What bounds a request header: the shorter of the read-header and read timeouts (HTTP/2 uses it too). */
    Duration headerLimit() {
        return headerLimit;
    }

    /** The ServerConfig field {@link #headerLimit()} comes from, for messages. */
    String headerLimitName() {
        return headerLimitName;
    }

    @Override
    public void run() {
        try {
            conn = server.tlsContext() == null ? Conn.of(raw, clock) : TlsAccept.handshake(server, raw, clock);
            if (conn == null) {
                return;
            }
            guard = new HandlerGuard(server, conn);
            wire = new H1Wire(server, conn, guard);
            conn.setAlarm(guard::onAlarm);
            // 2 KiB holds most request heads; a bigger one grows the buffer (up to the header limit) for the
            // rest of the connection. Idle connections keep this buffer: it is most of what they hold.
            in = new InBuffer(wire::read, 2048, cfg.maxHeaderBytes() + 4096);
            if (http2()) {
                return; // the connection spoke HTTP/2 (H2Conn, which has its own write buffer) and is done
            }
            // A small response (head and short body) is written from a 256-byte array the connection keeps, so a
            // keep-alive request takes nothing from the shared pool (issue 17); a larger one takes a pooled array.
            out = new OutBuffer(wire::write, OutBuffer.POOLED_SIZE, SMALL_OUT);
            serve();
        } catch (IOException e) {
            server.log(e); // the network's doing (a reset, a failed handshake): one debug line
        } catch (RuntimeException e) {
            server.internalError(e); // ours: a bug deserves a warning and its stack trace
        } finally {
            enter(DONE);
            if (conn != null) {
                if (guard == null || !guard.abandoned()) {
                    conn.close();
                }
            } else {
                closeRaw();
            }
            server.closed(this);
        }
    }

    /**
     * Serves the connection as HTTP/2 when it is one: ALPN chose h2, or (cleartext) its first bytes are the
     * client connection preface, which no HTTP/1.1 request starts with (RFC 9113 section 3.4; the Upgrade
     * dance of RFC 7540 is not offered). Returns false when it is HTTP/1.1, with what was read kept for it.
     */
    private boolean http2() throws IOException {
        if (!cfg.http2().enabled()) {
            return false;
        }
        long start = clock.nanoTime();
        boolean tls = conn.isTls();
        if (tls ? !"h2".equals(((SSLSocket) conn.socket()).getApplicationProtocol()) : !H2Input.sniffPreface(conn, in,
                headerLimit.isZero() ? 0 : start + headerLimit.toNanos())) {
            return false;
        }
        server.recorder().h2Connection();
        H2Conn c = new H2Conn(server, this, conn, in, tls, start);
        h2 = c;
        c.serve();
        return true;
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
        long connStart = clock.nanoTime();
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
        long ended = idleFrom;
        idleFrom = 0;
        if (in.available() == 0) {
            // idle starts when the last response ended (its instant, read there, saves a clock read here)
            long base = firstRequest ? connStart : ended != 0 ? ended : clock.nanoTime();
            Duration limit = firstRequest ? headerLimit : cfg.idleTimeout();
            conn.setReadDeadlineNanos(limit.isZero() ? 0 : base + limit.toNanos());
            enter(IDLE); // after the deadline: who sees IDLE sees the idle clock running (a test on fake time)
            if (server.closing()) {
                return false;
            }
        }
        int end;
        try {
            end = parser.readRequestHead(in, onFirstByte, head); // waits for the head, then parses it
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
            metrics.limit(e);
            sendError(e.status(), e.getMessage());
            wire.lingerAndClose();
            return false;
        } catch (EOFException e) {
            return false; // the client left in the middle of a head
        } catch (IOException e) {
            return false; // reset, or closed by shutdown
        }
        if (end < 0) {
            return false; // clean end of stream between requests
        }
        in.pos = end;
        return true;
    }

    /** Called by the parser when a request's first byte is there: idle ends, the header clock starts. */
    private void firstByte() {
        sawFirstByte = true;
        enter(ACTIVE);
        long now = clock.nanoTime();
        requestStart = now;
        readsAtFirstByte = wire.reads();
        if (!firstRequest) {
            // the first request's header is bounded from accept (awaitRequest), a later one's from here
            long limit = headerLimit.toNanos();
            conn.setReadDeadlineNanos(limit == 0 ? 0 : now + limit);
        }
    }

    /**
     * Moves to state {@code next}, which the connections-by-state gauge reads at a scrape
     * ({@link ServerMetrics#attachConnections}); the move to DONE is counted as a close. Only the connection's owner
     * calls it: this thread, or its HTTP/2 connection under that connection's lock.
     */
    void enter(int next) {
        int prev = state;
        if (prev != next) {
            state = next;
            if (next == DONE) {
                metrics.closed();
            }
        }
    }

    /** Serves one parsed request. Returns false when the connection should end. */
    private boolean handle() throws IOException {
        // The header's read ended with the read that brought its blank line. When that is the read that brought
        // its first byte (a small request arrives in one segment), the first byte's instant is that read's end
        // too, and a second clock read would only add the parse's microsecond (issue 17: one clock read less).
        long headerEnd = wire.reads() == readsAtFirstByte ? requestStart : clock.nanoTime();
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
        H1Exchange ex = new H1Exchange(this, out, conn, b, head.version, head.keepAlive);
        Request req = new Request(head.method, head.target, head.takeHeaders(), head.contentLength, ex, requestStart);
        Response res = new Response(ex, head.method);
        wire.newRequest();
        response = res;

        runHandler(req, res, b, headerEnd);

        if (guard.abandoned() || req.isCancelled() || conn.isClosed()) {
            if (conn.writeExpired()) {
                wire.writeTimedOut(); // e.g. a handler slower than the write timeout, which wrote nothing since
            }
            responseEnded(res);
            return false;
        }
        boolean keep = res.keepAlive() && head.keepAlive && !server.closing();
        wire.deferWriteCheck(); // the flush below is the response's last write, and responseEnded reads the clock
        try {
            if (!res.finish()) {
                keep = false; // a Content-Length body left short: only a close tells the client
            }
        } catch (IOException e) {
            if (e instanceof DeadlineExceededException de && de.op() == DeadlineExceededException.Op.WRITE) {
                wire.writeTimedOut(); // the last flush met the write timeout
            }
            wire.lastWritesEnded(responseEnded(res)); // a write before the failed one may have ended late
            return false;
        }
        long ended = responseEnded(res);
        wire.lastWritesEnded(ended);
        if (keep && !b.isComplete()) {
            keep = drainBody(b);
            ended = 0; // the idle clock starts after the drain
        }
        idleFrom = ended;
        guard.clear();
        response = null;
        conn.setWriteDeadlineNanos(0);
        if (!keep) {
            if (!b.isComplete()) {
                wire.lingerAndClose(); // unread body bytes would make the close a RST that can destroy the response
            }
            return false; // run() closes the connection; the FIN goes with the close (no separate shutdown call)
        }
        out.release(); // an idle connection holds no write buffer but its small array
        return true;
    }

    /**
     * Counts the handler's response once it has ended, if its head was committed. An abandoned response is
     * counted by whoever abandoned it (the error response, or the handler timeout's 503); a request whose
     * client left before a head was committed has no response to count. Returns the instant it read, 0 when
     * it counted nothing.
     */
    private long responseEnded(Response res) {
        if (!res.headCommitted()) {
            return 0;
        }
        long now = clock.nanoTime();
        metrics.responded(res.status(), now - requestStart);
        return now;
    }

    /** Runs the handler; {@code now} is the end of the request's header, read just before (the handler starts). */
    private void runHandler(Request req, Response res, BodyIn b, long now) throws IOException {
        // issue 14: the client's deadline (less the reserve) shortens the handler's; one that leaves nothing
        // gets a 504 in place of the handler
        long received = head.hasOnlyKnownNames() && !deadlineNameKnown ? 0
                : RequestDeadline.received(cfg, metrics, head.headers, requestStart);
        boolean reject = received != 0 && RequestDeadline.expired(cfg, metrics, received, now);
        guard.begin(req, res, b, requestStart, reject ? 0 : received, now);
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
            guard.end();
        }
        if (failure != null && !guard.abandoned() && !req.isCancelled()) {
            HandlerFailure.answer(this, failure, res);
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
            metrics.limit(e);
            return false;
        } catch (IOException e) {
            return false;
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
    void sendError(int status, String message, String extra) {
        try {
            out.discard();
            out.write(ErrorResponse.bytes(status, message, extra));
            out.flush();
        } catch (IOException ignored) {
            // the client is gone or too slow: the close follows anyway
        }
        metrics.responded(status, clock.nanoTime() - requestStart);
    }

    /** The connection's HTTP/2 side, or null while it speaks HTTP/1.1 (tests, and the streams gauge: any thread). */
    H2Conn h2() {
        return h2;
    }

    /** Graceful shutdown: closes the connection when it is waiting for a request (HTTP/2: the two-step GOAWAY). */
    void closeIfIdle() {
        H2Conn c = h2;
        if (c != null) {
            c.shutdown();
        } else if (state == IDLE && conn != null) {
            conn.close();
        }
    }

    /** Shutdown timeout passed: closes whatever is left. */
    void forceClose() {
        H2Conn c = h2;
        if (c != null) {
            c.abort();
        } else if (conn != null) {
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
