package io.hourglass.server;

import io.hourglass.testing.Await;
import io.hourglass.testing.RawPeer;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9: the disconnect watcher took a 64 KiB buffer the first time a handler ran past the watch delay, and
 * the connection kept it for its whole life (80.8 KiB of heap per idle keep-alive connection after one slow
 * request; 136 MB for 2000 slow handlers in flight). The hand-off buffer now holds what arrived, no more, and
 * is dropped once the owner has taken the bytes back.
 */
class ServerWatcherMemoryTest {
    static final int SMALL = 1024;
    Server server;
    final AtomicInteger bufferWhileWatching = new AtomicInteger(-1);

    @AfterEach
    void stop() {
        if (server != null) server.shutdown();
    }

    ServerConn onlyConnection() {
        assertThat(server.connections()).hasSize(1);
        return server.connections().iterator().next();
    }

    /** Waits (bounded) until {@code c}'s watcher has started: the handler ran past the watch delay. */
    static void awaitWatching(ServerConn c) throws InterruptedException {
        Await.until("the watcher started", () -> c.wire().watching());
    }

    void startServer() throws Exception {
        server = Server.start(ServerConfig.builder().port(0).shutdownTimeout(Duration.ofSeconds(1)).build(),
                (req, res) -> {
                    if (req.path().equals("/slow")) {
                        ServerConn c = onlyConnection();
                        awaitWatching(c);
                        bufferWhileWatching.set(c.wire().handOffBufferBytes());
                    }
                    res.send(req.path());
                });
    }

    @Test
    void aSlowRequestLeavesNoWatcherBufferOnTheIdleConnection() throws Exception {
        startServer();
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.readResponse().body()).isEqualTo("/slow");
            assertThat(bufferWhileWatching.get()).as("hand-off buffer while watching, nothing arrived").isZero();

            ServerConn conn = onlyConnection();
            awaitIdle(conn);
            assertThat(conn.wire().handOffBufferBytes()).as("hand-off buffer of the idle connection").isZero();
            // The watcher's thread ends too, though nothing arrives to wake its read: one thread per idle
            // connection, as after a fast request.
            long t0 = System.nanoTime();
            while (conn.wire().watcherRunning() && System.nanoTime() - t0 < 5_000_000_000L) {
                Thread.sleep(5); // a bounded poll; the deadline bounds it
            }
            assertThat(conn.wire().watcherRunning()).as("the watcher still runs on the idle connection").isFalse();
            assertThat((System.nanoTime() - t0) / 1_000_000).as("ms until it ended").isLessThan(1000);

            // The next request arrives while the watcher may still be reading: served, then nothing kept.
            c.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.readResponse().body()).isEqualTo("/hello");
            awaitIdle(conn);
            assertThat(conn.wire().handOffBufferBytes()).as("after the next request").isZero();
        }
    }

    @Test
    void aPipelinedRequestDuringASlowHandlerIsKeptInABufferOfItsSize() throws Exception {
        startServer();
        String next = "GET /next HTTP/1.1\r\nHost: a\r\n\r\n";
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n" + next);
            assertThat(c.readResponse().body()).isEqualTo("/slow");
            assertThat(c.readResponse().body()).isEqualTo("/next");
            assertThat(bufferWhileWatching.get()).as("a buffer the size of what arrived")
                    .isBetween(0, SMALL);
            ServerConn conn = onlyConnection();
            awaitIdle(conn);
            assertThat(conn.wire().handOffBufferBytes()).isZero();
        }
    }

    static void awaitIdle(ServerConn c) throws InterruptedException {
        Await.until("the connection is idle", () -> c.state == ServerConn.IDLE);
    }
}
