package io.hourglass.server;

import io.hourglass.http.Deadline;
import io.hourglass.http.Headers;
import io.hourglass.internal.text.Durations;
import io.hourglass.internal.text.GrpcTimeout;
import java.io.IOException;
import java.time.Duration;

/**
 * The deadline a request brings in its header, and what the server does with it (issue 14): shorten the
 * handler's time to it, refuse to run the handler when it leaves nothing, and make it current while the
 * handler runs. Protocol-neutral: the connection (HTTP/1.1) or the stream (HTTP/2) calls it with the request's
 * head and arrival, and arms the handler deadline it returns on its own alarm, as it does the handler
 * timeout's. See {@link ServerConfig#honourDeadlines()} for the rules.
 */
final class RequestDeadline {
    /** The response header that marks a 504 as the client's deadline passing (not an upstream's timeout). */
    static final String EXPIRED_HEADER = "Deadline-Expired";
    static final String GRPC_TIMEOUT = "grpc-timeout";
    /** What {@link #found} returns for an invalid deadline value: never an instant it returns. */
    static final long INVALID = Long.MIN_VALUE;

    private RequestDeadline() {}

    /**
     * The deadline the request's header asks for, less the reserve, counting invalid values.
     *
     * @param arrival when the request's first byte arrived ({@link System#nanoTime()})
     * @return the instant, or 0 when the request carries none, carries an invalid one, or the server does
     *     not honour deadlines
     */
    static long received(ServerConfig cfg, ServerMetrics metrics, Headers headers, long arrival) {
        return counted(metrics, found(cfg, headers, arrival));
    }

    /**
     * {@link #received} in two steps, for HTTP/2: this one finds the deadline and counts nothing, so that the
     * reading thread can look it up while the request's fields it has just decoded are in its CPU's cache (on
     * the handler's thread, another CPU's, the lookup was mostly cache misses, issue 17); {@link #counted}
     * counts an invalid one when the handler starts, as on HTTP/1.1.
     *
     * @return the instant (never 0 nor {@link #INVALID}), 0 when the request carries none or the server does
     *     not honour deadlines, or {@link #INVALID} when it carries an invalid one
     */
    static long found(ServerConfig cfg, Headers headers, long arrival) {
        if (!cfg.honourDeadlines()) {
            return 0;
        }
        String own = headers.first(cfg.deadlineHeader());
        String grpc = cfg.deadlineHeader().equalsIgnoreCase(GRPC_TIMEOUT) ? null : headers.first(GRPC_TIMEOUT);
        if (own == null && grpc == null) {
            return 0;
        }
        long a = GrpcTimeout.parse(own);
        long b = GrpcTimeout.parse(grpc);
        if ((own != null && a < 0) || (grpc != null && b < 0)) {
            // one bad value spoils the pair: a client that cannot write its deadline should not get the
            // other one's (possibly longer) time by accident
            return INVALID;
        }
        long nanos = own == null ? b : grpc == null ? a : Math.min(a, b);
        long usable = nanos - cfg.deadlineReserve().toNanos();
        // a deadline decades away is as good as none, but keep the instant from wrapping around
        long d = arrival + Math.min(usable, Long.MAX_VALUE / 4);
        return d == 0 || d == INVALID ? d + 1 : d;
    }

    /** What {@link #found} returned, with an invalid deadline counted and turned into 0 (none). */
    static long counted(ServerMetrics metrics, long found) {
        if (found == INVALID) {
            metrics.deadline(ServerMetrics.DeadlineResult.INVALID);
            return 0;
        }
        return found;
    }

    /**
     * Whether a received deadline leaves the handler less than the minimum, counting the outcome.
     *
     * @param received what {@link #received} returned, not 0
     * @param now the handler's start
     */
    static boolean expired(ServerConfig cfg, ServerMetrics metrics, long received, long now) {
        boolean expired = received - now < cfg.deadlineMinimum().toNanos();
        metrics.deadline(expired ? ServerMetrics.DeadlineResult.EXPIRED : ServerMetrics.DeadlineResult.HONOURED);
        return expired;
    }

    /** The earlier of two instants, either of which may be 0 for none. */
    static long earliest(long a, long b) {
        if (a == 0) return b;
        if (b == 0) return a;
        return a - b <= 0 ? a : b;
    }

    /**
     * Answers a request whose deadline leaves nothing, in place of its handler: {@code 504} with
     * {@code Deadline-Expired: true}, a one-line reason, and the connection kept (the request was well-formed).
     */
    static void reject(ServerConfig cfg, Request req, Response res, long received, long now) throws IOException {
        String header = req.header(cfg.deadlineHeader()) != null ? cfg.deadlineHeader() : GRPC_TIMEOUT;
        long left = received - now;
        String why = left <= 0 ? "passed " + fmt(-left) + " before" : "left " + fmt(left) + ", less than the "
                + fmt(cfg.deadlineMinimum().toNanos()) + " minimum,";
        res.status(504)
                .header(EXPIRED_HEADER, "true")
                .header("Content-Type", "text/plain; charset=utf-8")
                .send("deadline " + why + " the handler ran (" + header + ": " + req.header(header).strip() + ", "
                        + fmt(now - req.startNanos()) + " after the request's first byte, "
                        + fmt(cfg.deadlineReserve().toNanos()) + " reserve)\n");
    }

    /**
     * What a handler cut short by the client's deadline answers when nothing was sent: the status line's code
     * and reason, the marker header, and a one-line body.
     */
    static String cutShortMessage(ServerConfig cfg) {
        return "deadline passed: the client's " + cfg.deadlineHeader() + " (less the "
                + fmt(cfg.deadlineReserve().toNanos()) + " reserve) ran out while the handler ran";
    }

    /**
     * Runs the handler with the request's deadline current ({@link Deadline#current()}), so that the client
     * calls it makes are bounded by it and pass it on.
     */
    static void run(Handler handler, Request req, Response res) throws Exception {
        long d = req.deadlineNanos();
        if (d == 0) {
            handler.handle(req, res);
            return;
        }
        Deadline.atNanoTime(d).call(() -> {
            handler.handle(req, res);
            return null;
        });
    }

    private static String fmt(long nanos) {
        return Durations.format(Duration.ofNanos(nanos));
    }
}
