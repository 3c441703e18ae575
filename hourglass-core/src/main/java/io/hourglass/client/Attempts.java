package io.hourglass.client;

import io.hourglass.http.Phase;
import io.hourglass.internal.text.Durations;
import io.hourglass.net.Clock;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The attempts of one hop of a call (issue 14), between the follow-ups and the stale-connection retry (see
 * {@link FollowUps}), so the same over any connection: each attempt sends what is left of an inherited deadline
 * in the deadline header, and a failed or refused attempt is followed by another within the origin's
 * {@link RetryBudget}, after a {@link Backoff}, per {@link RetryRules}; a per-try timeout bounds each inside the
 * call's deadline ({@link Call#totalDeadline}, which the inherited deadline may have shortened). One per hop,
 * on the caller's thread; a hop with nothing to forward and no retries goes straight through.
 */
final class Attempts {
    /** The field that numbers an attempt after the first (Envoy's {@code x-envoy-attempt-count}). */
    static final String ATTEMPT_COUNT = "Attempt-Count";
    /** The most bytes of a response that is retried read so its connection can serve the next attempt. */
    private static final int DISCARD_READ = 4096;
    /** How often a backoff wakes to see whether the call was cancelled. */
    private static final long BACKOFF_SLICE = 10_000_000L;
    // The attempt whose exchange the hop on this thread makes (plain ThreadLocal: set and cleared around it).
    private static final ThreadLocal<Attempt> CURRENT = new ThreadLocal<>();

    /** What sends one attempt: the rest of the hop (the stale retry, the bridge, the network). */
    interface Hop {
        ClientResponse send(ClientRequest r) throws IOException;
    }

    /**
     * One attempt's clocks, which its {@link Exchange} takes in place of the call's: it must end by
     * {@code deadline} (0: none), a limit of {@code limit} from {@code since}, failing with {@code phase}. The
     * exchange registers itself, so that a hedge can cancel the attempt that lost.
     */
    static final class Attempt {
        final long deadline;
        final long since;
        final Duration limit;
        final Phase phase;
        final boolean hedged;    // one of a hedge's two attempts: cancelled through the hedge (see Hedging)
        // The field that carries what is left of the inherited deadline, written as the request goes out
        // (after the wait for a connection and the dial); null when nothing is forwarded.
        String forwardHeader;
        // Set by the exchange's thread, read by the hedging thread that cancels it: volatile for that hand-over.
        volatile Exchange exchange;
        // Set by the hedging thread; the exchange made after it reads it (volatile for the same hand-over).
        volatile boolean cancelled;

        Attempt(long deadline, long since, Duration limit, Phase phase, boolean hedged) {
            this.deadline = deadline;
            this.since = since;
            this.limit = limit;
            this.phase = phase;
            this.hedged = hedged;
        }

        /** The exchange made for this attempt on this thread; cancelled at once when the attempt was. */
        void exchange(Exchange x) {
            exchange = x;
            if (cancelled) {
                x.cancel();
            }
        }

        void cancel() {
            cancelled = true;
            Exchange x = exchange;
            if (x != null) {
                x.cancel();
            }
        }
    }

    private final Call call;
    private final Client client;
    private final ClientConfig cfg;
    private final ClientRequest req;
    private final Clock clock;
    private final Hop hop;

    private Attempts(Call call, ClientRequest req, Hop hop) {
        this.call = call;
        this.client = call.client;
        this.cfg = client.config();
        this.req = req;
        this.clock = client.clock();
        this.hop = hop;
    }

    /** The attempt the exchange being made on this thread belongs to, or null (the call's own clocks). */
    static Attempt current() {
        return CURRENT.get();
    }

    /**
     * Whether a hop of {@code call} goes through its attempts: false when there is nothing to forward or retry,
     * and the hop is sent alone (the default: no object, no thread-local per call).
     */
    static boolean needed(Call call) {
        boolean forward = call.inherited && call.client.config().forwardDeadline() && call.totalDeadline != 0;
        return forward || call.client.config().maxAttempts() != 1;
    }

    /** Sends a hop of {@code call}: its attempts, or the hop alone when they are not {@link #needed}. */
    static ClientResponse run(Call call, ClientRequest req, Hop hop) throws IOException {
        if (!needed(call)) {
            return hop.send(req);
        }
        call.attempted = true; // before any exchange (and any hedging thread) of the call is made
        return new Attempts(call, req, hop).run();
    }

    private ClientResponse run() throws IOException {
        Pool pool = client.pool(req, Proxies.select(cfg.proxySelector(), req.uri()));
        RetryBudget budget = pool.retryBudget;
        boolean mayRetry = budget != null && RetryRules.repeatable(req);
        if (budget != null) {
            budget.called(clock.nanoTime()); // every call to the origin earns its share, repeatable or not
        }
        if (mayRetry && Durations.nanos(cfg.hedgeDelay()) > 0) {
            return new Hedging(this, call, pool).run(Durations.nanos(cfg.hedgeDelay()));
        }
        for (int n = 1; ; n++) {
            long attemptStart = clock.nanoTime();
            boolean last = !mayRetry || n >= cfg.maxAttempts();
            Attempt a = attempt(attemptStart, mayRetry, false);
            ClientResponse resp;
            try {
                resp = send(a, request(n, a));
            } catch (IOException e) {
                if (last || !RetryRules.retryableFailure(e) || call.isCancelled()) {
                    throw e;
                }
                long wait = backoff(n);
                if (!mayRetry(pool, attemptStart, wait)) {
                    throw e;
                }
                pause(wait);
                continue;
            }
            if (last || !RetryRules.retryableStatus(resp)) {
                return resp;
            }
            long wait = waitAfter(resp, n, pool);
            if (wait < 0 || !mayRetry(pool, attemptStart, wait)) {
                return resp;
            }
            discard(resp);
            pause(wait);
        }
    }

