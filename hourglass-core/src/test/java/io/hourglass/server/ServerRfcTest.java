package io.hourglass.server;

import io.hourglass.testing.RawPeer;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's answers where the differential against Go's net/http (docs/ROBUSTNESS.md) found Hourglass
 * off RFC 9110/9112, over real sockets: each test failed before its fix. The parser's side of each is in
 * {@code H1ParserRejectTest} and {@code H1ParserRequestTest}.
 */
class ServerRfcTest {
    Server server;
    final AtomicInteger handled = new AtomicInteger();

    @AfterEach
    void stop() {
        if (server != null) server.shutdown();
    }

    /** A server whose handler is {@code handler}, counting the requests that reach it. */
    void start(Handler handler) throws Exception {
        server = Server.start(ServerConfig.builder().port(0).readHeaderTimeout(Duration.ofSeconds(5))
                .shutdownTimeout(Duration.ofSeconds(1)).build(), (req, res) -> {
                    handled.incrementAndGet();
                    handler.handle(req, res);
                });
    }

    static Router routes() {
        return new Router()
                .get("/hello", (req, res) -> res.send("hello\n"))
                .get("/host", (req, res) -> res.send(req.header("Host") + " " + req.version()))
                .get("a.example/where", (req, res) -> res.send("the a.example route"))
                .get("/where", (req, res) -> res.send("the route for any host"))
                .post("/echo", (req, res) -> res.send(req.body().readAllBytes()));
    }

    /** RFC 9110 section 2.5: HTTP/1.2 and HTTP/1.9 are served as HTTP/1.1 (they got 505). */
    @Test
    void aHigherHttp1MinorVersionIsServedAsHttp11() throws Exception {
        start(routes());
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /host HTTP/1.2\r\nHost: a\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("a HTTP/1.1");
            assertThat(r.header("connection")).as("persistent, as HTTP/1.1").isNull();
            c.send("GET /hello HTTP/1.9\r\nHost: a\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(200);
            c.send("GET /hello HTTP/2.0\r\nHost: a\r\n\r\n");
            assertThat(c.readResponse().status()).as("another major version").isEqualTo(505);
        }
    }

    /**
     * RFC 9112 section 6.1: chunked after a coding the server does not implement gets 501 (it was 400), the
     * connection is closed, and the body is never parsed: the request smuggled behind it is not served.
     */
    @Test
    void anUnimplementedTransferCodingGets501AndCloseAndItsBodyIsNeverParsed() throws Exception {
        start(routes());
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
            String all = c.readAll();
            assertThat(all).startsWith("HTTP/1.1 501 Not Implemented\r\n");
            assertThat(all).contains("Connection: close").contains("transfer coding gzip is not implemented");
            assertThat(all).as("only one response").containsOnlyOnce("HTTP/1.1 ");
        }
        assertThat(handled.get()).isZero();
    }

    /** RFC 9112 section 3: a request-target longer than the server parses gets 414 (it was 431). */
    @Test
    void aTargetTooLongForTheHeadLimitGets414() throws Exception {
        start(routes());
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /hello?" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: a\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(414);
            assertThat(r.body()).contains("request target too long");
            assertThat(c.awaitClose()).isEqualTo("eof");
        }
        assertThat(server.recorder().limits(ServerMetrics.Limit.URI_TOO_LONG)).isEqualTo(1);
        assertThat(server.recorder().limits(ServerMetrics.Limit.HEADER_TOO_LARGE)).isZero();
    }

    /**
     * RFC 9112 section 2.2: a head whose final empty line is CR CR LF has a bare CR, rejected with 400 at once.
     * It used to wait for a blank line that never came and get 408 at the read-header timeout (5 s here).
     */
    @Test
    void aHeadEndingInCrCrLfGets400AtOnce() throws Exception {
        start(routes());
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            long t0 = System.nanoTime();
            c.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\r\n");
            RawPeer.Response r = c.readResponse();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("CR not followed by LF");
            assertThat(ms).as("answered without waiting for the 5 s read-header timeout").isLessThan(2500);
            assertThat(c.awaitClose()).isEqualTo("eof");
        }
        assertThat(handled.get()).isZero();
    }

    /**
     * RFC 9112 section 3.2.2: with an absolute-form target the server MUST ignore the received Host and use the
     * target's authority, so the handler reads it as Host and the router routes by it (it saw the received one).
     */
    @Test
    void anAbsoluteFormTargetsAuthorityIsTheHostTheHandlerAndRouterSee() throws Exception {
        start(routes());
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET http://a.example:81/host HTTP/1.1\r\nHost: b\r\n\r\n");
            assertThat(c.readResponse().body()).isEqualTo("a.example:81 HTTP/1.1");
            c.send("GET http://a.example/where HTTP/1.1\r\nHost: b\r\n\r\n");
            assertThat(c.readResponse().body()).isEqualTo("the a.example route");
            c.send("GET http://b/where HTTP/1.1\r\nHost: a.example\r\n\r\n");
            assertThat(c.readResponse().body()).isEqualTo("the route for any host");
            c.send("GET /host HTTP/1.1\r\nHost: b\r\n\r\n");
            assertThat(c.readResponse().body()).as("origin-form: the received Host").isEqualTo("b HTTP/1.1");
        }
    }

    /**
     * RFC 9110 section 9.3.7: {@code OPTIONS *} is about the server, not a resource, so the server answers it
     * (200, Content-Length 0, Allow from the router's methods), as Go does; no handler runs. The router used to
     * get it and answer 404. The connection stays usable, a body sent with it discarded.
     */
    @Test
    void optionsAsteriskIsAnsweredByTheServerWithoutRouting() throws Exception {
        Router router = routes();
        server = Server.start(ServerConfig.builder().port(0).shutdownTimeout(Duration.ofSeconds(1)).build(), router);
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("content-length")).isEqualTo("0");
            assertThat(r.header("allow")).isEqualTo("GET, HEAD, POST, OPTIONS");
            assertThat(r.header("connection")).isNull();
            c.send("OPTIONS * HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(200);
            assertThat(c.readResponse().body()).as("the body was discarded, the next request served").isEqualTo("hello\n");
        }
    }

    /** A handler that is not a Router: no Allow (its methods are unknown), and still never called. */
    @Test
    void optionsAsteriskNeverReachesAnyHandler() throws Exception {
        start((req, res) -> res.send("handler"));
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("OPTIONS * HTTP/1.0\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("allow")).isNull();
            assertThat(r.body()).isEmpty();
        }
        assertThat(handled.get()).isZero();
    }
}
