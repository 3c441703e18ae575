package io.hourglass.client;

import io.hourglass.http.Phase;
import io.hourglass.observe.Counter;
import io.hourglass.observe.Histogram;
import io.hourglass.observe.MetricsRegistry;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client's meters (names as in docs/metrics.md). Children are cached per origin and per phase so that a
 * call records without allocating.
 */
final class ClientMetrics {
    final MetricsRegistry registry;
    private final Counter opened;
    private final Counter reused;
    private final Counter closed;
    private final Counter drains;
    private final Counter requests;
    private final Histogram duration;
    private final Map<Phase, Counter.Child> timeouts = new EnumMap<>(Phase.class);
    private final Counter.Child[] byClass = new Counter.Child[6];
    final Histogram.Child durationChild;
    private final Map<String, PerHost> hosts = new ConcurrentHashMap<>();

    ClientMetrics(MetricsRegistry registry) {
        this.registry = registry;
        opened = registry.counter("hourglass_client_connections_opened_total",
                "Client connections opened (TCP connected, TLS done when https).", "host");
        reused = registry.counter("hourglass_client_connections_reused_total",
                "Calls that took an idle pooled connection instead of opening one.", "host");
        closed = registry.counter("hourglass_client_connections_closed_total",
                "Client connections closed, for any reason.", "host");
        drains = registry.counter("hourglass_client_drains_total",
                "Connections that drained a late response after a timeout: result=reused went back to the pool, "
                        + "result=closed exceeded the drain budget or was not reusable.", "host", "result");
        requests = registry.counter("hourglass_client_requests_total",
                "Client calls that got a response, by status class.", "code");
        duration = registry.histogram("hourglass_client_request_duration_seconds",
                "Client call duration, from the call's start to its response headers.");
        durationChild = duration.labels();
        // The protocol label came with HTTP/2 (issue 11); the client speaks HTTP/1.1 until issue 12.
        Counter t = registry.counter("hourglass_timeouts_total", "Timeouts by side and phase.", "side", "phase",
                "protocol");
        for (Phase p : Phase.values()) {
            timeouts.put(p, t.labels("client", p.label(), "http/1.1"));
        }
        String[] classes = {"1xx", "1xx", "2xx", "3xx", "4xx", "5xx"};
        for (int i = 1; i < 6; i++) {
            byClass[i] = requests.labels(classes[i]);
        }
        registry.gauges("hourglass_client_connections", "Client connections now, by origin and state.",
                List.of("host", "state"), this::connectionGauges);
    }

    private Map<List<String>, Integer> connectionGauges() {
        Map<List<String>, Integer> m = new LinkedHashMap<>();
        for (PerHost h : hosts.values()) {
            m.put(List.of(h.host, "active"), h.pool.activeCount());
            m.put(List.of(h.host, "idle"), h.pool.idleCount());
            m.put(List.of(h.host, "draining"), h.pool.drainingCount());
        }
        return m;
    }

    PerHost perHost(String host, Pool pool) {
        return hosts.computeIfAbsent(host, h -> new PerHost(h, pool));
    }

    void timeout(Phase p) {
        timeouts.get(p).inc();
    }

    long timeouts(Phase p) {
        return timeouts.get(p).value();
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
        final Pool pool;
        final Counter.Child opened;
        final Counter.Child reused;
        final Counter.Child closed;
        final Counter.Child drainedReused;
        final Counter.Child drainedClosed;

        PerHost(String host, Pool pool) {
            this.host = host;
            this.pool = pool;
            this.opened = ClientMetrics.this.opened.labels(host);
            this.reused = ClientMetrics.this.reused.labels(host);
            this.closed = ClientMetrics.this.closed.labels(host);
            this.drainedReused = drains.labels(host, "reused");
            this.drainedClosed = drains.labels(host, "closed");
        }
    }
}
