package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.internal.io.ChannelIo;
import io.hourglass.observe.MetricsRegistry;
import io.hourglass.testing.Await;
import io.hourglass.testing.ManualClock;
import io.hourglass.testing.RawPeer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Idle HTTP/1.1 connections on either reading path (see ClientConn): a server's close is noticed within the
 * idle watch's quiet period, a call never goes out on a connection the server has already closed, and
 * connections leave no file descriptor behind (a channel connection holds three: the socket, its selector's
 * epoll and event descriptors).
 */
class ClientIdleWatchTest {
    static final long QUIET_MS = ClientConn.IDLE_QUIET_NANOS / 1_000_000;
    static final long SLACK_MS = 300;

    /** Records connection closes and their reasons. */
    static final class Closes implements EventListener {
        final List<String> reasons = new CopyOnWriteArrayList<>();
        volatile long lastNanos;

        @Override
        public void connectionClosed(long id, String reason) {
            lastNanos = System.nanoTime();
            reasons.add(reason);
        }
    }

    @Test
    void aServersCloseOfAnIdleConnectionIsNoticedWithinTheQuietPeriod() throws Exception {
        CountDownLatch idle = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        try (RawPeer srv = RawPeer.server(c -> {
                    c.readHead();
                    c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                    idle.await(5, TimeUnit.SECONDS);
                    c.close(); // the connection is idle in the client's pool
                    closed.countDown();
                })) {
            Closes ev = new Closes();
            try (Client c = new Client(ClientConfig.builder().listener(ev).build())) {
                try (ClientResponse r = c.send(ClientRequest.get(srv.url("/a")))) {
                    assertThat(r.bodyAsString()).isEqualTo("ok");
                }
                idle.countDown(); // read to its end and closed: back in the pool
                assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
                long t0 = System.nanoTime();
                Await.until("the pool notices the server's close", Duration.ofSeconds(5), () -> !ev.reasons.isEmpty());
                long ms = (ev.lastNanos - t0) / 1_000_000;
                assertThat(ev.reasons).containsExactly("server closed");
                assertThat(ms).as("ms from the server's close to the pool's").isLessThan(QUIET_MS + SLACK_MS);
                assertThat(c.stats().closed()).isEqualTo(1);
            }
        }
    }

    @Test
    void aCallNeverGoesOutOnAnIdleConnectionTheServerClosed() throws Exception {
        CountDownLatch idle = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        try (RawPeer srv = RawPeer.server(c -> {
                    c.readHead();
                    c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                    if (closed.getCount() > 0) {
                        idle.await(5, TimeUnit.SECONDS);
                        c.close(); // the first connection: closed after one response, once idle in the pool
                        closed.countDown();
                        return;
                    }
                    while (c.readHead() != null) {
                        c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                    }
                })) {
            Closes ev = new Closes();
            try (Client c = new Client(ClientConfig.builder().listener(ev).build())) {
                try (ClientResponse r = c.send(ClientRequest.get(srv.url("/a")))) {
                    assertThat(r.bodyAsString()).isEqualTo("ok");
                }
                idle.countDown();
                assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue(); // the FIN is in the client's socket now
                if (!ChannelIo.ENABLED) {
                    // the reader thread notices the end by itself, a moment after it came
                    Await.until("the reader notices the end", () -> !ev.reasons.isEmpty());
                }
                // within the quiet period on a channel: the look at take finds the end. A POST is not retried, so
                // one sent on the closed connection would fail.
                try (ClientResponse r = c.send(ClientRequest.post(srv.url("/b"), RequestBody.of("x")))) {
                    assertThat(r.bodyAsString()).isEqualTo("ok");
                }
                assertThat(ev.reasons).containsExactly("server closed");
                assertThat(c.stats().opened()).isEqualTo(2);
            }
        }
    }

    @Test
    void aCallTakesAWatchedIdleConnectionAndReadsItsOwnResponse() throws Exception {
        ManualClock clock = new ManualClock();
        try (RawPeer srv = RawPeer.server(c -> {
                    for (int i = 0; c.readHead() != null; i++) {
                        c.send("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + (i % 10));
                    }
                });
             Client c = new Client(ClientConfig.builder().build(), new MetricsRegistry(), clock)) {
            for (int i = 0; i < 20; i++) {
                try (ClientResponse r = c.send(ClientRequest.get(srv.url("/n")))) {
                    assertThat(r.bodyAsString()).isEqualTo(String.valueOf(i % 10));
                }
                // past the quiet period: the idle watch starts on the connection, and the next call takes it over
                clock.advance(Duration.ofNanos(ClientConn.IDLE_QUIET_NANOS + 1_000_000));
            }
            assertThat(c.stats().opened()).as("one connection throughout").isEqualTo(1);
            assertThat(c.stats().closed()).isZero();
        }
    }

    @Test
    void aConnectionReadOnItsCallersThreadsMovesToAReaderThreadWhenItsOriginGetsASecond() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
                    for (int i = 0; c.readHead() != null; i++) {
                        c.send("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + (i % 10));
                    }
                });
             Client c = new Client()) {
            // two calls at once: the origin's first connection, then a second (a reader thread's)
            ClientResponse first = c.send(ClientRequest.get(srv.url("/a")));
            try (ClientResponse second = c.send(ClientRequest.get(srv.url("/b")))) {
                assertThat(second.bodyAsString()).isEqualTo("0");
            }
            assertThat(first.bodyAsString()).isEqualTo("0");
            first.close();
            // calls one at a time take both connections in turn: the first moves to a reader thread when taken
            for (int i = 1; i <= 10; i++) {
                try (ClientResponse r = c.send(ClientRequest.get(srv.url("/n")))) {
                    assertThat(r.bodyAsString()).hasSize(1);
                }
                try (ClientResponse r1 = c.send(ClientRequest.get(srv.url("/x")));
                     ClientResponse r2 = c.send(ClientRequest.get(srv.url("/y")))) {
                    assertThat(r1.bodyAsString() + r2.bodyAsString()).hasSize(2);
                }
            }
            assertThat(c.stats().opened()).as("two connections throughout").isEqualTo(2);
            assertThat(c.stats().closed()).isZero();
            Pool pool = c.pool(ClientRequest.get(srv.url("/")), null);
            assertThat(pool.idleCount()).isEqualTo(2);
        }
    }

    @Test
    void manyConnectionsOpenedAndClosedLeaveNoFileDescriptorBehind() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
                    while (c.readHead() != null) {
                        c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                    }
                })) {
            try (Client c = new Client()) {
                call(c, srv); // the client's and the timer's threads started, classes loaded
                long before = openFds();
                for (int i = 0; i < 200; i++) {
                    // Connection: close ends each connection after its response: a new one per call
                    try (ClientResponse r = c.send(ClientRequest.builder("GET", java.net.URI.create(srv.url("/x")))
                            .header("Connection", "close").build())) {
                        assertThat(r.bodyAsString()).isEqualTo("ok");
                    }
                }
                assertThat(c.stats().opened()).as("the first call's connection carried the next, closing one").isEqualTo(200);
                Await.until("every connection's descriptors are closed", () -> openFds() <= before + 10);
            }
        }
    }

    private static void call(Client c, RawPeer srv) throws IOException {
        try (ClientResponse r = c.send(ClientRequest.get(srv.url("/x")))) {
            assertThat(r.bodyAsString()).isEqualTo("ok");
        }
    }

    private static long openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new IllegalStateException("/proc/self/fd cannot be listed (Linux only)", e);
        }
    }
}
