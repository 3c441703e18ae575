package io.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.FieldList;
import io.hourglass.internal.h2.Frame;
import io.hourglass.internal.h2.Settings;
import io.hourglass.testing.RawPeer;
import io.hourglass.testing.TestCertificate;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/2 attacks, each sent for real: the server bounds the work and memory it spends, answers as RFC 9113
 * prescribes (a reset, or GOAWAY ENHANCE_YOUR_CALM), counts the limit that acted, and a normal client on
 * another connection is served meanwhile and after.
 */
class H2DefencesTest {
    static final int MAX_STREAMS = 20;
    Server server;
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    /** /slow sleeps {@code ms} ignoring cancellation; /hello answers at once. Counts running handlers. */
    void start(Http2Config.Builder h2, long slowMs) throws IOException {
        server = Server.start(ServerConfig.builder().port(0).shutdownTimeout(Duration.ofSeconds(2))
                .http2(h2.maxConcurrentStreams(MAX_STREAMS).build()).build(), (req, res) -> {
                    if (req.path().equals("/hello")) {
                        res.send("hello\n");
                        return;
                    }
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        long end = System.nanoTime() + slowMs * 1_000_000;
                        while (System.nanoTime() < end) {
                            try {
                                // the slow handler's duration
                                Thread.sleep(Math.max(1, (end - System.nanoTime()) / 1_000_000));
                            } catch (InterruptedException ignored) {
                                // ignores cancellation: the slot stays taken until it returns
                            }
                        }
                        res.send("slow\n");
                    } finally {
                        running.decrementAndGet();
                    }
                });
    }

    /** A normal client on its own connection gets its answer in time. */
    void normalClientIsServed() throws Exception {
        long t0 = System.nanoTime();
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            c.get(1, "/hello");
            assertThat(c.response(1).text()).isEqualTo("hello\n");
        }
        assertThat((System.nanoTime() - t0) / 1_000_000).as("a normal client's request, ms").isLessThan(2000);
    }

    long limit(ServerMetrics.Limit kind) {
        return server.recorder().limits(kind);
    }

    @Test
    void rapidResetIsBoundedByWorkAndEndsInGoAway() throws Exception {
        start(Http2Config.builder().resetLimits(500, 1000, Duration.ofSeconds(10)), 2000);
        H2TestClient.Ev goAway;
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            c.settingsAck();
            for (int i = 0; i < 2000; i++) {
                int id = 1 + 2 * i;
                try {
                    c.get(id, "/slow");
                    c.rst(id, ErrorCode.CANCEL);
                } catch (IOException closed) {
                    break; // the server ended the connection
                }
                if (i == 300) {
                    normalClientIsServed(); // during the attack
                }
            }
            goAway = c.goAway();
        }
        assertThat(goAway.type()).isEqualTo(Frame.GOAWAY);
        assertThat(goAway.code()).isEqualTo(ErrorCode.ENHANCE_YOUR_CALM.code);
        assertThat(maxRunning.get()).as("handlers running at once").isLessThanOrEqualTo(MAX_STREAMS);
        assertThat(limit(ServerMetrics.Limit.PEER_RESETS)).isEqualTo(1);
        assertThat(server.recorder().h2Resets(true)).isGreaterThan(500);
        normalClientIsServed();
    }

    @Test
    void madeYouResetKeepsTheSlotsAndEndsInGoAway() throws Exception {
        start(Http2Config.builder().resetLimits(1000, 100, Duration.ofSeconds(10)), 1500);
        H2TestClient.Ev goAway;
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            c.settingsAck();
            for (int i = 0; i < 500; i++) {
                int id = 1 + 2 * i;
                try {
                    c.get(id, "/slow");
                    // A valid request, then a frame that makes the server reset it: a window past 2^31-1.
                    c.windowUpdate(id, Integer.MAX_VALUE);
                } catch (IOException closed) {
                    break;
                }
            }
            goAway = c.goAway();
        }
        assertThat(goAway.code()).isEqualTo(ErrorCode.ENHANCE_YOUR_CALM.code);
        assertThat(maxRunning.get()).as("handlers running at once").isLessThanOrEqualTo(MAX_STREAMS);
        assertThat(limit(ServerMetrics.Limit.SERVER_RESETS)).isEqualTo(1);
        normalClientIsServed();
    }

    @Test
    void continuationFloodIsCappedEvenWhileDiscarded() throws Exception {
        start(Http2Config.builder(), 0);
        H2TestClient.Ev goAway;
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            byte[] block = c.encode(new FieldList().add(":method", "GET").add(":scheme", "http").add(":path", "/")
                    .add(":authority", "a"));
            c.frame(Frame.HEADERS, 0, 1, block);
            byte[] filler = new byte[100]; // literal never-indexed fields would do; zeros are index-0 errors later
            try {
                for (int i = 0; i < 10_000; i++) {
                    c.frame(Frame.CONTINUATION, 0, 1, filler);
                }
            } catch (IOException closed) {
                // the server ended the connection
            }
            goAway = c.goAway();
        }
        assertThat(goAway.code()).isEqualTo(ErrorCode.ENHANCE_YOUR_CALM.code);
        assertThat(limit(ServerMetrics.Limit.HEADER_BLOCK)).isEqualTo(1);
        normalClientIsServed();
    }

    @Test
    void headerListOverTheLimitGets431AndTheConnectionGoesOn() throws Exception {
        server = Server.start(ServerConfig.builder().port(0).maxHeaderBytes(1024).maxHeaderCount(20).build(),
                (req, res) -> res.send("ok"));
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            c.request(1, "GET", "/", true, "x-big", "y".repeat(3000));
            assertThat(c.response(1).status()).isEqualTo(431);
            String[] many = new String[2 * 30]; // more fields than 20 (+4 pseudo), fewer bytes than the limit
            for (int i = 0; i < 30; i++) {
                many[2 * i] = "x-f" + i;
                many[2 * i + 1] = "v";
            }
            c.request(3, "GET", "/", true, many);
            assertThat(c.response(3).status()).isEqualTo(431);
            c.get(5, "/");
            assertThat(c.response(5).text()).isEqualTo("ok");
        }
        assertThat(limit(ServerMetrics.Limit.HEADER_TOO_LARGE)).isEqualTo(1);
        assertThat(limit(ServerMetrics.Limit.TOO_MANY_HEADERS)).isEqualTo(1);
    }

    @Test
    void pingFloodEndsInGoAway() throws Exception {
        floodEndsInGoAway(c -> c.ping(42));
    }

    @Test
    void settingsFloodEndsInGoAway() throws Exception {
        floodEndsInGoAway(H2TestClient::settings);
    }

    @Test
    void emptyDataFloodEndsInGoAway() throws Exception {
        start(Http2Config.builder().maxControlFrames(200), 5000);
        H2TestClient.Ev goAway;
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            c.request(1, "POST", "/slow", false);
            try {
                for (int i = 0; i < 1000; i++) {
                    c.data(1, new byte[0], false);
                }
            } catch (IOException closed) {
                // ended
            }
            goAway = c.goAway();
        }
        assertThat(goAway.code()).isEqualTo(ErrorCode.ENHANCE_YOUR_CALM.code);
        assertThat(limit(ServerMetrics.Limit.CONTROL_FLOOD)).isEqualTo(1);
        normalClientIsServed();
    }

    interface Flood {
        void send(H2TestClient c) throws IOException;
    }

    void floodEndsInGoAway(Flood f) throws Exception {
        start(Http2Config.builder().maxControlFrames(200), 0);
        H2TestClient.Ev goAway;
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            try {
                for (int i = 0; i < 1000; i++) {
                    f.send(c);
                }
            } catch (IOException closed) {
                // ended
            }
            goAway = c.goAway();
        }
        assertThat(goAway.code()).isEqualTo(ErrorCode.ENHANCE_YOUR_CALM.code);
        assertThat(limit(ServerMetrics.Limit.CONTROL_FLOOD)).isEqualTo(1);
        normalClientIsServed();
    }

    @Test
    void windowUpdateOfZeroIsAStreamErrorAndAFloodOfThemEndsInGoAway() throws Exception {
        start(Http2Config.builder().resetLimits(1000, 50, Duration.ofSeconds(10)), 300);
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            c.request(1, "POST", "/slow", false);
            c.windowUpdate(1, 0);
            H2TestClient.Ev rst = c.expect(Frame.RST_STREAM);
            assertThat(rst.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code);
            try {
                for (int i = 1; i < 200; i++) { // each one a stream the server must reset: MadeYouReset's way
                    c.request(1 + 2 * i, "POST", "/slow", false);
                    c.windowUpdate(1 + 2 * i, 0);
                }
            } catch (IOException closed) {
                // ended
            }
            assertThat(c.goAway().code()).isEqualTo(ErrorCode.ENHANCE_YOUR_CALM.code);
        }
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            c.windowUpdate(0, 0); // on the connection: a connection error
            assertThat(c.goAway().code()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code);
        }
        normalClientIsServed();
    }

    @Test
    void zeroWindowStallsAreResetAtTheWriteTimeoutAndOthersAreServed() throws Exception {
        server = Server.start(ServerConfig.builder().port(0).writeTimeout(Duration.ofMillis(500))
                .http2(Http2Config.builder().maxConcurrentStreams(MAX_STREAMS).build()).build(), (req, res) -> {
                    if (req.path().equals("/hello")) {
                        res.send("hello\n");
                    } else {
                        res.send(new byte[1 << 20]);
                    }
                });
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake(Settings.INITIAL_WINDOW_SIZE, 0); // never opens a stream window
            for (int i = 0; i < MAX_STREAMS; i++) {
                c.get(1 + 2 * i, "/big");
            }
            normalClientIsServed(); // while every slot of the other connection is stalled
            int resets = 0;
            while (resets < MAX_STREAMS) {
                H2TestClient.Ev e = c.next();
                if (e.type() == Frame.RST_STREAM) {
                    assertThat(e.code()).isEqualTo(ErrorCode.CANCEL.code);
                    resets++;
                }
            }
        }
        assertThat(server.recorder().limits(ServerMetrics.Limit.SLOW_READER)).isEqualTo(MAX_STREAMS);
        normalClientIsServed();
    }

    @Test
    void theLastStreamIdEndsTheConnectionGracefully() throws Exception {
        start(Http2Config.builder(), 0);
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            c.get(Frame.MAX_STREAM_ID, "/hello");
            assertThat(c.response(Frame.MAX_STREAM_ID).text()).isEqualTo("hello\n");
            H2TestClient.Ev g = c.goAway();
            assertThat(g.code()).isEqualTo(ErrorCode.NO_ERROR.code);
            assertThat(g.lastStreamId()).isEqualTo(Frame.MAX_STREAM_ID);
            assertThat(c.closedWithin(Duration.ofSeconds(3))).isTrue();
        }
        normalClientIsServed();
    }

    @Test
    void invalidPrefaceOverTlsIsAConnectionError() throws Exception {
        java.nio.file.Path cert = TestCertificate.localhost().certificateFile();
        server = Server.start(ServerConfig.builder().port(0).tls(cert, TestCertificate.localhost().keyFile()).build(),
                (req, res) -> res.send("ok"));
        try (H2TestClient c = H2TestClient.tls(server.port(), TestCertificate.localhost().trustingContext(), "h2")) {
            c.raw("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes()); // h2 by ALPN, then no preface
            H2TestClient.Ev g = c.goAway();
            assertThat(g.type()).isEqualTo(Frame.GOAWAY);
            assertThat(g.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code);
            assertThat(c.closedWithin(Duration.ofSeconds(3))).isTrue();
        }
    }

    @Test
    void invalidPrefaceOnTheCleartextPortIsHttp11AndRefused() throws Exception {
        start(Http2Config.builder(), 0);
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("PRI * HTTP/2.0\r\n\r\nXY\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isBetween(400, 505);
        }
        normalClientIsServed();
    }

    @Test
    void controlFramesForAClientThatNeverReadsAreBounded() throws Exception {
        start(Http2Config.builder().maxControlFrames(0), 0); // no flood limit: the queue's bound must act
        AtomicLong sent = new AtomicLong();
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", server.port()));
            OutputStream out = s.getOutputStream();
            out.write(Frame.preface());
            out.write(new byte[] {0, 0, 0, Frame.SETTINGS, 0, 0, 0, 0, 0});
            byte[] ping = {0, 0, 8, Frame.PING, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
            byte[] many = new byte[ping.length * 1000];
            for (int i = 0; i < 1000; i++) {
                System.arraycopy(ping, 0, many, i * ping.length, ping.length);
            }
            try {
                for (int i = 0; i < 2000; i++) { // two million PINGs, never reading an ACK
                    out.write(many);
                    sent.addAndGet(1000);
                }
            } catch (IOException closed) {
                // the server gave up on us
            }
        }
        assertThat(sent.get()).as("PINGs sent before the server gave up").isLessThan(2_000_000);
        assertThat(limit(ServerMetrics.Limit.CONTROL_QUEUE)).isEqualTo(1);
        normalClientIsServed();
    }

    @Test
    void streamsBeyondTheLimitAreRefusedOnceTheSettingsAreAcknowledged() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server = Server.start(ServerConfig.builder().port(0).http2(Http2Config.builder().maxConcurrentStreams(2)
                .build()).build(), (req, res) -> {
                    release.await();
                    res.send("ok");
                });
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            c.settingsAck();
            c.expect(Frame.SETTINGS); // the server's ACK of ours: sent after the ACK of its own? not needed
        } catch (AssertionError ignored) {
            // ordering of ACKs is not the point here
        }
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            awaitAcked(c);
            c.get(1, "/");
            c.get(3, "/");
            c.get(5, "/");
            H2TestClient.Ev rst = c.expect(Frame.RST_STREAM);
            assertThat(rst.stream()).isEqualTo(5);
            assertThat(rst.code()).isEqualTo(ErrorCode.REFUSED_STREAM.code);
            release.countDown();
            assertThat(c.response(1).text()).isEqualTo("ok");
            assertThat(c.response(3).text()).isEqualTo("ok");
        }
    }

    /** Waits until the server has our ACK: a PING round trip after it. */
    static void awaitAcked(H2TestClient c) throws Exception {
        c.ping(7);
        while (true) {
            H2TestClient.Ev e = c.next();
            if (e.type() == Frame.PING && e.ack()) {
                return;
            }
        }
    }

    volatile CountDownLatch blocker;

    @Test
    void streamsBeforeTheSettingsAreAcknowledgedWaitInABoundedQueue() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        blocker = release;
        server = Server.start(ServerConfig.builder().port(0).shutdownTimeout(Duration.ofSeconds(1))
                .http2(Http2Config.builder().maxConcurrentStreams(2).build()).build(), (req, res) -> {
                    blocker.await();
                    res.send("ok");
                });
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.preface().settings(); // no ACK of the server's SETTINGS yet: the client may not know the limit
            for (int i = 0; i < 8; i++) {
                c.get(1 + 2 * i, "/");
            }
            release.countDown();
            for (int i = 0; i < 8; i++) {
                H2TestClient.Response r = c.response(1 + 2 * i);
                assertThat(r.text()).as("stream %d", 1 + 2 * i).isEqualTo("ok"); // 2 ran, 6 waited, none refused
            }
            // Past four times the limit waiting, the connection ends: 2 running and 9 waiting.
            CountDownLatch never = new CountDownLatch(1);
            blocker = never;
            for (int i = 8; i < 19; i++) {
                c.get(1 + 2 * i, "/");
            }
            H2TestClient.Ev g = c.goAway();
            assertThat(g.code()).isEqualTo(ErrorCode.ENHANCE_YOUR_CALM.code);
            never.countDown();
        }
        assertThat(limit(ServerMetrics.Limit.STREAM_QUEUE)).isEqualTo(1);
    }
}
