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
 * <p>A call of several hops (redirects, an {@link Authenticator}'s answer, the retry of a stale pooled
 * connection; see {@link Interceptor}) gets {@code callStart} once, then for each hop its connection and
 * exchange events ({@code poolAcquired} ... {@code responseHeaders}) with that hop's request, separated by
 * {@code followUp}; then {@code callEnd} or {@code callFailed} once, with the call's first request.
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
 *
 * <p>HTTP/2: a call opens a stream ({@code streamOpened}, after {@code poolAcquired}, before
 * {@code requestWritten}); a stream reset by either side gets {@code streamReset}. The connection's own
 * events come from whichever thread saw them: {@code pingSent} then exactly one of {@code pingAcked} or
 * {@code pingTimedOut} (which closes the connection), and {@code goAwayReceived}.
 */
public interface EventListener {
    /** A listener that ignores everything. */
    EventListener NONE = new EventListener() { };

    /**
     * A call started, before it asks the pool for a connection.
     *
     * @param request the call's request
     */
    default void callStart(ClientRequest request) { }
    /**
     * A connection was taken for the call, new or pooled.
     *
     * @param request the call's request
     * @param connectionId the connection's id, as in messages
     * @param reused whether it came from the pool
     * @param waitedNanos the time spent waiting for the pool's limit
     */
    default void poolAcquired(ClientRequest request, long connectionId, boolean reused, long waitedNanos) { }
    /**
     * A TCP connect to one address starts.
     *
     * @param request the call's request
     * @param address the address tried
     */
    default void connectStart(ClientRequest request, InetSocketAddress address) { }
    /**
     * A TCP connect succeeded (before TLS, for https).
     *
     * @param request the call's request
     * @param connectionId the connection's id, as in messages
     */
    default void connectEnd(ClientRequest request, long connectionId) { }
    /**
     * A TCP connect to one address failed; the next address may follow.
     *
     * @param request the call's request
     * @param address the address tried
     * @param error why it failed (a timeout is a {@link io.hourglass.http.HttpTimeoutException})
     */
    default void connectFailed(ClientRequest request, InetSocketAddress address, IOException error) { }
    /**
     * A TLS handshake starts on a new connection.
     *
     * @param request the call's request
     * @param connectionId the connection's id, as in messages
     */
    default void tlsStart(ClientRequest request, long connectionId) { }
    /**
     * A TLS handshake completed.
     *
     * @param request the call's request
     * @param connectionId the connection's id, as in messages
     */
    default void tlsEnd(ClientRequest request, long connectionId) { }
    /**
     * The request, body included, has been written; the response-header timeout starts.
     *
     * @param request the call's request
     * @param connectionId the connection's id, as in messages
     */
    default void requestWritten(ClientRequest request, long connectionId) { }
    /**
     * The response's status line and headers have been read.
     *
     * @param request the call's request
     * @param connectionId the connection's id, as in messages
     * @param status the status code
     */
    default void responseHeaders(ClientRequest request, long connectionId, int status) { }
    /**
     * The response body has been read to its end.
     *
     * @param request the call's request
     * @param connectionId the connection's id, as in messages
     * @param bytes the body bytes read
     */
    default void bodyDone(ClientRequest request, long connectionId, long bytes) { }
    /**
     * A call goes on with another hop: {@code next} follows a redirect (status 3xx), answers a challenge
     * (401, 407; from an {@link Authenticator}), or retries a request whose reused connection turned out
     * closed before any byte of the response (status 0; RFC 9110 section 9.2.2). The response to
     * {@code request} is discarded.
     *
     * @param request the hop's request, as the client's follow-ups sent it
     * @param status the status of its response, or 0 for the retry of a stale connection
     * @param next the next hop's request
     */
    default void followUp(ClientRequest request, int status, ClientRequest next) { }
    /**
     * A timeout passed, once per call, before {@code callFailed}; the same moment counts in
     * {@code hourglass_timeouts_total{side="client"}}.
     *
     * @param request the call's request
     * @param phase the phase that timed out
     */
    default void timeout(ClientRequest request, Phase phase) { }
    /**
     * A call ended well: its body was read to its end or closed.
     *
     * @param request the call's request
     */
    default void callEnd(ClientRequest request) { }
    /**
     * A call failed.
     *
     * @param request the call's request
     * @param error the failure the caller sees
     */
    default void callFailed(ClientRequest request, IOException error) { }
    /**
     * A pooled connection was taken again.
     *
     * @param connectionId the connection's id, as in messages
     */
    default void connectionReused(long connectionId) { }
    /**
     * A connection began draining the late response of a call that gave up (policy {@link TimeoutPolicy#DRAIN}):
     * its caller timed out, was cancelled, or closed the body early. Exactly one {@code drainEnd} follows.
     *
     * @param connectionId the connection's id, as in messages
     */
    default void drainStart(long connectionId) { }
    /**
     * The drain of {@code drainStart} ended. Counted in {@code hourglass_client_drains_total{result}}.
     *
     * @param connectionId the connection's id, as in messages
     * @param result back to the pool, or closed and why
     */
    default void drainEnd(long connectionId, DrainResult result) { }
    /**
     * A draining connection finished draining a late response; follows {@code drainEnd}, kept for listeners
     * written before it.
     *
     * @param connectionId the connection's id, as in messages
     * @param reusable true when it went back to the pool ({@link DrainResult#REUSED}), false when it was closed
     */
    default void connectionDrained(long connectionId, boolean reusable) { }
    /**
     * A connection was closed.
     *
     * @param connectionId the connection's id, as in messages
     * @param reason a short reason: "timeout", "idle", "server closed", ...
     */
    default void connectionClosed(long connectionId, String reason) { }
    /**
     * HTTP/2: the call's stream was opened (its HEADERS sent). Counted in
     * {@code hourglass_client_http2_streams_opened_total}.
     *
     * @param request the call's request
     * @param connectionId the connection's id, as in messages
     * @param streamId the stream's id
     */
    default void streamOpened(ClientRequest request, long connectionId, int streamId) { }
    /**
     * HTTP/2: a stream was reset (RST_STREAM): by the client when its call timed out, was cancelled, closed its
     * body early, or received a malformed response; or by the server. The connection carries on. Counted in
     * {@code hourglass_client_http2_resets_total{side,code}}.
     *
     * @param connectionId the connection's id, as in messages
     * @param streamId the stream's id
     * @param byServer true when the server sent the reset, false when the client did
     * @param errorCode the RST_STREAM error code's name (RFC 9113 section 7), e.g. {@code CANCEL}, or
     *     {@code 0x..} for a code RFC 9113 does not define
     */
    default void streamReset(long connectionId, int streamId, boolean byServer, String errorCode) { }
    /**
     * HTTP/2: a PING was sent to check that the connection is alive; {@code pingAcked} or {@code pingTimedOut}
     * follows. Counted in {@code hourglass_client_http2_pings_total{event="sent"}}.
     *
     * @param connectionId the connection's id, as in messages
     * @param reason {@code idle} (nothing read for {@link ClientConfig#http2ReadIdleTimeout()}) or {@code reset}
     *     (a stream was reset while nothing had been read since it started)
     */
    default void pingSent(long connectionId, String reason) { }
    /**
     * HTTP/2: the server acknowledged the PING. Counted in {@code hourglass_client_http2_pings_total{event="acked"}}.
     *
     * @param connectionId the connection's id, as in messages
     * @param rttNanos the time from sending the PING to reading its ACK
     */
    default void pingAcked(long connectionId, long rttNanos) { }
    /**
     * HTTP/2: the PING was not acknowledged within {@link ClientConfig#http2PingTimeout()}: the connection is
     * closed and its calls fail with phase {@link Phase#PING}. Counted in
     * {@code hourglass_client_http2_pings_total{event="timed_out"}}.
     *
     * @param connectionId the connection's id, as in messages
     */
    default void pingTimedOut(long connectionId) { }
    /**
     * HTTP/2: the server sent GOAWAY. Streams above {@code lastStreamId} were not processed and their calls are
     * retried on another connection; the others finish; the connection takes no new stream. Counted in
     * {@code hourglass_client_http2_goaways_received_total{code}}.
     *
     * @param connectionId the connection's id, as in messages
     * @param lastStreamId the last stream the server may have processed
     * @param errorCode the GOAWAY's error code name, e.g. {@code NO_ERROR}
     */
    default void goAwayReceived(long connectionId, int lastStreamId, String errorCode) { }
}
