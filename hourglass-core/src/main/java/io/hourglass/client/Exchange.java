package io.hourglass.client;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.internal.h1.BodyIn;
import io.hourglass.internal.h1.H1Exception;
import io.hourglass.internal.h1.H1Parser;
import io.hourglass.internal.h1.OutBuffer;
import io.hourglass.internal.h1.ResponseHead;
import io.hourglass.internal.text.Durations;
import io.hourglass.net.Conn;
import io.hourglass.net.DeadlineExceededException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The whole life of one client call, on the caller's thread: pool, connect, TLS, write, wait, read, and
 * what a timeout or a failure does to the connection. Read top to bottom.
 *
 * <p>Deadlines: the call's total deadline is fixed at its start; each phase (connect, TLS, response
 * headers, expect-continue) gets its own deadline, capped by the total. While the caller waits for bytes the
 * connection's alarm is armed at the earliest of them; the caller re-checks them whenever it wakes.
 */
final class Exchange implements ClientConn.Reader {
    private final Client client;
    private final ClientConfig cfg;
    final ClientRequest req;
    private final EventListener ev;
    private final long start;                   // the call's start (of its first attempt)
    private final long totalSince;              // when the total deadline's limit began
    private final long totalDeadline;           // 0: none
    private final Duration totalLimit;
    private final Phase totalPhase;             // what the total deadline's expiry is: TOTAL, DEADLINE or ATTEMPT
    private volatile Phase phase;
    private volatile long phaseDeadline;        // 0: none
    private volatile long phaseStart;
    private volatile Duration phaseLimit;
    private volatile String doing = "waiting for a connection";
    private volatile boolean cancelled;
    private volatile Socket connecting;         // closed by cancel()
    private volatile Pool waitingPool;          // woken by cancel()
    private volatile ClientConn conn;
    private boolean reused;
    private volatile boolean requestWritten;
    private volatile boolean sending;           // a byte of this request may have reached the connection
    private boolean timeoutCounted;

    // The response body's hand-over between the caller and the timer (a body nobody reads or closes).
    private final ReentrantLock bodyLock = new ReentrantLock();
    private int bodyReaders;                    // guarded by bodyLock
    private boolean ended;                      // guarded by bodyLock
    private boolean abandonPending;             // guarded by bodyLock
    private ResponseHead head;
    private BodyIn body;
    private boolean mustClose;

    /**
     * One attempt of a call (see {@link Attempts}), which fixed its clocks: the call started at
     * {@code callStart}; this attempt must end by {@code deadline} (a {@link System#nanoTime()} instant, 0 for
     * none), a limit of {@code limit} counted from {@code limitStart}, and fails with phase {@code phase}
     * ({@code TOTAL}, {@code DEADLINE} or {@code ATTEMPT}) when it passes.
     */
    Exchange(Client client, ClientRequest req, long callStart, long deadline, long limitStart, Duration limit,
            Phase phase) {
        this.client = client;
        this.cfg = client.config();
        this.req = req;
        this.ev = client.listener();
        this.start = callStart;
        this.totalDeadline = deadline;
        this.totalSince = limitStart;
        this.totalLimit = limit;
        this.totalPhase = phase;
    }

    // ---- the call ----

    ClientResponse run() throws IOException {
        ev.callStart(req);
        try {
            return attempt();
        } catch (IOException e) {
            ev.callFailed(req, e);
            throw e;
        }
    }

    private ClientResponse attempt() throws IOException {
        Pool pool = client.pool(req.uri());
        for (int attempt = 0; ; attempt++) {
            Pool.Lease lease = pool.acquire(this, attempt > 0);
            ClientConn c = lease.conn();
            reused = c != null;
            if (c == null) {
                try {
                    c = connect(pool);
                } catch (IOException e) {
                    pool.connectFailed();
                    throw translate(e, null);
                }
            } else {
                pool.metrics.reused.inc();
                ev.connectionReused(c.id());
            }
            ev.poolAcquired(req, c.id(), reused, lease.waitedNanos());
            conn = c;
            c.reader = this;
            c.received = 0;
            c.sent = 0;
            requestWritten = false;
            sending = false;
            try {
                return exchange(c);
            } catch (IOException e) {
                if (attempt == 0 && retryable(e, c)) {
                    pool.discard(c, "stale (retried)");
                    continue; // RFC 9110 section 9.2.2: an idempotent request may be sent again
                }
                throw fail(c, e);
            }
        }
    }

