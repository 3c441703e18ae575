package io.hourglass.server;

import io.hourglass.testing.Await;
import io.hourglass.testing.RawPeer;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.http.Phase;
import io.hourglass.observe.MetricsRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The server's metrics, scraped from a {@code /metrics} route over a real socket after events whose counts are
 * known, and compared sample by sample with the exact values those events must leave.
 */
class ServerMetricsTest {
    Server server;
    final MetricsRegistry registry = new MetricsRegistry();
    final CountDownLatch stuckStarted = new CountDownLatch(2);
    final CountDownLatch deafRelease = new CountDownLatch(1);
    final CountDownLatch deafEnded = new CountDownLatch(1);

    @AfterEach
    void stop() {
        if (server != null) server.shutdown();
    }

    Router routes() {
        return new Router()
                .get("/ok", (req, res) -> res.send("ok\n"))
                .get("/stuck", (req, res) -> {
                    stuckStarted.countDown();
                    try {
                        Thread.sleep(10_000); // a stuck handler
                    } catch (InterruptedException e) {
                        return; // cancelled: client gone or handler timeout
                    }
                    res.send("woke\n");
                })
                .get("/deaf", (req, res) -> {
                    // deaf to its cancellation until the test lets it go: it is still running when its client leaves
                    boolean released = false;
                    while (!released) {
                        try {
                            released = deafRelease.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            // ignored
                        }
                    }
                    deafEnded.countDown();
                })
                .get("/boom", (req, res) -> {
                    throw new IllegalStateException("boom");
                })
                .get("/metrics", (req, res) -> {
                    res.header("Content-Type", MetricsRegistry.CONTENT_TYPE);
                    res.send(registry.toPrometheusText());
                });
    }

    void start(ServerConfig.Builder b) throws Exception {
        server = Server.start(b.host("127.0.0.1").port(0).shutdownTimeout(Duration.ofSeconds(1)).build(),
                routes(), registry);
    }

    /** Waits until every connection has ended on the server's side, so closed and state counts are settled. */
    void awaitNoConnections() throws InterruptedException {
        Await.until("no connection is open", Duration.ofSeconds(10), () -> server.openConnections() == 0);
    }

