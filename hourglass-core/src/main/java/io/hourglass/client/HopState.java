package io.hourglass.client;

/**
 * What one attempt learns as it sends one hop of a call (issue 14): whether its next try must dial a new
 * connection, whether its last try failed on a stale pooled one, and whether its exchange writes
 * {@code Accept-Encoding: gzip} itself. One per attempt of a hop, made by {@link FollowUps} and handed down
 * through the {@link Bridge}, the network interceptors ({@link RealChain}) and {@link Network} to each
 * {@link Exchange} it makes, all on the attempt's thread, so the fields are plain.
 *
 * <p>These once lived on the {@link Call}, which the two attempts of a hedged call share: one attempt's stale
 * retry (a new connection forced) then kept the other from retrying its own stale connection, and a flag
 * written by one could be read by the other. What stays on the call is what the call has once: its clocks,
 * fixed before the first attempt starts; its cancel; its timeout counted once and its end reported once.
 */
final class HopState {
    /** The next try must take a new connection: the retry of a stale one (RFC 9110 section 9.2.2). */
    boolean freshConnection;
    /** The last try failed on a stale pooled connection before any byte of the response. */
    boolean staleFailure;
    /** The exchange writes Host, User-Agent and Accept-Encoding: gzip itself (see {@link Bridge}). */
    boolean wireGzip;
    /** A hedged attempt: its exchanges are cancelled through the hedge, not attached to the call. */
    final boolean hedged;

    HopState(boolean hedged) {
        this.hedged = hedged;
    }
}
