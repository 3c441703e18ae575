package io.hourglass.client;

import java.util.concurrent.locks.ReentrantLock;

/**
 * How many retries one origin may get: at most a share of the calls made to it over a sliding window, or a
 * small floor per second when that share is smaller (Finagle's and Linkerd's budget: 20 % of calls over
 * 10 s; Envoy's: 20 % of active requests, at least 3). So a stuck or failing upstream sees at most
 * {@code 1 + percent} requests per call, however many attempts each call may make, instead of
 * {@code maxAttempts} times its load, the retry storm.
 *
 * <p>The floor is not added to the share, as Finagle's reserve is, but used instead of it when it is larger,
 * and per second (per bucket), not per window: under load the share alone holds, so the amplification bound
 * is exact (1.2 by default) from the first second on, and a client with few calls can still retry a few times
 * a second. Hedged attempts would take from the same budget.
 *
 * <p>The window is kept as {@link #BUCKETS} buckets of calls and retries by time; a bucket older than the
 * window is emptied when the time moves past it. Time is a parameter ({@link System#nanoTime()} instants), so
 * tests need no clock. Thread-safe: a lock held for a few array operations, never across I/O.
 */
final class RetryBudget {
    /** How many buckets the window is cut into: it slides by a tenth of itself. */
    static final int BUCKETS = 10;
    /** The client's window: 10 s, as Finagle's and Linkerd's. */
    static final long WINDOW_NANOS = 10_000_000_000L;

    private final int percent;
    private final double floorPerSecond;
    private final long bucketNanos;
    private final double floorPerBucket;

    private final ReentrantLock lock = new ReentrantLock();
    private final long[] calls = new long[BUCKETS];   // guarded by lock
    private final long[] retries = new long[BUCKETS]; // guarded by lock
    private long bucketStart;                         // guarded by lock: start of the newest bucket
    private int newest;                               // guarded by lock: its index
    private boolean started;                          // guarded by lock

    /**
     * A budget.
     *
     * @param percent retries allowed per 100 calls in the window, 0 to 1000
     * @param floorPerSecond retries allowed per second of the window whatever the calls, at least 0
     * @param windowNanos the window's length, at least {@link #BUCKETS} nanoseconds
     */
    RetryBudget(int percent, double floorPerSecond, long windowNanos) {
        if (percent < 0 || floorPerSecond < 0 || windowNanos < BUCKETS) {
            throw new IllegalArgumentException("bad retry budget: " + percent + "% " + floorPerSecond + "/s over "
                    + windowNanos + "ns");
        }
        this.percent = percent;
        this.floorPerSecond = floorPerSecond;
        this.bucketNanos = windowNanos / BUCKETS;
        this.floorPerBucket = floorPerSecond * bucketNanos / 1e9;
    }

    /** A call (its first attempt) is made: the budget grows by {@code percent / 100} of a retry. */
    void called(long now) {
        lock.lock();
        try {
            advance(now);
            calls[newest]++;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes one retry from the budget, when there is one left.
     *
     * @return whether the retry (or hedge) may be made; when true it is counted
     */
    boolean tryRetry(long now) {
        lock.lock();
        try {
            advance(now);
            long c = 0;
            long r = 0;
            for (int i = 0; i < BUCKETS; i++) {
                c += calls[i];
                r += retries[i];
            }
            // retries in the window + 1 <= percent% of its calls (integer arithmetic, so that 20 % of 5 calls is
            // exactly one retry), or else retries in this bucket + 1 <= the floor for a bucket's time
            if ((r + 1) * 100 > c * percent && retries[newest] + 1 > floorPerBucket) {
                return false;
            }
            retries[newest]++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Moves the window to {@code now}, emptying the buckets it left behind. Under the lock. */
    private void advance(long now) {
        if (!started) {
            started = true;
            bucketStart = now;
            return;
        }
        long ahead = now - bucketStart;
        if (ahead < bucketNanos) {
            return; // still in the newest bucket (or a caller's clock read a little earlier than another's)
        }
        long steps = ahead / bucketNanos;
        int clear = (int) Math.min(steps, BUCKETS);
        for (int i = 0; i < clear; i++) {
            newest = (newest + 1) % BUCKETS;
            calls[newest] = 0;
            retries[newest] = 0;
        }
        bucketStart += steps * bucketNanos;
    }

    /** {@return the share of calls that may be retried, in percent} */
    int percent() {
        return percent;
    }

    /** {@return retries allowed per second however few the calls} */
    double floorPerSecond() {
        return floorPerSecond;
    }
}
