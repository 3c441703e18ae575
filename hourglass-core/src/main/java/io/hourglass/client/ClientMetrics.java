package io.hourglass.client;

import io.hourglass.http.Phase;
import io.hourglass.observe.Counter;
import io.hourglass.observe.Histogram;
import io.hourglass.observe.MetricsRegistry;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The client's meters (names as in docs/metrics.md). Children are cached per origin and per phase so that a
 * call records without allocating.
 */
final class ClientMetrics {
    final MetricsRegistry registry;
    private final Counter opened;
    private final Counter reused;
    private final Counter closed;
    private final Counter drainsStarted;
    private final Counter drains;
    private final Counter poolTimeouts;
    private final Counter requests;
    private final Counter retries;
    private final Counter.Child deadlineShortened;
    private final Counter.Child deadlineRefused;
    private final Counter h2Streams;
    private final Counter h2Resets;
    private final Counter h2Pings;
    private final Counter h2GoAways;
    private final Histogram duration;
    // hourglass_timeouts_total's client children by the protocol label: the connection's, or none before one
    private final Map<Phase, Counter.Child> timeouts = new EnumMap<>(Phase.class);
    private final Map<Phase, Counter.Child> timeoutsH2 = new EnumMap<>(Phase.class);
    private final Map<Phase, Counter.Child> timeoutsNone = new EnumMap<>(Phase.class);
    private final Counter.Child[] byClass = new Counter.Child[6];
    final Histogram.Child durationChild;
    private final Map<String, PerHost> hosts = new ConcurrentHashMap<>();
    private final Supplier<Collection<Pool>> pools;

    ClientMetrics(MetricsRegistry registry, Supplier<Collection<Pool>> pools) {
        this.registry = registry;
        this.pools = pools;
        opened = registry.counter("hourglass_client_connections_opened_total",
                "Client connections opened (TCP connected, TLS done when https).", "host");
        reused = registry.counter("hourglass_client_connections_reused_total",
                "Calls that took an idle pooled connection instead of opening one.", "host");
        closed = registry.counter("hourglass_client_connections_closed_total",
                "Client connections closed, for any reason.", "host");
        drainsStarted = registry.counter("hourglass_client_drains_started_total",
                "Connections that began draining a late response for a call that gave up (DRAIN policy).", "host");
        drains = registry.counter("hourglass_client_drains_total",
                "Drains that ended, by result: reused (back to the pool), preempted (a call needed the slot: reset and "
                        + "replaced), timeout (drain timeout passed: reset), max_bytes (late response over the byte "
                        + "limit: reset), closed (not reusable).", "host", "result");
        poolTimeouts = registry.counter("hourglass_client_pool_timeouts_total",
                "Calls that gave up waiting for a connection (phase pool-wait), by what held the pool: draining when "
                        + "at least one connection was draining, else in_use.", "host", "held_by");
        Counter deadlines = registry.counter("hourglass_client_deadlines_total",
                "Calls made under an inherited deadline (issue 14), by result: shortened (the deadline, less the "
                        + "reserve, came before the call's own timeout and became its total), refused (nothing was "
                        + "left: failed at once with phase deadline, nothing sent).", "result");
        deadlineShortened = deadlines.labels("shortened");
        deadlineRefused = deadlines.labels("refused");
        retries = registry.counter("hourglass_client_retries_total",
                "Further attempts of calls after a retryable failure or status (maxAttempts), by result: sent, "
                        + "budget (the origin's retry budget was spent), deadline (the call's time left was less "
                        + "than its last attempt took), retry_after (the server asked for a longer wait than "
                        + "retryBackoffMax), hedge (a second attempt beside a slow first, hedgeDelay).", "host", "result");
        h2Streams = registry.counter("hourglass_client_http2_streams_opened_total",
                "HTTP/2 streams opened (one per call carried over HTTP/2, retries included).", "host");
        h2Resets = registry.counter("hourglass_client_http2_resets_total",
                "HTTP/2 streams reset, by the side that sent RST_STREAM (client: a timeout, a cancel, a body closed "
                        + "early, a malformed response; server) and the error code.", "host", "side", "code");
        h2Pings = registry.counter("hourglass_client_http2_pings_total",
                "HTTP/2 liveness PINGs by event: sent, acked, timed_out (the connection was closed).", "host", "event");
        h2GoAways = registry.counter("hourglass_client_http2_goaways_received_total",
                "GOAWAY frames received from servers, by error code.", "host", "code");
        requests = registry.counter("hourglass_client_requests_total",
                "Client calls that got a response, by status class.", "code");
        duration = registry.histogram("hourglass_client_request_duration_seconds",
                "Client call duration, from the call's start to its response headers.");
        durationChild = duration.labels();
        // The protocol label came with HTTP/2: the protocol of the connection the call was on, none when it had
        // none yet (waiting for the pool, connecting, in the TLS handshake: before ALPN chose).
        Counter t = registry.counter("hourglass_timeouts_total", "Timeouts by side and phase.", "side", "phase",
                "protocol");
        for (Phase p : Phase.values()) {
            timeouts.put(p, t.labels("client", p.label(), "http/1.1"));
            timeoutsH2.put(p, t.labels("client", p.label(), "h2"));
            timeoutsNone.put(p, t.labels("client", p.label(), "none"));
        }
        String[] classes = {"1xx", "1xx", "2xx", "3xx", "4xx", "5xx"};
        for (int i = 1; i < 6; i++) {
            byClass[i] = requests.labels(classes[i]);
        }
        registry.gauges("hourglass_client_connections", "Client connections now, by origin and state.",
                List.of("host", "state"), this::connectionGauges);
    }

