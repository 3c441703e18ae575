package io.hourglass.http;

import io.hourglass.internal.Durations;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A timeout of a server or client phase. The message names the phase, the limit, the time spent and the
 * connection, e.g. {@code response headers not received within 1s after 1.002s (GET /slow, connection #12,
 * reused)}. Callers switch on {@link #phase()} rather than matching the text.
 */
public class HttpTimeoutException extends SocketTimeoutException {
    private final Phase phase;
    private final Duration limit;
    private final Duration elapsed;

    public HttpTimeoutException(Phase phase, Duration limit, Duration elapsed, String context) {
        super(phase.what() + " within " + Durations.format(limit) + " after " + Durations.format(elapsed)
                + (context == null || context.isEmpty() ? "" : " (" + context + ")"));
        this.phase = phase;
        this.limit = limit;
        this.elapsed = elapsed;
    }

    /** Which phase timed out. */
    public Phase phase() {
        return phase;
    }

    /** The configured limit that passed. */
    public Duration limit() {
        return limit;
    }

    /** How long the phase had run when it was given up. */
    public Duration elapsed() {
        return elapsed;
    }
}
