package io.hourglass.client;

import io.hourglass.http.Headers;
import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.internal.h1.ResponseHead;
import io.hourglass.internal.io.ReadAhead;
import io.hourglass.internal.text.Durations;
import io.hourglass.net.Clock;
import java.io.Closeable;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * The whole life of one hop of a client call (see {@link Interceptor}: the network's step), on the caller's
 * thread: the pool, a connection (dialled by the {@link Dialer} when none is idle), the request, the
 * response's head and body, and what a timeout or a failure does to the connection. Read top to bottom. The
 * protocol is behind {@link Carrier}: this class knows deadlines, retries, errors, events and the timeout
 * policy, not HTTP/1.1's bytes nor HTTP/2's frames; how a failure reads to the caller is in
 * {@link ExchangeErrors}. Which protocol carries a call is chosen in {@link Carriers#take}: ALPN over TLS, or
 * HTTP/2 by prior knowledge ({@link ClientConfig#protocols()}, {@link ClientRequest#protocols()}).
 *
 * <p>Deadlines: the call's total deadline is fixed at its start; each phase (connect, TLS, response
 * headers, expect-continue) gets its own deadline, capped by the total. While the caller waits for bytes the
 * stream's wake-up is armed at the earliest of them; the caller re-checks them ({@link #check}) whenever it
 * wakes.
 */
final class Exchange implements ReadAhead.Waiter {
    private final Call call;
    private final HopState state;               // the attempt's (issue 14: not the call's, which a hedge shares)
    final Client client;
    private final ClientConfig cfg;
    final Clock clock;
    final ClientRequest req;
    final EventListener ev;
    final long start;                           // the call's start: the total deadline covers every hop
    private final long totalDeadline;           // 0: none
    final Duration totalLimit;
    private final long totalSince;              // when the total deadline's limit began (the call's or attempt's start)
    private final Phase totalPhase;             // what the total deadline's expiry is: TOTAL, DEADLINE or ATTEMPT
    private final String forwardHeader;         // the field that carries what is left of the deadline, or null
    // The phase in progress and its deadline: written and read by the caller's thread only (check() runs on
    // the thread that waits: the timer only wakes it), so not volatile.
    private Phase phase;
    private long phaseDeadline;                 // 0: none
    private long phaseStart;
    private Duration phaseLimit;
    String doing = "waiting for a connection";  // for messages; caller's thread (set and read there)
    private volatile boolean cancelled;         // set by cancel() on any thread
    private volatile Closeable connecting;      // a dial in progress, closed by cancel()
    private volatile Pool waitingPool;          // woken by cancel()
    Pool pool;                                  // caller's thread (Carriers moves it to a retired pool's successor)
    Proxies.Route route;                        // caller's thread: the proxy of this hop, null for none
    volatile Carrier carrier;                   // read by cancel() and ExchangeErrors.context() from other threads
    volatile Carrier.Stream stream;             // read by cancel() from another thread
    boolean reused;                             // caller's thread (set by Carriers)
    private boolean requestWritten;             // caller's thread
    private boolean sending;                    // caller's thread: a byte of this request may have gone out
    ClientTls.Handshake tlsSeen;                // caller's thread: this hop's new connection was asked for a certificate

    // The response's body once its head came (null before): the timer's alarm acts only then. Volatile: the
    // timer reads it.
    volatile ExchangeBody body;
    // 1 once this attempt's per-try timeout was counted: the caller's thread and the timer's may both see it
    // pass, and compare-and-set it (volatile for that).
    private volatile int attemptCounted;
    private static final VarHandle ATTEMPT_COUNTED;

    static {
        try {
            ATTEMPT_COUNTED = MethodHandles.lookup().findVarHandle(Exchange.class, "attemptCounted", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    Exchange(Call call, ClientRequest req, HopState state) {
        this.call = call;
        this.state = state;
        this.client = call.client;
        this.cfg = client.config();
        this.clock = client.clock();
        this.req = req;
        this.ev = client.listener();
        this.start = call.start;
        // an attempt's deadline (issue 14: the call's, or a per-try timeout), else the call's own
        Attempts.Attempt a = call.attempted ? Attempts.current() : null; // no thread-local look-up by default
        this.totalDeadline = a != null ? a.deadline : call.totalDeadline;
        this.totalSince = a != null ? a.since : call.start;
        this.totalLimit = a != null ? a.limit : call.totalLimit;
        this.totalPhase = a != null ? a.phase : call.totalPhase;
        this.forwardHeader = a != null ? a.forwardHeader : null;
        if (a != null) {
            a.exchange(this);
        }
    }

    // ---- the hop ----

    /**
     * Sends the request on a pooled or new connection (a new one when the attempt says so: the retry of a stale
     * one) and returns the response once its head has arrived. A failure on a reused connection before any
     * byte of the response that an idempotent request may survive marks the attempt {@code staleFailure}, and
     * {@link FollowUps} sends it again on a new connection (RFC 9110 section 9.2.2).
     */
    ClientResponse run() throws IOException {
        route = Proxies.select(cfg.proxySelector(), req.uri());
        pool = client.pool(req, route);
        for (int unprocessed = 0; ; unprocessed++) {
            if (unprocessed > 0) {
                carrier = null; // volatile writes: only when a hop goes again, not per call
                stream = null;
            }
            Carrier c = Carriers.take(this, state.freshConnection);
            Carrier.Stream s = c.open(this);
            carrier = c;
            stream = s;
            requestWritten = false;
            sending = false;
            try {
                return exchange(s);
            } catch (IOException e) {
                if (unprocessed < s.unprocessedRetries(e) && replayable()) {
                    s.discard("not processed (retried)");
                    continue; // RFC 9113 section 8.7: not processed, so it may go again whatever its method
                }
                if (retryable(e, s)) {
                    s.discard("stale (retried)");
                    state.staleFailure = true;
                    throw translate(e);
                }
                throw fail(s, e);
            }
        }
    }

    /**
     * The request as it goes out: with what is left of an inherited deadline in the deadline header (issue 14),
     * computed now, after the wait for a connection and the dial, so the next server is not told of time the
     * call has already spent.
     */
    private ClientRequest forwarding() {
        if (forwardHeader == null) {
            return req;
        }
        long left = Math.max(1, totalDeadline - clock.nanoTime()); // at least 1 ns: passed is the server's to judge
        return req.withHeader(forwardHeader, io.hourglass.internal.text.GrpcTimeout.format(left));
    }

    /** Writes the request and reads the response head; the body is read later through the response. */
    private ClientResponse exchange(Carrier.Stream s) throws IOException {
        armWake();
        check(); // a deadline that passed while waiting for the pool must not cost this connection
        sending = true;
        doing = "writing the request";
        RequestBody b = req.body();
        boolean expect = req.expectContinue() && b != null;
        s.writeRequest(forwarding(), expect, totalDeadline);
        ResponseHead h = null;
        if (expect) {
            h = awaitContinue(s);
            if (h == null) {
                s.writeBody(b);
            }
        }
        s.requestWritten();
        requestWritten = true;
        if (h == null) {
            setPhase(Phase.RESPONSE_HEADERS,
                    req.responseHeaderTimeout() != null ? req.responseHeaderTimeout() : cfg.responseHeaderTimeout());
            doing = "awaiting headers";
        }
        // After the response-header clock started: a listener that acts on the event (a test that advances a
        // manual clock) finds it running.
        ev.requestWritten(req, s.connectionId());
        if (h == null) {
            h = s.readHead(false);
            clearPhase();
        }
        pool.answered(clock.nanoTime());
        ev.responseHeaders(req, s.connectionId(), h.status);
        client.clientMetrics().status(h.status);
        client.clientMetrics().durationChild.observeNanos(clock.nanoTime() - start);
        doing = "reading the body";
        s.openBody(h);
        ExchangeBody source = new ExchangeBody(this, s);
        ClientResponse resp = new ClientResponse(this, source, req, h, s.connectionId(), reused);
        body = source;
        if (s.bodyComplete()) {
            source.finish();
        }
        return resp;
    }

    /** Thrown by {@link #check()} when the expect-continue wait ends: not an error, the body goes anyway. */
    private static final class ContinueExpired extends IOException {
        ContinueExpired() {
            super("no 100 Continue in time");
        }
    }

    /** Waits for 100 Continue: null when the body should go now, or a final head that came instead. */
    private ResponseHead awaitContinue(Carrier.Stream s) throws IOException {
        setPhase(Phase.EXPECT_CONTINUE, cfg.expectContinueTimeout());
        doing = "waiting for 100 Continue";
        try {
            ResponseHead h = s.readHead(true);
            return h.status == 100 ? null : h;
        } catch (ContinueExpired e) {
            return null;
        } finally {
            clearPhase();
        }
    }

    // ---- deadlines ----

    private void setPhase(Phase p, Duration limit) {
        long now = clock.nanoTime();
        phase = p;
        phaseLimit = limit;
        phaseStart = now;
        phaseDeadline = limit.isZero() ? 0 : now + Durations.nanos(limit);
        armWake();
    }

    private void clearPhase() {
        phaseDeadline = 0;
        phase = null;
        armWake();
    }

    private void armWake() {
        stream.wakeAt(earliest(phaseDeadline));
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
        long now = clock.nanoTime();
        long t = totalDeadline;
        long p = phaseDeadline;
        if (p != 0 && now - p >= 0 && (t == 0 || p - t < 0)) {
            if (phase == Phase.EXPECT_CONTINUE) {
                throw new ContinueExpired();
            }
            throw timeout(phase, phaseLimit, phaseStart, null);
        }
        if (t != 0 && now - t >= 0) {
            throw totalTimeout("while " + doing);
        }
    }

    /**
     * Throws CANCELLED when {@link #cancel()} was called or the calling thread has been interrupted (Java's
     * standard cancellation, issue 13); the interrupt status is left set for the caller to see.
     */
    void checkCancelled() throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            throw interrupted();
        }
        if (cancelled || call.isCancelled()) {
            cancelled = true;
            throw new ClientException(ClientException.Kind.CANCELLED, ExchangeErrors.context(this), null);
        }
    }

    /** Marks the call cancelled by its thread's interrupt and returns the error for it. */
    ClientException interrupted() {
        cancelled = true;
        return new ClientException(ClientException.Kind.CANCELLED, "interrupted (" + ExchangeErrors.context(this) + ", while " + doing + ")", null);
    }

    // ---- what the pool and the dialer use ----

    void poolWaiting(Pool p) {
        waitingPool = p;
    }

    void connecting(Closeable dial) {
        connecting = dial;
    }

    void doing(String what) {
        doing = what;
    }

    /**
     * The dialer's TLS handshake saw the server ask for a client certificate: TLS 1.3 servers that insist say
     * so only after the handshake, so a failure before the response's head is explained with it.
     */
    void tlsSeen(ClientTls.Handshake h) {
        tlsSeen = h;
    }

    /** {@return whether the hop's response should carry Accept-Encoding: gzip written by the stream (see Bridge)} */
    boolean wireGzip() {
        return state.wireGzip;
    }

    EventListener listener() {
        return ev;
    }

    /** {@return the connect timeout of this hop's dials: the request's, else the client's} */
    Duration connectTimeout() {
        return req.connectTimeout() != null ? req.connectTimeout() : cfg.connectTimeout();
    }

    ClientConfig config() {
        return cfg;
    }

    String userAgent() {
        return cfg.userAgent();
    }

    /** An HTTP/2 stream of this call opened (its HEADERS went out). */
    void streamOpened(long connectionId, int streamId) {
        pool.metrics.h2StreamsOpened.inc();
        ev.streamOpened(req, connectionId, streamId);
    }

    /** {@return the response's trailers once its body was read to its end; empty otherwise} */
    Headers trailers() {
        return stream.trailers();
    }

    // ---- errors, each timeout counted once ----

    /** Counts the timeout of phase {@code p}: once per call, or once per attempt for its per-try timeout. */
    void countTimeout(Phase p) {
        Carrier c = carrier;
        String protocol = c == null ? null : c.protocol();
        if (p == Phase.ATTEMPT) {
            // each attempt that runs out of its per-try timeout is counted (issue 14), the next may follow
            if (ATTEMPT_COUNTED.compareAndSet(this, 0, 1)) {
                client.clientMetrics().timeout(p, protocol);
                ev.timeout(req, p);
            }
            return;
        }
        call.countTimeout(p, protocol); // a call times out once, whichever hop it was on
    }

    /**
     * Builds (and counts once) the timeout of the attempt's total deadline: phase TOTAL (the call's own
     * timeout), DEADLINE (the inherited deadline) or ATTEMPT (the per-try timeout), see {@link Attempts}.
     */
    HttpTimeoutException totalTimeout(String detail) {
        return timeout(totalPhase, totalLimit, totalSince, detail);
    }

    /** Whether {@code p} is the phase of this attempt's total deadline (see {@link #totalTimeout}). */
    boolean isTotalPhase(Phase p) {
        return p == totalPhase;
    }

    /** Builds (and counts once) the timeout of phase {@code p}, whose clock started at {@code since}. */
    HttpTimeoutException timeout(Phase p, Duration limit, long since, String detail) {
        countTimeout(p);
        String ctx = (detail == null ? "" : detail + "; ") + ExchangeErrors.context(this);
        return new HttpTimeoutException(p, limit, Duration.ofNanos(clock.nanoTime() - since), ctx);
    }

    // ---- failure, retry, and the timeout policy ----

    private boolean retryable(IOException e, Carrier.Stream s) {
        return reused && req.idempotent() && replayable() && s.retryable(e);
    }

    /** Whether the call may send its request again: not cancelled, and its body (if any) can be replayed. */
    private boolean replayable() {
        if (cancelled || Thread.currentThread().isInterrupted()) {
            return false;
        }
        return req.body() == null || req.body().replayable();
    }

    /** What a failed exchange does to its connection; returns the error for the caller. */
    IOException fail(Carrier.Stream s, IOException e) {
        IOException out = translate(e);
        boolean timedOut = out instanceof HttpTimeoutException || cancelled;
        // A deadline that passed just before the first write (a caller that got the connection at the last
        // moment, or ran late) leaves nothing on the wire: the connection is as good as before, so keep it,
        // or a DRAIN client at its cap would close it and dial another (issue 15's "at most the cap").
        boolean unsent = !sending || s.untouched();
        if (!unsent && out instanceof HttpTimeoutException) {
            pool.timedOut(); // the origin did not answer in time (a sign for the pool, see Pool)
        }
        if (unsent) {
            s.release(); // nothing was sent on it: it is as good as before this call took it
        } else if (timedOut) {
            s.abandon(cfg.timeoutPolicy(), "timeout");
        } else {
            s.discard("error");
        }
        return out;
    }

    /** The error for the caller: a timeout or a {@link ClientException} of the right kind (see ExchangeErrors). */
    IOException translate(IOException e) {
        return ExchangeErrors.translate(this, e);
    }

    // ---- the response body (see ExchangeBody) ----

    /** The error of a read of a body that was given up: the cancel, or the deadline that passed unread. */
    IOException bodyGivenUp() {
        return cancelled ? new ClientException(ClientException.Kind.CANCELLED, ExchangeErrors.context(this), null)
                : totalTimeout("while reading the body");
    }

    /** The stream's wake-up, on the timer thread: frees a connection whose body nobody reads or closes. */
    void onAlarm() {
        long t = totalDeadline;
        ExchangeBody b = body;
        if (b == null || t == 0 || clock.nanoTime() - t < 0 || !b.expired()) {
            return;
        }
        // Nobody reads or closes the body and the call's time is up: free the connection (a documented misuse).
        totalTimeout("while the body was left unread");
        Thread.ofVirtual().start(b::giveUp);
    }

    // ---- cancellation ----

    void cancel() {
        cancelled = true;
        Closeable dial = connecting;
        if (dial != null) {
            try {
                dial.close();
            } catch (IOException ignored) {
                // the dial fails, and sees the cancel
            }
        }
        Carrier.Stream s = stream;
        if (s != null) {
            s.cancel();
        }
        Pool p = waitingPool;
        if (p != null) {
            p.wakeWaiters();
        }
    }
}
