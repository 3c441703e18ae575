package io.hourglass.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.http.Phase;
import io.hourglass.observe.Counter;
import io.hourglass.observe.Family;
import io.hourglass.observe.Gauge;
import io.hourglass.observe.Histogram;
import io.hourglass.server.Router;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real server's meters through Micrometer: after known events, every value matches Hourglass's own. */
class ServerMetersTest {
    Server server;

    @BeforeEach
    void start() throws Exception {
        Router routes = new Router()
                .get("/ok", (req, res) -> res.send("ok\n"))
                .get("/stuck", (req, res) -> {
                    try {
                        Thread.sleep(10_000); // a stuck handler
                    } catch (InterruptedException e) {
                        return;
                    }
                    res.send("woke\n");
                });
        // Without the TCP-state gauge: its label sets are whatever sockets the kernel holds at bind time (a
        // computed gauge's meters are fixed then); HourglassMeterBinderTest covers binding it.
        server = Server.start(ServerConfig.builder().port(0).handlerTimeout(Duration.ofMillis(300))
                .shutdownTimeout(Duration.ofSeconds(1)).tcpStateMetrics(false).build(), routes);
    }

    @AfterEach
    void stop() {
        server.shutdown();
    }

    /** Sends one request per path on one connection and returns the status codes. */
    List<Integer> get(String... paths) throws Exception {
        List<Integer> codes = new ArrayList<>();
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (String p : paths) {
                out.write(("GET " + p + " HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                codes.add(readResponse(in));
            }
        }
        return codes;
    }

    /** Reads a status line and header, then the Content-Length body; returns the status. */
    static int readResponse(InputStream in) throws Exception {
        String status = line(in);
        int length = 0;
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            if (l.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(l.substring(15).trim());
            }
        }
        in.readNBytes(length);
        return Integer.parseInt(status.split(" ")[1]);
    }

