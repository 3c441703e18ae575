package io.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.internal.h2.Frame;
import io.hourglass.testing.RawPeer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP/2 server's basics over h2c with prior knowledge: requests, bodies, streams side by side. */
class H2ServerTest {
    Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    Server start(Handler h) throws Exception {
        return start(ServerConfig.builder().port(0).shutdownTimeout(Duration.ofSeconds(2)), h);
    }

    Server start(ServerConfig.Builder b, Handler h) throws Exception {
        server = Server.start(b.build(), h);
        return server;
    }

    static final Handler DEMO = new Router()
            .get("/hello", (req, res) -> res.send("hello " + req.protocol() + " " + req.version() + "\n"))
            .post("/echo", (req, res) -> {
                res.header("Content-Type", "application/octet-stream");
                req.body().transferTo(res.body());
            });

    @Test
    void getOverPriorKnowledge() throws Exception {
        start(DEMO);
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            c.get(1, "/hello");
            H2TestClient.Response r = c.response(1);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("hello h2c HTTP/2.0\n");
            assertThat(r.headers()).containsKey("date").containsEntry("content-length", "19")
                    .containsEntry("content-type", "text/plain; charset=utf-8");
        }
    }

    /**
     * A handler writes its own response when no other writer is at work, so the connection's writer thread has
     * nothing to do for it and must not be woken: each such wake-up is a virtual thread's unpark, mount and park,
     * per response (until round 7 every response paid one: about a tenth of the CPU per request at one stream per
     * connection, docs/BENCHMARKS.md).
     */
    @Test
    void responsesDoNotWakeTheWriterThread() throws Exception {
        start(DEMO);
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            H2Conn conn = server.connections().iterator().next().h2();
            int before = conn.writer.idleWakeups();
            for (int id = 1; id <= 399; id += 2) { // 200 requests, one at a time
                c.get(id, "/hello");
                assertThat(c.response(id).status()).isEqualTo(200);
            }
            // Before the fix: one idle wake-up per response (200); a rare spurious one of the condition is allowed.
            assertThat(conn.writer.idleWakeups() - before).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void serverPrefaceIsSettingsWithItsLimits() throws Exception {
        start(DEMO);
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.preface().settings();
            H2TestClient.Ev s = c.next();
            assertThat(s.type()).isEqualTo(Frame.SETTINGS);
            assertThat(s.ack()).isFalse();
            assertThat(s.settings()).containsEntry(3, 100L).containsEntry(4, 256L * 1024).containsEntry(2, 0L);
        }
    }

    @Test
    void postBodyEchoes() throws Exception {
        start(DEMO);
        byte[] body = new byte[200_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.autoWindow(true).handshake();
            c.request(1, "POST", "/echo", false, "content-length", Integer.toString(body.length));
            for (int off = 0; off < body.length; off += 16384) {
                byte[] piece = java.util.Arrays.copyOfRange(body, off, Math.min(body.length, off + 16384));
                c.data(1, piece, off + 16384 >= body.length);
            }
            H2TestClient.Response r = c.response(1);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(body);
        }
    }

    @Test
    void manyStreamsAtOnce() throws Exception {
        start(DEMO);
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int id = 1 + 2 * i;
                ids.add(id);
                c.get(id, "/hello");
            }
            for (int id : ids) {
                assertThat(c.response(id).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void http11StillServedOnTheSamePort() throws Exception {
        start(DEMO);
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("hello http/1.1 HTTP/1.1\n");
        }
    }

    @Test
    void thePrefaceIsAnsweredInHttp2AndWithHttp2OffIs505() throws Exception {
        String preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
        start(DEMO);
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send(preface);
            byte[] head = c.readBytes(Frame.HEADER_LENGTH); // the server's own preface: a SETTINGS frame
            assertThat(head[3]).isEqualTo((byte) Frame.SETTINGS);
        }
        server.shutdown();
        start(ServerConfig.builder().port(0).http2(Http2Config.builder().enabled(false).build()), DEMO);
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send(preface);
            assertThat(c.readResponse().status()).isEqualTo(505); // an HTTP/1.1 request line of version 2.0
        }
    }

    @Test
    void headersOnAStreamBothEndsClosedIsAConnectionErrorWhileItsHandlerStillRuns() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        start((req, res) -> {
            java.io.OutputStream body = res.body();
            body.write("done\n".getBytes(StandardCharsets.UTF_8));
            body.close(); // END_STREAM goes out now; the handler (and the stream's slot) lives on a while
            release.await();
        });
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            c.get(1, "/");
            assertThat(c.response(1).text()).isEqualTo("done\n");
            c.get(1, "/"); // section 5.1: the stream is closed, not half-closed, though its handler has not returned
            H2TestClient.Ev g = c.goAway();
            assertThat(g.type()).isEqualTo(Frame.GOAWAY);
            assertThat(g.code()).isEqualTo(io.hourglass.internal.h2.ErrorCode.STREAM_CLOSED.code);
        } finally {
            release.countDown();
        }
    }

    @Test
    void notFoundAndHead() throws Exception {
        start(DEMO);
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            c.get(1, "/nope");
            assertThat(c.response(1).status()).isEqualTo(404);
            c.request(3, "HEAD", "/hello", true);
            H2TestClient.Response r = c.response(3);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEmpty();
            assertThat(r.headers()).containsEntry("content-length", "19");
        }
    }

    @Test
    void streamedResponseInManyDataFrames() throws Exception {
        start((req, res) -> {
            byte[] chunk = "0123456789".repeat(1000).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 20; i++) {
                res.body().write(chunk);
                res.flush();
            }
        });
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.autoWindow(true).handshake();
            c.get(1, "/");
            H2TestClient.Response r = c.response(1);
            assertThat(r.body()).hasSize(200_000);
            assertThat(r.headers()).doesNotContainKey("content-length");
        }
    }
}
