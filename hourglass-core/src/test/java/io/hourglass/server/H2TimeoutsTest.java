package io.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.Frame;
import io.hourglass.internal.h2.Settings;
import io.hourglass.net.DeadlineExceededException;
import io.hourglass.testing.Await;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every server timeout, per stream over HTTP/2, and cancellation by RST_STREAM: each fires no earlier than its
 * limit and not much later, the connection carries on where the RFC lets it, and each is counted with
 * {@code protocol="h2"}.
 */
class H2TimeoutsTest {
    /**
     * How late a timeout may be seen. Each needs the shared timer thread and then a virtual thread (the
     * connection's writer, or the handler) to run, and the test's client to read: on the 2-core machine that
     * runs the suite, at load 6-7, a bare 300 ms park in the same JVM returned up to 187 ms late on a platform
     * thread and 405 ms late on a virtual thread, with no Hourglass code involved (issue 11: the handler case
     * once measured 691 ms against the old 550 ms bound). So the old 250 ms slack was below the machine's own
     * scheduling noise; 750 ms is above it, and still catches a timeout that fires from the wrong clock or at
     * the next unrelated deadline. HTTP/1.1's timeouts are held to 900 ms (LoopbackServerTest), below one
     * turn of the timer's wheel (1024 ms).
     */
    static final long SLACK_MS = 750;
    Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    H2TestClient client(ServerConfig.Builder b, Handler h) throws Exception {
        server = Server.start(b.port(0).shutdownTimeout(Duration.ofSeconds(1)).build(), h);
        H2TestClient c = new H2TestClient(server.port());
        c.handshake();
        return c;
    }

    static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    long h2Timeouts(Phase p) {
        return server.metrics().toPrometheusText().lines()
                .filter(l -> l.startsWith("hourglass_timeouts_total{side=\"server\",phase=\"" + p.label() + "\",protocol=\"h2\"}"))
                .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void handlerTimeoutAnswers503AndInterruptsTheHandler() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicLong handlerStart = new AtomicLong();
        try (H2TestClient c = client(ServerConfig.builder().handlerTimeout(Duration.ofMillis(300)), (req, res) -> {
            handlerStart.compareAndSet(0, System.nanoTime());
            try {
                Thread.sleep(10_000); // outlasts the 300 ms handler timeout
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        })) {
            long t0 = System.nanoTime();
            c.get(1, "/");
            H2TestClient.Response r = c.response(1);
            long arrived = System.nanoTime();
            long took = (arrived - t0) / 1_000_000;
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.text()).contains("handler did not finish within 300ms");
            // Never before the limit, counted from before the request went; late by at most the slack, counted
            // from the handler's start, where the timeout's clock starts (its request's way there is not the
            // timeout's lateness).
            assertThat(took).isGreaterThanOrEqualTo(300L);
            assertThat((arrived - handlerStart.get()) / 1_000_000).isLessThanOrEqualTo(300 + SLACK_MS);
            assertThat(interrupted.await(1, TimeUnit.SECONDS)).isTrue();
            // the connection carries on
            c.get(3, "/");
            assertThat(c.response(3).status()).isEqualTo(503);
        }
        assertThat(h2Timeouts(Phase.HANDLER)).isEqualTo(2);
    }