    static String line(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) throw new java.io.EOFException();
            if (b != '\r') sb.append((char) b);
        }
        return sb.toString();
    }

    void awaitNoConnections() throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (server.openConnections() > 0 && System.nanoTime() < until) {
            Thread.sleep(5); // a bounded poll; the deadline bounds it
        }
        assertThat(server.openConnections()).as("connections still open after 10 s").isZero();
    }

    @Test
    void everyServerMeterMatchesTheHourglassValueAfterEvents() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        new HourglassMeterBinder(server.metrics()).bindTo(meters);

        assertThat(get("/ok", "/ok", "/ok", "/nope")).containsExactly(200, 200, 200, 404);
        assertThat(get("/stuck")).containsExactly(503);
        awaitNoConnections();

        assertThat(meters.get("hourglass.server.requests").tag("code", "2xx").functionCounter().count()).isEqualTo(3);
        assertThat(meters.get("hourglass.server.requests").tag("code", "4xx").functionCounter().count()).isEqualTo(1);
        assertThat(meters.get("hourglass.server.requests").tag("code", "5xx").functionCounter().count()).isEqualTo(1);
        assertThat(meters.get("hourglass.server.connections.opened").functionCounter().count()).isEqualTo(2);
        assertThat(meters.get("hourglass.server.connections.closed").functionCounter().count()).isEqualTo(2);
        assertThat(meters.get("hourglass.server.connections").tag("state", "active").gauge().value()).isZero();
        assertThat(meters.get("hourglass.timeouts").tags("side", "server", "phase", "handler", "protocol", "http/1.1")
                .functionCounter().count()).isEqualTo(1);
        assertThat(meters.get("hourglass.server.handler.cancellations").tag("reason", "handler_timeout")
                .functionCounter().count()).isEqualTo(1);
        FunctionTimer duration = meters.get("hourglass.server.request.duration").functionTimer();
        assertThat(duration.count()).isEqualTo(5);
        assertThat(duration.totalTime(TimeUnit.SECONDS)).isGreaterThanOrEqualTo(0.29); // the 503 took 300 ms
        assertThat(server.timeouts(Phase.HANDLER)).isEqualTo(1);

        // And generically: every child of every family, one meter each, same value.
        int checked = 0;
        for (Family f : server.metrics().families()) {
            String name = HourglassMeterBinder.meterName(f);
            switch (f) {
                case Counter c -> {
                    for (var e : c.children().entrySet()) {
                        assertThat(meters.get(name).tags(tags(f, e.getKey())).functionCounter().count())
                                .as("%s%s", f.name(), e.getKey()).isEqualTo((double) e.getValue().value());
                        checked++;
                    }
                }
                case Gauge g -> {
                    for (var e : g.children().entrySet()) {
                        assertThat(meters.get(name).tags(tags(f, e.getKey())).gauge().value())
                                .as("%s%s", f.name(), e.getKey()).isEqualTo(e.getValue().value());
                        checked++;
                    }
                }
                case Histogram h -> {
                    for (var e : h.children().entrySet()) {
                        FunctionTimer t = meters.get(name).tags(tags(f, e.getKey())).functionTimer();
                        assertThat(t.count()).isEqualTo((double) e.getValue().count());
                        assertThat(t.totalTime(TimeUnit.SECONDS)).isEqualTo(e.getValue().sum());
                        checked++;
                    }
                }
            }
        }
        // 2 connection counters, 2 states, 4 classes, 16 timeouts (7 server phases, the client's deadline
        // included, on HTTP/1.1 and HTTP/2, the TLS handshake, HTTP/2's ping), 3 reasons, 1 histogram, 13 limit
        // kinds, 3 results of received deadlines (issue 14); HTTP/2: 1 connection counter, 3 stream states, 6 reset
        // series (the common codes by side), 3 GOAWAY codes, 2 stall windows
        assertThat(checked).isEqualTo(59);
        assertThat(meters.getMeters()).hasSize(59);
    }

    @Test
    void micrometersPrometheusOutputUsesTheHourglassNames() throws Exception {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new HourglassMeterBinder(server.metrics()).bindTo(prometheus);
        assertThat(get("/ok", "/ok")).containsExactly(200, 200);
        awaitNoConnections();

        List<String> lines = prometheus.scrape().lines().filter(l -> !l.startsWith("#")).toList();
        assertThat(lines).anyMatch(l -> l.startsWith("hourglass_server_requests_total{code=\"2xx\"} 2"));
        assertThat(lines).anyMatch(l -> l.startsWith("hourglass_server_connections_opened_total 1"));
        assertThat(lines).anyMatch(l -> l.startsWith("hourglass_server_connections{state=\"idle\"} 0"));
        assertThat(lines).anyMatch(l -> l.startsWith("hourglass_timeouts_total{phase=\"handler\",protocol=\"http/1.1\",side=\"server\"} 0"));
        assertThat(lines).anyMatch(l -> l.startsWith("hourglass_server_request_duration_seconds_count 2"));
        assertThat(lines).anyMatch(l -> l.startsWith("hourglass_server_request_duration_seconds_sum "));
        // Every Hourglass family name shows up under the same name (histograms as _count and _sum).
        for (Family f : server.metrics().families()) {
            String prefix = f instanceof Histogram ? f.name() + "_count" : f.name();
            assertThat(lines).as(f.name()).anyMatch(l -> l.startsWith(prefix + "{") || l.startsWith(prefix + " "));
        }
    }

    @Test
    void aClientAndAServerSharingARegistryAreBothShown() throws Exception {
        io.hourglass.observe.MetricsRegistry shared = new io.hourglass.observe.MetricsRegistry();
        try (Server s = Server.start(ServerConfig.builder().port(0).build(),
                        new Router().get("/ok", (req, res) -> res.send("ok\n")), shared);
                io.hourglass.client.Client client = new io.hourglass.client.Client(
                        io.hourglass.client.ClientConfig.builder().build(), shared)) {
            for (int i = 0; i < 3; i++) {
                try (var r = client.send(io.hourglass.client.ClientRequest.get(s.url() + "/ok"))) {
                    assertThat(r.bodyAsString()).isEqualTo("ok\n");
                }
            }
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            new HourglassMeterBinder(shared, false, 0).bindTo(meters);

            String host = meters.get("hourglass.client.connections.opened").functionCounter().getId().getTag("host");
            assertThat(host).isNotNull();
            assertThat(meters.get("hourglass.client.connections.opened").tag("host", host).functionCounter().count())
                    .isEqualTo(1);
            assertThat(meters.get("hourglass.client.connections.reused").tag("host", host).functionCounter().count())
                    .isEqualTo(2);
            assertThat(meters.get("hourglass.client.connections").tags("host", host, "state", "idle").gauge().value())
                    .isEqualTo(1);
            assertThat(meters.get("hourglass.client.requests").tag("code", "2xx").functionCounter().count()).isEqualTo(3);
            assertThat(meters.get("hourglass.server.requests").tag("code", "2xx").functionCounter().count()).isEqualTo(3);
            // One family for both sides' timeouts, told apart by the side tag.
            assertThat(meters.find("hourglass.timeouts").tag("side", "client").meters()).isNotEmpty();
            // Eight server phases on HTTP/1.1 and HTTP/2 (the TLS handshake before either), and PING liveness.
            assertThat(meters.find("hourglass.timeouts").tag("side", "server").meters()).hasSize(16);
        }
    }

    static List<Tag> tags(Family f, List<String> values) {
        List<Tag> tags = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            tags.add(Tag.of(f.labelNames().get(i), values.get(i)));
        }
        return tags;
    }
}
