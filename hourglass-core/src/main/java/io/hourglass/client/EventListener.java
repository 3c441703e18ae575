package io.hourglass.client;

import io.hourglass.http.Phase;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Receives the events of calls, in the spirit of Go's httptrace and OkHttp's EventListener. Events come in
 * pairs (start with end or failed). Callbacks run on the thread that caused them, must be fast and must not
 * throw; an exception from one is ignored.
 *
 * <p>Order within one call: {@code callStart}, then {@code poolAcquired} (after {@code connectStart} /
 * {@code connectEnd} and {@code tlsStart} / {@code tlsEnd} for a new connection), {@code requestWritten},
 * {@code responseHeaders}, {@code bodyDone}, {@code callEnd}; or {@code timeout} and {@code callFailed}.
 * Connection events ({@code connectionReused}, {@code drainStart}, {@code drainEnd}, {@code connectionDrained},
 * {@code connectionClosed}) may come later, from a drain.
 *
 * <p>A call that gives up waiting for the pool gets {@code timeout} with {@link Phase#POOL_WAIT} and then
 * {@code callFailed} with a {@link PoolTimeoutException}, which names the limit that passed and how many
 * connections were in use and draining.
 *
 * <p>Drains ({@link TimeoutPolicy#DRAIN}): {@code drainStart} when a connection begins reading a late response
 * for a call that gave up; then exactly one {@code drainEnd} with its {@link DrainResult}, followed by
 * {@code connectionDrained} (kept for existing listeners) and, when the connection was closed,
 * {@code connectionClosed}. A preempted drain's {@code drainEnd} runs on the thread of the call that took its
 * place, before that call's {@code connectStart}.
 */
public interface EventListener {
    /** A listener that ignores everything. */
    EventListener NONE = new EventListener() { };

    default void callStart(ClientRequest request) { }
    /** A connection was taken for the call; {@code waitedNanos} spent waiting for the pool's limit. */
    default void poolAcquired(ClientRequest request, long connectionId, boolean reused, long waitedNanos) { }
    default void connectStart(ClientRequest request, InetSocketAddress address) { }
    default void connectEnd(ClientRequest request, long connectionId) { }
    default void connectFailed(ClientRequest request, InetSocketAddress address, IOException error) { }
    default void tlsStart(ClientRequest request, long connectionId) { }
    default void tlsEnd(ClientRequest request, long connectionId) { }
    default void requestWritten(ClientRequest request, long connectionId) { }
    default void responseHeaders(ClientRequest request, long connectionId, int status) { }
    default void bodyDone(ClientRequest request, long connectionId, long bytes) { }
    default void timeout(ClientRequest request, Phase phase) { }
    default void callEnd(ClientRequest request) { }
    default void callFailed(ClientRequest request, IOException error) { }
    /** A pooled connection was taken again. */
    default void connectionReused(long connectionId) { }
    /** A connection began draining the late response of a call that gave up (DRAIN policy). */
    default void drainStart(long connectionId) { }
    /** The drain of {@code drainStart} ended: back to the pool, or closed and why. */
    default void drainEnd(long connectionId, DrainResult result) { }
    /** A draining connection finished: {@code reusable} when it went back to the pool ({@link DrainResult#REUSED}). */
    default void connectionDrained(long connectionId, boolean reusable) { }
    /** A connection was closed, with a short reason ("timeout", "idle", "server closed", ...). */
    default void connectionClosed(long connectionId, String reason) { }
}
