package io.hourglass.internal;

import io.hourglass.http.Deadline;
import java.util.function.Supplier;

/**
 * A thread's current {@link Deadline}: the holder {@link Deadline#current()} reads, one per thread that ever had a
 * deadline, kept in {@code Deadline}'s {@link ThreadLocal}. Not public API.
 *
 * <p>The server's HTTP/1.1 connection runs its handlers on its own thread, one request after another: it looks
 * its thread's slot up once and then makes each request's deadline current with two field writes, where
 * {@link Deadline#call} takes a thread-local look-up, a lambda and a deadline per request (issue 17: 1.7 % of
 * the server's CPU at 64 connections). {@code Deadline} hands the look-up to this class when it is initialized.
 */
public final class DeadlineSlot {
    /** The thread's current deadline, null for none. Only the thread that owns the slot reads or writes it. */
    public Deadline current;

    // Written once, by Deadline's static initializer. Volatile for the same reason as HeadersAccess's appender.
    private static volatile Supplier<DeadlineSlot> ofCurrentThread;

    /** Called once by {@link Deadline}'s static initializer; a second call fails. */
    public static void install(Supplier<DeadlineSlot> s) {
        if (ofCurrentThread != null) {
            throw new IllegalStateException("already installed");
        }
        ofCurrentThread = s;
    }

    /** {@return the calling thread's slot, made now if it had none} */
    public static DeadlineSlot ofCurrentThread() {
        Supplier<DeadlineSlot> s = ofCurrentThread;
        if (s == null) {
            Deadline.current(); // initializes Deadline, which installs the look-up
            s = ofCurrentThread;
        }
        return s.get();
    }
}
