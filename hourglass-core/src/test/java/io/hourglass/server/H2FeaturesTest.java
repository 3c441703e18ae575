package io.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.FieldList;
import io.hourglass.internal.h2.Frame;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is built on Handler works over HTTP/2 as over HTTP/1.1: filters (access log, request id, recovery,
 * gzip, body limit), static files with validators and ranges, 100-continue and request trailers.
 */
class H2FeaturesTest {
    static final String BIG = "hello, compressible world. ".repeat(100);
    @TempDir
    Path dir;
    Server server;
    final CapturingLogger log = new CapturingLogger();

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    H2TestClient client(Handler h) throws Exception {
        server = Server.start(ServerConfig.builder().port(0).shutdownTimeout(Duration.ofSeconds(1)).build(), h);
        H2TestClient c = new H2TestClient(server.port());
        c.autoWindow(true).handshake();
        return c;
    }

    @Test
    void gzipFilterCompressesOverHttp2() throws Exception {
        try (H2TestClient c = client(new Router().use(Filter.gzip()).get("/text", (q, r) -> r.send(BIG)))) {
            c.request(1, "GET", "/text", true, "accept-encoding", "gzip");
            H2TestClient.Response r = c.response(1);
            assertThat(r.headers()).containsEntry("content-encoding", "gzip").containsEntry("vary", "Accept-Encoding");
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(BIG);
            }
            assertThat(r.headers().get("content-length")).isEqualTo(Integer.toString(r.body().length));
        }
    }

    @Test
    void staticFilesWithValidatorsAndRanges() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "0123456789abcdef");
        try (H2TestClient c = client(new Router().get("/", StaticFiles.of(dir)))) {
            c.get(1, "/a.txt");
            H2TestClient.Response r = c.response(1);
            assertThat(r.text()).isEqualTo("0123456789abcdef");
            String etag = r.headers().get("etag");
            assertThat(etag).isNotNull();
            c.request(3, "GET", "/a.txt", true, "if-none-match", etag);
            H2TestClient.Response notModified = c.response(3);
            assertThat(notModified.status()).isEqualTo(304);
            assertThat(notModified.body()).isEmpty();
            c.request(5, "GET", "/a.txt", true, "range", "bytes=2-5");
            H2TestClient.Response range = c.response(5);
            assertThat(range.status()).isEqualTo(206);
            assertThat(range.text()).isEqualTo("2345");
            assertThat(range.headers()).containsEntry("content-range", "bytes 2-5/16");
        }
    }

    @Test
    void accessLogRequestIdAndRecoveryOverHttp2() throws Exception {
        try (H2TestClient c = client(new Router().use(Filter.accessLog(log), Filter.requestId(), Filter.recovery())
                .get("/hello", (q, r) -> r.send("hello"))
                .get("/boom", (q, r) -> {
                    throw new IllegalStateException("boom");
                }))) {
            c.get(1, "/hello");
            H2TestClient.Response r = c.response(1);
            assertThat(r.headers().get("x-request-id")).hasSize(32);
            assertThat(log.next()).contains("\"GET /hello HTTP/2.0\" 200 5 ");
            c.get(3, "/boom");
            assertThat(c.response(3).status()).isEqualTo(500);
            assertThat(log.next()).contains("\"GET /boom HTTP/2.0\" 500 ");
        }
    }

    @Test
    void accessLogNamesAClientResetAsAClientThatLeft() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        try (H2TestClient c = client(new Router().use(Filter.accessLog(log)).get("/wait", (q, r) -> {
            started.countDown();
            Thread.sleep(10_000); // a handler its client resets
        }))) {
            c.get(1, "/wait");
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            c.rst(1, ErrorCode.CANCEL);
            assertThat(log.next()).contains("\"GET /wait HTTP/2.0\" 499 - ").endsWith("cancelled:client-gone");
        }
    }

    @Test
    void bodyLimitAnswers413ThenStopsTheBody() throws Exception {
        try (H2TestClient c = client(new Router().post("/up", Filter.maxRequestBody(100).wrap(
                (q, r) -> r.send("got " + q.body().readAllBytes().length))))) {
            c.request(1, "POST", "/up", false);
            c.data(1, new byte[300], false); // more to come: the server stops it with RST_STREAM NO_ERROR
            assertThat(c.expect(Frame.HEADERS).field(":status")).isEqualTo("413");
            H2TestClient.Ev data = c.expect(Frame.DATA);
            assertThat(new String(data.data())).contains("larger than the limit of 100 bytes");
            assertThat(data.endStream()).isTrue();
            H2TestClient.Ev rst = c.expect(Frame.RST_STREAM);
            assertThat(rst.code()).isEqualTo(ErrorCode.NO_ERROR.code);
            // a declared length over the limit is refused before any body is read
            c.request(3, "POST", "/up", false, "content-length", "1000", "expect", "100-continue");
            H2TestClient.Ev head = c.expect(Frame.HEADERS);
            assertThat(head.field(":status")).isEqualTo("413"); // no 100 Continue before it
        }
        assertThat(server.recorder().limits(ServerMetrics.Limit.BODY_TOO_LARGE)).isEqualTo(2);
    }

    @Test
    void expectContinueGetsAnInterimResponseOnTheFirstRead() throws Exception {
        try (H2TestClient c = client((q, r) -> r.send("got " + new String(q.body().readAllBytes())))) {
            c.request(1, "POST", "/", false, "expect", "100-continue", "content-length", "5");
            H2TestClient.Ev interim = c.expect(Frame.HEADERS);
            assertThat(interim.field(":status")).isEqualTo("100");
            assertThat(interim.endStream()).isFalse();
            c.data(1, "hello".getBytes(), true);
            H2TestClient.Response r = c.response(1);
            assertThat(r.text()).isEqualTo("got hello");
        }
    }

    @Test
    void requestTrailersReachTheHandler() throws Exception {
        try (H2TestClient c = client((q, r) -> {
            byte[] b = q.body().readAllBytes();
            r.send(new String(b) + " " + q.trailers().first("x-checksum"));
        })) {
            c.request(1, "POST", "/", false, "te", "trailers");
            c.data(1, "body".getBytes(), false);
            c.headers(1, new FieldList().add("x-checksum", "abc"), true);
            assertThat(c.response(1).text()).isEqualTo("body abc");
        }
    }

    @Test
    void handlerDeadlineIsVisibleOverHttp2() throws Exception {
        server = Server.start(ServerConfig.builder().port(0).handlerTimeout(Duration.ofSeconds(7)).build(),
                (q, r) -> r.send(q.deadline().isPresent() ? "yes" : "no"));
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            c.get(1, "/");
            assertThat(c.response(1).text()).isEqualTo("yes");
        }
    }
}
