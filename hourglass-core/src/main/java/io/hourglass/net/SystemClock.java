package io.hourglass.net;

import java.util.concurrent.locks.LockSupport;

/** {@link Clock#system()}: {@link System#nanoTime()}, and real parking. */
enum SystemClock implements Clock {
    INSTANCE;

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void sleepUntil(long deadline) {
        if (deadline == 0) {
            LockSupport.park(this);
            return;
        }
        long wait = deadline - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(this, wait);
        }
    }

    @Override
    public void wake(Thread sleeper) {
        LockSupport.unpark(sleeper);
    }

    @Override
    public String toString() {
        return "system clock";
    }
}
