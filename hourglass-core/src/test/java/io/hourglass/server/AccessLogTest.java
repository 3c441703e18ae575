package io.hourglass.server;

import io.hourglass.testing.RawPeer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One access-log line per request, naming the status the client got and what ended the request. */
class AccessLogTest {
    final CapturingLogger log = new CapturingLogger();
    Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    void serve(ServerConfig.Builder cfg, Router r) throws Exception {
        server = Server.start(cfg.port(0).build(), r);
    }

    RawPeer.Response call(String raw) throws Exception {
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send(raw);
            return c.readResponse();
        }
    }

    @Test
    void aNormalRequestIsOneCommonLogFormatLineWithDurationAndADash() throws Exception {
        serve(ServerConfig.builder(), new Router().use(Filter.accessLog(log)).get("/hello", (q, r) -> r.send("hello")));
        call("GET /hello?x=\"1\" HTTP/1.1\r\nHost: a\r\n\r\n");
        String line = log.next();
        assertThat(line).matches("127\\.0\\.0\\.1 - - \\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000] "
                + "\"GET /hello\\?x=\\\\\"1\\\\\" HTTP/1.1\" 200 5 \\d+\\.\\d{6} -");
        call("GET /nope HTTP/1.1\r\nHost: a\r\n\r\n"); // the root's filters see 404s too
        assertThat(log.next()).contains("\"GET /nope HTTP/1.1\" 404 10 ");
        assertThat(log.drain()).isEmpty();
    }

    @Test
    void theJsonFormatHasEveryFieldAndTheRequestId() throws Exception {
        serve(ServerConfig.builder(), new Router().use(Filter.accessLogJson(log), Filter.requestId())
                .get("/hello", (q, r) -> r.send("hello")));
        call("GET /hello HTTP/1.1\r\nHost: a\r\nX-Request-Id: abc-1\r\n\r\n");
        assertThat(log.next()).matches("\\{\"time\":\"[0-9T:.Z-]+\",\"remote\":\"127\\.0\\.0\\.1:\\d+\",\"method\":\"GET\","
                + "\"target\":\"/hello\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"bytes\":5,\"duration_ms\":\\d+\\.\\d{3},"
                + "\"ended_by\":null,\"request_id\":\"abc-1\"}");
    }

    @Test
    void aHandlerTimeoutIsLoggedAs503EndedByTheTimeout() throws Exception {
        serve(ServerConfig.builder().handlerTimeout(Duration.ofMillis(200)),
                // outlasts the 200 ms handler timeout; not an ordering
                new Router().use(Filter.accessLog(log)).get("/slow", (q, r) -> Thread.sleep(10_000)));
        assertThat(call("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(503);
        assertThat(log.next()).contains("\"GET /slow HTTP/1.1\" 503 - ").endsWith(" timeout:handler");
    }

    @Test
    void aClientThatLeftIsLoggedAs499EndedByTheClient() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        serve(ServerConfig.builder(), new Router().use(Filter.accessLog(log)).get("/wait", (q, r) -> {
            running.countDown();
            Thread.sleep(10_000); // a handler its client leaves: the watcher cancels it
        }));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()));
            s.getOutputStream().write("GET /wait HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(log.next()).contains("\"GET /wait HTTP/1.1\" 499 - ").endsWith(" cancelled:client-gone");
    }

    @Test
    void failuresGetTheStatusTheServerAnsweredWith() throws Exception {
        serve(ServerConfig.builder().readTimeout(Duration.ofMillis(300)).maxRequestBodyBytes(10),
                new Router().use(Filter.accessLog(log))
                        .get("/boom", (q, r) -> {
                            throw new IllegalStateException("boom");
                        })
                        .post("/read", (q, r) -> q.body().readAllBytes()));
        assertThat(call("GET /boom HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(500);
        assertThat(log.next()).contains(" 500 - ").endsWith(" error");
        assertThat(call("POST /read HTTP/1.1\r\nHost: a\r\nContent-Length: 20\r\n\r\n01234567890123456789")
                .status()).isEqualTo(413);
        assertThat(log.next()).contains(" 413 - ").endsWith(" rejected");
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("POST /read HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n12"); // then stalls
            assertThat(c.readResponse().status()).isEqualTo(408);
        }
        assertThat(log.next()).contains(" 408 - ").endsWith(" timeout:read-body");
    }

    @Test
    void aWriteTimeoutAfterTheHeadKeepsTheStatusAndNamesTheTimeout() throws Exception {
        serve(ServerConfig.builder().writeTimeout(Duration.ofMillis(300)),
                new Router().use(Filter.accessLog(log)).get("/big", (q, r) -> {
                    OutputStream os = r.body();
                    byte[] block = new byte[64 * 1024];
                    for (int i = 0; i < 1024; i++) {
                        os.write(block);
                    }
                }));
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(16 * 1024);
            s.connect(new InetSocketAddress("127.0.0.1", server.port()));
            s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String line = log.next(); // the client reads nothing
            assertThat(line).contains("\"GET /big HTTP/1.1\" 200 ").endsWith(" timeout:write");
        }
    }
}
