package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.testing.Await;
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
 * Idle HTTP/1.1 connections (the disconnect-aware pool, see ClientConn): a server's close is noticed at once
 * (the connection's reader thread sees it), and connections opened and closed leave no file descriptor behind.
 */
class ClientIdleWatchTest {
    static final long SLACK_MS = 300; // "at once", with room for a loaded 2-core machine's scheduling

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
    void aServersCloseOfAnIdleConnectionIsNoticedAtOnce() throws Exception {
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
                assertThat(ms).as("ms from the server's close to the pool's").isLessThan(SLACK_MS);
                assertThat(c.stats().closed()).isEqualTo(1);
            }
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