    /** Writes the request and reads the response head; the body is read later through the response. */
    private ClientResponse exchange(ClientConn c) throws IOException {
        armAlarm(c);
        check(); // a deadline that passed while waiting for the pool must not cost this connection
        sending = true;
        doing = "writing the request";
        c.conn.setWriteDeadlineNanos(totalDeadline);
        RequestBody b = req.body();
        boolean expect = req.expectContinue() && b != null;
        writeHead(c.out, expect, b);
        ResponseHead h = null;
        if (b != null && !expect) {
            writeBody(c.out, b);
        }
        c.out.flush();
        if (expect) {
            h = awaitContinue(c);
            if (h == null) {
                writeBody(c.out, b);
                c.out.flush();
            } else {
                mustClose = true; // a final status came before the body: the server's framing state is unclear
            }
        }
        c.conn.setWriteDeadlineNanos(0);
        requestWritten = true;
        ev.requestWritten(req, c.id());
        if (h == null) {
            setPhase(c, Phase.RESPONSE_HEADERS,
                    req.responseHeaderTimeout() != null ? req.responseHeaderTimeout() : cfg.responseHeaderTimeout());
            doing = "awaiting headers";
            h = readFinalHead(c);
            clearPhase(c);
        }
        head = h;
        c.pool.answered(System.nanoTime());
        ev.responseHeaders(req, c.id(), h.status);
        client.clientMetrics().status(h.status);
        client.clientMetrics().durationChild.observeNanos(System.nanoTime() - start);
        doing = "reading the body";
        if (h.chunked) {
            body = BodyIn.chunked(c.in, c.parser);
        } else if (h.contentLength == ResponseHead.UNTIL_CLOSE) {
            body = BodyIn.untilClose(c.in);
        } else {
            body = BodyIn.length(c.in, h.contentLength);
        }
        if (!h.keepAlive || h.status == 101) {
            mustClose = true;
        }
        c.alarmAction = this::onAlarm;
        ClientResponse resp = new ClientResponse(this, h, c.id(), reused);
        if (body.isComplete()) {
            finish();
        }
        return resp;
    }

    // ---- writing ----

    private void writeHead(OutBuffer o, boolean expect, RequestBody b) throws IOException {
        URI u = req.uri();
        o.writeAscii(req.method());
        o.writeByte(' ');
        String path = u.getRawPath();
        o.writeAscii(path == null || path.isEmpty() ? "/" : path);
        if (u.getRawQuery() != null) {
            o.writeByte('?');
            o.writeAscii(u.getRawQuery());
        }
        o.writeAscii(" HTTP/1.1\r\nHost: ");
        o.writeAscii(hostHeader(u));
        o.writeCrlf();
        var hs = req.headers();
        boolean ua = false;
        for (int i = 0; i < hs.size(); i++) {
            String n = hs.name(i);
            if (n.equalsIgnoreCase("Host") || n.equalsIgnoreCase("Content-Length")
                    || n.equalsIgnoreCase("Transfer-Encoding") || n.equalsIgnoreCase("Connection")
                    || n.equalsIgnoreCase("Expect")) {
                continue; // the client owns framing and connection management
            }
            ua |= n.equalsIgnoreCase("User-Agent");
            o.writeAscii(n);
            o.writeAscii(": ");
            o.writeAscii(hs.value(i));
            o.writeCrlf();
        }
        if (!ua) {
            o.writeAscii("User-Agent: ");
            o.writeAscii(cfg.userAgent());
            o.writeCrlf();
        }
        if (b != null) {
            long len = b.length();
            if (len >= 0) {
                o.writeAscii("Content-Length: ");
                o.writeDecimal(len);
                o.writeCrlf();
            } else {
                o.writeAscii("Transfer-Encoding: chunked\r\n");
            }
        } else if (req.method().equals("POST") || req.method().equals("PUT") || req.method().equals("PATCH")) {
            o.writeAscii("Content-Length: 0\r\n"); // RFC 9110 section 8.6: a body-carrying method says so
        }
        if (expect) {
            o.writeAscii("Expect: 100-continue\r\n");
        }
        o.writeCrlf();
    }

