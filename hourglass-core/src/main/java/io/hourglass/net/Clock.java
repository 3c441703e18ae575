package io.hourglass.net;

/**
 * Where Hourglass takes its time from: a monotonic count of nanoseconds, as {@link System#nanoTime()}, and the
 * one way its deadline timer waits for that count to move. {@link #system()} is the default everywhere.
 *
 * <p>A test may give a {@link Conn} (or a {@code Client}) another clock, such as hourglass-testing's
 * {@code ManualClock}: every deadline, alarm and timeout of what uses it then passes when that clock says so,
 * with no sleeping in the test. Each clock gets its own timer thread (a timing wheel, the same as the system
 * clock's), started when the first deadline is armed on it, which waits only through {@link #sleepUntil}.
 *
 * <p>Implementations must be thread-safe: any thread reads the time, and the timer thread sleeps on it.
 */
public interface Clock {
    /**
     * The current instant.
     *
     * @return nanoseconds from an arbitrary origin, never going backwards; compare instants by subtraction,
     *     as with {@link System#nanoTime()}
     */
    long nanoTime();

    /**
     * Parks the calling thread until {@link #nanoTime()} reaches {@code deadline}, or until it is unparked
     * ({@link java.util.concurrent.locks.LockSupport#unpark}); it may also return early for no reason, as
     * {@code LockSupport.park} may. Only Hourglass's timer thread calls it.
     *
     * @param deadline a {@link #nanoTime()} instant, or 0 to wait until unparked
     */
    void sleepUntil(long deadline);

    /**
     * Wakes a thread that sleeps (or is about to sleep) in {@link #sleepUntil}: the timer's armers call it when
     * they queued something earlier than the timer sleeps for, and the timer once when it creates its thread.
     * The system clock unparks the thread; a manual clock also notes that the thread is busy until it sleeps
     * again.
     *
     * @param sleeper the timer's thread
     */
    void wake(Thread sleeper);

    /** {@return the clock of the JVM: {@link System#nanoTime()}, with real sleeps} */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
