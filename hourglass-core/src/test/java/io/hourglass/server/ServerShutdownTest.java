package io.hourglass.server;

import io.hourglass.testing.RawPeer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Graceful shutdown: stop accepting, close idle connections at once, let in-flight requests finish. */
class ServerShutdownTest {

    @Test
    void inFlightRequestFinishesIdleConnectionClosesAtOnceNewConnectionsRefused() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        Server server = Server.start(ServerConfig.builder().port(0).shutdownTimeout(Duration.ofSeconds(5)).build(),
                (req, res) -> {
                    if (req.path().equals("/slow")) {
                        inHandler.countDown();
                        Thread.sleep(500); // the in-flight request the shutdown waits for
                    }
                    res.send("done " + req.path());
                });
        int port = server.port();
        try (RawPeer.Connection idle = RawPeer.connect(port); RawPeer.Connection busy = RawPeer.connect(port)) {
            idle.send("GET /warm HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(idle.readResponse().body()).isEqualTo("done /warm");
            busy.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(inHandler.await(5, TimeUnit.SECONDS)).isTrue();

            long t0 = System.nanoTime();
            CompletableFuture<Boolean> clean = CompletableFuture.supplyAsync(server::shutdown);
            // the idle keep-alive connection is closed at once, long before the in-flight request ends
            assertThat(idle.awaitClose()).isEqualTo("eof");
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(400);
            // the in-flight request completes, told that the connection closes
            RawPeer.Response r = busy.readResponse();
            assertThat(r.body()).isEqualTo("done /slow");
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(clean.get(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThatThrownBy(() -> RawPeer.connect(port)).isInstanceOf(ConnectException.class);
    }

    @Test
    void shutdownTimeoutClosesWhatIsLeft() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        Server server = Server.start(ServerConfig.builder().port(0).handlerTimeout(Duration.ZERO)
                .shutdownTimeout(Duration.ofMillis(300)).build(), (req, res) -> {
                    inHandler.countDown();
                    Thread.sleep(10_000); // outlasts the 300 ms shutdown timeout
                    res.send("never");
                });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            // the request is in flight, so the shutdown must wait for it (it was a 100 ms sleep)
            assertThat(inHandler.await(5, TimeUnit.SECONDS)).isTrue();
            long t0 = System.nanoTime();
            assertThat(server.shutdown()).isFalse();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isBetween(290L, 300L + 900);
            assertThat(c.awaitClose()).isIn("eof", "reset");
        }
    }

    @Test
    void maxConnectionsStopsAcceptingUntilOneCloses() throws Exception {
        try (Server server = Server.start(ServerConfig.builder().port(0).maxConnections(1).build(),
                (req, res) -> res.send("ok"))) {
            RawPeer.Connection first = RawPeer.connect(server.port());
            first.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(first.readResponse().body()).isEqualTo("ok");
            try (RawPeer.Connection second = RawPeer.connect(server.port())) { // the kernel's backlog takes it
                second.socket().setSoTimeout(500);
                second.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
                // not served while the first holds the only slot: not one byte of a response arrives
                assertThatThrownBy(() -> second.in().read()).isInstanceOf(java.net.SocketTimeoutException.class);
                first.close();
                second.socket().setSoTimeout(10_000);
                assertThat(second.readResponse().body()).isEqualTo("ok");
            }
        }
    }

    @Test
    void startFailsWithAClearMessageWhenThePortIsTaken() throws Exception {
        try (Server first = Server.start(ServerConfig.builder().port(0).build(), (req, res) -> res.send("x"))) {
            assertThatThrownBy(() -> Server.start(ServerConfig.builder().port(first.port()).build(), (q, r) -> { }))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + first.port());
        }
    }

    @Test
    void configRejectsNegativeTimeoutsNamingTheField() {
        assertThatThrownBy(() -> ServerConfig.builder().readHeaderTimeout(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("readHeaderTimeout must not be negative");
        assertThatThrownBy(() -> ServerConfig.builder().port(70000).build())
                .hasMessageContaining("port must be between 0 and 65535");
    }
}