    /** Sends one attempt on this thread, its clocks current for the exchange the hop makes. */
    ClientResponse send(Attempt a, ClientRequest r) throws IOException {
        CURRENT.set(a);
        try {
            return hop.send(r);
        } finally {
            CURRENT.remove();
        }
    }

    /**
     * An attempt's clocks: the call's deadline, or the per-try timeout from {@code attemptStart} when earlier;
     * {@code hedged} for one of a hedge's two attempts.
     */
    Attempt attempt(long attemptStart, boolean mayRetry, boolean hedged) {
        long d = call.totalDeadline;
        long perTry = mayRetry ? Durations.nanos(cfg.perTryTimeout()) : 0;
        if (perTry > 0 && (d == 0 || attemptStart + perTry - d < 0)) {
            return new Attempt(attemptStart + perTry, attemptStart, cfg.perTryTimeout(), Phase.ATTEMPT, hedged);
        }
        return new Attempt(d, call.start, call.totalLimit, call.totalPhase, hedged);
    }

    /**
     * Attempt {@code n}'s request: its number; what is left of an inherited deadline goes in the deadline
     * header as the exchange writes it ({@link Attempt#forwardHeader}).
     */
    ClientRequest request(int n, Attempt a) {
        if (call.inherited && cfg.forwardDeadline() && a.deadline != 0) {
            a.forwardHeader = cfg.deadlineHeader(); // before the hop starts: the exchange reads it on this thread
        }
        return n > 1 ? req.withHeader(ATTEMPT_COUNT, Integer.toString(n)) : req;
    }

    /** {@return the client's clock} */
    Clock clock() {
        return clock;
    }

    private long backoff(int n) {
        return new Backoff(Durations.nanos(cfg.retryBackoff()), Durations.nanos(cfg.retryBackoffMax()))
                .delayNanos(n, ThreadLocalRandom.current());
    }

    /**
     * The wait before retrying a response that asked for it: the backoff, or the server's Retry-After on a 503
     * or 429 when longer; -1 (and counted) when the server asks for more than {@code retryBackoffMax}.
     */
    private long waitAfter(ClientResponse resp, int n, Pool pool) {
        long wait = backoff(n);
        if (RetryRules.honoursRetryAfter(resp.status())) {
            long asked = Backoff.retryAfterNanos(resp.headers().first("Retry-After"), System.currentTimeMillis());
            if (asked > Durations.nanos(cfg.retryBackoffMax())) {
                pool.metrics.retriesRetryAfter.inc();
                return -1;
            }
            wait = Math.max(wait, asked);
        }
        return wait;
    }

    /**
     * Whether a hop that failed on a stale pooled connection may be sent again on a new one, when the call goes
     * through its attempts: with retries configured ({@code maxAttempts} > 1) the resend takes from the origin's
     * retry budget like any retry (counted {@code sent}, or {@code budget} when refused), since the server may
     * have read the request before the connection died, and an upstream that drops its connections under load
     * would otherwise get two requests per call whatever the budget. Without retries there is no budget and the
     * one resend goes as in Go's Transport.
     */
    static boolean mayResendStale(Call call, ClientRequest req) throws IOException {
        Client client = call.client;
        Pool pool = client.pool(req, Proxies.select(client.config().proxySelector(), req.uri()));
        if (pool.retryBudget == null) {
            return true;
        }
        if (!pool.retryBudget.tryRetry(client.clock().nanoTime())) {
            pool.metrics.retriesBudget.inc();
            return false;
        }
        pool.metrics.retriesSent.inc();
        return true;
    }

    /**
     * Whether another attempt may start after {@code wait}: the call's time left then must be at least what
     * the last attempt took, and the origin's budget must have a retry; counted either way.
     */
    boolean mayRetry(Pool pool, long attemptStart, long wait) {
        long now = clock.nanoTime();
        long d = call.totalDeadline;
        if (d != 0 && d - now - wait < now - attemptStart) {
            pool.metrics.retriesDeadline.inc();
            return false;
        }
        if (!pool.retryBudget.tryRetry(now)) {
            pool.metrics.retriesBudget.inc();
            return false;
        }
        pool.metrics.retriesSent.inc();
        return true;
    }

    /** Waits {@code nanos} before the next attempt; a cancel or an interrupt ends the call instead. */
    private void pause(long nanos) throws IOException {
        long until = System.nanoTime() + nanos; // a real wait: backoff is not on the client's clock
        long left;
        while ((left = until - System.nanoTime()) > 0) {
            if (Thread.currentThread().isInterrupted() || call.isCancelled()) {
                throw new ClientException(ClientException.Kind.CANCELLED, "cancelled in the backoff before a retry; "
                        + req, null);
            }
            LockSupport.parkNanos(Math.min(left, BACKOFF_SLICE));
        }
    }

    /** Reads a little of a response that is retried, so its connection can serve the next attempt, and closes it. */
    static void discard(ClientResponse resp) {
        try (InputStream in = resp.body()) {
            in.readNBytes(DISCARD_READ);
        } catch (IOException ignored) {
            // the next attempt finds out whether the call can go on
        }
    }
}
