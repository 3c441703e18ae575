package io.hourglass.server;

import io.hourglass.testing.ManualClock;
import io.hourglass.testing.RawPeer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hourglass.client.Client;
import io.hourglass.client.ClientConfig;
import io.hourglass.client.ClientRequest;
import io.hourglass.client.ClientResponse;
import io.hourglass.internal.tcp.ProcNetTcp;
import io.hourglass.observe.MetricsRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code hourglass_tcp_connections{state,peer}} for library users ({@link ServerConfig#tcpStateMetrics()},
 * {@link ClientConfig#tcpStateMetrics()}): real loopback sockets driven into known states and read back through
 * the registry, as a scrape reads them from {@code /proc/net/tcp}. Skipped only where there is no /proc (not
 * Linux); on Linux a missing /proc/net/tcp fails.
 *
 * <p>A socket in TIME_WAIT or FIN_WAIT2 left by an earlier process on the same port pair could add to those
 * states (the kernel reuses ports), so those are checked as "at least the one this test made".
 */
class TcpStateMetricsTest {
    static final String LISTEN = "{state=\"listen\",peer=\"*\"}";
    static final String ESTABLISHED = "{state=\"established\",peer=\"127.0.0.1\"}";
    static final String FIN_WAIT2 = "{state=\"fin_wait2\",peer=\"127.0.0.1\"}";
    static final String TIME_WAIT = "{state=\"time_wait\",peer=\"127.0.0.1\"}";

    Server server;
    Server other;
    Client client;

    @BeforeAll
    static void linux() {
        assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux"), "needs Linux");
        assertThat(ProcNetTcp.isSupported()).as("Linux has a readable /proc/net/tcp").isTrue();
    }

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (server != null) server.shutdown();
        if (other != null) other.shutdown();
    }

    static Router hello() {
        return new Router().get("/hello", (req, res) -> res.send("hello\n"));
    }

    static ServerConfig.Builder config() {
        return ServerConfig.builder().port(0).shutdownTimeout(Duration.ofSeconds(1));
    }

    /** The samples of hourglass_tcp_connections in a scrape of {@code registry}, by their labels. */
    static Map<String, Integer> tcp(MetricsRegistry registry) {
        Map<String, Integer> m = new TreeMap<>();
        for (String line : registry.toPrometheusText().lines().toList()) {
            if (line.startsWith("hourglass_tcp_connections{")) {
                int sp = line.lastIndexOf(' ');
                m.put(line.substring("hourglass_tcp_connections".length(), sp), Integer.parseInt(line.substring(sp + 1)));
            }
        }
        return m;
    }

    /** Scrapes until {@code done} holds (socket states change in the kernel as the peers act), for at most 5 s. */
    static Map<String, Integer> awaitTcp(MetricsRegistry registry, Predicate<Map<String, Integer>> done)
            throws InterruptedException {
        long until = System.nanoTime() + 5_000_000_000L;
        Map<String, Integer> m = tcp(registry);
        while (!done.test(m) && System.nanoTime() < until) {
            Thread.sleep(10); // a bounded poll of /proc/net/tcp
            m = tcp(registry);
        }
        return m;
    }

    @Test
    void aServerExportsItsOwnSocketsByStateAndPeerByDefault() throws Exception {
        assertThat(ServerConfig.defaults().tcpStateMetrics()).isTrue();
        server = Server.start(config().build(), hello());
        MetricsRegistry registry = server.metrics();
        assertThat(registry.toPrometheusText()).contains("# TYPE hourglass_tcp_connections gauge");
        assertThat(tcp(registry)).containsEntry(LISTEN, 1).doesNotContainKey(ESTABLISHED);

        // another server's sockets on this machine are not this server's
        other = Server.start(config().build(), hello());
        try (RawPeer.Connection elsewhere = RawPeer.connect(other.port()); RawPeer.Connection c = RawPeer.connect(server.port())) {
            elsewhere.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n").readResponse();
            c.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(200);
            Map<String, Integer> open = tcp(registry);
            assertThat(open).as("the server side of the one keep-alive connection, and the listener")
                    .containsEntry(ESTABLISHED, 1).containsEntry(LISTEN, 1);

            // the server closes first: its side waits in FIN_WAIT2 for the client's FIN
            c.send("GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(200);
            Map<String, Integer> closing = awaitTcp(registry, m -> m.getOrDefault(FIN_WAIT2, 0) >= 1);
            assertThat(closing).doesNotContainKey(ESTABLISHED);
            assertThat(closing.get(FIN_WAIT2)).isGreaterThanOrEqualTo(1);
        }
        // the client closed too: the server's side, the active closer, is in TIME_WAIT
        Map<String, Integer> closed = awaitTcp(registry, m -> m.getOrDefault(TIME_WAIT, 0) >= 1);
        assertThat(closed.get(TIME_WAIT)).isGreaterThanOrEqualTo(1);
        assertThat(closed).containsEntry(LISTEN, 1);

        server.shutdown();
        assertThat(tcp(registry)).as("a server that shut down counts nothing").isEmpty();
    }

    @Test
    void aClientExportsTheSocketsToItsPeersByStateAndPeer() throws Exception {
        assertThat(ClientConfig.defaults().tcpStateMetrics()).isTrue();
        server = Server.start(config().tcpStateMetrics(false).build(), hello());
        assertThat(server.metrics().toPrometheusText()).doesNotContain("hourglass_tcp_connections");
        // On fake time, so the pooled connection stays open however long a scrape takes (a busy machine with tens
        // of thousands of sockets in /proc/net/tcp once outlasted a real 300 ms idle timeout here), and closes
        // when the test says.
        ManualClock clock = new ManualClock();
        Duration idle = Duration.ofSeconds(30);
        client = new Client(ClientConfig.builder().idleTimeout(idle).build(), new MetricsRegistry(), clock);
        MetricsRegistry registry = client.metrics();
        assertThat(tcp(registry)).as("no peer yet").isEmpty();

        try (ClientResponse r = client.send(ClientRequest.get(server.url() + "/hello"))) {
            assertThat(r.bodyAsString()).isEqualTo("hello\n");
        }
        Map<String, Integer> open = tcp(registry);
        assertThat(open).as("the client side of its pooled connection; not the server's sockets")
                .containsEntry(ESTABLISHED, 1).doesNotContainKey(LISTEN);

        // the idle timeout closes the pooled connection: the client, the active closer, holds TIME_WAIT
        clock.advance(idle);
        Map<String, Integer> closed = awaitTcp(registry, m -> m.getOrDefault(TIME_WAIT, 0) >= 1);
        assertThat(closed).doesNotContainKey(ESTABLISHED);
        assertThat(closed.get(TIME_WAIT)).isGreaterThanOrEqualTo(1);

        client.close();
        assertThat(tcp(registry)).as("a closed client counts nothing").isEmpty();
    }

    @Test
    void aServerAndAClientSharingARegistryCountEachSocketOnce() throws Exception {
        MetricsRegistry shared = new MetricsRegistry();
        server = Server.start(config().build(), hello(), shared);
        client = new Client(ClientConfig.defaults(), shared);
        try (ClientResponse r = client.send(ClientRequest.get(server.url() + "/hello"))) {
            r.bodyAsString();
        }

        Map<String, Integer> m = tcp(shared);

        assertThat(m).as("both ends of the one connection, and the listener")
                .containsEntry(ESTABLISHED, 2).containsEntry(LISTEN, 1);
        assertThat(shared.families().stream().filter(f -> f.name().equals("hourglass_tcp_connections")))
                .hasSize(1);
    }

    @Test
    void offItRegistersNothing() throws Exception {
        server = Server.start(config().tcpStateMetrics(false).build(), hello());
        client = new Client(ClientConfig.builder().tcpStateMetrics(false).build(), server.metrics());
        try (ClientResponse r = client.send(ClientRequest.get(server.url() + "/hello"))) {
            r.bodyAsString();
        }

        assertThat(server.metrics().toPrometheusText()).doesNotContain("hourglass_tcp_connections");
    }

    /** A registry that has the name for something else fails the start, with no port left bound. */
    @Test
    void aRegistryWithTheNameTakenFailsTheStartWithoutKeepingThePort() throws Exception {
        MetricsRegistry registry = new MetricsRegistry();
        registry.gauges("hourglass_tcp_connections", "someone else's", List.of("x"), Map::of);
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }

        Throwable e = catchThrowable(() -> Server.start(config().port(port).build(), hello(), registry));

        assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hourglass_tcp_connections");
        try (ServerSocket again = new ServerSocket(port)) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }
}
