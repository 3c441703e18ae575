package io.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.http.Phase;
import io.hourglass.observe.MetricsRegistry;
import io.hourglass.testing.ManualClock;
import io.hourglass.testing.RawPeer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's timeouts on fake time: the read-header, idle and handler timeouts pass when the test advances
 * the server's clock, not before, with no sleeping. The peer is real, and reads what the server did.
 */
class ServerManualClockTest {
    final ManualClock clock = new ManualClock();
    Server server;

    Server start(ServerConfig.Builder b, Handler h) throws Exception {
        server = Server.start(b.host("127.0.0.1").port(0).shutdownTimeout(Duration.ofSeconds(1)).build(), h,
                new MetricsRegistry(), clock);
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    /**
     * Waits until the server's one connection is in {@code state}: ACTIVE once it read a request's first byte
     * (its header clock runs), IDLE once it waits for the next request (its idle clock runs).
     */
    void awaitState(int state) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!inState(state) && System.nanoTime() < until) {
            Thread.onSpinWait();
            Thread.yield();
        }
        assertThat(inState(state)).as("connection state %d", state).isTrue();
    }

    boolean inState(int state) {
        return server.connections().stream().anyMatch(c -> c.state == state);
    }

    @Test
    void aHalfSentHeaderGets408AtTheReadHeaderTimeout() throws Exception {
        start(ServerConfig.builder().readHeaderTimeout(Duration.ofSeconds(10)), (req, res) -> res.send("ok"));
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\n");
            awaitState(ServerConn.ACTIVE);
            clock.advance(Duration.ofMillis(9999));
            c.socket().setSoTimeout(150);
            assertThat(c.awaitClose()).as("before the read-header timeout").isEqualTo("open");
            c.socket().setSoTimeout(5000);
            clock.advance(Duration.ofMillis(1));
            assertThat(c.readResponse().status()).isEqualTo(408);
        }
        assertThat(server.timeouts(Phase.READ_HEADER)).isEqualTo(1);
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAtTheIdleTimeout() throws Exception {
        start(ServerConfig.builder().idleTimeout(Duration.ofMinutes(2)), (req, res) -> res.send("ok"));
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            assertThat(c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").readResponse().body()).isEqualTo("ok");
            awaitState(ServerConn.IDLE);
            clock.advance(Duration.ofMinutes(2).minusMillis(1));
            c.socket().setSoTimeout(150);
            assertThat(c.awaitClose()).as("before the idle timeout").isEqualTo("open");
            c.socket().setSoTimeout(5000);
            clock.advance(Duration.ofMillis(1));
            assertThat(c.awaitClose()).isEqualTo("eof");
        }
        assertThat(server.timeouts(Phase.IDLE)).isEqualTo(1);
    }

    @Test
    void theHandlerTimeoutAnswers503AndInterruptsTheHandler() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        start(ServerConfig.builder().handlerTimeout(Duration.ofSeconds(30)), (req, res) -> {
            running.countDown();
            try {
                Thread.sleep(Long.MAX_VALUE); // only the handler timeout, on fake time, ends it
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
            clock.advance(Duration.ofSeconds(29));
            assertThat(interrupted.getCount()).as("before the handler timeout").isEqualTo(1);
            clock.advance(Duration.ofSeconds(1));
            assertThat(c.readResponse().status()).isEqualTo(503);
            assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(server.timeouts(Phase.HANDLER)).isEqualTo(1);
    }
}
