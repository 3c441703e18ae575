package io.hourglass.server;

import io.hourglass.testing.RawPeer;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.http.Phase;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Every server timeout over real loopback sockets. Timing assertions use windows: at least the limit (minus
 * the timer's 1 ms tick), at most the limit plus {@link #SLACK_MS}.
 */
class ServerTimeoutsTest extends LoopbackServerTest {
    @Test
    void headerDrippedOneByteEvery200msDoesNotExtendReadHeaderTimeout() throws Exception {
        start(cfg().readHeaderTimeout(Duration.ofSeconds(1)), (req, res) -> res.send("ok"));
        long t0 = System.nanoTime(); // before the connect: the first request's header clock starts at accept
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            String head = "GET /x HTTP/1.1\r\nHost: a\r\nX-Long: " + "y".repeat(100) + "\r\n\r\n";
            Thread dripper = Thread.ofVirtual().start(() -> {
                try {
                    for (char ch : head.toCharArray()) {
                        c.send(String.valueOf(ch));
                        Thread.sleep(200); // pacing: a trickling peer
                    }
                } catch (Exception ignored) {
                    // the server closed the connection, as it should
                }
            });
            RawPeer.Response r = c.readResponse();
            long elapsed = ms(t0);
            assertThat(r.status()).isEqualTo(408);
            assertThat(elapsed).isBetween(990L, 1000 + SLACK_MS);
            assertThat(c.awaitClose()).isIn("eof", "reset");
            dripper.join(5000);
        }
        assertThat(server.timeouts(Phase.READ_HEADER)).isEqualTo(1);
    }

    @Test
    void firstRequestReadHeaderTimeoutStartsAtAcceptAndClosesSilentConnection() throws Exception {
        start(cfg().readHeaderTimeout(Duration.ofMillis(500)), (req, res) -> res.send("ok"));
        long t0 = System.nanoTime(); // before the connect: the first request's clock starts at accept
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            assertThat(c.awaitClose()).isEqualTo("eof");
            assertThat(ms(t0)).isBetween(500L, 500 + SLACK_MS);
        }
    }

    @Test
    void readTimeoutCoversTheBodyAndAnswers408() throws Exception {
        start(cfg().readTimeout(Duration.ofSeconds(1)).minRequestBodyRate(0), (req, res) -> {
            req.body().readAllBytes();
            res.send("read it all");
        });
        long t0 = System.nanoTime(); // before the connect: the first request's clock starts at accept
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\npartial");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.body()).contains("request body not read within 1s");
            assertThat(ms(t0)).isBetween(1000L, 1000 + SLACK_MS);
        }
        assertThat(server.timeouts(Phase.READ_BODY)).isEqualTo(1);
    }

    @Test
    void slowBodyBelowMinimumRateIsCutOffAfterGrace() throws Exception {
        start(cfg().readTimeout(Duration.ZERO).minRequestBodyRate(1000).minRequestBodyGrace(Duration.ofMillis(500)),
                (req, res) -> {
                    req.body().readAllBytes();
                    res.send("ok");
                });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            long t0 = System.nanoTime();
            c.send("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n");
            Thread sender = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 100; i++) {
                        c.send("0123456789"); // 100 bytes/s, far below 1000
                        Thread.sleep(100);
                    }
                } catch (Exception ignored) {
                    // cut off
                }
            });
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.body()).contains("minimum rate");
            assertThat(ms(t0)).isBetween(490L, 500 + SLACK_MS);
            sender.join(15_000);
        }
        assertThat(server.timeouts(Phase.MIN_BODY_RATE)).isEqualTo(1);
    }

    @Test
    void fastEnoughBodyIsNotCutOffByMinimumRate() throws Exception {
        start(cfg().minRequestBodyRate(100).minRequestBodyGrace(Duration.ofMillis(200)), (req, res) -> {
            res.send("got " + req.body().readAllBytes().length);
        });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n");
            for (int i = 0; i < 10; i++) {
                c.send("x".repeat(100)); // 1000 bytes/s, above 100
                Thread.sleep(100);
            }
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("got 1000");
        }
    }

    @Test
    void neverReadingClientCannotHoldAWritePastWriteTimeout() throws Exception {
        SocketStates.require();
        CountDownLatch failed = new CountDownLatch(1);
        start(cfg().writeTimeout(Duration.ofSeconds(1)).handlerTimeout(Duration.ZERO), (req, res) -> {
            byte[] block = new byte[64 * 1024];
            res.contentLength(1L << 30);
            try {
                for (int i = 0; i < 16 * 1024; i++) {
                    res.body().write(block);
                }
            } catch (java.io.IOException e) {
                failed.countDown();
                throw e;
            }
        });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.socket().setReceiveBufferSize(4096);
            long t0 = System.nanoTime();
            c.send("GET /big HTTP/1.1\r\nHost: a\r\n\r\n");
            // never read: the server's send buffer and our receive buffer fill up, its write blocks
            assertThat(failed.await(1 + SLACK_MS / 1000 + 2, TimeUnit.SECONDS)).isTrue();
            long elapsed = ms(t0);
            assertThat(elapsed).isBetween(990L, 1000 + SLACK_MS);
            // aborted with RST: no server socket is left in FIN_WAIT1 holding unsent data
            assertThat(SocketStates.serverSide(server.port(), c.localPort())).isEqualTo("GONE");
            assertThat(c.awaitClose()).isEqualTo("reset");
        }
        assertThat(server.timeouts(Phase.WRITE)).isEqualTo(1);
    }

    @Test
    void idleKeepAliveConnectionIsClosedAfterIdleTimeout() throws Exception {
        start(cfg().idleTimeout(Duration.ofMillis(700)), (req, res) -> res.send("ok"));
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            // before the request: the idle clock starts when the server has written the response, which may be
            // well before this thread has read it
            long t0 = System.nanoTime();
            c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(200);
            assertThat(c.awaitClose()).isEqualTo("eof");
            assertThat(ms(t0)).isBetween(700L, 700 + SLACK_MS);
        }
        assertThat(server.timeouts(Phase.IDLE)).isEqualTo(1);
    }

    @Test
    void handlerTimeoutAnswers503AndInterruptsTheHandler() throws Exception {
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean cancelled = new AtomicBoolean();
        CountDownLatch handlerDone = new CountDownLatch(1);
        start(cfg().handlerTimeout(Duration.ofMillis(500)), (req, res) -> {
            try {
                Thread.sleep(10_000); // outlasts the 500 ms handler timeout
            } catch (InterruptedException e) {
                interrupted.set(true);
                cancelled.set(req.isCancelled());
            } finally {
                handlerDone.countDown();
            }
        });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            long t0 = System.nanoTime();
            c.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(r.header("date")).as("Date, as on every other error response").matches(
                    "\\w{3}, \\d{2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
            assertThat(ms(t0)).isBetween(490L, 500 + SLACK_MS);
            assertThat(c.awaitClose()).isEqualTo("eof");
        }
        assertThat(handlerDone.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(interrupted).isTrue();
        assertThat(cancelled).isTrue();
        assertThat(server.timeouts(Phase.HANDLER)).isEqualTo(1);
    }

    @Test
    void handlerTimeoutAfterResponseStartedTruncatesTheBody() throws Exception {
        start(cfg().handlerTimeout(Duration.ofMillis(500)), (req, res) -> {
            res.body().write("first part\n".getBytes());
            res.flush();
            Thread.sleep(10_000); // outlasts the 500 ms handler timeout
            res.body().write("never\n".getBytes());
        });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /stream HTTP/1.1\r\nHost: a\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("first part\n");
            assertThat(r.complete()).as("a chunked body without its last chunk").isFalse();
        }
    }

    @Test
    void handlerTimeoutZeroDisablesIt() throws Exception {
        start(cfg().handlerTimeout(Duration.ZERO), (req, res) -> {
            Thread.sleep(300); // a slow handler that no timeout cuts
            res.send("done");
        });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.readResponse().body()).isEqualTo("done");
        }
    }

    @Test
    void perRequestWriteDeadlineOverrideLetsAStreamOutliveTheWriteTimeout() throws Exception {
        start(cfg().writeTimeout(Duration.ofMillis(300)).handlerTimeout(Duration.ZERO), (req, res) -> {
            res.setWriteDeadline(java.time.Instant.now().plusSeconds(5));
            for (int i = 0; i < 6; i++) {
                res.body().write("tick\n".getBytes());
                res.flush();
                Thread.sleep(100); // pacing: the stream outlives the write timeout
            }
        });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /stream HTTP/1.1\r\nHost: a\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.complete()).isTrue();
            assertThat(r.body()).isEqualTo("tick\n".repeat(6));
        }
    }

    @Test
    void writeTimeoutWithoutOverrideCutsALongStream() throws Exception {
        start(cfg().writeTimeout(Duration.ofMillis(300)).handlerTimeout(Duration.ZERO), (req, res) -> {
            for (int i = 0; i < 10; i++) {
                res.body().write("tick\n".getBytes());
                res.flush();
                Thread.sleep(100); // pacing: the stream outlives the write timeout
            }
        });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /stream HTTP/1.1\r\nHost: a\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.complete()).isFalse();
        }
    }

    @Test
    void perRequestReadDeadlineOverrideReplacesReadTimeout() throws Exception {
        start(cfg().readTimeout(Duration.ofMillis(300)).minRequestBodyRate(0), (req, res) -> {
            req.setReadDeadline(java.time.Instant.now().plusSeconds(5));
            InputStream in = req.body();
            res.send("got " + in.readAllBytes().length);
        });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nabc");
            Thread.sleep(600); // the body pauses past the 300 ms read timeout
            c.send("def");
            assertThat(c.readResponse().body()).isEqualTo("got 6");
        }
    }

    /**
     * Issue 9: with the read-header timeout off, the read timeout bounds the header from the first request on,
     * as Go's ReadTimeout does (it used to leave the first request's header without any deadline).
     */
    @Test
    void readTimeoutBoundsTheFirstHeaderWhenReadHeaderTimeoutIsOff() throws Exception {
        start(cfg().readHeaderTimeout(Duration.ZERO).readTimeout(Duration.ofMillis(500)), (req, res) -> res.send("ok"));
        long t0 = System.nanoTime(); // before the connect: the first request's clock starts at accept
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.socket().setSoTimeout(5000);
            c.send("GET /x HTTP/1.1\r\nHo");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.body()).contains("request header not read within 500ms (readTimeout)");
            assertThat(ms(t0)).isBetween(500L, 500 + SLACK_MS);
            assertThat(c.awaitClose()).isIn("eof", "reset");
        }
        long t1 = System.nanoTime();
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.socket().setSoTimeout(5000);
            assertThat(c.awaitClose()).as("a connection that sends nothing").isEqualTo("eof");
            assertThat(ms(t1)).isBetween(500L, 500 + SLACK_MS);
        }
        assertThat(server.timeouts(Phase.READ_HEADER)).isEqualTo(2);
    }

    /**
     * Issue 9: on a keep-alive connection the next header is bounded by the shorter of the two timeouts, and
     * the 408 names the one that applied (it used to name the read-header timeout, "0s" when it was off).
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "readHeaderTimeout {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"0s", "10s"})
    void laterHeaderBoundedByTheReadTimeoutNamesIt(String readHeader) throws Exception {
        Duration rh = io.hourglass.internal.text.Durations.parse(readHeader);
        start(cfg().readHeaderTimeout(rh).readTimeout(Duration.ofMillis(500)), (req, res) -> res.send("ok"));
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.socket().setSoTimeout(5000);
            c.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
            // before the first response is read: the next header's clock starts when the server has written it
            long t0 = System.nanoTime();
            assertThat(c.readResponse().status()).isEqualTo(200);
            c.send("GET /x HTTP/1.1\r\nHo");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.body()).contains("request header not read within 500ms (readTimeout)");
            assertThat(ms(t0)).isBetween(500L, 500 + SLACK_MS);
        }
        assertThat(server.timeouts(Phase.READ_HEADER)).isEqualTo(1);
    }

    /**
     * Issue 9: a first request whose head takes longer than the read timeout (but less than the read-header
     * timeout) used to get through its header and then fail at once as a body timeout; the timeout that
     * expired is the header's, and it is named so.
     */
    @Test
    void headSlowerThanTheReadTimeoutIsAHeaderTimeout() throws Exception {
        start(cfg().readHeaderTimeout(Duration.ofSeconds(10)).readTimeout(Duration.ofMillis(500)).minRequestBodyRate(0),
                (req, res) -> {
                    req.body().readAllBytes();
                    res.send("ok");
                });
        long t0 = System.nanoTime(); // before the connect: the first request's clock starts at accept
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.socket().setSoTimeout(5000);
            c.send("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.body()).contains("request header not read within 500ms (readTimeout)");
            assertThat(ms(t0)).isBetween(500L, 500 + SLACK_MS);
        }
        assertThat(server.timeouts(Phase.READ_HEADER)).isEqualTo(1);
        assertThat(server.timeouts(Phase.READ_BODY)).isZero();
    }
}
