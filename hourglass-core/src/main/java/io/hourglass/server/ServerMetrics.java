package io.hourglass.server;

import io.hourglass.http.Phase;
import io.hourglass.internal.GaugeAccess;
import io.hourglass.internal.h1.H1Exception;
import io.hourglass.internal.h2.ErrorCode;
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
    static final String H2_CONNECTIONS = "hourglass_server_http2_connections_total";
    static final String H2_STREAMS = "hourglass_server_http2_streams";
    static final String H2_RESETS = "hourglass_server_http2_resets_total";
    static final String H2_GOAWAYS = "hourglass_server_http2_goaways_total";
    static final String H2_STALLS = "hourglass_server_http2_flow_control_stalls_total";

    /** The values of the {@code protocol} label of the timeouts: ALPN ids, h2c counted as h2. */
    static final String HTTP1 = "http/1.1", HTTP2 = "h2", NONE = "none";

    /** The phases a server can time out in on each protocol; their series exist from the start, at 0. */
    private static final Phase[] SERVER_PHASES = {Phase.IDLE, Phase.READ_HEADER, Phase.READ_BODY,
        Phase.MIN_BODY_RATE, Phase.WRITE, Phase.HANDLER, Phase.DEADLINE};

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
        URI_TOO_LONG("uri_too_long"),
        /** HTTP/2: more streams reset by the client than {@code maxPeerResets} in a window (Rapid Reset). */
        PEER_RESETS("peer_resets"),
        /** HTTP/2: more streams reset by the server because of the client than {@code maxServerResets} (MadeYouReset). */
        SERVER_RESETS("server_resets"),
        /** HTTP/2: more streams waiting for a handler slot than four times {@code maxConcurrentStreams}. */
        STREAM_QUEUE("stream_queue"),
        /** HTTP/2: more PING, SETTINGS, PRIORITY, empty DATA or unknown frames than {@code maxControlFrames}. */
        CONTROL_FLOOD("control_flood"),
        /** HTTP/2: control frames piled up for a client that does not read. */
        CONTROL_QUEUE("control_queue"),
        /** HTTP/2: a header block over its byte or frame cap (CONTINUATION flood). */
        HEADER_BLOCK("header_block");

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
    private final Gauge.Child[] byState; // indexed by ServerConn.IDLE / ACTIVE; DONE has none; see attachConnections
    private final Counter requests;
    private final Counter.Child[] byClass = new Counter.Child[10]; // status / 100; 2..5 made up front
    private final Counter timeoutFamily;
    private final Counter.Child[] timeouts = new Counter.Child[Phase.values().length];   // HTTP/1.1, by ordinal
    private final Counter.Child[] h2Timeouts = new Counter.Child[Phase.values().length]; // HTTP/2, by ordinal
    private final Counter.Child[] cancellations = new Counter.Child[CancelReason.values().length];
    private final Histogram.Child duration;
    private final Counter.Child[] limits = new Counter.Child[Limit.values().length];
    private final Counter.Child[] deadlines = new Counter.Child[DeadlineResult.values().length];
    private final Counter.Child h2Connections;
    private final Gauge.Child[] h2Streams;       // by H2Stream.QUEUED, RUNNING, SENDING; see attachConnections
    private final Counter h2Resets;
    private final Counter.Child[] h2ResetsByPeer = new Counter.Child[ErrorCode.values().length + 1]; // + unknown
    private final Counter.Child[] h2ResetsByServer = new Counter.Child[ErrorCode.values().length + 1];
    private final Counter h2GoAways;
    private final Counter.Child[] h2GoAwaysByCode = new Counter.Child[ErrorCode.values().length];
    private final Counter.Child[] h2Stalls;      // stream window, connection window

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
        timeoutFamily = registry.counter(TIMEOUTS, "Timeouts, by side (server or client), phase and protocol "
                + "(http/1.1, h2; none for a TLS handshake, which comes before either).", "side", "phase", "protocol");
        timeouts[Phase.TLS_HANDSHAKE.ordinal()] = timeoutFamily.labels("server", Phase.TLS_HANDSHAKE.label(), NONE);
        h2Timeouts[Phase.TLS_HANDSHAKE.ordinal()] = timeouts[Phase.TLS_HANDSHAKE.ordinal()];
        for (Phase p : SERVER_PHASES) {
            timeouts[p.ordinal()] = timeoutFamily.labels("server", p.label(), HTTP1);
            h2Timeouts[p.ordinal()] = timeoutFamily.labels("server", p.label(), HTTP2);
        }
        h2Timeouts[Phase.PING.ordinal()] = timeoutFamily.labels("server", Phase.PING.label(), HTTP2);
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
        h2Connections = registry.counter(H2_CONNECTIONS, "Connections that spoke HTTP/2: h2 by ALPN over TLS, "
                + "or h2c with prior knowledge.").labels();
        Gauge streams = registry.gauge(H2_STREAMS, "HTTP/2 streams the server holds now: queued for a handler "
                + "slot, running their handler (whatever the stream's state), or sending their response.", "state");
        h2Streams = new Gauge.Child[] {streams.labels("queued"), streams.labels("running"), streams.labels("sending")};
        h2Resets = registry.counter(H2_RESETS, "HTTP/2 streams reset (RST_STREAM), by the side that reset them "
                + "(client or server) and error code.", "side", "code");
        h2GoAways = registry.counter(H2_GOAWAYS, "HTTP/2 GOAWAY frames the server sent, by error code.", "code");
        // The codes seen most exist from the start (at 0); the others appear with their first event.
        for (ErrorCode code : new ErrorCode[] {ErrorCode.NO_ERROR, ErrorCode.CANCEL}) {
            h2Reset(true, code.code, 0);
        }
        for (ErrorCode code : new ErrorCode[] {ErrorCode.NO_ERROR, ErrorCode.CANCEL, ErrorCode.PROTOCOL_ERROR,
            ErrorCode.REFUSED_STREAM}) {
            h2Reset(false, code.code, 0);
        }
        for (ErrorCode code : new ErrorCode[] {ErrorCode.NO_ERROR, ErrorCode.PROTOCOL_ERROR, ErrorCode.ENHANCE_YOUR_CALM}) {
            goAwayChild(code);
        }
        Counter stalls = registry.counter(H2_STALLS, "HTTP/2 responses that had to wait for the client's "
                + "flow-control window, by window (stream or connection).", "window");
        h2Stalls = new Counter.Child[] {stalls.labels("stream"), stalls.labels("connection")};
    }

    MetricsRegistry registry() {
        return registry;
    }

    /** A connection was accepted; it starts idle (waiting for its first request). */
    void opened() {
        opened.inc();
    }

    /**
     * Makes {@code conns}' states part of the connections-by-state gauge: at each read, the idle child adds the
     * connections in {@code conns} whose state is {@link ServerConn#IDLE}, the active child those in
     * {@link ServerConn#ACTIVE}. So a request moves no gauge (it used to take four {@code LongAdder} updates:
     * idle down, active up, and back), and a read is exact for the moment each connection's volatile state is
     * read. The HTTP/2 streams gauge is read the same way: each child adds the streams in its state that the
     * HTTP/2 connections among {@code conns} hold ({@link H2Dispatch#streamsIn}), so a stream moves no gauge
     * either. Returns the action that takes the server's part away again (at the end of its shutdown).
     */
    Runnable attachConnections(java.util.Collection<ServerConn> conns) {
        Runnable[] parts = new Runnable[2 + h2Streams.length];
        parts[0] = GaugeAccess.attach(byState[ServerConn.IDLE], () -> count(conns, ServerConn.IDLE));
        parts[1] = GaugeAccess.attach(byState[ServerConn.ACTIVE], () -> count(conns, ServerConn.ACTIVE));
        for (int i = 0; i < h2Streams.length; i++) {
            int phase = i; // H2Stream.QUEUED, RUNNING, SENDING are the children's indexes
            parts[2 + i] = GaugeAccess.attach(h2Streams[i], () -> countStreams(conns, phase));
        }
        return () -> {
            for (Runnable detach : parts) {
                detach.run();
            }
        };
    }

    private static long countStreams(java.util.Collection<ServerConn> conns, int phase) {
        long n = 0;
        for (ServerConn c : conns) {
            H2Conn h2 = c.h2();
            if (h2 != null) {
                n += h2.dispatch.streamsIn(phase);
            }
        }
        return n;
    }

    private static long count(java.util.Collection<ServerConn> conns, int state) {
        long n = 0;
        for (ServerConn c : conns) {
            if (c.state == state) {
                n++;
            }
        }
        return n;
    }

    /**
     * A connection ended (moved to {@link ServerConn#DONE}). Its moves between {@link ServerConn#IDLE} and
     * {@link ServerConn#ACTIVE} record nothing: the connections-by-state gauge reads the states itself.
     */
    void closed() {
        closed.inc();
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

    /** A timeout of the server's on HTTP/1.1 ({@code http2} false) or HTTP/2. */
    void timeout(Phase phase, boolean http2) {
        Counter.Child child = (http2 ? h2Timeouts : timeouts)[phase.ordinal()];
        (child != null ? child : timeoutFamily.labels("server", phase.label(), http2 ? HTTP2 : HTTP1)).inc();
    }

    /** A connection turned out to speak HTTP/2. */
    void h2Connection() {
        h2Connections.inc();
    }

    /** A stream was reset by the client ({@code byPeer}) or by the server, with the wire's error code. */
    void h2Reset(boolean byPeer, int code) {
        h2Reset(byPeer, code, 1);
    }

    private void h2Reset(boolean byPeer, int code, int n) {
        Counter.Child[] children = byPeer ? h2ResetsByPeer : h2ResetsByServer;
        int i = code >= 0 && code < ErrorCode.values().length ? code : children.length - 1;
        Counter.Child c = children[i];
        if (c == null) {
            // One child per known code, made on first use; unknown codes share "unknown" (a client cannot make
            // up label values).
            String label = i == children.length - 1 ? "unknown" : ErrorCode.of(code).name().toLowerCase(java.util.Locale.ROOT);
            c = h2Resets.labels(byPeer ? "client" : "server", label);
            children[i] = c;
        }
        c.add(n);
    }

    /** The server sent GOAWAY with {@code code}. */
    void h2GoAway(ErrorCode code) {
        goAwayChild(code).inc();
    }

    private Counter.Child goAwayChild(ErrorCode code) {
        Counter.Child c = h2GoAwaysByCode[code.ordinal()];
        if (c == null) {
            c = h2GoAways.labels(code.name().toLowerCase(java.util.Locale.ROOT));
            h2GoAwaysByCode[code.ordinal()] = c;
        }
        return c;
    }

    /** A response waited for the client's window: the stream's, or the connection's. */
    void h2Stall(boolean connectionWindow) {
        h2Stalls[connectionWindow ? 1 : 0].inc();
    }

    long h2Resets(boolean byPeer) {
        long n = 0;
        for (Counter.Child c : byPeer ? h2ResetsByPeer : h2ResetsByServer) {
            n += c == null ? 0 : c.value();
        }
        return n;
    }

    long h2Streams(int state) {
        return (long) h2Streams[state].value();
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

    /** Counts an HTTP/1.1 head or trailer section (or a body) that broke a size limit, by kind. */
    void limit(H1Exception e) {
        if (e.limit() == H1Exception.Limit.HEAD_BYTES) {
            limit(Limit.HEADER_TOO_LARGE);
        } else if (e.limit() == H1Exception.Limit.FIELD_COUNT) {
            limit(Limit.TOO_MANY_HEADERS);
        } else if (e.limit() == H1Exception.Limit.BODY_BYTES) {
            limit(Limit.BODY_TOO_LARGE);
        } else if (e.limit() == H1Exception.Limit.TARGET_BYTES) {
            limit(Limit.URI_TOO_LONG);
        }
    }

    long limits(Limit kind) {
        return limits[kind.ordinal()].value();
    }

    long accepted() {
        return opened.value();
    }

    /** Timeouts of a phase on both protocols. */
    long timeouts(Phase phase) {
        Counter.Child h1 = timeouts[phase.ordinal()];
        Counter.Child h2 = h2Timeouts[phase.ordinal()];
        long n = h1 != null ? h1.value() : timeoutFamily.labels("server", phase.label(), HTTP1).value();
        if (h2 != h1) {
            n += h2 != null ? h2.value() : timeoutFamily.labels("server", phase.label(), HTTP2).value();
        }
        return n;
    }

    long cancellations() {
        long n = 0;
        for (Counter.Child c : cancellations) {
            n += c.value();
        }
        return n;
    }
}
