package io.hourglass.client;

import io.hourglass.net.Clock;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A hedged call ({@link ClientConfig#hedgeDelay()}, issue 14): the first attempt, and when it has not
 * answered within the delay a second one beside it, taken from the origin's retry budget; the first response
 * wins and the other attempt is cancelled (under DRAIN its connection drains the late answer and stays in the
 * pool). A first attempt that fails before the delay is followed at once by the second, as a retry would be.
 * At most two attempts. Each runs on a virtual thread of its own with state of its own (its clocks, its
 * {@link HopState}: one attempt's stale connection does not change how the other retries its own); the caller's
 * thread waits for them and passes its cancel or interrupt on, and the call's cancel reaches both at once.
 */
final class Hedging {
    /** How often the caller's thread looks at the call's cancel while it waits. */
    private static final long SLICE_MILLIS = 10;

    private final Attempts attempts;
    private final Call call;
    private final Pool pool;
    private final Clock clock;
    private final BlockingQueue<Outcome> outcomes = new ArrayBlockingQueue<>(2);
    // Volatile, both: the caller's thread starts the attempts, cancel() on any thread cancels them.
    private volatile Attempts.Attempt attempt1;
    private volatile Attempts.Attempt attempt2;

    /** What one attempt ended with: a response, or the error. */
    private record Outcome(Attempts.Attempt attempt, ClientResponse response, IOException error) {}

    Hedging(Attempts attempts, Call call, Pool pool) {
        this.attempts = attempts;
        this.call = call;
        this.pool = pool;
        this.clock = attempts.clock();
    }

    /**
     * Runs the hedge and returns the winner's response, or the error of the attempt that ended it. While both
     * attempts run the call's cancel reaches them through this hedge; the winner's exchange then becomes the
     * call's, so that a cancel during its body read reaches it.
     */
    ClientResponse run(long delayNanos) throws IOException {
        call.attach(this);
        try {
            Outcome o = settle(delayNanos);
            Exchange x = o.attempt().exchange;
            if (o.response() != null && x != null) {
                call.attach(x);
            }
            return result(o);
        } finally {
            call.attach((Hedging) null);
        }
    }

    /** The outcome that ends the hedge: the first response, or the last failure. */
    private Outcome settle(long delayNanos) throws IOException {
        long firstStart = clock.nanoTime();
        Attempts.Attempt first = start(1, firstStart);
        attempt1 = first;
        Outcome o = await(first, null, delayNanos);
        Attempts.Attempt second = null;
        if (o == null || (o.error() != null && RetryRules.retryableFailure(o.error()))) {
            if (o == null ? hedgeAllowed() : attempts.mayRetry(pool, firstStart, 0)) {
                second = start(2, clock.nanoTime());
                attempt2 = second;
            }
        }
        if (o != null && (o.response() != null || second == null)) {
            return o; // the first answered, or failed for good, before the delay
        }
        int running = o == null ? (second == null ? 1 : 2) : 1;
        while (true) {
            o = await(first, second, 0);
            running--;
            if (o.response() != null || running == 0) {
                Attempts.Attempt other = o.attempt() == first ? second : first;
                if (other != null && running > 0) {
                    other.cancel(); // the loser: its late answer is read and dropped (DRAIN), or its stream reset
                    Thread.ofVirtual().start(this::closeLoser);
                }
                return o;
            }
        }
    }

    /** Cancels the attempts started: the call's cancel (see {@link Call#attach(Hedging)}), from any thread. */
    void cancel() {
        Attempts.Attempt a = attempt1;
        Attempts.Attempt b = attempt2;
        if (a != null) {
            a.cancel();
        }
        if (b != null) {
            b.cancel(); // one started after this look sees the cancel in await, at the top of its loop
        }
    }

    /** The hedge takes a retry from the budget, counted apart from retries. */
    private boolean hedgeAllowed() {
        if (!pool.retryBudget.tryRetry(clock.nanoTime())) {
            pool.metrics.retriesBudget.inc();
            return false;
        }
        pool.metrics.retriesHedge.inc();
        return true;
    }

    /** Starts attempt {@code n} on a virtual thread of its own. */
    private Attempts.Attempt start(int n, long attemptStart) {
        Attempts.Attempt a = attempts.attempt(attemptStart, true, true);
        ClientRequest r = attempts.request(n, a);
        Thread.ofVirtual().name("hourglass-hedge").start(() -> {
            Outcome o;
            try {
                o = new Outcome(a, attempts.send(a, r), null);
            } catch (IOException e) {
                o = new Outcome(a, null, e);
            }
            outcomes.add(o);
        });
        return a;
    }

    /**
     * The next outcome, waiting up to {@code nanos} (0: until one comes); null when the time passed first. The
     * caller's cancel or interrupt cancels the attempts running.
     */
    private Outcome await(Attempts.Attempt first, Attempts.Attempt second, long nanos) throws IOException {
        long until = System.nanoTime() + nanos;
        while (true) {
            if (call.isCancelled() || Thread.currentThread().isInterrupted()) {
                first.cancel();
                if (second != null) {
                    second.cancel();
                }
            }
            long slice = SLICE_MILLIS * 1_000_000L;
            if (nanos > 0) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                slice = Math.min(slice, left);
            }
            try {
                Outcome o = outcomes.poll(slice, TimeUnit.NANOSECONDS);
                if (o != null) {
                    return o;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // seen at the top: the attempts are cancelled, and end
            }
        }
    }

    /** Closes the loser's response if it still comes (a cancelled attempt usually fails instead). */
    private void closeLoser() {
        try {
            Outcome o = outcomes.poll(5, TimeUnit.MINUTES);
            if (o != null && o.response() != null) {
                Attempts.discard(o.response());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ClientResponse result(Outcome o) throws IOException {
        if (o.error() != null) {
            throw o.error();
        }
        return o.response();
    }
}