    String scrape() throws Exception {
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
            return r.body();
        }
    }

    @Test
    void aTimedOutHandlerIsNotAlsoCountedAsItsClientGoing() throws Exception {
        // The handler timeout's 503 is on the wire and the timer's thread has not closed the connection yet (held
        // there by the hook), the handler still runs (it ignores its cancellation for a moment), and the client
        // reads the 503 and closes: the watcher sees the end of the stream, which is not a second cancellation.
        start(ServerConfig.builder().handlerTimeout(Duration.ofMillis(200)).tcpStateMetrics(false));
        CountDownLatch watcherDone = new CountDownLatch(1);
        HandlerGuard.afterTimeoutResponse = conn -> {
            try {
                Await.until("the watcher has seen the client's close", Duration.ofSeconds(5), conn::isClosed);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                watcherDone.countDown();
            }
        };
        try {
            try (RawPeer.Connection c = RawPeer.connect(server.port())) {
                c.send("GET /deaf HTTP/1.1\r\nHost: a\r\n\r\n");
                assertThat(c.readResponse().status()).isEqualTo(503);
                c.socket().shutdownOutput(); // as a client that is done with the connection
                assertThat(watcherDone.await(10, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            HandlerGuard.afterTimeoutResponse = null;
            deafRelease.countDown();
        }
        assertThat(deafEnded.await(5, TimeUnit.SECONDS)).isTrue();
        awaitNoConnections();
        List<String> text = scrape().lines().toList();
        assertThat(samples(text, "hourglass_server_handler_cancellations_total")).containsExactly(
                "hourglass_server_handler_cancellations_total{reason=\"client_gone\"} 0",
                "hourglass_server_handler_cancellations_total{reason=\"deadline\"} 0",
                "hourglass_server_handler_cancellations_total{reason=\"handler_timeout\"} 1");
    }

    @Test
    void scrapeShowsExactCountsAfterKnownEvents() throws Exception {
        // No TCP-state gauge: its scrape reads every socket of the machine (57 000 in TIME_WAIT from other work
        // once), which on a busy machine outlasted the 1 s handler timeout and made the scrape a 503.
        start(ServerConfig.builder().readHeaderTimeout(Duration.ofMillis(300)).handlerTimeout(Duration.ofSeconds(1))
                .tcpStateMetrics(false));

        // 1. Three OK requests and a 404 on one keep-alive connection.
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            for (int i = 0; i < 3; i++) {
                c.send("GET /ok HTTP/1.1\r\nHost: a\r\n\r\n");
                assertThat(c.readResponse().status()).isEqualTo(200);
            }
            c.send("GET /nope HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(404);
        }
        // 2. A partial header, then silence: 408 from the read-header timeout.
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /ok HTTP/1.1\r\nHo");
            assertThat(c.readResponse().status()).isEqualTo(408);
            assertThat(c.awaitClose()).isIn("eof", "reset");
        }
        // 3. A handler that outlives the handler timeout: 503.
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /stuck HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(503);
        }
        // 4. The client leaves while its handler is stuck: cancelled, no response at all.
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /stuck HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(stuckStarted.await(5, TimeUnit.SECONDS)).isTrue();
            Await.until("the server watches the stuck handler's client",
                    () -> server.connections().stream().anyMatch(sc -> sc.wire().watching()));
            c.socket().shutdownOutput();
            assertThat(c.awaitClose()).isEqualTo("eof");
        }
        awaitNoConnections();

        List<String> text = scrape().lines().toList();
        assertThat(samples(text, "hourglass_server_connections_opened_total")).containsExactly(
                "hourglass_server_connections_opened_total 5");
        assertThat(samples(text, "hourglass_server_connections_closed_total")).containsExactly(
                "hourglass_server_connections_closed_total 4");
        // The scrape's own connection is the one open, and active while its handler writes the text.
        assertThat(samples(text, "hourglass_server_connections")).containsExactly(
                "hourglass_server_connections{state=\"active\"} 1",
                "hourglass_server_connections{state=\"idle\"} 0");
        // The scrape's own response is not in its own text: it is counted when it ends.
        assertThat(samples(text, "hourglass_server_requests_total")).containsExactly(
                "hourglass_server_requests_total{code=\"2xx\"} 3",
                "hourglass_server_requests_total{code=\"3xx\"} 0",
                "hourglass_server_requests_total{code=\"4xx\"} 2",
                "hourglass_server_requests_total{code=\"5xx\"} 1");
        // The protocol label came with HTTP/2 (issue 11): every server phase on both protocols, from the start.
        assertThat(samples(text, "hourglass_timeouts_total")).containsExactly(
                "hourglass_timeouts_total{side=\"server\",phase=\"deadline\",protocol=\"h2\"} 0",
                "hourglass_timeouts_total{side=\"server\",phase=\"deadline\",protocol=\"http/1.1\"} 0",
                "hourglass_timeouts_total{side=\"server\",phase=\"handler\",protocol=\"h2\"} 0",
                "hourglass_timeouts_total{side=\"server\",phase=\"handler\",protocol=\"http/1.1\"} 1",
                "hourglass_timeouts_total{side=\"server\",phase=\"idle\",protocol=\"h2\"} 0",
                "hourglass_timeouts_total{side=\"server\",phase=\"idle\",protocol=\"http/1.1\"} 0",
                "hourglass_timeouts_total{side=\"server\",phase=\"min-body-rate\",protocol=\"h2\"} 0",
                "hourglass_timeouts_total{side=\"server\",phase=\"min-body-rate\",protocol=\"http/1.1\"} 0",
                "hourglass_timeouts_total{side=\"server\",phase=\"ping\",protocol=\"h2\"} 0",
                "hourglass_timeouts_total{side=\"server\",phase=\"read-body\",protocol=\"h2\"} 0",
                "hourglass_timeouts_total{side=\"server\",phase=\"read-body\",protocol=\"http/1.1\"} 0",
                "hourglass_timeouts_total{side=\"server\",phase=\"read-header\",protocol=\"h2\"} 0",
                "hourglass_timeouts_total{side=\"server\",phase=\"read-header\",protocol=\"http/1.1\"} 1",
                "hourglass_timeouts_total{side=\"server\",phase=\"tls-handshake\",protocol=\"none\"} 0",
                "hourglass_timeouts_total{side=\"server\",phase=\"write\",protocol=\"h2\"} 0",
                "hourglass_timeouts_total{side=\"server\",phase=\"write\",protocol=\"http/1.1\"} 0");
        assertThat(samples(text, "hourglass_server_handler_cancellations_total")).containsExactly(
                "hourglass_server_handler_cancellations_total{reason=\"client_gone\"} 1",
                "hourglass_server_handler_cancellations_total{reason=\"deadline\"} 0",
                "hourglass_server_handler_cancellations_total{reason=\"handler_timeout\"} 1");
        assertThat(samples(text, "hourglass_server_deadlines_received_total")).containsExactly(
                "hourglass_server_deadlines_received_total{result=\"expired\"} 0",
                "hourglass_server_deadlines_received_total{result=\"honoured\"} 0",
                "hourglass_server_deadlines_received_total{result=\"invalid\"} 0");
        // Six responses: four fast ones, the 408 after 300 ms and the 503 after 1 s.
        assertThat(samples(text, "hourglass_server_request_duration_seconds_count")).containsExactly(
                "hourglass_server_request_duration_seconds_count 6");
        assertThat(value(text, "hourglass_server_request_duration_seconds_bucket{le=\"0.25\"}")).isLessThanOrEqualTo(4);
        assertThat(value(text, "hourglass_server_request_duration_seconds_bucket{le=\"0.5\"}")).isLessThanOrEqualTo(5);
        assertThat(value(text, "hourglass_server_request_duration_seconds_bucket{le=\"10\"}")).isEqualTo(6);
        assertThat(value(text, "hourglass_server_request_duration_seconds_sum")).isBetween(1.29, 10.0);

        // The accessors read the same registry.
        assertThat(server.acceptedConnections()).isEqualTo(5);
        assertThat(server.timeouts(Phase.READ_HEADER)).isEqualTo(1);
        assertThat(server.cancelledHandlers()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed request line      | BAD\\r\\n\\r\\n                                          | 4xx
            header too large            | GET / HTTP/1.1\\r\\nX: {big}\\r\\n\\r\\n                 | 4xx
            unsupported version         | GET / HTTP/2.0\\r\\nHost: a\\r\\n\\r\\n                | 5xx
            handler throws              | GET /boom HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n              | 5xx
            """)
    void serverErrorResponsesAreCountedByStatusClass(String name, String request, String code) throws Exception {
        start(ServerConfig.builder().maxHeaderBytes(1024));
        String raw = request.trim().replace("\\r\\n", "\r\n").replace("{big}", "y".repeat(2000));
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send(raw);
            assertThat(c.readResponse().status() / 100 + "xx").isEqualTo(code);
            c.awaitClose();
        }
        awaitNoConnections();
        assertThat(server.metrics().toPrometheusText().lines().toList())
                .contains("hourglass_server_requests_total{code=\"" + code + "\"} 1")
                .contains("hourglass_server_request_duration_seconds_count 1")
                .contains("hourglass_server_connections{state=\"active\"} 0")
                .contains("hourglass_server_connections{state=\"idle\"} 0")
                .contains("hourglass_server_connections_closed_total 1");
    }

    @Test
    void eachServerHasItsOwnRegistryByDefault() throws Exception {
        try (Server a = Server.start(ServerConfig.builder().port(0).build(), routes());
                Server b = Server.start(ServerConfig.builder().port(0).build(), routes())) {
            assertThat(a.metrics()).isNotSameAs(b.metrics());
            try (RawPeer.Connection c = RawPeer.connect(a.port())) {
                c.send("GET /ok HTTP/1.1\r\nHost: a\r\n\r\n");
                assertThat(c.readResponse().status()).isEqualTo(200);
            }
            assertThat(a.acceptedConnections()).isEqualTo(1);
            assertThat(b.acceptedConnections()).isZero();
        }
    }

    @Test
    void serversSharingARegistryAddUpTheirConnectionsByState() throws Exception {
        start(ServerConfig.builder());
        try (Server other = Server.start(ServerConfig.builder().host("127.0.0.1").port(0).build(), routes(), registry);
                RawPeer.Connection kept = RawPeer.connect(other.port())) {
            kept.send("GET /ok HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(kept.readResponse().status()).isEqualTo(200);
            Await.until("the other server's connection waits for its next request", () -> other.connections()
                    .stream().allMatch(c -> c.state == ServerConn.IDLE));
            // the scrape's own connection on this server, active; the kept one on the other, idle
            assertThat(samples(scrape().lines().toList(), "hourglass_server_connections")).containsExactly(
                    "hourglass_server_connections{state=\"active\"} 1",
                    "hourglass_server_connections{state=\"idle\"} 1");
        }
        // the other server has stopped: its part of the gauge is gone with it
        awaitNoConnections(); // the first scrape's connection has ended too
        assertThat(samples(scrape().lines().toList(), "hourglass_server_connections")).containsExactly(
                "hourglass_server_connections{state=\"active\"} 1",
                "hourglass_server_connections{state=\"idle\"} 0");
    }

    @Test
    void recordingAKeepAliveRequestAllocatesNothing() {
        Assumptions.assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported(), "needs per-thread allocation counters (HotSpot)");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        mx.setThreadAllocatedMemoryEnabled(true);
        ServerMetrics m = new ServerMetrics(new MetricsRegistry());
        m.opened();
        // What one keep-alive GET records: its response (its moves between idle and active record nothing: the
        // connections-by-state gauge reads the connections' states at a scrape).
        Runnable requests = () -> {
            for (int i = 0; i < 100_000; i++) {
                m.responded(200 + i % 400, 1_000 + i);
            }
        };
        requests.run(); // warm-up: class loading and JIT
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        requests.run();
        assertThat(mx.getThreadAllocatedBytes(tid) - before).as("bytes allocated by 100k requests").isLessThan(16 * 1024);
    }

    /** The sample lines of one family (its name followed by a label set or a space), in scrape order. */
    static List<String> samples(List<String> text, String name) {
        List<String> out = new ArrayList<>();
        for (String line : text) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                out.add(line);
            }
        }
        return out;
    }

    static double value(List<String> text, String sample) {
        for (String line : text) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1));
            }
        }
        throw new AssertionError("no sample " + sample + " in\n" + String.join("\n", text));
    }
}
