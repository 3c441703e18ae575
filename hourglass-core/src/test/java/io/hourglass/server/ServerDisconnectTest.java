package io.hourglass.server;

import io.hourglass.testing.Await;
import io.hourglass.testing.RawPeer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When the client leaves while its handler runs, the server cancels the request, interrupts the handler and
 * closes its socket at once. The server side's CLOSE_WAIT is measured with {@code ss}, not assumed.
 */
class ServerDisconnectTest {
    static final long CLOSE_WAIT_BOUND_MS = 100;
    Server server;
    final CountDownLatch handlerStarted = new CountDownLatch(1);
    final CountDownLatch handlerEnded = new CountDownLatch(1);
    final AtomicBoolean sawCancel = new AtomicBoolean();
    final AtomicReference<String> cancelReason = new AtomicReference<>();

    @BeforeEach
    void requireSs() {
        SocketStates.require();
    }

    @AfterEach
    void stop() {
        if (server != null) server.shutdown();
    }

    /** A handler stuck for 5 s that ignores interruption and cancellation, like a typical stuck handler. */
    void startStuckServer(boolean readBody) throws Exception {
        server = Server.start(ServerConfig.builder().port(0).handlerTimeout(Duration.ZERO)
                .shutdownTimeout(Duration.ofMillis(200)).build(), (req, res) -> {
                    handlerStarted.countDown();
                    if (readBody) {
                        req.body().readAllBytes();
                    }
                    long end = System.nanoTime() + 5_000_000_000L;
                    while (System.nanoTime() < end) {
                        try {
                            Thread.sleep(50); // pacing: a handler that checks for its cancel
                        } catch (InterruptedException e) {
                            sawCancel.set(req.isCancelled());
                            cancelReason.set(req.cancelReason());
                            // ignore it, like a stuck handler would
                        }
                    }
                    handlerEnded.countDown();
                });
    }

    /** Waits until the server's disconnect watcher reads the connection (it starts 20 ms into a handler). */
    void awaitWatcher() {
        long until = System.nanoTime() + 5_000_000_000L;
        while (server.connections().stream().noneMatch(ServerDisconnectTest::watcherRunning)
                && System.nanoTime() < until) {
            Thread.onSpinWait();
            Thread.yield();
        }
        assertThat(server.connections()).anyMatch(ServerDisconnectTest::watcherRunning);
    }

    static boolean watcherRunning(ServerConn c) {
        return c.wire() != null && c.wire().watcherRunning();
    }

    /** Waits until the watcher holds bytes for the handler or the next request. */
    void awaitHandedOver() {
        long until = System.nanoTime() + 5_000_000_000L;
        while (server.connections().stream().noneMatch(c -> c.wire() != null && c.wire().handOffBufferBytes() > 0) && System.nanoTime() < until) {
            Thread.onSpinWait();
            Thread.yield();
        }
        assertThat(server.connections()).anyMatch(c -> c.wire() != null && c.wire().handOffBufferBytes() > 0);
    }

