package io.hourglass.server;

import io.hourglass.testing.RawPeer;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** HTTP/1.1 over real sockets: keep-alive, pipelining, framing, and every rejected ambiguity. */
class ServerProtocolTest {
    Server server;
    final AtomicInteger handled = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        Router r = testRoutes();
        server = Server.start(ServerConfig.builder().port(0).readHeaderTimeout(Duration.ofSeconds(5))
                .shutdownTimeout(Duration.ofSeconds(1)).build(), (req, res) -> {
                    handled.incrementAndGet();
                    r.handle(req, res);
                });
    }

    /** Like the CLI's demo routes: /hello, /bytes?n=N, /stream?n=N&every=DUR, POST /echo. */
    static Router testRoutes() {
        return new Router()
                .get("/hello", (req, res) -> res.send("hello\n".getBytes()))
                .get("/bytes", (req, res) -> res.send("x".repeat(Integer.parseInt(req.queryParam("n"))).getBytes()))
                .get("/stream", (req, res) -> {
                    int n = Integer.parseInt(req.queryParam("n"));
                    for (int i = 0; i < n; i++) {
                        // the stream's pacing, from the query
                        if (i > 0) Thread.sleep(io.hourglass.internal.text.Durations.parse(req.queryParam("every")));
                        res.body().write("tick\n".getBytes());
                        res.flush();
                    }
                })
                .post("/echo", (req, res) -> {
                    if (req.contentLength() >= 0) res.contentLength(req.contentLength());
                    req.body().transferTo(res.body());
                })
                .post("/swallow", (req, res) -> {
                    // a handler that catches a failed body read and answers anyway, as many do
                    try {
                        req.body().readAllBytes();
                        res.send("read\n");
                    } catch (java.io.IOException e) {
                        res.send("swallowed\n");
                    }
                });
    }

    @AfterEach
    void stop() {
        server.shutdown();
    }

    @Test
    void keepAliveCarriesManyRequestsOnOneConnection() throws Exception {
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            for (int i = 0; i < 5; i++) {
                c.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
                RawPeer.Response r = c.readResponse();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("hello\n");
                assertThat(r.header("connection")).isNull();
                assertThat(r.header("date")).isNotNull();
            }
        }
        assertThat(server.acceptedConnections()).isEqualTo(1);
    }

    /**
     * A handler's own Connection field: the server writes its own (only {@code close} matters, as a token of any
     * case among others), drops the handler's Connection, Keep-Alive and Date fields, and closes after a close.
     */
    @ParameterizedTest(name = "{0}: {1} -> closes {2}")
    @CsvSource({
        "Connection, close, true",
        "connection, Keep-Alive, false",
        "CONNECTION, 'keep-alive, Close', true",
        "Connection, closed, false",
        "X-Connection, close, false",
    })
    void aHandlersConnectionFieldIsHonouredAndNotCopied(String name, String value, boolean closes) throws Exception {
        try (Server s = Server.start(ServerConfig.builder().port(0).build(), (req, res) -> {
            res.headers().add(name, value).add("Keep-Alive", "timeout=1").add("Date", "yesterday");
            res.send("x\n");
        }); RawPeer.Connection c = RawPeer.connect(s.port())) {
            c.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("connection")).isEqualTo(closes ? "close" : null);
            assertThat(r.header("keep-alive")).isNotEqualTo("timeout=1"); // the server's own hint, if any
            assertThat(r.header("date")).isNotEqualTo("yesterday");
            assertThat(r.header("x-connection")).isEqualTo(name.equals("X-Connection") ? value : null);
            if (closes) {
                assertThat(c.in().read()).as("end of stream after the response").isEqualTo(-1);
            } else {
                c.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
                assertThat(c.readResponse().status()).isEqualTo(200);
            }
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /bytes?n=3 HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
                    + "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                    + "GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertThat(c.readResponse().body()).isEqualTo("xxx");
            assertThat(c.readResponse().body()).isEqualTo("hello");
            assertThat(c.readResponse().body()).isEqualTo("abc");
            RawPeer.Response last = c.readResponse();
            assertThat(last.body()).isEqualTo("hello\n");
            assertThat(last.header("connection")).isEqualTo("close");
            assertThat(c.awaitClose()).isEqualTo("eof");
        }
    }

    @Test
    void http10GetsCloseUnlessKeepAliveAsked() throws Exception {
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /hello HTTP/1.0\r\n\r\n");
            assertThat(c.readResponse().header("connection")).isEqualTo("close");
            assertThat(c.awaitClose()).isEqualTo("eof");
        }
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(c.readResponse().header("connection")).isEqualTo("keep-alive");
            c.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(200);
        }
    }

    @Test
    void http10StreamIsDelimitedByClose() throws Exception {
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /stream?n=2&every=10ms HTTP/1.0\r\n\r\n");
            String all = c.readAll();
            assertThat(all).startsWith("HTTP/1.1 200 OK").doesNotContain("chunked").endsWith("tick\ntick\n");
        }
    }

    @Test
    void headGetsHeadersWithoutBody() throws Exception {
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("HEAD /hello HTTP/1.1\r\nHost: a\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
            String status = c.line();
            assertThat(status).isEqualTo("HTTP/1.1 200 OK");
            String l;
            String cl = null;
            while (!(l = c.line()).isEmpty()) {
                if (l.startsWith("Content-Length")) cl = l;
            }
            assertThat(cl).isEqualTo("Content-Length: 6");
            // no body bytes: the next thing is the second response
            assertThat(c.readResponse().body()).isEqualTo("hello\n");
        }
    }

    @Test
    void expectContinueSends100WhenTheHandlerReadsTheBody() throws Exception {
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(100);
            c.send("ping");
            assertThat(c.readResponse().body()).isEqualTo("ping");
        }
    }

    @Test
    void expectContinueWithoutBodyReadClosesAfterTheFinalResponse() throws Exception {
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("POST /hello HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(405);
            assertThat(r.header("connection")).isNull();
            assertThat(c.awaitClose()).isEqualTo("eof");
        }
    }

    @Test
    void unreadBodyIsDrainedAndTheConnectionReused() throws Exception {
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("POST /hello HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(405);
            assertThat(c.readResponse().body()).isEqualTo("hello\n");
        }
    }

    @Test
    void chunkedRequestTrailersAreRead() throws Exception {
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;ext=1\r\nhello\r\n1\r\n!\r\n0\r\nX-Sum: 6\r\n\r\n");
            assertThat(c.readResponse().body()).isEqualTo("hello!");
        }
    }

    @Test
    void unknownVersionGets505() throws Exception {
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /hello HTTP/2.0\r\nHost: a\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(505);
            assertThat(c.awaitClose()).isEqualTo("eof");
        }
    }

    @Test
    void oversizedHeadGets431() throws Exception {
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /hello HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(431);
        }
    }

    /**
     * Each ambiguous request gets 400 and a closed connection, and the request smuggled after it is never
     * parsed: the handler runs for none of them.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            CL and TE together              | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n
            CL with plus sign               | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: +3\\r\\n\\r\\nabc
            CL list that differs            | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3,4\\r\\n\\r\\nabc
            two different CL headers        | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3\\r\\nContent-Length: 4\\r\\n\\r\\nabc
            CL not a number                 | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3a\\r\\n\\r\\nabc
            TE gzip                         | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\nabc
            TE chunked then gzip            | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked, gzip\\r\\n\\r\\n0\\r\\n\\r\\n
            TE chunked twice                | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n
            TE in HTTP/1.0                  | POST /echo HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n
            obs-fold                        | GET /hello HTTP/1.1\\r\\nHost: a\\r\\nX-A: b\\r\\n  c\\r\\n\\r\\n
            space before colon              | GET /hello HTTP/1.1\\r\\nHost: a\\r\\nX-A : b\\r\\n\\r\\n
            CR inside a value               | GET /hello HTTP/1.1\\r\\nHost: a\\r\\nX-A: b\\rc\\r\\n\\r\\n
            NUL inside a value              | GET /hello HTTP/1.1\\r\\nHost: a\\r\\nX-A: b\\0c\\r\\n\\r\\n
            bare LF in head                 | GET /hello HTTP/1.1\\nHost: a\\n\\n
            chunk-size ended by bare LF     | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3\\nabc\\r\\n0\\r\\n\\r\\n
            chunk size overflow             | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n10000000000000003\\r\\nabc\\r\\n0\\r\\n\\r\\n
            chunk size not hex              | POST /echo HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\nabc\\r\\n0\\r\\n\\r\\n
            missing Host in HTTP/1.1        | GET /hello HTTP/1.1\\r\\n\\r\\n
            repeated Host                   | GET /hello HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n
            request line of two parts       | GET /hello\\r\\nHost: a\\r\\n\\r\\n
            request line of four parts      | GET /hello HTTP/1.1 x\\r\\nHost: a\\r\\n\\r\\n
            Host with a space and a slash   | GET /hello HTTP/1.1\\r\\nHost: a b/c\\r\\n\\r\\n
            Host of at signs                | GET /hello HTTP/1.1\\r\\nHost: @@@\\r\\n\\r\\n
            target without a leading slash  | GET hello HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n
            target with a fragment          | GET /hello#top HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n
            """)
    void ambiguousFramingGets400AndNothingAfterItIsParsed(String name, String escaped) throws Exception {
        String request = escaped.replace("\\r", "\r").replace("\\n", "\n").replace("\\0", "\0");
        String smuggled = "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n";
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send(request + smuggled);
            String all = c.readAll();
            assertThat(all).startsWith("HTTP/1.1 400 Bad Request\r\n");
            assertThat(all).as("only one response").containsOnlyOnce("Date: ");
            assertThat(all).contains("Connection: close");
        }
        if (name.startsWith("chunk")) {
            assertThat(handled.get()).as("the handler saw the request but never a smuggled one").isEqualTo(1);
        } else {
            assertThat(handled.get()).isZero();
        }
    }

    /**
     * Issue 9: an HTTP/0.9-style line (no version) used to wait for the read-header timeout (5 s here) and then
     * get 408. It can never become a valid request, so it gets 400 as soon as its CRLF is there.
     */
    @Test
    void requestLineWithoutVersionGets400AtOnce() throws Exception {
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            long t0 = System.nanoTime();
            c.send("GET /hello\r\n");
            RawPeer.Response r = c.readResponse();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("request line");
            assertThat(ms).as("answered without waiting for the 5 s read-header timeout").isLessThan(1000);
            assertThat(c.awaitClose()).isEqualTo("eof");
        }
        assertThat(handled.get()).isZero();
    }

    /** An absolute-form target is served by its path, whatever the case of its scheme (RFC 9112 section 3.2.2). */
    @Test
    void absoluteFormTargetIsRoutedByItsPath() throws Exception {
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET HTTP://a:80/hello HTTP/1.1\r\nHost: a\r\n\r\nGET http://a?x HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.readResponse().body()).isEqualTo("hello\n");
            assertThat(c.readResponse().status()).as("the path of http://a?x is /").isEqualTo(404);
        }
    }

    /**
     * Issue 9: more trailer fields than the header-count limit (100) used to reset the connection with no
     * status when the handler had already begun its response (as /echo does, streaming). Nothing of that
     * response had left the server yet, so it is replaced by 431 and a close, like every other framing error.
     */
    @Test
    void tooManyTrailerFieldsGet431AndClose() throws Exception {
        StringBuilder trailers = new StringBuilder();
        for (int i = 0; i < 101; i++) {
            trailers.append("X-T").append(i).append(": v\r\n");
        }
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n"
                    + trailers + "\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
            String all = c.readAll();
            assertThat(all).startsWith("HTTP/1.1 431 ");
            assertThat(all).contains("more than 100 header fields").contains("Connection: close");
            assertThat(all).as("only one response").containsOnlyOnce("HTTP/1.1");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            size over 15 hex digits, then a last chunk | ffffffffffffffff0\\r\\n\\r\\n
            size with a sign, then a last chunk        | -0\\r\\n\\r\\n
            bare LF after the data, then a last chunk  | 1\\r\\nx\\n0\\r\\n\\r\\n
            """)
    void aChunkedBodyBrokenByAFramingErrorIsNeverDrainedEvenWhenTheHandlerSwallowsTheError(String name, String body)
            throws Exception {
        // The rest of a broken chunked body must not be parsed as if the framing were still known: what
        // follows the error could complete the "body" and leave a smuggled request to be served next.
        String head = "POST /swallow HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
        String smuggled = "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n";
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send(head + body.replace("\\r", "\r").replace("\\n", "\n") + smuggled);
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("swallowed\n");
            assertThat(org.assertj.core.api.Assertions.catchThrowable(c::readResponse))
                    .as("no response for the smuggled request: the connection ends")
                    .isInstanceOf(java.io.EOFException.class);
        }
        assertThat(handled.get()).isEqualTo(1);
    }
}
