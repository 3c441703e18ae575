package io.hourglass.client;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.internal.h1.H1Exception;
import io.hourglass.internal.text.Durations;
import io.hourglass.net.DeadlineExceededException;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;
import java.util.Locale;

/**
 * What a failed {@link Exchange} tells its caller: the I/O failures of the socket, the TLS layer, the HTTP/1.1
 * codec and the HTTP/2 stream turned into a {@link ClientException} of the right kind (or the timeout they
 * stand for), and the error of a call that gave up waiting for the pool, each with the exchange's context (the
 * request, its connection and stream, reused or new). Timeouts are counted once, by the exchange
 * ({@link Exchange#countTimeout}).
 *
 * <p>Static methods over the exchange's state, on the failure path only: the lifecycle in {@code Exchange}
 * reads without them, and a call that succeeds never loads them (no object per call).
 */
final class ExchangeErrors {
    private ExchangeErrors() {
    }

    /** The error for the caller: a timeout or a {@link ClientException} of the right kind, with the context. */
    static IOException translate(Exchange x, IOException e) {
        if (e instanceof HttpTimeoutException || e instanceof ClientException) {
            return e;
        }
        if (Thread.currentThread().isInterrupted()) {
            // An interrupt closes a socket that a virtual thread blocks on (connect, write): that is a cancel.
            return x.interrupted();
        }
        if (e instanceof DeadlineExceededException) {
            return x.totalTimeout("while " + x.doing);
        }
        if (e instanceof H2StreamException s) {
            IOException out = s.forCaller(context(x), x.doing);
            if (out instanceof HttpTimeoutException t) {
                x.countTimeout(t.phase()); // the connection's ping timeout, counted once for each of its calls
            }
            return out;
        }
        String ctx = context(x);
        String tlsWhy = x.tlsSeen != null && x.body == null ? ClientTls.explain(e, x.tlsSeen, null) : null;
        if (tlsWhy != null) {
            return new ClientException(ClientException.Kind.TLS, ctx + ": " + tlsWhy + " (" + e.getMessage() + ")", e);
        }
        if (e instanceof H1Exception) {
            return new ClientException(ClientException.Kind.MALFORMED, ctx + ": " + e.getMessage(), e);
        }
        if (e instanceof EOFException) {
            return new ClientException(ClientException.Kind.PREMATURE_EOF, ctx + " (" + x.doing + ")", e);
        }
        if (e instanceof ConnectException) {
            return new ClientException(ClientException.Kind.REFUSED,
                    x.req.uri().getHost() + ":" + x.client.port(x.req.uri()), e);
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return new ClientException(ClientException.Kind.TLS, ctx + ": " + e.getMessage(), e);
        }
        if (e instanceof SocketException && isReset(e)) {
            return new ClientException(ClientException.Kind.RESET, ctx + " (" + x.doing + ")", e);
        }
        return new ClientException(ClientException.Kind.IO, ctx + ": " + e.getMessage(), e);
    }

    private static boolean isReset(IOException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return m.contains("reset") || m.contains("broken pipe");
    }

    /**
     * Builds (and counts once) the error of a call that gave up waiting for the pool: the limit that passed
     * (the call's deadline or the pool-wait timeout) and what held the connections.
     */
    static PoolTimeoutException poolTimeout(Exchange x, boolean callDeadline, int max, int inUse, int draining,
            String origin, int dialing) {
        ClientConfig cfg = x.config();
        Duration limit = callDeadline ? x.totalLimit : cfg.poolWaitTimeout();
        x.countTimeout(Phase.POOL_WAIT);
        String held = dialing >= 0
                ? dialing + " dials to " + origin + " are in progress, the most allowed; maxDialsPerHost="
                        + cfg.maxDialsPerHost() + " (" + inUse + " connections in use, " + draining + " draining)"
                : "all " + max + " connections to " + origin + " are busy, " + inUse + " in use and " + draining
                        + " draining; maxConnsPerHost=" + max;
        String ctx = (callDeadline ? "the call's deadline passed while it waited for a connection: " : "") + held
                + (callDeadline ? "" : ", poolWaitTimeout=" + Durations.format(cfg.poolWaitTimeout())) + "; "
                + context(x);
        return new PoolTimeoutException(limit, Duration.ofNanos(x.clock.nanoTime() - x.start), ctx, callDeadline,
                max, inUse, draining);
    }

    /**
     * The same, for a call that waited for an HTTP/2 stream slot (or the origin's first HTTP/2 dial):
     * {@code held} says what held it.
     */
    static PoolTimeoutException poolTimeoutH2(Exchange x, boolean callDeadline, int max, int inUse, String held) {
        ClientConfig cfg = x.config();
        Duration limit = callDeadline ? x.totalLimit : cfg.poolWaitTimeout();
        x.countTimeout(Phase.POOL_WAIT);
        String ctx = (callDeadline ? "the call's deadline passed while it waited for a connection: " : "")
                + held + "; maxConnsPerHost=" + max
                + (callDeadline ? "" : ", poolWaitTimeout=" + Durations.format(cfg.poolWaitTimeout())) + "; "
                + context(x);
        return new PoolTimeoutException(limit, Duration.ofNanos(x.clock.nanoTime() - x.start), ctx, callDeadline,
                max, inUse, 0);
    }

    /** The exchange for a message: the request, and its connection (and HTTP/2 stream), reused or new. */
    static String context(Exchange x) {
        Carrier c = x.carrier;
        Carrier.Stream s = x.stream;
        int sid = s == null ? 0 : s.streamId();
        return x.req + (c == null ? "" : ", connection #" + c.id() + (sid != 0 ? ", stream " + sid : "")
                + (x.reused ? ", reused" : ", new"));
    }
}
