package io.hourglass.server;

import io.hourglass.testing.RawPeer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Request id, recovery and request body limits (the server's and a route's). */
class FiltersTest {
    Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    void serve(ServerConfig.Builder cfg, Handler h) throws Exception {
        server = Server.start(cfg.port(0).build(), h);
    }

    @Test
    void requestIdKeepsAUsableClientIdAndMakesOneOtherwise() throws Exception {
        serve(ServerConfig.builder(), new Router().use(Filter.requestId())
                .get("/id", (req, res) -> res.send("seen " + req.header("X-Request-Id"))));
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /id HTTP/1.1\r\nHost: a\r\nX-Request-Id: trace-42\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.header("x-request-id")).isEqualTo("trace-42");
            assertThat(r.body()).isEqualTo("seen trace-42");
            c.send("GET /id HTTP/1.1\r\nHost: a\r\n\r\n");
            RawPeer.Response fresh = c.readResponse();
            assertThat(fresh.header("x-request-id")).matches("[0-9a-f]{32}");
            assertThat(fresh.body()).isEqualTo("seen " + fresh.header("x-request-id"));
            c.send("GET /id HTTP/1.1\r\nHost: a\r\nX-Request-Id: has\"quote\r\n\r\n");
            assertThat(c.readResponse().header("x-request-id")).matches("[0-9a-f]{32}"); // not repeated into logs
        }
        assertThatThrownBy(() -> Filter.requestId("bad name")).hasMessageContaining("not a header field name");
    }

    @Test
    void recoveryAnswers500WithOneLineAndKeepsTheConnection() throws Exception {
        CapturingLogger log = new CapturingLogger();
        serve(ServerConfig.builder(), new Router().use(StandardFilters.recovery(log))
                .get("/boom", (req, res) -> {
                    res.header("Content-Type", "application/json");
                    throw new IllegalStateException("secret detail");
                })
                .get("/ok", (req, res) -> res.send("ok")));
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /boom HTTP/1.1\r\nHost: a\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.body()).isEqualTo("internal server error\n").doesNotContain("secret");
            assertThat(r.header("content-type")).isEqualTo("text/plain; charset=utf-8");
            assertThat(r.header("connection")).isNull();
            c.send("GET /ok HTTP/1.1\r\nHost: a\r\n\r\n"); // the same connection serves on
            assertThat(c.readResponse().body()).isEqualTo("ok");
        }
        String line = log.next();
        assertThat(line).startsWith("GET /boom: handler failed: java.lang.IllegalStateException: secret detail (at ")
                .doesNotContain("\n");
        assertThat(log.levels.poll()).isEqualTo(System.Logger.Level.ERROR);
        assertThat(log.thrown).isEmpty(); // no stack trace
    }

    @Test
    void recoveryLeavesTimeoutsAndCommittedResponsesToTheServer() throws Exception {
        CapturingLogger log = new CapturingLogger();
        serve(ServerConfig.builder().handlerTimeout(Duration.ofMillis(200)), new Router().use(StandardFilters.recovery(log))
                .get("/slow", (req, res) -> Thread.sleep(5_000)) // outlasts the 200 ms handler timeout
                .get("/late", (req, res) -> {
                    res.contentLength(100);
                    res.body().write(new byte[10]);
                    res.flush();
                    throw new IllegalStateException("after the head");
                }));
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(503); // the handler timeout's own answer
        }
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /late HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.line()).isEqualTo("HTTP/1.1 200 OK");
            while (!c.line().isEmpty()) { /* headers */ }
            assertThat(c.awaitClose()).isEqualTo("reset"); // cut short: never taken for complete
        }
        assertThat(log.drain()).isEmpty();
    }

    @Test
    void theServersBodyLimitAnswers413AndClosesBeforeAnyContinue() throws Exception {
        serve(ServerConfig.builder().maxRequestBodyBytes(16), new Router()
                .post("/echo", (req, res) -> res.send(req.body().readAllBytes()))
                .group("/upload", g -> g.use(Filter.maxRequestBody(64))
                        .post("/", (req, res) -> res.send("got " + req.body().readAllBytes().length))));
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789");
            assertThat(c.readResponse().body()).isEqualTo("0123456789");
            // Declared too large, with Expect: the answer comes at once, with no 100 Continue before it.
            c.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 17\r\nExpect: 100-continue\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(c.awaitClose()).isEqualTo("eof");
        }
        try (RawPeer.Connection c = RawPeer.connect(server.port())) { // chunked: found out while reading
            c.send("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(413);
        }
        try (RawPeer.Connection c = RawPeer.connect(server.port())) { // a route's own limit, higher than the server's
            c.send("POST /upload/ HTTP/1.1\r\nHost: a\r\nContent-Length: 40\r\n\r\n" + "x".repeat(40));
            assertThat(c.readResponse().body()).isEqualTo("got 40");
            c.send("POST /upload/ HTTP/1.1\r\nHost: a\r\nContent-Length: 65\r\n\r\n" + "x".repeat(65));
            assertThat(c.readResponse().status()).isEqualTo(413);
        }
        assertThatThrownBy(() -> Filter.maxRequestBody(-1)).hasMessageContaining("negative");
        assertThatThrownBy(() -> ServerConfig.builder().maxRequestBodyBytes(-1).build())
                .hasMessageContaining("maxRequestBodyBytes");
    }

    @Test
    void zeroLiftsTheLimit() throws Exception {
        serve(ServerConfig.builder().maxRequestBodyBytes(0), new Router()
                .post("/n", (req, res) -> res.send("n=" + req.body().readAllBytes().length)));
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("POST /n HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n" + "y".repeat(100000));
            assertThat(c.readResponse().body()).isEqualTo("n=100000");
        }
    }
}