    @Test
    void theClientsDeadlineCutsTheHandlerShortWith504AndTheConnectionCarriesOn() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicReference<String> reason = new AtomicReference<>();
        try (H2TestClient c = client(ServerConfig.builder().handlerTimeout(Duration.ofSeconds(30)), (req, res) -> {
            try {
                Thread.sleep(10_000); // outlasts the request's deadline
            } catch (InterruptedException e) {
                reason.set(req.cancelReason());
                interrupted.countDown();
            }
        })) {
            long t0 = System.nanoTime();
            c.request(1, "GET", "/", true, "request-timeout", "300m");
            H2TestClient.Response r = c.response(1);
            long took = ms(t0);
            assertThat(r.status()).isEqualTo(504);
            assertThat(r.headers().get("deadline-expired")).isEqualTo("true");
            assertThat(r.text()).contains("deadline passed");
            assertThat(took).isBetween(294L, 295 + SLACK_MS); // 300 ms less the 5 ms reserve
            assertThat(interrupted.await(1, TimeUnit.SECONDS)).isTrue();
            assertThat(reason.get()).isEqualTo("deadline");
            // nothing left on arrival: 504 at once, the handler not run; the connection carries on
            c.request(3, "GET", "/", true, "grpc-timeout", "1m");
            H2TestClient.Response expired = c.response(3);
            assertThat(expired.status()).isEqualTo(504);
            assertThat(expired.headers().get("deadline-expired")).isEqualTo("true");
        }
        assertThat(h2Timeouts(Phase.DEADLINE)).isEqualTo(1);
        assertThat(h2Timeouts(Phase.HANDLER)).isZero();
    }

    @Test
    void aHandlerSeesTheClientsDeadlineAsCurrent() throws Exception {
        AtomicReference<java.util.Optional<io.hourglass.http.Deadline>> seen = new AtomicReference<>();
        try (H2TestClient c = client(ServerConfig.builder().handlerTimeout(Duration.ofSeconds(30)), (req, res) -> {
            seen.set(io.hourglass.http.Deadline.current());
            res.send("ok");
        })) {
            c.request(1, "GET", "/", true, "request-timeout", "2S");
            assertThat(c.response(1).status()).isEqualTo(200);
        }
        long left = seen.get().orElseThrow().remaining().toMillis();
        assertThat(left).isBetween(1000L, 1995L); // 2 s less the reserve, less the time since
    }

    @Test
    void aDeadlineValueNotInTheSyntaxIsIgnoredAndCountedWhenItsHandlerStarts() throws Exception {
        try (H2TestClient c = client(ServerConfig.builder().handlerTimeout(Duration.ofSeconds(30)),
                (req, res) -> res.send(io.hourglass.http.Deadline.current().orElseThrow().remaining().toSeconds() + ""))) {
            c.request(1, "GET", "/", true, "request-timeout", "soon");
            H2TestClient.Response bad = c.response(1);
            assertThat(bad.status()).isEqualTo(200);
            assertThat(Long.parseLong(bad.text().strip())).isBetween(28L, 30L); // the handler timeout's, not the header's
            c.request(3, "GET", "/", true, "grpc-timeout", "1.5S");
            assertThat(c.response(3).status()).isEqualTo(200);
            c.request(5, "GET", "/", true, "request-timeout", "10S");
            H2TestClient.Response good = c.response(5);
            assertThat(Long.parseLong(good.text().strip())).isBetween(8L, 9L); // 10 s less the reserve, less the time since
        }
        assertThat(server.recorder().deadlines(ServerMetrics.DeadlineResult.INVALID)).isEqualTo(2);
        assertThat(server.recorder().deadlines(ServerMetrics.DeadlineResult.HONOURED)).isEqualTo(1);
    }

    @Test
    void handlerTimeoutAfterTheHeadResetsTheStream() throws Exception {
        try (H2TestClient c = client(ServerConfig.builder().handlerTimeout(Duration.ofMillis(300)), (req, res) -> {
            res.body().write("partial".getBytes());
            res.flush();
            Thread.sleep(10_000); // outlasts the 300 ms handler timeout
        })) {
            long t0 = System.nanoTime();
            c.get(1, "/");
            assertThat(c.expect(Frame.HEADERS).field(":status")).isEqualTo("200");
            assertThat(c.expect(Frame.DATA).endStream()).isFalse();
            H2TestClient.Ev rst = c.expect(Frame.RST_STREAM);
            assertThat(rst.code()).isEqualTo(ErrorCode.CANCEL.code);
            assertThat(ms(t0)).isBetween(300L, 300 + SLACK_MS);
        }
    }

    @Test
    void clientResetCancelsTheHandlerAtOnceAndItKeepsItsSlotUntilItReturns() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> reason = new AtomicReference<>();
        long[] cancelledAt = new long[1];
        try (H2TestClient c = client(ServerConfig.builder(), (req, res) -> {
            started.countDown();
            try {
                Thread.sleep(10_000); // a handler the stream's reset cancels
            } catch (InterruptedException e) {
                cancelledAt[0] = System.nanoTime();
                reason.set(req.cancelReason());
                cancelled.countDown();
            }
            release.await(); // ignores the cancellation for a while: its slot stays counted
        })) {
            c.get(1, "/");
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            long t0 = System.nanoTime();
            c.rst(1, ErrorCode.CANCEL);
            assertThat(cancelled.await(1, TimeUnit.SECONDS)).isTrue();
            assertThat((cancelledAt[0] - t0) / 1_000_000).isLessThan(100);
            assertThat(reason.get()).isEqualTo("client reset the stream (CANCEL)");
            assertThat(server.recorder().h2Streams(H2Stream.RUNNING)).isEqualTo(1);
            release.countDown();
            awaitRunning(0);
        }
        assertThat(server.cancelledHandlers()).isEqualTo(1);
    }

    void awaitRunning(long n) throws InterruptedException {
        Await.until(n + " streams running", () -> server.recorder().h2Streams(H2Stream.RUNNING) == n);
    }

    @Test
    void writeTimeoutResetsAStreamWhoseWindowNeverOpens() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        server = Server.start(ServerConfig.builder().port(0).writeTimeout(Duration.ofMillis(400))
                .http2(Http2Config.builder().minResponseRate(0, Duration.ZERO).build()).build(), (req, res) -> {
                    try {
                        res.body().write(new byte[100_000]);
                        res.flush();
                    } catch (IOException e) {
                        failure.set(e);
                        throw e;
                    } finally {
                        done.countDown();
                    }
                });
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake(Settings.INITIAL_WINDOW_SIZE, 0); // the client never opens a stream window
            long t0 = System.nanoTime();
            c.get(1, "/");
            assertThat(c.expect(Frame.HEADERS).field(":status")).isEqualTo("200");
            H2TestClient.Ev rst = c.expect(Frame.RST_STREAM);
            assertThat(rst.code()).isEqualTo(ErrorCode.CANCEL.code);
            assertThat(ms(t0)).isBetween(400L, 400 + SLACK_MS);
            assertThat(done.await(1, TimeUnit.SECONDS)).isTrue();
            assertThat(failure.get()).isInstanceOf(DeadlineExceededException.class);
            // the connection is fine: a bodiless response needs no window
            c.request(3, "HEAD", "/", true);
            assertThat(c.response(3).status()).isEqualTo(200);
        }
        assertThat(h2Timeouts(Phase.WRITE)).isEqualTo(1);
        assertThat(server.recorder().limits(ServerMetrics.Limit.SLOW_READER)).isEqualTo(1);
    }

    @Test
    void minimumResponseRateResetsASlowReaderBeforeTheWriteTimeout() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        server = Server.start(ServerConfig.builder().port(0).http2(Http2Config.builder()
                .minResponseRate(1000, Duration.ofMillis(300)).build()).build(), (req, res) -> {
                    try {
                        for (int i = 0; i < 100; i++) {
                            res.body().write(new byte[16_384]);
                        }
                    } catch (IOException e) {
                        failure.set(e);
                        throw e;
                    }
                });
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake(Settings.INITIAL_WINDOW_SIZE, 100); // 100 bytes, then nothing more
            long t0 = System.nanoTime();
            c.get(1, "/");
            H2TestClient.Ev rst = c.next();
            while (rst.type() == Frame.HEADERS || rst.type() == Frame.DATA || rst.type() == Frame.WINDOW_UPDATE
                    || rst.type() == Frame.SETTINGS) {
                rst = c.next();
            }
            assertThat(rst.type()).isEqualTo(Frame.RST_STREAM);
            assertThat(rst.code()).isEqualTo(ErrorCode.CANCEL.code);
            assertThat(ms(t0)).isBetween(300L, 300 + 250 + SLACK_MS); // the grace, then a rate check
        }
        awaitFailure(failure);
        assertThat(failure.get()).isInstanceOf(HttpTimeoutException.class).hasMessageContaining("1000 bytes/s");
        assertThat(server.recorder().limits(ServerMetrics.Limit.SLOW_READER)).isEqualTo(1);
    }

    static void awaitFailure(AtomicReference<Throwable> f) throws InterruptedException {
        Await.until("the handler's write fails", Duration.ofMillis(2500), () -> f.get() != null);
    }

    @Test
    void readTimeoutFailsTheBodyRead408ThenStopsTheBody() throws Exception {
        try (H2TestClient c = client(ServerConfig.builder().readTimeout(Duration.ofMillis(400)),
                (req, res) -> res.send(req.body().readAllBytes()))) {
            long t0 = System.nanoTime();
            c.request(1, "POST", "/", false);
            c.data(1, "some".getBytes(), false); // and then nothing
            H2TestClient.Ev head = c.expect(Frame.HEADERS);
            assertThat(head.field(":status")).isEqualTo("408");
            assertThat(ms(t0)).isBetween(400L, 400 + SLACK_MS);
            H2TestClient.Ev data = c.expect(Frame.DATA);
            assertThat(new String(data.data())).contains("request body not read within 400ms");
            assertThat(data.endStream()).isTrue();
            H2TestClient.Ev rst = c.expect(Frame.RST_STREAM);
            assertThat(rst.code()).isEqualTo(ErrorCode.NO_ERROR.code); // the complete response, then stop (8.1)
        }
        assertThat(h2Timeouts(Phase.READ_BODY)).isEqualTo(1);
    }

    @Test
    void minimumBodyRateCutsOffADrippingBody() throws Exception {
        try (H2TestClient c = client(ServerConfig.builder().minRequestBodyRate(1000)
                .minRequestBodyGrace(Duration.ofMillis(300)), (req, res) -> res.send(req.body().readAllBytes()))) {
            c.request(1, "POST", "/", false);
            long t0 = System.nanoTime();
            c.data(1, "x".getBytes(), false);
            H2TestClient.Ev head = c.expect(Frame.HEADERS);
            assertThat(head.field(":status")).isEqualTo("408");
            assertThat(ms(t0)).isBetween(300L, 300 + 250 + SLACK_MS);
        }
        assertThat(h2Timeouts(Phase.MIN_BODY_RATE)).isEqualTo(1);
        assertThat(server.recorder().limits(ServerMetrics.Limit.MIN_BODY_RATE)).isEqualTo(1);
    }

    @Test
    void idleTimeoutSendsGoAwayAndCloses() throws Exception {
        try (H2TestClient c = client(ServerConfig.builder().idleTimeout(Duration.ofMillis(400)),
                (req, res) -> res.send("ok"))) {
            c.get(1, "/");
            assertThat(c.response(1).status()).isEqualTo(200);
            long t0 = System.nanoTime();
            H2TestClient.Ev g = c.goAway();
            assertThat(g.type()).isEqualTo(Frame.GOAWAY);
            assertThat(g.code()).isEqualTo(ErrorCode.NO_ERROR.code);
            assertThat(g.lastStreamId()).isEqualTo(1);
            assertThat(ms(t0)).isBetween(400L - 50, 400 + SLACK_MS);
            assertThat(c.closedWithin(Duration.ofSeconds(2))).isTrue();
        }
        assertThat(h2Timeouts(Phase.IDLE)).isEqualTo(1);
    }

    @Test
    void aStalledHeaderBlockEndsTheConnection() throws Exception {
        try (H2TestClient c = client(ServerConfig.builder().readHeaderTimeout(Duration.ofMillis(400)),
                (req, res) -> res.send("ok"))) {
            io.hourglass.internal.h2.FieldList f = new io.hourglass.internal.h2.FieldList()
                    .add(":method", "GET").add(":scheme", "http").add(":path", "/").add(":authority", "a");
            byte[] block = c.encode(f);
            long t0 = System.nanoTime();
            c.frame(Frame.HEADERS, Frame.FLAG_END_STREAM, 1, java.util.Arrays.copyOf(block, 3)); // no END_HEADERS
            H2TestClient.Ev g = c.goAway();
            assertThat(g.type()).isEqualTo(Frame.GOAWAY);
            assertThat(g.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code);
            assertThat(new String(g.data())).contains("request header not read within 400ms");
            assertThat(ms(t0)).isBetween(400L, 400 + SLACK_MS);
            assertThat(c.closedWithin(Duration.ofSeconds(3))).isTrue();
        }
        assertThat(h2Timeouts(Phase.READ_HEADER)).isEqualTo(1);
    }

    @Test
    void aPrefaceWithoutSettingsIsBoundedByTheReadHeaderTimeout() throws Exception {
        server = Server.start(ServerConfig.builder().port(0).readHeaderTimeout(Duration.ofMillis(400)).build(),
                (req, res) -> res.send("ok"));
        long t0 = System.nanoTime(); // before the connect: the server's clock starts at accept
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.preface(); // and no SETTINGS
            assertThat(c.expect(Frame.SETTINGS).ack()).isFalse();
            H2TestClient.Ev g = c.goAway();
            assertThat(g.type()).isEqualTo(Frame.GOAWAY);
            assertThat(ms(t0)).isBetween(400L, 400 + SLACK_MS);
        }
        assertThat(h2Timeouts(Phase.READ_HEADER)).isEqualTo(1);
    }

    @Test
    void livenessPingClosesADeadConnection() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        try (H2TestClient c = client(ServerConfig.builder().http2(Http2Config.builder()
                .ping(Duration.ofMillis(300), Duration.ofMillis(300)).build()), (req, res) -> {
                    try {
                        Thread.sleep(10_000); // outlasts the PING timeout; the interrupt ends it
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                    }
                })) {
            long t0 = System.nanoTime(); // before the request: the read-idle clock starts when the server reads it
            c.get(1, "/");
            H2TestClient.Ev p = c.expect(Frame.PING); // the client does not answer it
            assertThat(p.ack()).isFalse();
            assertThat(ms(t0)).isBetween(300L, 300 + SLACK_MS);
            assertThat(c.closedWithin(Duration.ofSeconds(2))).isTrue();
            assertThat(ms(t0)).isBetween(600L, 600 + 2 * SLACK_MS);
            assertThat(interrupted.await(1, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(h2Timeouts(Phase.PING)).isEqualTo(1);
    }

    @Test
    void livenessPingAnsweredKeepsTheConnection() throws Exception {
        try (H2TestClient c = client(ServerConfig.builder().http2(Http2Config.builder()
                .ping(Duration.ofMillis(200), Duration.ofMillis(200)).build()), (req, res) -> res.send("ok"))) {
            for (int i = 0; i < 3; i++) {
                H2TestClient.Ev p = c.expect(Frame.PING);
                c.frame(Frame.PING, Frame.FLAG_ACK, 0, longBytes(p.ping()));
            }
            c.get(1, "/");
            assertThat(c.response(1).status()).isEqualTo(200);
        }
        assertThat(h2Timeouts(Phase.PING)).isZero();
    }

    static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (56 - 8 * i));
        }
        return b;
    }

    @Test
    void gracefulShutdownSendsTwoGoAwaysAndFinishesInFlightStreams() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (H2TestClient c = client(ServerConfig.builder(), (req, res) -> {
            started.countDown();
            release.await();
            res.send("finished");
        })) {
            c.get(1, "/");
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            Thread shutdown = Thread.ofVirtual().start(() -> server.shutdown());
            H2TestClient.Ev first = c.goAway();
            assertThat(first.lastStreamId()).isEqualTo(Frame.MAX_STREAM_ID);
            assertThat(first.code()).isEqualTo(ErrorCode.NO_ERROR.code);
            H2TestClient.Ev ping = c.expect(Frame.PING);
            c.get(3, "/"); // in flight when the first GOAWAY went: still served
            c.frame(Frame.PING, Frame.FLAG_ACK, 0, longBytes(ping.ping()));
            H2TestClient.Ev last = c.goAway();
            assertThat(last.lastStreamId()).isEqualTo(3);
            c.get(5, "/"); // after the final GOAWAY: not processed
            release.countDown();
            assertThat(c.response(1).text()).isEqualTo("finished");
            assertThat(c.response(3).text()).isEqualTo("finished");
            assertThat(c.closedWithin(Duration.ofSeconds(3))).isTrue();
            shutdown.join(5000);
        }
    }

    @Test
    void perRequestDeadlinesApplyToTheStream() throws Exception {
        try (H2TestClient c = client(ServerConfig.builder(), (req, res) -> {
            req.setReadDeadline(Instant.now().plusMillis(300));
            res.send(req.body().readAllBytes());
        })) {
            long t0 = System.nanoTime();
            c.request(1, "POST", "/", false);
            assertThat(c.expect(Frame.HEADERS).field(":status")).isEqualTo("408");
            assertThat(ms(t0)).isBetween(300L, 300 + SLACK_MS);
        }
    }
}
