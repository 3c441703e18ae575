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
 * Connection events ({@code connectionReused}, {@code connectionDrained}, {@code connectionClosed}) may come
 * later, from a drain.
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
    /** A draining connection finished: {@code reusable} when it went back to the pool. */
    default void connectionDrained(long connectionId, boolean reusable) { }
    /** A connection was closed, with a short reason ("timeout", "idle", "server closed", ...). */
    default void connectionClosed(long connectionId, String reason) { }
}
