package io.hourglass.server;

import io.hourglass.http.Phase;
import io.hourglass.observe.Counter;
import io.hourglass.observe.Gauge;
import io.hourglass.observe.Histogram;
import io.hourglass.observe.MetricsRegistry;

/**
 * The server's metric children, looked up once when the server starts so that recording on the request
 * path is a field read and a lock-free update: no key, no map lookup, no allocation. The names are those of
 * {@code docs/metrics.md}; each family is registered idempotently, so servers (and later clients) that share
 * a registry add up into the same series.
 */
final class ServerMetrics {
    static final String OPENED = "hourglass_server_connections_opened_total";
    static final String CLOSED = "hourglass_server_connections_closed_total";
    static final String CONNECTIONS = "hourglass_server_connections";
    static final String REQUESTS = "hourglass_server_requests_total";
    static final String TIMEOUTS = "hourglass_timeouts_total";
    static final String CANCELLATIONS = "hourglass_server_handler_cancellations_total";
    static final String DURATION = "hourglass_server_request_duration_seconds";
    static final String LIMITS = "hourglass_server_limits_total";
    static final String DEADLINES = "hourglass_server_deadlines_received_total";

    /** The phases a server can time out in; their series exist from the start, at 0. */
    private static final Phase[] SERVER_PHASES = {Phase.TLS_HANDSHAKE, Phase.IDLE, Phase.READ_HEADER,
        Phase.READ_BODY, Phase.MIN_BODY_RATE, Phase.WRITE, Phase.HANDLER, Phase.DEADLINE};

    /** Why a handler was cancelled: the values of the {@code reason} label. */
    enum CancelReason {
        CLIENT_GONE("client_gone"),
        HANDLER_TIMEOUT("handler_timeout"),
        /** The deadline the client sent passed before the handler timeout would have (issue 14). */
        DEADLINE("deadline");

        final String label;

        CancelReason(String label) {
            this.label = label;
        }
    }

    /**
     * Which defence acted: the values of the {@code kind} label of {@value #LIMITS}. Each is counted once,
     * where the server acts on it; docs/metrics.md has the exact meaning of each.
     */
    enum Limit {
        /** A request head (or a trailer section) over {@code maxHeaderBytes}: 431. */
        HEADER_TOO_LARGE("header_too_large"),
        /** More header (or trailer) fields than {@code maxHeaderCount}: 431. */
        TOO_MANY_HEADERS("too_many_headers"),
        /** A request body slower than {@code minRequestBodyRate} after the grace period: cut off, 408. */
        MIN_BODY_RATE("min_body_rate"),
        /** A response write blocked on a client that does not read, until the write timeout reset it. */
        SLOW_READER("slow_reader"),
        /** {@code maxConnections} open: the server stopped accepting until one closed. */
        MAX_CONNECTIONS("max_connections"),
        /** A request body over {@code maxRequestBodyBytes} (or a route's limit): 413. */
        BODY_TOO_LARGE("body_too_large"),
        /** A request line that alone does not fit in {@code maxHeaderBytes}: its target is too long, 414. */
        URI_TOO_LONG("uri_too_long");

        final String label;

        Limit(String label) {
            this.label = label;
        }
    }

    /** What became of a deadline a request carried: the values of the {@code result} label of {@value #DEADLINES}. */
    enum DeadlineResult {
        /** The handler ran under it. */
        HONOURED("honoured"),
        /** Passed, or less than the minimum left: 504 without running the handler. */
        EXPIRED("expired"),
        /** Not in the grpc-timeout syntax: ignored. */
        INVALID("invalid");

        final String label;

        DeadlineResult(String label) {
            this.label = label;
        }
    }

    private final MetricsRegistry registry;
    private final Counter.Child opened;
    private final Counter.Child closed;
    private final Gauge.Child[] byState; // indexed by ServerConn.IDLE / ACTIVE; DONE has none
    private final Counter requests;
    private final Counter.Child[] byClass = new Counter.Child[10]; // status / 100; 2..5 made up front
    private final Counter timeoutFamily;
    private final Counter.Child[] timeouts = new Counter.Child[Phase.values().length]; // by ordinal
    private final Counter.Child[] cancellations = new Counter.Child[CancelReason.values().length];
    private final Histogram.Child duration;
    private final Counter.Child[] limits = new Counter.Child[Limit.values().length];
    private final Counter.Child[] deadlines = new Counter.Child[DeadlineResult.values().length];

