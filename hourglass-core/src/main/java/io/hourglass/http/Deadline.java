package io.hourglass.http;

import io.hourglass.internal.text.Durations;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * An instant by which some work must be done, and the one that travels: a server's request has one, the code
 * its handler calls finds it with {@link #current()}, and the client calls made from there are bounded by it
 * and pass what is left of it on to the next server (issue 14).
 *
 * <p><b>Where one comes from.</b> While a handler runs, the server makes the request's deadline current on the
 * handler's thread: the earlier of the handler timeout's deadline, the response's write deadline, and the
 * deadline the client sent in its {@code Request-Timeout} (or {@code grpc-timeout}) header, less a reserve
 * ({@code ServerConfig.honourDeadlines}). Code that is not a handler makes one with {@link #after} and runs
 * the work under it with {@link #run} or {@link #call}. A deadline is an instant on the monotonic clock
 * ({@link System#nanoTime()}): it does not move when the system clock is set, and is compared by subtraction.
 *
 * <p><b>What it does to a client call.</b> A call made while a deadline is current has as its total timeout
 * the smaller of its own and the time left less the client's reserve; when nothing is left it fails at once,
 * sending nothing, with {@link HttpTimeoutException} phase {@link Phase#DEADLINE}; and it sends what is left
 * in the deadline header, so the server it calls can stop when the caller has given up
 * ({@code ClientConfig.inheritDeadline}, {@code forwardDeadline}).
 *
 * <p><b>Threads.</b> The current deadline belongs to a thread (a {@link ThreadLocal}): it is not inherited by
 * threads the handler starts, nor by an executor's tasks. Work handed to another thread on the request's
 * behalf takes it along explicitly:
 * <pre>{@code
 * Deadline d = Deadline.current().orElseThrow();
 * executor.submit(() -> d.call(() -> client.send(request)));
 * }</pre>
 * and work that must outlive the request (an audit write, a cache fill) runs {@link #detached}, so that it is
 * bounded by its own timeouts only.
 *
 * <p>Immutable and thread-safe. Two deadlines are equal when their instants are.
 */
public final class Deadline implements Comparable<Deadline> {
    // Plain (not inheritable) ThreadLocal: an inheritable one would hand a request's deadline to every thread
    // created while it is current, pool workers included, which would keep it long after the request ended.
    private static final ThreadLocal<Deadline> CURRENT = new ThreadLocal<>();

    private final long nanoTime;

    private Deadline(long nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * The deadline a given time from now.
     *
     * @param timeout how long from now; zero gives a deadline that has already passed
     * @return the deadline now plus {@code timeout}, saturated to about 292 years
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    public static Deadline after(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("deadline timeout must not be negative: " + timeout);
        }
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE / 2;
        }
        return new Deadline(System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 2));
    }

    /**
     * The deadline at an instant of {@link System#nanoTime()}, for code that keeps its instants that way (as
     * {@code Conn} does).
     *
     * @param nanoTime the instant
     * @return the deadline
     */
    public static Deadline atNanoTime(long nanoTime) {
        return new Deadline(nanoTime);
    }

    /**
     * The deadline of the work this thread is doing: the request's while a handler runs, the one given to
     * {@link #run} or {@link #call} while their work runs.
     *
     * @return the current deadline, which may have passed already; empty when there is none (outside a
     *     handler, or in {@link #detached} work)
     */
    public static Optional<Deadline> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /**
     * Runs work with no current deadline, on this thread: client calls it makes are bounded by their own
     * timeouts only, and send no deadline header. For work that must outlive the request, such as a write
     * that must happen even when the caller has gone. It does not stop a cancellation from reaching the
     * thread: a handler's thread is still interrupted when its request is cancelled, so such work belongs on a
     * thread of its own ({@code Thread.startVirtualThread(() -> Deadline.detached(work))} is only needed when
     * that thread might run under a deadline, for instance in an executor that sets one).
     *
     * @param work what to run
     */
    public static void detached(Runnable work) {
        Deadline outer = CURRENT.get();
        CURRENT.set(null);
        try {
            work.run();
        } finally {
            restore(outer);
        }
    }

    /**
     * Runs work with no current deadline, on this thread, and returns its result; as {@link #detached(Runnable)}.
     *
     * @param work what to run
     * @param <T> what it returns
     * @return what the work returned
     * @throws Exception what the work threw
     */
    public static <T> T detached(Callable<T> work) throws Exception {
        Deadline outer = CURRENT.get();
        CURRENT.set(null);
        try {
            return work.call();
        } finally {
            restore(outer);
        }
    }

    /**
     * Runs work on this thread with this deadline current, or the current one when that is earlier: a
     * deadline can only be shortened this way, never extended (run the work {@link #detached} first for
     * that). The previous deadline is current again afterwards.
     *
     * @param work what to run
     */
    public void run(Runnable work) {
        Deadline outer = CURRENT.get();
        CURRENT.set(earlier(outer));
        try {
            work.run();
        } finally {
            restore(outer);
        }
    }

    /**
     * Runs work on this thread with this deadline current (or an earlier current one) and returns its result;
     * as {@link #run}.
     *
     * @param work what to run
     * @param <T> what it returns
     * @return what the work returned
     * @throws Exception what the work threw
     */
    public <T> T call(Callable<T> work) throws Exception {
        Deadline outer = CURRENT.get();
        CURRENT.set(earlier(outer));
        try {
            return work.call();
        } finally {
            restore(outer);
        }
    }

    private Deadline earlier(Deadline other) {
        return other == null || nanoTime - other.nanoTime <= 0 ? this : other;
    }

    private static void restore(Deadline outer) {
        // set(null) rather than remove(): the thread keeps its map entry, so the next request on it (a server
        // connection's thread runs one handler after another) stores its deadline without allocating one
        CURRENT.set(outer);
    }

    /** {@return the instant, as a {@link System#nanoTime()} value} */
    public long nanoTime() {
        return nanoTime;
    }

    /** {@return the time left until the deadline, {@link Duration#ZERO} once it has passed (never negative)} */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, nanoTime - System.nanoTime()));
    }

    /** {@return whether the deadline has passed} */
    public boolean isExpired() {
        return nanoTime - System.nanoTime() <= 0;
    }

    /** Orders by instant, the earlier first (compared by subtraction, as {@link System#nanoTime()} asks). */
    @Override
    public int compareTo(Deadline other) {
        return Long.signum(nanoTime - other.nanoTime);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Deadline d && d.nanoTime == nanoTime;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(nanoTime);
    }

    /** {@return the time left, e.g. {@code Deadline[in 250ms]}, or {@code Deadline[passed 3ms ago]}} */
    @Override
    public String toString() {
        long left = nanoTime - System.nanoTime();
        return left > 0 ? "Deadline[in " + Durations.format(Duration.ofNanos(left)) + "]"
                : "Deadline[passed " + Durations.format(Duration.ofNanos(-left)) + " ago]";
    }
}
