package io.hourglass.client;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import java.time.Duration;

/**
 * A call waited for a connection and gave up: every one of the origin's {@link ClientConfig#maxConnsPerHost()}
 * connections was busy, and either {@link ClientConfig#poolWaitTimeout()} or the call's own deadline (its
 * total timeout, or {@link ClientRequest#deadline()}) passed first. Nothing was sent upstream.
 *
 * <p>Its {@link #phase()} is always {@link Phase#POOL_WAIT}, and {@link #limit()} the limit that passed;
 * {@link #callDeadline()} says which. The message and the accessors say what held the connections: carrying
 * calls ({@link #inUse()}) or draining late responses ({@link #draining()}), e.g.
 * {@code no connection available within 1s after 1.001s (the call's timeout passed while it waited for the
 * pool: all 64 connections to 127.0.0.1:8080 are busy, 20 in use and 44 draining; maxConnsPerHost=64; GET
 * http://127.0.0.1:8080/hello)}.
 *
 * <p>Counted in {@code hourglass_timeouts_total{side="client",phase="pool-wait"}} and in
 * {@code hourglass_client_pool_timeouts_total{host,held_by}}, where {@code held_by} is {@code draining} when at
 * least one connection was draining (a {@link TimeoutPolicy#CLOSE} client would have had that slot free), else
 * {@code in_use}.
 */
public final class PoolTimeoutException extends HttpTimeoutException {
    /** Whether the call's own deadline passed first. */
    private final boolean callDeadline;
    /** The cap that was reached. */
    private final int maxConnsPerHost;
    /** Connections carrying a call when this one gave up. */
    private final int inUse;
    /** Connections draining a late response when this one gave up. */
    private final int draining;

    PoolTimeoutException(Duration limit, Duration elapsed, String context, boolean callDeadline,
            int maxConnsPerHost, int inUse, int draining) {
        super(Phase.POOL_WAIT, limit, elapsed, context);
        this.callDeadline = callDeadline;
        this.maxConnsPerHost = maxConnsPerHost;
        this.inUse = inUse;
        this.draining = draining;
    }

    /**
     * {@return true when the call's own deadline passed while it waited (its {@link #limit()} is then the
     * call's total timeout); false when {@link ClientConfig#poolWaitTimeout()} did}
     */
    public boolean callDeadline() {
        return callDeadline;
    }

    /** {@return the cap that was reached: {@link ClientConfig#maxConnsPerHost()}} */
    public int maxConnsPerHost() {
        return maxConnsPerHost;
    }

    /** {@return the connections carrying a call (or being opened for one) when the call gave up} */
    public int inUse() {
        return inUse;
    }

    /** {@return the connections draining a late response for a call that had given up, when this call gave up} */
    public int draining() {
        return draining;
    }
}
