package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.observe.MetricsRegistry;
import io.hourglass.testing.ManualClock;
import io.hourglass.testing.RawPeer;
import io.hourglass.testing.TestResponse;
import io.hourglass.testing.TestServer;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dialer's fallback across a host's addresses (Happy Eyeballs, RFC 8305). The host "multi.test" resolves
 * to 127.0.0.2 and then 127.0.0.1 (both loopback on Linux); the server listens on 127.0.0.1, and 127.0.0.2 on
 * the same port is, as each test needs, a blackhole (connects never answered), refused, or absent.
 */
class ClientDialerTest {
    static final long SLACK_MS = 700;
    static final InetAddress SECOND;

    static {
        try {
            SECOND = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @RegisterExtension
    final TestServer server = new TestServer();
    final List<String> events = new CopyOnWriteArrayList<>();
    Client client;

    Client client(ClientConfig.Builder b, io.hourglass.net.Clock clock, InetAddress... addrs) {
        EventListener ev = new EventListener() {
            @Override
            public void connectStart(ClientRequest r, InetSocketAddress a) {
                events.add("start " + a.getAddress().getHostAddress());
            }

            @Override
            public void connectFailed(ClientRequest r, InetSocketAddress a, IOException e) {
                events.add("failed " + a.getAddress().getHostAddress());
            }
        };
        client = new Client(b.listener(ev).build(), new MetricsRegistry(), clock, host -> addrs);
        return client;
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    String url() {
        return "http://multi.test:" + server.port() + "/";
    }

    static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    String get() throws IOException {
        try (ClientResponse r = client.send(ClientRequest.get(url()))) {
            return r.bodyAsString();
        }
    }

    @Test
    void aSilentFirstAddressCostsTheFallbackDelayNotTheConnectTimeout() throws Exception {
        server.enqueue(TestResponse.ok("hi"));
        try (RawPeer hole = RawPeer.blackhole(SECOND, server.port())) {
            client(ClientConfig.builder().connectTimeout(Duration.ofSeconds(10)).fallbackDelay(Duration.ofMillis(300)),
                    io.hourglass.net.Clock.system(), SECOND, InetAddress.getLoopbackAddress());
            long t0 = System.nanoTime();
            assertThat(get()).isEqualTo("hi");
            assertThat(ms(t0)).as("the second attempt starts after the delay, and wins").isBetween(290L, 300 + SLACK_MS);
            assertThat(events).containsExactly("start 127.0.0.2", "start 127.0.0.1", "failed 127.0.0.2");
        }
    }

    @Test
    void withoutAFallbackDelayTheAddressesAreTriedOneAfterTheOther() throws Exception {
        server.enqueue(TestResponse.ok("hi"));
        try (RawPeer hole = RawPeer.blackhole(SECOND, server.port())) {
            client(ClientConfig.builder().connectTimeout(Duration.ofMillis(500)).fallbackDelay(Duration.ZERO),
                    io.hourglass.net.Clock.system(), SECOND, InetAddress.getLoopbackAddress());
            long t0 = System.nanoTime();
            assertThat(get()).isEqualTo("hi");
            assertThat(ms(t0)).as("the first attempt's connect timeout, then the second").isBetween(490L, 500 + SLACK_MS);
            assertThat(client.stats().timeouts(Phase.CONNECT)).as("not a failed call: not counted").isZero();
        }
    }

    @Test
    void aRefusedFirstAddressStartsTheNextAtOnce() throws Exception {
        server.enqueue(TestResponse.ok("hi"));
        client(ClientConfig.builder().fallbackDelay(Duration.ofSeconds(5)), io.hourglass.net.Clock.system(),
                SECOND, InetAddress.getLoopbackAddress()); // nothing listens on 127.0.0.2: RST
        long t0 = System.nanoTime();
        assertThat(get()).isEqualTo("hi");
        assertThat(ms(t0)).as("not the 5 s fallback delay").isLessThan(SLACK_MS);
        assertThat(events).containsExactly("start 127.0.0.2", "failed 127.0.0.2", "start 127.0.0.1");
    }

    @Test
    void whenEveryAddressIsSilentTheCallFailsWithOneConnectTimeout() throws Exception {
        InetAddress third = InetAddress.getByAddress(new byte[] {127, 0, 0, 3});
        try (RawPeer a = RawPeer.blackhole(SECOND, server.port()); RawPeer b = RawPeer.blackhole(third, server.port())) {
            client(ClientConfig.builder().connectTimeout(Duration.ofMillis(500)).fallbackDelay(Duration.ofMillis(100)),
                    io.hourglass.net.Clock.system(), SECOND, third);
            long t0 = System.nanoTime();
            assertThatThrownBy(this::get).isInstanceOfSatisfying(HttpTimeoutException.class,
                    e -> assertThat(e.phase()).isEqualTo(Phase.CONNECT));
            assertThat(ms(t0)).as("the second attempt's timeout, 100 ms after the first's start")
                    .isBetween(590L, 600 + SLACK_MS);
            assertThat(client.stats().timeouts(Phase.CONNECT)).isEqualTo(1);
            assertThat(events).containsExactly("start 127.0.0.2", "start 127.0.0.3", "failed 127.0.0.2",
                    "failed 127.0.0.3");
        }
    }

    @Test
    void theFallbackDelayAndTheConnectTimeoutRunOnTheClientsClock() throws Exception {
        server.enqueue(TestResponse.ok("hi"));
        ManualClock clock = new ManualClock();
        try (RawPeer hole = RawPeer.blackhole(SECOND, server.port())) {
            client(ClientConfig.builder().connectTimeout(Duration.ofSeconds(10)).fallbackDelay(Duration.ofSeconds(2)),
                    clock, SECOND, InetAddress.getLoopbackAddress());
            CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> {
                try {
                    return get();
                } catch (IOException e) {
                    return e.toString();
                }
            }, r -> Thread.ofVirtual().start(r));
            awaitEvents(1);
            clock.advance(Duration.ofMillis(1999));
            assertThat(events).as("before the fallback delay").containsExactly("start 127.0.0.2");
            clock.advance(Duration.ofMillis(1));
            assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("hi");
        }
    }

    void awaitEvents(int n) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (events.size() < n && System.nanoTime() < until) {
            Thread.onSpinWait();
            Thread.yield();
        }
        assertThat(events).hasSizeGreaterThanOrEqualTo(n);
    }

    @Test
    void addressFamiliesAreInterleavedFirstFamilyFirst() throws Exception {
        InetAddress v6a = Inet6Address.getByName("::1");
        InetAddress v6b = Inet6Address.getByName("::2");
        InetAddress v4a = InetAddress.getByName("10.0.0.1");
        InetAddress v4b = InetAddress.getByName("10.0.0.2");
        List<InetSocketAddress> order = Dialer.interleave(new InetAddress[] {v6a, v6b, v4a, v4b}, 80);
        assertThat(order).extracting(InetSocketAddress::getAddress).containsExactly(v6a, v4a, v6b, v4b);
        order = Dialer.interleave(new InetAddress[] {v4a, v6a, v6b}, 80);
        assertThat(order).extracting(InetSocketAddress::getAddress).containsExactly(v4a, v6a, v6b);
    }
}
