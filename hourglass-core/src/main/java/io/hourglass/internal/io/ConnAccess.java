package io.hourglass.internal.io;

import io.hourglass.internal.Lent;
import io.hourglass.net.Clock;
import io.hourglass.net.Conn;

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

    private static final Lent<Lender> LENDER = new Lent<>("io.hourglass.net.Conn");

    private ConnAccess() {}

    /** Called once by {@link Conn}'s static initializer; a second call fails. */
    public static void install(Lender l) {
        LENDER.install(l);
    }

    /** A connection over {@code io}, whose deadlines follow {@code clock}. */
    public static Conn ofChannel(ChannelIo io, Clock clock) {
        return LENDER.get().ofChannel(io, clock);
    }

    /** {@return the channel under {@code c}, or null when it is socket-backed} */
    public static ChannelIo channel(Conn c) {
        return LENDER.get().channel(c);
    }
}
