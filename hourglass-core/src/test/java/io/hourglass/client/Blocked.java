package io.hourglass.client;

/**
 * Whether a test's caller thread is blocked waiting for the peer: parked (a virtual thread anywhere, a platform
 * thread on the reader thread's hand-off), or a platform thread in the epoll wait of its connection's
 * selector, which the JVM reports as RUNNABLE (the plaintext client on JDK 25+, see ChannelIo). The tests'
 * ordering hook ("the cancel or interrupt comes while the caller waits"), by the thread's state, not a sleep.
 */
final class Blocked {
    private Blocked() {
    }

    static boolean waiting(Thread t) {
        Thread.State st = t.getState();
        if (st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING) {
            return true;
        }
        if (st != Thread.State.RUNNABLE) {
            return false;
        }
        StackTraceElement[] stack = t.getStackTrace();
        if (stack.length == 0 || !stack[0].getClassName().equals("sun.nio.ch.EPoll")) {
            return false;
        }
        for (StackTraceElement e : stack) {
            if (e.getClassName().equals("io.hourglass.internal.io.ChannelIo")) {
                return true;
            }
        }
        return false;
    }
}
