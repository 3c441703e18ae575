package io.hourglass.internal;

import io.hourglass.observe.Gauge;
import java.util.function.LongSupplier;

/**
 * The server's route to a {@link Gauge.Child}'s computed parts, which are not public API.
 *
 * <p>A server counts its connections by state ({@code hourglass_server_connections{state}}) from the state field
 * each connection keeps anyway, when the gauge is read, instead of moving two gauge children twice per request
 * (four {@code LongAdder} updates on the request path, issue 17). The gauge stays a set gauge whose children
 * other servers and code may also move; a server only adds its part to the children's value. {@link Gauge}
 * hands the attach operation to this class when it is initialized, which happens before any child exists; the
 * same pattern as {@link HeadersAccess}.
 */
public final class GaugeAccess {
    /** What {@link Gauge} lends: adds {@code part} to {@code child}'s value; the returned action removes it. */
    @FunctionalInterface
    public interface Attacher {
        Runnable attach(Gauge.Child child, LongSupplier part);
    }

    private static final Lent<Attacher> ATTACHER = new Lent<>("io.hourglass.observe.Gauge");

    private GaugeAccess() {}

    /** Called once by {@link Gauge}'s static initializer; a second call fails. */
    public static void install(Attacher a) {
        ATTACHER.install(a);
    }

    /**
     * Adds {@code part.getAsLong()}, computed at each read of the value, to {@code child}'s value, until the
     * returned action runs. {@code part} runs on the reading thread (a scrape): it must be quick, never block,
     * and not call back into the registry.
     */
    public static Runnable attach(Gauge.Child child, LongSupplier part) {
        return ATTACHER.get().attach(child, part);
    }
}