    /** Sends a request, closes the client side, and returns how long the server side stayed in CLOSE_WAIT. */
    long closeWaitMillisAfterClientLeaves(String request) throws Exception {
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send(request);
            assertThat(handlerStarted.await(5, TimeUnit.SECONDS)).isTrue();
            awaitWatcher();
            int clientPort = c.localPort();
            assertThat(SocketStates.serverSide(server.port(), clientPort)).isEqualTo("ESTAB");
            c.socket().shutdownOutput(); // FIN, as a client that gives up and closes
            long t0 = System.nanoTime();
            String state;
            long sawCloseWaitUntil = t0;
            // poll ss until the server side has left CLOSE_WAIT (bounded: 3 s)
            while ((System.nanoTime() - t0) < 3_000_000_000L) {
                state = SocketStates.serverSide(server.port(), clientPort);
                if (!state.equals("CLOSE-WAIT") && !state.equals("ESTAB")) {
                    break;
                }
                sawCloseWaitUntil = System.nanoTime();
            }
            return (sawCloseWaitUntil - t0) / 1_000_000;
        }
    }

    @Test
    void serverClosesAtOnceWhenClientLeavesDuringAStuckHandler() throws Exception {
        startStuckServer(false);
        long closeWait = closeWaitMillisAfterClientLeaves("GET /stuck HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(closeWait).isLessThan(CLOSE_WAIT_BOUND_MS);
        assertThat(server.cancelledHandlers()).isEqualTo(1);
        // the handler was told, even though it ignores it
        Await.until("the handler sees its cancel", Duration.ofSeconds(2), sawCancel::get);
        assertThat(cancelReason.get()).isEqualTo("client closed the connection");
    }

    @Test
    void serverClosesAtOnceEvenWhenTheHandlerHasNotReadTheBody() throws Exception {
        startStuckServer(false);
        long closeWait = closeWaitMillisAfterClientLeaves(
                "POST /stuck HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789");
        assertThat(closeWait).isLessThan(CLOSE_WAIT_BOUND_MS);
        assertThat(server.cancelledHandlers()).isEqualTo(1);
    }

    @Test
    void serverClosesAtOnceWhenClientResets() throws Exception {
        startStuckServer(true);
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("POST /stuck HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc");
            assertThat(handlerStarted.await(5, TimeUnit.SECONDS)).isTrue();
            awaitWatcher();
            int clientPort = c.localPort();
            c.socket().setSoLinger(true, 0);
            c.socket().close(); // RST
            Await.until("the server's socket is gone (ss)", Duration.ofSeconds(3),
                    () -> serverSide(clientPort).equals("GONE"));
        }
        Await.until("the handler is cancelled", Duration.ofSeconds(2), () -> server.cancelledHandlers() > 0);
        assertThat(server.cancelledHandlers()).isEqualTo(1);
    }

    @Test
    void aPipelinedRequestThatArrivesWhileTheHandlerRunsIsNotLost() throws Exception {
        CountDownLatch pipelined = new CountDownLatch(1);
        server = Server.start(ServerConfig.builder().port(0).shutdownTimeout(Duration.ofMillis(200)).build(),
                (req, res) -> {
                    if (req.path().equals("/slow")) {
                        handlerStarted.countDown();
                        pipelined.await(5, TimeUnit.SECONDS); // the next requests arrive while it runs
                    }
                    res.send(req.path());
                });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(handlerStarted.await(5, TimeUnit.SECONDS)).isTrue();
            awaitWatcher(); // it reads them, not the handler
            c.send("GET /next HTTP/1.1\r\nHost: a\r\n\r\nGET /third HTTP/1.1\r\nHost: a\r\n\r\n");
            awaitHandedOver(); // the watcher has them
            pipelined.countDown();
            assertThat(c.readResponse().body()).isEqualTo("/slow");
            assertThat(c.readResponse().body()).isEqualTo("/next");
            assertThat(c.readResponse().body()).isEqualTo("/third");
        }
        assertThat(server.cancelledHandlers()).isZero();
    }

    @Test
    void aBodyThatArrivesAfterTheWatcherStartedReachesTheHandlerIntact() throws Exception {
        CountDownLatch watching = new CountDownLatch(1);
        server = Server.start(ServerConfig.builder().port(0).shutdownTimeout(Duration.ofMillis(200)).build(),
                (req, res) -> {
                    handlerStarted.countDown();
                    watching.await(5, TimeUnit.SECONDS); // the watcher reads the body before the handler does
                    byte[] body = req.body().readAllBytes();
                    res.send(new String(body));
                });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 20000\r\n\r\n");
            assertThat(handlerStarted.await(5, TimeUnit.SECONDS)).isTrue();
            awaitWatcher();
            watching.countDown();
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                String part = String.valueOf((char) ('a' + i)).repeat(1000);
                expected.append(part);
                c.send(part);
                Thread.sleep(10); // pacing: the body comes in many reads, some the watcher's, some the handler's
            }
            RawPeer.Response r = c.readResponse();
            assertThat(r.body()).isEqualTo(expected.toString());
            c.send("GET /again HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(200);
        }
    }

    /** The server side's TCP state as ss shows it, for a poll. */
    String serverSide(int clientPort) {
        try {
            return SocketStates.serverSide(server.port(), clientPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the poll's next sleep throws it
            return "interrupted";
        }
    }
}
