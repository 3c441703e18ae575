package io.hourglass.http;

import io.hourglass.internal.text.Durations;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A timeout of a server or client phase. The message names the phase, the limit, the time spent and the
 * connection, e.g. {@code response headers not received within 1s after 1.002s (GET /slow, connection #12,
 * reused)}. Callers switch on {@link #phase()} rather than matching the text.
 */
public class HttpTimeoutException extends SocketTimeoutException {
    /** The phase that timed out. */
    private final Phase phase;
    /** The configured limit that passed. */
    private final Duration limit;
    /** How long the phase had run. */
    private final Duration elapsed;

    /**
     * A timeout whose message is built from the arguments.
     *
     * @param phase the phase that timed out
     * @param limit the limit that passed
     * @param elapsed how long the phase had run
     * @param context what was going on (request, connection), added in parentheses; may be null
     */
    public HttpTimeoutException(Phase phase, Duration limit, Duration elapsed, String context) {
        super(phase.what() + " within " + Durations.format(limit) + " after " + Durations.format(elapsed)
                + (context == null || context.isEmpty() ? "" : " (" + context + ")"));
        this.phase = phase;
        this.limit = limit;
        this.elapsed = elapsed;
    }

    /** {@return which phase timed out} */
    public Phase phase() {
        return phase;
    }

    /** {@return the configured limit that passed} */
    public Duration limit() {
        return limit;
    }

    /** {@return how long the phase had run when it was given up} */
    public Duration elapsed() {
        return elapsed;
    }
}
