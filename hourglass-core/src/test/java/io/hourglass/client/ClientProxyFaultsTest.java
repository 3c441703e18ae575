package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.testing.RawPeer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the client sends to a proxy and what it does when the proxy misbehaves, against scripted proxies
 * (RawPeer): the absolute form and the credentials of plain http, a CONNECT that is never answered (phase
 * PROXY_CONNECT, in its window), a refused tunnel, a cancel mid-CONNECT, and a proxy that is not there.
 */
class ClientProxyFaultsTest {
    static final long SLACK_MS = 900;

    final List<String> heads = new CopyOnWriteArrayList<>();

    @Test
    void plainHttpGoesInAbsoluteFormWithTheProxyUrlsCredentials() throws Exception {
        try (RawPeer proxy = RawPeer.server(c -> {
                    heads.add(c.readHead());
                    c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                });
                Client client = new Client(ClientConfig.builder()
                        .proxy("http://ann:p%40ss@127.0.0.1:" + proxy.port()).build());
                ClientResponse r = client.send(ClientRequest.get("http://origin.test:8080/a/b?c=d"))) {
            assertThat(r.bodyAsString()).isEqualTo("ok");
        }
        assertThat(heads).hasSize(1);
        assertThat(heads.get(0)).startsWith("GET http://origin.test:8080/a/b?c=d HTTP/1.1\r\nHost: origin.test:8080\r\n")
                .contains("\r\nProxy-Authorization: Basic YW5uOnBAc3M=\r\n"); // ann:p@ss
    }

    @Test
    void aConnectNeverAnsweredTimesOutInPhaseProxyConnect() throws Exception {
        CountDownLatch connectSeen = new CountDownLatch(1);
        try (RawPeer proxy = RawPeer.server(c -> {
                    heads.add(c.readHead());
                    connectSeen.countDown();
                    c.stall(Duration.ofSeconds(10));
                });
                Client client = new Client(ClientConfig.builder().proxy("127.0.0.1:" + proxy.port())
                        .proxyConnectTimeout(Duration.ofMillis(400)).build())) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> client.send(ClientRequest.get("https://origin.test/")))
                    .isInstanceOfSatisfying(HttpTimeoutException.class, e -> {
                        assertThat(e.phase()).isEqualTo(Phase.PROXY_CONNECT);
                        assertThat(e.getMessage()).contains("proxy http://127.0.0.1:" + proxy.port())
                                .contains("origin.test:443");
                    });
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isBetween(400L, 400L + SLACK_MS);
            assertThat(connectSeen.await(1, TimeUnit.SECONDS)).isTrue();
            assertThat(heads.get(0)).startsWith("CONNECT origin.test:443 HTTP/1.1\r\nHost: origin.test:443\r\n");
            assertThat(client.stats().timeouts(Phase.PROXY_CONNECT)).isEqualTo(1);
        }
    }

    @Test
    void theCallsTotalTimeoutBoundsTheConnectToo() throws Exception {
        try (RawPeer proxy = RawPeer.server(c -> {
                    c.readHead();
                    c.stall(Duration.ofSeconds(10));
                });
                Client client = new Client(ClientConfig.builder().proxy("127.0.0.1:" + proxy.port())
                        .timeout(Duration.ofMillis(300)).build())) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> client.send(ClientRequest.get("https://origin.test/")))
                    .isInstanceOfSatisfying(HttpTimeoutException.class, e -> {
                        assertThat(e.phase()).isEqualTo(Phase.TOTAL);
                        assertThat(e.getMessage()).contains("set up a tunnel");
                    });
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(300L, 300L + SLACK_MS);
        }
    }

    @Test
    void aRefusedTunnelIsAProxyFailureWithTheProxysAnswer() throws Exception {
        try (RawPeer proxy = RawPeer.server(c -> {
                    c.readHead();
                    c.send("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
                });
                Client client = new Client(ClientConfig.builder().proxy("127.0.0.1:" + proxy.port()).build())) {
            assertThatThrownBy(() -> client.send(ClientRequest.get("https://origin.test:8443/")))
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ClientException.Kind.PROXY);
                        assertThat(e.getMessage()).contains("refused the tunnel to origin.test:8443: 403 Forbidden");
                    });
        }
    }

    @Test
    void anIpv6OriginIsBracketedInTheConnect() throws Exception {
        try (RawPeer proxy = RawPeer.server(c -> {
                    heads.add(c.readHead());
                    c.send("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
                });
                Client client = new Client(ClientConfig.builder().proxy("127.0.0.1:" + proxy.port()).build())) {
            assertThatThrownBy(() -> client.send(ClientRequest.get("https://[2001:db8::1]:8443/")))
                    .isInstanceOfSatisfying(ClientException.class,
                            e -> assertThat(e.getMessage()).contains("tunnel to [2001:db8::1]:8443: 502 Bad Gateway"));
        }
        assertThat(heads.get(0)).startsWith("CONNECT [2001:db8::1]:8443 HTTP/1.1\r\nHost: [2001:db8::1]:8443\r\n");
    }

    @Test
    void cancellingDuringTheConnectEndsTheCallAtOnce() throws Exception {
        CountDownLatch connectSeen = new CountDownLatch(1);
        CompletableFuture<Long> closedAt = new CompletableFuture<>();
        try (RawPeer proxy = RawPeer.server(c -> {
                    c.readHead();
                    connectSeen.countDown();
                    String how = c.awaitClose();
                    closedAt.complete("open".equals(how) ? -1L : System.nanoTime());
                });
                Client client = new Client(ClientConfig.builder().proxy("127.0.0.1:" + proxy.port()).build())) {
            CompletableFuture<ClientResponse> f = client.sendAsync(ClientRequest.get("https://origin.test/"));
            assertThat(connectSeen.await(5, TimeUnit.SECONDS)).isTrue();
            long t0 = System.nanoTime();
            f.cancel(true);
            assertThat(f).isCancelled();
            long closed = closedAt.get(5, TimeUnit.SECONDS);
            assertThat(closed).as("the call closed its connection to the proxy").isPositive();
            assertThat((closed - t0) / 1_000_000).isLessThan(SLACK_MS);
        }
    }

    @Test
    void aProxyThatIsNotThereIsRefusedAndNamed() throws Exception {
        int port = ExternalTool.freePort();
        try (Client client = new Client(ClientConfig.builder().proxy("http://127.0.0.1:" + port).build())) {
            assertThatThrownBy(() -> client.send(ClientRequest.get("http://origin.test/")))
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ClientException.Kind.REFUSED);
                        assertThat(e.getMessage()).contains("proxy http://127.0.0.1:" + port);
                    });
        }
    }

    @Test
    void badProxyUrlsAreRefusedWhenTheConfigIsBuilt() {
        assertThatThrownBy(() -> ClientConfig.builder().proxy("https://proxy:3128"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("an https proxy is not supported");
        assertThatThrownBy(() -> ClientConfig.builder().proxy("ftp://proxy"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be http, socks5 or socks5h");
        assertThatThrownBy(() -> ClientConfig.builder().proxy("http://"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("proxy");
    }
}
