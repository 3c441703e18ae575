package io.hourglass.client;

import io.hourglass.http.Deadline;
import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.internal.text.Durations;
import io.hourglass.net.Clock;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The call side of issue 14, above the exchange and so the same over any connection: the call's deadline
 * (its own timeout, its request's deadline, and the inherited {@link Deadline#current()} less the reserve),
 * refused at once when nothing is left; what is left sent on in the deadline header; and the call's attempts,
 * retried within the origin's {@link RetryBudget} after a {@link Backoff}, per {@link RetryRules}. One per call,
 * on the caller's thread.
 */
final class Attempts {
    /** The field that numbers an attempt after the first (Envoy's {@code x-envoy-attempt-count}). */
    static final String ATTEMPT_COUNT = "Attempt-Count";
    /** The most bytes of a response that is retried read so its connection can serve the next attempt. */
    private static final int DISCARD_READ = 4096;
    /** How often a backoff wakes to see whether the call was cancelled. */
    private static final long BACKOFF_SLICE = 10_000_000L;

    private final Call call;
    private final Client client;
    private final ClientConfig cfg;
    private final ClientRequest req;
    private final Clock clock;      // the client's: the system's, or a test's
    private long start;
    private long deadline;          // the call's, a clock.nanoTime() instant; 0: none
    private Duration limit;         // the limit that deadline stands for
    private Phase phase;            // TOTAL (own timeout or request deadline) or DEADLINE (inherited)
    private boolean inherited;      // bounded by a current deadline: forward it

    Attempts(Call call, Client client, ClientRequest req) {
        this.call = call;
        this.client = client;
        this.cfg = client.config();
        this.req = req;
        this.clock = client.clock();
    }

    /** Runs the call: fixes its deadline, then makes attempts until one is returned or fails for good. */
    ClientResponse run() throws IOException {
        start = clock.nanoTime();
        fixDeadline();
        Pool pool = client.pool(req.uri());
        RetryBudget budget = pool.retryBudget;
        boolean mayRetry = budget != null && RetryRules.repeatable(req);
        if (budget != null) {
            budget.called(start); // every call to the origin earns its share, repeatable or not
        }
        if (mayRetry && cfg.hedgeDelay().toNanos() > 0) {
            return new Hedging(this, call, pool).run(cfg.hedgeDelay().toNanos());
        }
        for (int n = 1; ; n++) {
            long attemptStart = clock.nanoTime();
            boolean last = !mayRetry || n >= cfg.maxAttempts();
            Exchange x = exchange(n, attemptStart, mayRetry);
            call.attach(x);
            ClientResponse resp;
            try {
                resp = x.run();
            } catch (IOException e) {
                if (last || !RetryRules.retryableFailure(e) || call.isCancelled()) {
                    throw e;
                }
                long wait = new Backoff(cfg.retryBackoff().toNanos(), cfg.retryBackoffMax().toNanos())
                        .delayNanos(n, ThreadLocalRandom.current());
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

    /** {@return the client's clock} */
    Clock clock() {
        return clock;
    }

    /** Attempt {@code n}: its request (with the forwarded deadline and count) and its clocks. */
    Exchange exchange(int n, long attemptStart, boolean mayRetry) {
        long d = deadline;
        long since = start;
        Duration lim = limit;
        Phase ph = phase;
        long perTry = mayRetry ? cfg.perTryTimeout().toNanos() : 0;
        if (perTry > 0 && (d == 0 || attemptStart + perTry - d < 0)) {
            d = attemptStart + perTry;
            since = attemptStart;
            lim = cfg.perTryTimeout();
            ph = Phase.ATTEMPT;
        }
        ClientRequest r = req;
        if (n > 1) {
            r = r.withHeader(ATTEMPT_COUNT, Integer.toString(n));
        }
        // what the attempt has left goes in the deadline header, computed as the request is written
        String forward = inherited && cfg.forwardDeadline() && d != 0 ? cfg.deadlineHeader() : null;
        return new Exchange(client, r, start, d, since, lim, ph, forward);
    }

    /**
     * The call's deadline: its own timeout from its start, its request's deadline when earlier, and the
     * inherited deadline less the reserve when earlier still; nothing left of that one refuses the call.
     */
    private void fixDeadline() throws HttpTimeoutException {
        Duration t = req.timeout() != null ? req.timeout() : cfg.timeout();
        long d = t.isZero() ? 0 : start + t.toNanos();
        Duration lim = t;
        Instant at = req.deadline();
        if (at != null) {
            long left = Duration.between(Instant.now(), at).toNanos();
            if (d == 0 || start + left - d < 0) {
                d = start + left == 0 ? 1 : start + left;
                lim = Duration.ofNanos(Math.max(0, left));
            }
        }
        deadline = d;
        limit = lim;
        phase = Phase.TOTAL;
        boolean inherit = req.inheritDeadline() != null ? req.inheritDeadline() : cfg.inheritDeadline();
        Deadline current = inherit ? Deadline.current().orElse(null) : null;
        if (current == null) {
            return;
        }
        inherited = true;
        // the current deadline is on the system's clock, the call's on the client's (the same but in tests)
        long had = current.nanoTime() - System.nanoTime();
        long left = had - cfg.deadlineReserve().toNanos();
        long di = start + left;
        if (left <= 0) {
            client.clientMetrics().deadline(true);
            client.clientMetrics().timeout(Phase.DEADLINE);
            client.listener().timeout(req, Phase.DEADLINE);
            Duration leaves = Duration.ofNanos(Math.max(0, had));
            throw new HttpTimeoutException(Phase.DEADLINE, leaves, Duration.ZERO,
                    "the current deadline leaves " + Durations.format(leaves) + ", not more than the "
                            + "client's deadlineReserve of " + Durations.format(cfg.deadlineReserve())
                            + ": refused, nothing sent; " + req);
        }
        if (d == 0 || di - d < 0) {
            deadline = di == 0 ? 1 : di;
            limit = Duration.ofNanos(left);
            phase = Phase.DEADLINE;
            client.clientMetrics().deadline(false);
        }
    }

    /**
     * The wait before retrying a response that asked for it: the backoff, or the server's Retry-After on a 503
     * or 429 when longer; -1 (and counted) when the server asks for more than {@code retryBackoffMax}.
     */
    private long waitAfter(ClientResponse resp, int n, Pool pool) {
        long wait = new Backoff(cfg.retryBackoff().toNanos(), cfg.retryBackoffMax().toNanos())
                .delayNanos(n, ThreadLocalRandom.current());
        if (RetryRules.honoursRetryAfter(resp.status())) {
            long asked = Backoff.retryAfterNanos(resp.headers().first("Retry-After"), System.currentTimeMillis());
            if (asked > cfg.retryBackoffMax().toNanos()) {
                pool.metrics.retriesRetryAfter.inc();
                return -1;
            }
            wait = Math.max(wait, asked);
        }
        return wait;
    }

    /**
     * Whether another attempt may start after {@code wait}: the call's time left then must be at least what
     * the last attempt took, and the origin's budget must have a retry; counted either way.
     */
    boolean mayRetry(Pool pool, long attemptStart, long wait) {
        long now = clock.nanoTime();
        if (deadline != 0 && deadline - now - wait < now - attemptStart) {
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
