package io.hourglass.internal.io;

import io.hourglass.net.Clock;
import io.hourglass.net.Conn;
import java.io.IOException;

/**
 * The client's route to {@link Conn}'s channel-backed mode ({@link ChannelIo}), which is not public API: a
 * {@code Conn} over a non-blocking channel is only ever made and read by the HTTP/1.1 client. {@code Conn}
 * hands its factory and accessor to this class when it is initialized; this package is not exported. The
 * same pattern as {@code HeadersAccess}.
 */
public final class ConnAccess {
    /** What {@link Conn} lends to the client. */
    public interface Lender {
        /** A connection whose reads and writes go through {@code io}, its deadlines on {@code clock}. */
        Conn ofChannel(ChannelIo io, Clock clock);

        /** The channel under {@code c}, or null for a socket-backed connection. */
        ChannelIo channel(Conn c);
    }

    // Written once, by Conn's static initializer. Volatile so that a reader never depends on how class
    // initialization orders the write before another thread's first use.
    private static volatile Lender lender;

    private ConnAccess() {}

    /** Called once by {@link Conn}'s static initializer; a second call fails. */
    public static void install(Lender l) {
        if (lender != null) {
            throw new IllegalStateException("already installed");
        }
        lender = l;
    }

    /** A connection over {@code io}, whose deadlines follow {@code clock}. */
    public static Conn ofChannel(ChannelIo io, Clock clock) {
        return lender().ofChannel(io, clock);
    }

    /** {@return the channel under {@code c}, or null when it is socket-backed} */
    public static ChannelIo channel(Conn c) {
        return lender().channel(c);
    }

    private static Lender lender() {
        Lender l = lender;
        if (l == null) {
            try {
                Class.forName(Conn.class.getName(), true, Conn.class.getClassLoader()); // runs its installer
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            l = lender;
        }
        return l;
    }
}