    /** The connection gauges, from the live pools: an origin's series go when its empty pool is retired. */
    private Map<List<String>, Integer> connectionGauges() {
        Map<List<String>, Integer> m = new LinkedHashMap<>();
        for (Pool p : pools.get()) {
            String host = p.origin.label(); // http and https to one host:port share the label: summed
            m.merge(List.of(host, "active"), p.activeCount(), Integer::sum);
            m.merge(List.of(host, "idle"), p.idleCount(), Integer::sum);
            m.merge(List.of(host, "draining"), p.drainingCount(), Integer::sum);
        }
        return m;
    }

    /** The draining connections of every live pool. */
    long draining() {
        long n = 0;
        for (Pool p : pools.get()) {
            n += p.drainingCount();
        }
        return n;
    }

    /**
     * The counters of one origin, kept for the registry's life even after its pool was retired: a counter's
     * series must never go back (Prometheus would read a restart), the registry's children live as long as it
     * does (exporters such as the Micrometer binding keep them), and {@link Client#stats()} sums them. They are
     * 11 small children per host:port ever called.
     */
    PerHost perHost(String host) {
        return hosts.computeIfAbsent(host, PerHost::new);
    }

    /** A call under an inherited deadline: {@code refused} when nothing was left, else shortened by it. */
    void deadline(boolean refused) {
        (refused ? deadlineRefused : deadlineShortened).inc();
    }

    long deadlines(boolean refused) {
        return (refused ? deadlineRefused : deadlineShortened).value();
    }

    /** Counts a call's timeout in phase {@code p} on a connection speaking {@code protocol} (null: none yet). */
    void timeout(Phase p, String protocol) {
        (protocol == null ? timeoutsNone : protocol.equals("h2") ? timeoutsH2 : timeouts).get(p).inc();
    }

    long timeouts(Phase p) {
        return timeouts.get(p).value() + timeoutsH2.get(p).value() + timeoutsNone.get(p).value();
    }

    void status(int code) {
        int c = code / 100;
        if (c >= 1 && c <= 5) {
            byClass[c].inc();
        }
    }

    long statusClass(int klass) {
        return klass >= 1 && klass <= 5 ? byClass[klass].value() : 0;
    }

    /** Totals over all origins, for the load generator and tests. */
    long sum(java.util.function.ToLongFunction<PerHost> f) {
        long s = 0;
        for (PerHost h : hosts.values()) {
            s += f.applyAsLong(h);
        }
        return s;
    }

    /** The meters of one origin. */
    final class PerHost {
        final String host;
        final Counter.Child opened;
        final Counter.Child reused;
        final Counter.Child closed;
        final Counter.Child drainsStarted;
        final Counter.Child poolTimeoutsInUse;
        final Counter.Child poolTimeoutsDraining;
        private final Counter.Child[] drainEnds = new Counter.Child[DrainResult.values().length];
        final Counter.Child retriesSent;
        final Counter.Child retriesBudget;
        final Counter.Child retriesDeadline;
        final Counter.Child retriesRetryAfter;
        final Counter.Child retriesHedge;
        final Counter.Child h2StreamsOpened;
        final Counter.Child h2CancelsSent;    // the usual reset: a timeout or a cancel
        final Counter.Child h2PingsSent;
        final Counter.Child h2PingsAcked;
        final Counter.Child h2PingTimeouts;

        PerHost(String host) {
            this.host = host;
            this.opened = ClientMetrics.this.opened.labels(host);
            this.reused = ClientMetrics.this.reused.labels(host);
            this.closed = ClientMetrics.this.closed.labels(host);
            this.drainsStarted = ClientMetrics.this.drainsStarted.labels(host);
            this.poolTimeoutsInUse = poolTimeouts.labels(host, "in_use");
            this.poolTimeoutsDraining = poolTimeouts.labels(host, "draining");
            this.retriesSent = retries.labels(host, "sent");
            this.retriesBudget = retries.labels(host, "budget");
            this.retriesDeadline = retries.labels(host, "deadline");
            this.retriesRetryAfter = retries.labels(host, "retry_after");
            this.retriesHedge = retries.labels(host, "hedge");
            for (DrainResult r : DrainResult.values()) {
                drainEnds[r.ordinal()] = drains.labels(host, r.label());
            }
            h2StreamsOpened = h2Streams.labels(host);
            h2CancelsSent = h2Resets.labels(host, "client", "CANCEL");
            h2PingsSent = h2Pings.labels(host, "sent");
            h2PingsAcked = h2Pings.labels(host, "acked");
            h2PingTimeouts = h2Pings.labels(host, "timed_out");
        }

        /** Counts a stream reset; the common one (client, CANCEL) without a lookup. */
        void h2Reset(boolean byServer, String code) {
            if (!byServer && code.equals("CANCEL")) {
                h2CancelsSent.inc();
            } else {
                h2Resets.labels(host, byServer ? "server" : "client", code).inc();
            }
        }

        /** Resets counted for one side, all codes. */
        long h2Resets(boolean byServer) {
            String side = byServer ? "server" : "client";
            long n = 0;
            for (var e : h2Resets.children().entrySet()) {
                if (e.getKey().get(0).equals(host) && e.getKey().get(1).equals(side)) {
                    n += e.getValue().value();
                }
            }
            return n;
        }

        void h2GoAway(String code) {
            h2GoAways.labels(host, code).inc();
        }

        long h2GoAways() {
            long n = 0;
            for (var e : h2GoAways.children().entrySet()) {
                n += e.getKey().get(0).equals(host) ? e.getValue().value() : 0;
            }
            return n;
        }

        Counter.Child drainEnded(DrainResult r) {
            return drainEnds[r.ordinal()];
        }

        long drainsEnded(DrainResult r) {
            return drainEnds[r.ordinal()].value();
        }
    }
}
