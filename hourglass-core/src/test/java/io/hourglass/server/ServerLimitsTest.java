package io.hourglass.server;

import io.hourglass.testing.Await;
import io.hourglass.testing.RawPeer;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.http.Phase;
import io.hourglass.server.ServerMetrics.Limit;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9: every limit that fired is counted by kind in {@code hourglass_server_limits_total{kind}}, so an
 * operator can see which defence acted. One test per kind, each checking that the other kinds stayed at 0.
 */
class ServerLimitsTest {
    Server server;

    @AfterEach
    void stop() {
        if (server != null) server.shutdown();
    }

    Server start(ServerConfig.Builder b, Handler h) throws Exception {
        server = Server.start(b.host("127.0.0.1").port(0).shutdownTimeout(Duration.ofSeconds(1)).build(), h);
        return server;
    }

    /** Asserts the limit counters: {@code kind} at {@code n}, every other kind at 0. */
    void assertLimits(Limit kind, long n) {
        Map<Limit, Long> expected = new EnumMap<>(Limit.class);
        Map<Limit, Long> actual = new EnumMap<>(Limit.class);
        for (Limit l : Limit.values()) {
            expected.put(l, l == kind ? n : 0L);
            actual.put(l, server.recorder().limits(l));
        }
        assertThat(actual).isEqualTo(expected);
    }

    /** Waits (bounded) until {@code kind} has been counted {@code n} times: some are counted just after a close. */
    void awaitLimit(Limit kind, long n) throws InterruptedException {
        Await.until(kind + " counted " + n + " times", () -> server.recorder().limits(kind) >= n);
    }

    /** The write timeout is counted when the handler's failure is handled, just after the handler returned. */
    void awaitWriteTimeout() throws InterruptedException {
        Await.until("the write timeout is counted", () -> server.timeouts(Phase.WRITE) > 0);
    }

    @Test
    void everyKindIsExportedFromTheStartAtZero() throws Exception {
        start(ServerConfig.builder(), (req, res) -> res.send("ok"));
        List<String> text = server.metrics().toPrometheusText().lines().toList();
        assertThat(ServerMetricsTest.samples(text, "hourglass_server_limits_total")).containsExactly(
                "hourglass_server_limits_total{kind=\"body_too_large\"} 0",
                "hourglass_server_limits_total{kind=\"control_flood\"} 0",
                "hourglass_server_limits_total{kind=\"control_queue\"} 0",
                "hourglass_server_limits_total{kind=\"header_block\"} 0",
                "hourglass_server_limits_total{kind=\"header_too_large\"} 0",
                "hourglass_server_limits_total{kind=\"max_connections\"} 0",
                "hourglass_server_limits_total{kind=\"min_body_rate\"} 0",
                "hourglass_server_limits_total{kind=\"peer_resets\"} 0",
                "hourglass_server_limits_total{kind=\"server_resets\"} 0",
                "hourglass_server_limits_total{kind=\"slow_reader\"} 0",
                "hourglass_server_limits_total{kind=\"stream_queue\"} 0",
                "hourglass_server_limits_total{kind=\"too_many_headers\"} 0",
                "hourglass_server_limits_total{kind=\"uri_too_long\"} 0");
    }