    ServerMetrics(MetricsRegistry registry) {
        this.registry = registry;
        opened = registry.counter(OPENED, "Connections the server accepted.").labels();
        closed = registry.counter(CLOSED,
                "Connections the server finished with: socket closed and its thread done.").labels();
        Gauge conns = registry.gauge(CONNECTIONS, "Connections open now: active while a request is being "
                + "read, handled or answered; idle while waiting for the next request.", "state");
        byState = new Gauge.Child[] {conns.labels("idle"), conns.labels("active")};
        requests = registry.counter(REQUESTS, "Responses the server sent, by status class, including its own "
                + "error responses (400, 408, 431, 503 ...).", "code");
        for (int c = 2; c <= 5; c++) {
            byClass[c] = requests.labels(c + "xx");
        }
        timeoutFamily = registry.counter(TIMEOUTS, "Timeouts, by side (server or client) and phase.",
                "side", "phase");
        for (Phase p : SERVER_PHASES) {
            timeouts[p.ordinal()] = timeoutFamily.labels("server", p.label());
        }
        Counter cancelled = registry.counter(CANCELLATIONS,
                "Handlers cancelled while running, by reason.", "reason");
        for (CancelReason r : CancelReason.values()) {
            cancellations[r.ordinal()] = cancelled.labels(r.label);
        }
        duration = registry.histogram(DURATION, "Time from the first byte of a request to the end of its "
                + "response (last byte written, or the connection cut).").labels();
        Counter limitFamily = registry.counter(LIMITS, "Times a defence against a hostile or broken client "
                + "acted, by kind.", "kind");
        for (Limit l : Limit.values()) {
            limits[l.ordinal()] = limitFamily.labels(l.label);
        }
        Counter deadlineFamily = registry.counter(DEADLINES, "Requests that carried a deadline header, by what "
                + "became of it: honoured (the handler ran under it), expired (504 without running the handler), "
                + "invalid (ignored).", "result");
        for (DeadlineResult r : DeadlineResult.values()) {
            deadlines[r.ordinal()] = deadlineFamily.labels(r.label);
        }
    }

    MetricsRegistry registry() {
        return registry;
    }

    /** A connection was accepted; it starts idle (waiting for its first request). */
    void opened() {
        opened.inc();
        byState[ServerConn.IDLE].inc();
    }

    /** A connection moved between {@link ServerConn#IDLE}, {@link ServerConn#ACTIVE} and {@link ServerConn#DONE}. */
    void moved(int from, int to) {
        byState[from].dec();
        if (to == ServerConn.DONE) {
            closed.inc();
        } else {
            byState[to].inc();
        }
    }

    /** A response ended: {@code status} went out, {@code nanos} after the request's first byte. */
    void responded(int status, long nanos) {
        int c = status / 100;
        Counter.Child child = c >= 0 && c < byClass.length ? byClass[c] : null;
        if (child == null) {
            // 1xx never ends a request; 6xx to 9xx are legal but rare: a lookup (and its key) is fine here.
            child = requests.labels(c + "xx");
        }
        child.inc();
        duration.observeNanos(nanos);
    }

    void timeout(Phase phase) {
        Counter.Child child = timeouts[phase.ordinal()];
        (child != null ? child : timeoutFamily.labels("server", phase.label())).inc();
    }

    void cancelled(CancelReason reason) {
        cancellations[reason.ordinal()].inc();
    }

    void deadline(DeadlineResult result) {
        deadlines[result.ordinal()].inc();
    }

    long deadlines(DeadlineResult result) {
        return deadlines[result.ordinal()].value();
    }

    void limit(Limit kind) {
        limits[kind.ordinal()].inc();
    }

    long limits(Limit kind) {
        return limits[kind.ordinal()].value();
    }

    long accepted() {
        return opened.value();
    }

    long timeouts(Phase phase) {
        Counter.Child child = timeouts[phase.ordinal()];
        return child != null ? child.value() : timeoutFamily.labels("server", phase.label()).value();
    }

    long cancellations() {
        long n = 0;
        for (Counter.Child c : cancellations) {
            n += c.value();
        }
        return n;
    }
}
