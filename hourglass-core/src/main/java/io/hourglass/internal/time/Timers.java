package io.hourglass.internal.time;

import io.hourglass.internal.Lent;
import io.hourglass.net.Clock;

/**
 * One-shot wake-ups on the deadline timer of a {@link Clock}, for waits that have no connection to hang a
 * deadline on: a caller waiting for the pool, a dial waiting for its fallback delay or its connect deadline.
 * They run on the timer thread of that clock, so they pass on a test's manual clock as the connections'
 * deadlines do. The timer lives in {@code io.hourglass.net}, whose API it is not part of: it lends this
 * class its scheduler when it is initialized (a {@link io.hourglass.internal.Lent}, as {@code HeadersAccess} does).
 */
public final class Timers {
    /** A scheduled wake-up. */
    public interface Task {
        /** Cancels the wake-up if it has not run; idempotent. */
        void cancel();
    }

    /** What the timer lends. */
    @FunctionalInterface
    public interface Scheduler {
        Task schedule(Clock clock, long at, Runnable action);
    }

    private static final Lent<Scheduler> SCHEDULER = new Lent<>("io.hourglass.net.DeadlineTimer");

    private Timers() {}

    /** Called once by the timer's static initializer; a second call fails. */
    public static void install(Scheduler s) {
        SCHEDULER.install(s);
    }

    /**
     * Runs {@code action} once on the timer thread of {@code clock} at about {@code at} (1 ms late at most,
     * typically): it must only hand work off, never block.
     *
     * @param at a {@link Clock#nanoTime()} instant of {@code clock}
     * @return the task, to cancel it
     */
    public static Task schedule(Clock clock, long at, Runnable action) {
        return SCHEDULER.get().schedule(clock, at, action);
    }
}
