package io.hourglass.testing;

import io.hourglass.net.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Clock} that moves only when the test says so: deadlines, alarms and timeouts of the connections
 * and clients built on it pass at {@link #advance}, at once, with no sleeping in the test.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * Client client = new Client(ClientConfig.builder().timeout(Duration.ofSeconds(2)).build(),
 *         new MetricsRegistry(), clock);
 * Future<?> call = executor.submit(() -> client.send(ClientRequest.get(server.url("/stall"))));
 * clock.advance(Duration.ofSeconds(2));   // the call fails now with HttpTimeoutException (phase TOTAL)
 * }</pre>
 *
 * <p><b>What moves with it.</b> Everything Hourglass times on the clock's timer thread: a {@code Conn}'s read
 * and write deadlines and alarm, and through them a client's call, phase, drain and pool-idle timeouts, its
 * pool-wait timeout, connect timeout and Happy Eyeballs fallback delay. Not the network, nor code that
 * sleeps for real: a handler's {@code Thread.sleep}, the kernel's TCP timers.
 *
 * <p><b>When {@link #advance} returns</b>, the timer thread of this clock has handled everything that came
 * due: sockets whose deadline passed are shut down or reset, alarms have run. What an alarm hands to another
 * thread (a call waking up to fail with its timeout, a drain ending) happens just after: wait for it with a
 * latch or a future, as for any other thread.
 *
 * <p>Thread-safe. The clock starts at an arbitrary instant; only differences between instants mean anything.
 */
public final class ManualClock implements Clock {
    private static final long QUIET_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition asleep = lock.newCondition();
    // The current instant. Written under the lock; volatile because every Hourglass thread reads it without.
    private volatile long now = 1_000_000_000_000L; // whole milliseconds, as the timer's ticks
    private final Map<Thread, Long> sleepers = new HashMap<>(); // guarded by lock: timer threads asleep, and until when
    private final Set<Thread> timers = new HashSet<>();        // guarded by lock: every thread that ever slept here

    /** A clock at an arbitrary instant, which moves only by {@link #advance}. */
    public ManualClock() {}

    @Override
    public long nanoTime() {
        return now;
    }

    /**
     * Moves the clock forward and returns once the timer thread has handled everything that came due.
     *
     * @param by how far; zero lets the timer handle what is already due
     * @throws IllegalArgumentException if {@code by} is negative
     * @throws IllegalStateException if the timer thread stays busy for 10 seconds of real time (an alarm that
     *     blocks, which Hourglass's never do)
     */
    public void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("a clock does not go back: " + by);
        }
        lock.lock();
        try {
            awaitQuiet();
            now += by.toNanos();
            while (wakeDue()) {
                awaitQuiet();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the sleepers whose instant has come; false when there is none. Under the lock. */
    private boolean wakeDue() {
        boolean woke = false;
        for (Iterator<Map.Entry<Thread, Long>> it = sleepers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Thread, Long> e = it.next();
            long until = e.getValue();
            if (until != 0 && until - now <= 0) {
                it.remove(); // busy from now until it sleeps again
                LockSupport.unpark(e.getKey());
                woke = true;
            }
        }
        return woke;
    }

    /** Waits until every timer thread of this clock sleeps. Under the lock. */
    private void awaitQuiet() {
        long limit = System.nanoTime() + QUIET_LIMIT_NANOS;
        while (!sleepers.keySet().containsAll(timers)) {
            long left = limit - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("the clock's timer thread did not go back to sleep within 10 s");
            }
            try {
                asleep.awaitNanos(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the clock's timer thread", e);
            }
        }
    }

    /** Only Hourglass's timer thread calls this: it sleeps until {@link #advance} passes {@code deadline}. */
    @Override
    public void sleepUntil(long deadline) {
        Thread t = Thread.currentThread();
        lock.lock();
        try {
            if (deadline != 0 && deadline - now <= 0) {
                return; // due already
            }
            sleepers.put(t, deadline);
            timers.add(t);
            asleep.signalAll();
        } finally {
            lock.unlock();
        }
        LockSupport.park(this);
        lock.lock();
        try {
            sleepers.remove(t);
        } finally {
            lock.unlock();
        }
    }

    /** Hourglass's timer calls this when it wakes its thread, and once when it creates it. */
    @Override
    public void wake(Thread sleeper) {
        lock.lock();
        try {
            timers.add(sleeper);
            sleepers.remove(sleeper); // busy until it sleeps again: advance waits for it
        } finally {
            lock.unlock();
        }
        LockSupport.unpark(sleeper);
    }

    @Override
    public String toString() {
        return "ManualClock@" + Integer.toHexString(System.identityHashCode(this));
    }
}