    @Test
    void aHeadOverMaxHeaderBytesCountsHeaderTooLarge() throws Exception {
        start(ServerConfig.builder().maxHeaderBytes(1024), (req, res) -> res.send("ok"));
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "y".repeat(2000) + "\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(431);
        }
        assertLimits(Limit.HEADER_TOO_LARGE, 1);
        assertThat(server.metrics().toPrometheusText().lines().toList())
                .contains("hourglass_server_limits_total{kind=\"header_too_large\"} 1");
    }

    /**
     * A request line that alone does not fit in maxHeaderBytes is a target too long: 414 (RFC 9112 section 3
     * MUST), counted as uri_too_long rather than header_too_large (the differential against Go: it was 431).
     */
    @Test
    void aRequestLineOverMaxHeaderBytesCountsUriTooLong() throws Exception {
        start(ServerConfig.builder().maxHeaderBytes(1024), (req, res) -> res.send("ok"));
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /" + "y".repeat(2000) + " HTTP/1.1\r\nHost: a\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(414);
            assertThat(r.header("connection")).isEqualTo("close");
        }
        try (RawPeer.Connection c = RawPeer.connect(server.port())) { // the line has not even ended within the limit
            c.send("GET /" + "y".repeat(2000));
            assertThat(c.readResponse().status()).isEqualTo(414);
        }
        assertLimits(Limit.URI_TOO_LONG, 2);
        assertThat(server.metrics().toPrometheusText().lines().toList())
                .contains("hourglass_server_limits_total{kind=\"uri_too_long\"} 2");
    }

    @Test
    void tooManyHeaderOrTrailerFieldsCountTooManyHeaders() throws Exception {
        start(ServerConfig.builder().maxHeaderCount(5), (req, res) -> res.send(req.body().readAllBytes()));
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\n" + fields("X", 5) + "\r\n");
            assertThat(c.readResponse().status()).isEqualTo(431);
        }
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n"
                    + fields("T", 6) + "\r\n");
            assertThat(c.readResponse().status()).isEqualTo(431);
        }
        assertLimits(Limit.TOO_MANY_HEADERS, 2);
    }

    @Test
    void aBodyOverTheLimitCountsBodyTooLarge() throws Exception {
        start(ServerConfig.builder().maxRequestBodyBytes(10), (req, res) -> res.send(req.body().readAllBytes()));
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n01234567890");
            assertThat(c.readResponse().status()).isEqualTo(413);
        }
        try (RawPeer.Connection c = RawPeer.connect(server.port())) { // found while reading a chunked body
            c.send("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n01234567\r\n"
                    + "8\r\n01234567\r\n0\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(413);
        }
        assertLimits(Limit.BODY_TOO_LARGE, 2);
    }

    @Test
    void aBodyBelowTheMinimumRateCountsMinBodyRate() throws Exception {
        start(ServerConfig.builder().readTimeout(Duration.ZERO).minRequestBodyRate(1000)
                .minRequestBodyGrace(Duration.ofMillis(300)), (req, res) -> res.send(req.body().readAllBytes()));
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n0123456789");
            assertThat(c.readResponse().status()).isEqualTo(408);
        }
        assertLimits(Limit.MIN_BODY_RATE, 1);
        assertThat(server.timeouts(Phase.MIN_BODY_RATE)).isEqualTo(1);
    }

    @Test
    void aClientThatDoesNotReadCountsSlowReader() throws Exception {
        CountDownLatch handlerEnded = new CountDownLatch(1);
        start(ServerConfig.builder().writeTimeout(Duration.ofMillis(500)), (req, res) -> {
            try {
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 16 * 1024; i++) { // 1 GiB at most: far more than any socket buffers
                    res.body().write(chunk);
                }
            } finally {
                handlerEnded.countDown();
            }
        });
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: a\r\n\r\n".getBytes());
            assertThat(handlerEnded.await(10, TimeUnit.SECONDS)).as("the write timeout ended the handler").isTrue();
        }
        awaitLimit(Limit.SLOW_READER, 1);
        awaitWriteTimeout();
        assertLimits(Limit.SLOW_READER, 1);
        assertThat(server.timeouts(Phase.WRITE)).isEqualTo(1);
    }

    @Test
    void aSlowHandlerPastTheWriteTimeoutIsNotASlowReader() throws Exception {
        CountDownLatch handlerEnded = new CountDownLatch(1);
        start(ServerConfig.builder().writeTimeout(Duration.ofMillis(300)), (req, res) -> {
            try {
                Thread.sleep(600); // the handler is slow; the client reads whatever comes
                res.send("late");
            } finally {
                handlerEnded.countDown();
            }
        });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(handlerEnded.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(c.awaitClose()).isIn("eof", "reset");
        }
        awaitWriteTimeout();
        assertThat(server.timeouts(Phase.WRITE)).isEqualTo(1);
        assertLimits(Limit.SLOW_READER, 0);
    }

    @Test
    void reachingMaxConnectionsCountsEachTimeAcceptingPauses() throws Exception {
        start(ServerConfig.builder().maxConnections(1), (req, res) -> res.send("ok"));
        try (RawPeer.Connection a = RawPeer.connect(server.port())) {
            a.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(a.readResponse().status()).isEqualTo(200);
            awaitLimit(Limit.MAX_CONNECTIONS, 1);
            assertLimits(Limit.MAX_CONNECTIONS, 1);
            try (RawPeer.Connection b = RawPeer.connect(server.port())) { // queued by the kernel, not yet accepted
                b.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
                b.socket().setSoTimeout(300);
                assertThat(b.awaitClose()).as("b waits while a holds the only slot").isEqualTo("open");
                a.close();
                b.socket().setSoTimeout(5000);
                assertThat(b.readResponse().status()).isEqualTo(200);
                awaitLimit(Limit.MAX_CONNECTIONS, 2);
                assertLimits(Limit.MAX_CONNECTIONS, 2);
            }
        }
    }

    static String fields(String prefix, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i <= n; i++) {
            sb.append(prefix).append('-').append(i).append(": v\r\n");
        }
        return sb.toString();
    }

}