    private static String hostHeader(URI u) {
        String host = u.getHost();
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        int port = u.getPort();
        boolean dflt = port == -1 || (u.getScheme().equalsIgnoreCase("http") && port == 80)
                || (u.getScheme().equalsIgnoreCase("https") && port == 443);
        return dflt ? host : host + ":" + port;
    }

    private static void writeBody(OutBuffer o, RequestBody b) throws IOException {
        long len = b.length();
        byte[] chunk = new byte[8192];
        try (InputStream in = b.open()) {
            if (len >= 0) {
                long left = len;
                while (left > 0) {
                    int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
                    if (n < 0) {
                        throw new IOException("request body ended after " + (len - left) + " of " + len + " bytes");
                    }
                    o.write(chunk, 0, n);
                    left -= n;
                }
            } else {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    if (n == 0) continue;
                    o.writeHex(n);
                    o.writeCrlf();
                    o.write(chunk, 0, n);
                    o.writeCrlf();
                }
                o.writeAscii("0\r\n\r\n");
            }
        }
    }

    // ---- reading the head ----

    /** Thrown by {@link #check()} when the expect-continue wait ends: not an error, the body goes anyway. */
    private static final class ContinueExpired extends IOException {
        ContinueExpired() {
            super("no 100 Continue in time");
        }
    }

    /** Waits for 100 Continue: null when the body should go now, or a final head that came instead. */
    private ResponseHead awaitContinue(ClientConn c) throws IOException {
        setPhase(c, Phase.EXPECT_CONTINUE, cfg.expectContinueTimeout());
        doing = "waiting for 100 Continue";
        try {
            ResponseHead h = readOneHead(c);
            return h.status == 100 ? null : h.status / 100 == 1 ? readFinalHead(c) : h;
        } catch (ContinueExpired e) {
            return null;
        } finally {
            clearPhase(c);
        }
    }

    private ResponseHead readFinalHead(ClientConn c) throws IOException {
        while (true) {
            ResponseHead h = readOneHead(c);
            if (h.status / 100 != 1 || h.status == 101) {
                return h;
            }
        }
    }

    private ResponseHead readOneHead(ClientConn c) throws IOException {
        int end = c.parser.awaitHead(c.in, null);
        if (end < 0) {
            throw new EOFException("connection closed before the response headers");
        }
        ResponseHead h = new ResponseHead();
        c.parser.parseResponse(c.in.buf, c.in.pos, end, req.method(), h);
        c.in.pos = end;
        return h;
    }

    // ---- deadlines ----

    private void setPhase(ClientConn c, Phase p, Duration limit) {
        long now = System.nanoTime();
        phase = p;
        phaseLimit = limit;
        phaseStart = now;
        phaseDeadline = limit.isZero() ? 0 : now + limit.toNanos();
        armAlarm(c);
    }

    private void clearPhase(ClientConn c) {
        phaseDeadline = 0;
        phase = null;
        armAlarm(c);
    }

    private void armAlarm(ClientConn c) {
        c.conn.armAlarm(earliest(phaseDeadline));
    }

    /** The earlier of {@code d} and the total deadline (0 means none). */
    long earliest(long d) {
        long t = totalDeadline;
        if (d == 0) return t;
        if (t == 0) return d;
        return d - t <= 0 ? d : t;
    }

    /** Runs on the caller's thread (while it sends, waits or reads the body): its interrupt cancels the call. */
    @Override
    public void check() throws IOException {
        checkCancelled();
        long now = System.nanoTime();
        long t = totalDeadline;
        long p = phaseDeadline;
        if (p != 0 && now - p >= 0 && (t == 0 || p - t < 0)) {
            if (phase == Phase.EXPECT_CONTINUE) {
                throw new ContinueExpired();
            }
            throw timeout(phase, null);
        }
        if (t != 0 && now - t >= 0) {
            throw timeout(totalPhase, "while " + doing);
        }
    }

    /**
     * Throws CANCELLED when {@link #cancel()} was called or the calling thread has been interrupted (Java's
     * standard cancellation, issue 13); the interrupt status is left set for the caller to see.
     */
    void checkCancelled() throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            cancelled = true;
            throw interrupted();
        }
        if (cancelled) {
            throw new ClientException(ClientException.Kind.CANCELLED, context(), null);
        }
    }

    private ClientException interrupted() {
        return new ClientException(ClientException.Kind.CANCELLED, "interrupted (" + context() + ", while " + doing + ")", null);
    }

    void poolWaiting(Pool p) {
        waitingPool = p;
    }

    /**
     * Builds (and counts once) the error of a call that gave up waiting for the pool: the limit that passed
     * (the call's deadline or the pool-wait timeout) and what held the connections.
     */
    PoolTimeoutException poolTimeout(boolean callDeadline, int max, int inUse, int draining, String origin) {
        Duration limit = callDeadline ? totalLimit : cfg.poolWaitTimeout();
        countTimeout(Phase.POOL_WAIT);
        String ctx = (callDeadline ? "the call's deadline passed while it waited for a connection: " : "")
                + "all " + max + " connections to " + origin + " are busy, " + inUse + " in use and " + draining
                + " draining; maxConnsPerHost=" + max
                + (callDeadline ? "" : ", poolWaitTimeout=" + Durations.format(cfg.poolWaitTimeout())) + "; " + context();
        return new PoolTimeoutException(limit, Duration.ofNanos(System.nanoTime() - start), ctx, callDeadline, max,
                inUse, draining);
    }

    private void countTimeout(Phase p) {
        if (!timeoutCounted) {
            timeoutCounted = true;
            client.clientMetrics().timeout(p);
            ev.timeout(req, p);
        }
    }

    /** Builds (and counts once) the timeout error of {@code p}. */
    HttpTimeoutException timeout(Phase p, String detail) {
        long now = System.nanoTime();
        Duration limit;
        long since;
        if (p == totalPhase) {
            limit = totalLimit;
            since = totalSince;
        } else if (p == Phase.POOL_WAIT) {
            limit = cfg.poolWaitTimeout();
            since = start;
        } else {
            limit = phaseLimit;
            since = phaseStart;
        }
        countTimeout(p);
        String ctx = (detail == null ? "" : detail + "; ") + context();
        return new HttpTimeoutException(p, limit, Duration.ofNanos(now - since), ctx);
    }

    private String context() {
        ClientConn c = conn;
        return req + (c == null ? "" : ", connection #" + c.id() + (reused ? ", reused" : ", new"));
    }

    // ---- connecting ----

    private ClientConn connect(Pool pool) throws IOException {
        doing = "connecting";
        Pool.Origin o = pool.origin;
        InetAddress[] addrs;
        try {
            addrs = InetAddress.getAllByName(o.host());
        } catch (UnknownHostException e) {
            throw new ClientException(ClientException.Kind.UNKNOWN_HOST, o.host(), e);
        }
        IOException last = null;
        for (InetAddress addr : addrs) {
            checkCancelled();
            long now = System.nanoTime();
            Duration ct = cfg.connectTimeout();
            long cd = ct.isZero() ? 0 : now + ct.toNanos();
            long eff = earliest(cd);
            if (eff != 0 && eff - now <= 0) {
                throw timeout(totalPhase, "while connecting");
            }
            InetSocketAddress target = new InetSocketAddress(addr, o.port());
            Socket s = new Socket();
            connecting = s;
            ev.connectStart(req, target);
            phase = Phase.CONNECT;
            phaseLimit = ct;
            phaseStart = now;
            try {
                s.setTcpNoDelay(true);
                s.connect(target, eff == 0 ? 0 : (int) Math.max(1, (eff - now) / 1_000_000));
            } catch (IOException e) {
                closeQuietly(s);
                checkCancelled();
                if (e instanceof SocketTimeoutException) {
                    last = eff == cd ? timeoutUncounted(Phase.CONNECT, target) : timeout(totalPhase, "while connecting");
                    if (eff != cd) {
                        throw last;
                    }
                } else {
                    last = e;
                }
                ev.connectFailed(req, target, e);
                continue;
            } finally {
                connecting = null;
                phase = null;
            }
            client.connectedTo(target);
            Conn c = o.tls() ? handshake(s, o) : Conn.of(s);
            pool.metrics.opened.inc();
            ClientConn cc = new ClientConn(c, pool, new H1Parser(64 * 1024, 256));
            cc.startReader();
            ev.connectEnd(req, cc.id());
            return cc;
        }
        if (last instanceof HttpTimeoutException) {
            // count the connect timeout once, when no address is left to try
            throw timeout(Phase.CONNECT, null);
        }
        throw last == null ? new ClientException(ClientException.Kind.UNKNOWN_HOST, o.host(), null) : last;
    }

    private HttpTimeoutException timeoutUncounted(Phase p, InetSocketAddress target) {
        return new HttpTimeoutException(p, phaseLimit, Duration.ofNanos(System.nanoTime() - phaseStart), req + " to " + target);
    }

    private Conn handshake(Socket s, Pool.Origin o) throws IOException {
        SSLSocket tls = (SSLSocket) client.sslContext().getSocketFactory().createSocket(s, o.host(), o.port(), true);
        SSLParameters p = tls.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // hostname verification
        if (!o.host().isEmpty() && !Character.isDigit(o.host().charAt(0)) && o.host().indexOf(':') < 0) {
            p.setServerNames(List.of(new SNIHostName(o.host())));
        }
        tls.setSSLParameters(p);
        Conn c = Conn.of(s, tls);
        long now = System.nanoTime();
        Duration lim = cfg.tlsHandshakeTimeout();
        long hd = lim.isZero() ? 0 : now + lim.toNanos();
        long eff = earliest(hd);
        c.setReadDeadlineNanos(eff);
        c.setWriteDeadlineNanos(eff);
        phase = Phase.TLS_HANDSHAKE;
        phaseLimit = lim;
        phaseStart = now;
        doing = "in the TLS handshake";
        ev.tlsStart(req, c.id());
        try {
            tls.startHandshake();
        } catch (IOException e) {
            c.abort();
            checkCancelled();
            if (c.readExpired() || c.writeExpired()) {
                throw eff == hd ? timeout(Phase.TLS_HANDSHAKE, null) : timeout(totalPhase, "in the TLS handshake");
            }
            throw new ClientException(ClientException.Kind.TLS, req + ": " + e.getMessage(), e);
        } finally {
            phase = null;
        }
        c.setReadDeadlineNanos(0);
        c.setWriteDeadlineNanos(0);
        ev.tlsEnd(req, c.id());
        return c;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    // ---- failure, retry, and the timeout policy ----

    private boolean retryable(IOException e, ClientConn c) {
        if (!reused || cancelled || Thread.currentThread().isInterrupted() || c.received > 0 || !req.idempotent()) {
            return false;
        }
        if (req.body() != null && !req.body().replayable()) {
            return false;
        }
        return e instanceof EOFException
                || (e instanceof SocketException && !(e instanceof ConnectException));
    }

    /** What a failed exchange does to its connection; returns the error for the caller. */
    private IOException fail(ClientConn c, IOException e) {
        IOException out = translate(e, c);
        boolean timedOut = out instanceof HttpTimeoutException || cancelled;
        // A deadline that passed just before the first write (a caller that got the connection at the last
        // moment, or ran late) leaves nothing on the wire: the connection is as good as before, so keep it,
        // or a DRAIN client at its cap would close it and dial another (issue 15's "at most the cap").
        boolean unsent = !sending || (c.sent == 0 && !requestWritten && unharmed(c));
        if (!unsent && out instanceof HttpTimeoutException) {
            c.pool.timedOut(); // the origin did not answer in time (a sign for the pool, see Pool)
        }
        if (unsent) {
            c.pool.release(c); // nothing was sent on it: it is as good as before this call took it
        } else if (timedOut && cfg.timeoutPolicy() == TimeoutPolicy.DRAIN && requestWritten && !mustClose
                && (body == null || !body.isBroken())) {
            startDrain(c);
        } else {
            c.pool.discard(c, timedOut ? "timeout" : "error");
        }
        return out;
    }

    /**
     * Clears the write deadline; true when the connection survived: the timer did not reset it first, and no
     * interrupt closed the socket under a blocked write.
     */
    private static boolean unharmed(ClientConn c) {
        c.conn.setWriteDeadlineNanos(0);
        return !c.conn.isClosed() && !c.conn.socket().isClosed();
    }

    private IOException translate(IOException e, ClientConn c) {
        if (e instanceof HttpTimeoutException || e instanceof ClientException) {
            return e;
        }
        if (Thread.currentThread().isInterrupted()) {
            // An interrupt closes a socket that a virtual thread blocks on (connect, write): that is a cancel.
            cancelled = true;
            return interrupted();
        }
        if (e instanceof DeadlineExceededException) {
            return timeout(totalPhase, "while " + doing);
        }
        String ctx = context();
        if (e instanceof H1Exception) {
            return new ClientException(ClientException.Kind.MALFORMED, ctx + ": " + e.getMessage(), e);
        }
        if (e instanceof EOFException) {
            return new ClientException(ClientException.Kind.PREMATURE_EOF, ctx + " (" + doing + ")", e);
        }
        if (e instanceof ConnectException) {
            return new ClientException(ClientException.Kind.REFUSED, req.uri().getHost() + ":" + client.port(req.uri()), e);
        }
        if (e instanceof SSLException) {
            return new ClientException(ClientException.Kind.TLS, ctx + ": " + e.getMessage(), e);
        }
        if (e instanceof SocketException) {
            String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (m.contains("reset") || m.contains("broken pipe")) {
                return new ClientException(ClientException.Kind.RESET, ctx + " (" + doing + ")", e);
            }
        }
        return new ClientException(ClientException.Kind.IO, ctx + ": " + e.getMessage(), e);
    }

    /**
     * DRAIN: the connection leaves the caller and reads the late response on a virtual thread, within the
     * drain budget, then goes back to the pool, or is closed when it overruns the budget or is not reusable.
     * While it drains, a caller that needs its slot may preempt it (see {@link Pool}).
     */
    private void startDrain(ClientConn c) {
        Pool pool = c.pool;
        long dt = cfg.drainTimeout().toNanos();
        long deadline = dt == 0 ? 0 : System.nanoTime() + dt;
        c.reader = () -> {
            if (deadline != 0 && System.nanoTime() - deadline >= 0) {
                throw new DrainTimeout(cfg.drainTimeout());
            }
        };
        c.alarmAction = null;
        c.conn.armAlarm(deadline);
        pool.startedDraining(c);
        ResponseHead h0 = head;
        BodyIn b0 = body;
        String method = req.method();
        Thread.ofVirtual().name("hourglass-drain-" + c.id()).start(() -> {
            DrainResult result;
            try {
                result = drainLate(c, h0, b0, method);
            } catch (DrainTimeout e) {
                result = DrainResult.TIMEOUT;
            } catch (IOException | RuntimeException e) {
                result = DrainResult.CLOSED; // also a preempted drain, whose reset wakes this read: the pool knows
            }
            c.conn.armAlarm(0);
            pool.drainEnded(c, result);
        });
    }

    /** The drain budget's time ran out. */
    private static final class DrainTimeout extends SocketTimeoutException {
        DrainTimeout(Duration limit) {
            super("drain budget of " + Durations.format(limit) + " used up");
        }
    }

    /** Reads the late response (its head first when it had not come) and discards it; on the drain's thread. */
    private DrainResult drainLate(ClientConn c, ResponseHead h, BodyIn b, String method) throws IOException {
        if (h == null) {
            while (true) {
                int end = c.parser.awaitHead(c.in, null);
                if (end < 0) {
                    throw new EOFException("closed before the late response");
                }
                h = new ResponseHead();
                c.parser.parseResponse(c.in.buf, c.in.pos, end, method, h);
                c.in.pos = end;
                if (h.status / 100 != 1) break;
            }
            b = h.chunked ? BodyIn.chunked(c.in, c.parser)
                    : h.contentLength == ResponseHead.UNTIL_CLOSE ? BodyIn.untilClose(c.in)
                    : BodyIn.length(c.in, h.contentLength);
        }
        if (!h.keepAlive || h.contentLength == ResponseHead.UNTIL_CLOSE) {
            return DrainResult.CLOSED;
        }
        long before = b.delivered();
        if (!b.drain(cfg.drainMaxBytes())) {
            return b.delivered() - before >= cfg.drainMaxBytes() ? DrainResult.MAX_BYTES : DrainResult.CLOSED;
        }
        return c.reusable() ? DrainResult.REUSED : DrainResult.CLOSED;
    }

    // ---- the response body, read by the caller ----

    int readBody(byte[] b, int off, int len) throws IOException {
        if (!enterBody()) {
            return -1;
        }
        int n;
        try {
            n = body.read(b, off, len);
        } catch (IOException e) {
            exitBody();
            throw failBody(e);
        }
        exitBody();
        if (n < 0 || body.isComplete()) {
            finish();
        }
        return n;
    }

    int availableBody() throws IOException {
        return ended() ? 0 : body.available();
    }

    private boolean ended() {
        bodyLock.lock();
        try {
            return ended;
        } finally {
            bodyLock.unlock();
        }
    }

    /** Returns false when the body has been read to its end (the read returns -1). */
    private boolean enterBody() throws IOException {
        bodyLock.lock();
        try {
            if (ended) {
                if (body.isComplete()) {
                    return false;
                }
                // abandoned: the deadline passed while nobody was reading
                throw timeoutOrCancelled();
            }
            bodyReaders++;
            return true;
        } finally {
            bodyLock.unlock();
        }
    }

    private void exitBody() {
        boolean abandon;
        bodyLock.lock();
        try {
            bodyReaders--;
            abandon = abandonPending && bodyReaders == 0 && !ended;
            if (abandon) {
                ended = true;
            }
        } finally {
            bodyLock.unlock();
        }
        if (abandon) {
            giveUpBody();
        }
    }

    private IOException timeoutOrCancelled() {
        return cancelled ? new ClientException(ClientException.Kind.CANCELLED, context(), null)
                : timeout(totalPhase, "while reading the body");
    }

    private IOException failBody(IOException e) {
        bodyLock.lock();
        try {
            if (ended) {
                return translate(e, conn);
            }
            ended = true;
        } finally {
            bodyLock.unlock();
        }
        IOException out = fail(conn, e);
        ev.callFailed(req, out);
        return out;
    }

    /** Marks the body ended; true only for the one caller that ended it. */
    private boolean endOnce() {
        bodyLock.lock();
        try {
            if (ended) {
                return false;
            }
            ended = true;
            return true;
        } finally {
            bodyLock.unlock();
        }
    }

    /** The body was read to its end: the connection goes back to the pool. */
    private void finish() {
        if (!endOnce()) {
            return;
        }
        ClientConn c = conn;
        c.alarmAction = null;
        c.conn.armAlarm(0);
        ev.bodyDone(req, c.id(), body.delivered());
        ev.callEnd(req);
        if (mustClose || !body.isComplete()) {
            c.pool.discard(c, "response asked to close");
        } else {
            c.pool.release(c);
        }
    }

    /** The caller closed the body before its end: the connection follows the timeout policy. */
    void closeBody() {
        bodyLock.lock();
        try {
            if (ended) {
                return;
            }
            if (bodyReaders > 0) {
                abandonPending = true;
                return;
            }
            ended = true;
        } finally {
            bodyLock.unlock();
        }
        if (body.isComplete()) {
            ClientConn c = conn;
            c.alarmAction = null;
            ev.callEnd(req);
            if (mustClose) c.pool.discard(c, "response asked to close");
            else c.pool.release(c);
            return;
        }
        ev.callEnd(req);
        giveUpBody();
    }

    private void giveUpBody() {
        ClientConn c = conn;
        if (cfg.timeoutPolicy() == TimeoutPolicy.DRAIN && !mustClose && !body.isBroken()) {
            startDrain(c);
        } else {
            c.pool.discard(c, "body not read to its end");
        }
    }

    /** The connection's alarm, on the timer thread, while the response body is open. */
    private void onAlarm() {
        long t = totalDeadline;
        if (t == 0 || System.nanoTime() - t < 0) {
            return;
        }
        bodyLock.lock();
        try {
            if (ended) {
                return;
            }
            if (bodyReaders > 0) {
                return; // the reader is woken by the alarm and fails with the timeout itself
            }
            ended = true;
        } finally {
            bodyLock.unlock();
        }
        // Nobody reads or closes the body and the call's time is up: free the connection (a documented misuse).
        timeout(totalPhase, "while the body was left unread");
        Thread.ofVirtual().start(this::giveUpBody);
    }

    /** Abandons a response that became unreachable without being closed (see {@link ClientResponse}). */
    void leaked() {
        if (!endOnce()) {
            return;
        }
        giveUpBody();
    }

    // ---- cancellation ----

    void cancel() {
        cancelled = true;
        Socket s = connecting;
        if (s != null) {
            closeQuietly(s);
        }
        ClientConn c = conn;
        if (c != null) {
            if (!requestWritten) {
                c.conn.abort(); // a blocked write cannot be woken otherwise; a half-sent request is unusable anyway
            }
            c.wake();
        }
        Pool p = waitingPool;
        if (p != null) {
            p.wakeWaiters();
        }
    }
}
