package io.hourglass.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for an observable state in hourglass-core's own tests: the one poll helper they share (test sources
 * only; not part of the published test kit). Use it where no latch, hook or event listener tells that something
 * has happened, instead of a sleep that hopes it has: the wait ends as soon as the state holds, and a state that
 * never comes fails the test with what was awaited, rather than letting it go on to a misleading assertion.
 */
public final class Await {
    private static final long MAX_PAUSE_MS = 10;

    private Await() {
    }

    /**
     * Polls {@code done} until it returns true.
     *
     * @param what the awaited state, in words, for the failure message
     * @param atMost how long to poll: generous (seconds), it bounds a broken test, not a measurement
     * @param done the state, read without side effects
     * @throws AssertionError when {@code done} is still false after {@code atMost}
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public static void until(String what, Duration atMost, BooleanSupplier done) throws InterruptedException {
        long t0 = System.nanoTime();
        long limit = atMost.toNanos();
        long pause = 1; // short first: most states hold within a millisecond or two on loopback
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - t0 > limit) {
                throw new AssertionError("still waiting after " + atMost.toMillis() + " ms until " + what);
            }
            Thread.sleep(pause); // a poll interval; the deadline above bounds the loop
            pause = Math.min(MAX_PAUSE_MS, pause * 2);
        }
    }

    /** {@link #until(String, Duration, BooleanSupplier)} for at most 5 seconds. */
    public static void until(String what, BooleanSupplier done) throws InterruptedException {
        until(what, Duration.ofSeconds(5), done);
    }
}
