package io.hourglass.cli;

import io.hourglass.testing.RawPeer;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.server.Router;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code hourglass get} in-process against real loopback servers: curl's exit codes (0, 28, 7, 56, 2), the
 * body on stdout, one line on stderr. Timing assertions are windows: {@code >= limit} and {@code < limit + slack}.
 */
class GetCliTest {
    static final long SLACK_MS = 1500;

    /** What the Hourglass server saw of the last request. */
    record Seen(String method, String body, String header) {}

    final BlockingQueue<Seen> seen = new ArrayBlockingQueue<>(16);
    Server server;

    @AfterEach
    void stop() {
        if (server != null) server.shutdown();
    }

    String hourglass(String path) throws IOException {
        Router router = new Router()
                .get("/hello", (req, res) -> res.header("X-Served-By", "test").send("hello\n"))
                .get("/missing", (req, res) -> res.status(404).send("no such thing\n"))
                .route("POST /record", this::record)
                .route("PUT /record", this::record)
                .route("GET /record", this::record);
        server = Server.start(ServerConfig.builder().port(0).build(), router);
        return server.url() + path;
    }

    private void record(io.hourglass.server.Request req, io.hourglass.server.Response res) throws IOException {
        String body = new String(req.body().readAllBytes(), StandardCharsets.UTF_8);
        seen.add(new Seen(req.method(), body, req.header("X-A")));
        res.send("ok\n");
    }

    static CliRun get(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "get";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.of(all);
    }

    static int freePort() throws IOException {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return ss.getLocalPort();
        }
    }

    // ---- complete responses: exit 0 whatever the status ----

    @Test
    void okResponsePrintsExactlyTheBodyAndExits0() throws Exception {
        CliRun r = get(hourglass("/hello"));
        assertThat(r.code()).isZero();
        assertThat(r.stdout()).isEqualTo("hello\n");
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void notFoundIsACompleteResponseSoItExits0WithItsBody() throws Exception {
        CliRun r = get(hourglass("/missing"));
        assertThat(r.code()).isZero();
        assertThat(r.stdout()).isEqualTo("no such thing\n");
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void includePrintsStatusLineAndHeadersBeforeTheBody() throws Exception {
        CliRun r = get("-i", hourglass("/hello"));
        assertThat(r.code()).isZero();
        assertThat(r.stdout()).startsWith("HTTP/1.1 200 OK\r\n")
                .containsIgnoringCase("\r\nContent-Length: 6\r\n")
                .contains("\r\nX-Served-By: test\r\n")
                .endsWith("\r\n\r\nhello\n");
    }

    @Test
    void dataWithoutMethodSendsPostWithTheBody() throws Exception {
        CliRun r = get("--data", "ping pong", hourglass("/record"));
        assertThat(r.code()).isZero();
        assertThat(r.stdout()).isEqualTo("ok\n");
        assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo(new Seen("POST", "ping pong", null));
    }

    @Test
    void methodFlagWithDataSendsPut() throws Exception {
        CliRun r = get("-X", "PUT", "--data", "v=1", hourglass("/record"));
        assertThat(r.code()).isZero();
        assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo(new Seen("PUT", "v=1", null));
    }

    @Test
    void headerFlagReachesTheServer() throws Exception {
        CliRun r = get("-H", "X-A: b", hourglass("/record"));
        assertThat(r.code()).isZero();
        assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo(new Seen("GET", "", "b"));
    }

    // ---- timeouts: 28 and one line naming the phase ----

    @Test
    void totalTimeoutAgainstAServerThatNeverAnswersExits28NamingTotal() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
            c.readHead();
            Thread.sleep(30_000); // a server that never answers
        })) {
            CliRun r = get("--timeout", "500ms", srv.url("/never"));
            assertThat(r.code()).isEqualTo(28);
            assertThat(r.stderrLines()).hasSize(1);
            assertThat(r.stderrLines().get(0)).contains("timeout").contains("total");
            assertThat(r.stdout()).isEmpty();
            assertThat(r.millis()).isBetween(500L, 500 + SLACK_MS);
        }
    }

    @Test
    void responseHeaderTimeoutExits28NamingResponseHeaders() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
            c.readHead();
            Thread.sleep(30_000); // a server that never answers
        })) {
            CliRun r = get("--response-header-timeout", "300ms", srv.url("/never"));
            assertThat(r.code()).isEqualTo(28);
            assertThat(r.stderrLines()).hasSize(1);
            assertThat(r.stderrLines().get(0)).contains("timeout").contains("response-headers");
            assertThat(r.millis()).isBetween(300L, 300 + SLACK_MS);
        }
    }

    @Test
    void totalTimeoutFiresWhileTheBodyTricklesOneByteEvery200ms() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
            c.readHead();
            c.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
            for (int i = 0; i < 100; i++) {
                c.out().write('x');
                c.out().flush();
                Thread.sleep(200); // pacing: a trickling body
            }
        })) {
            CliRun r = get("--timeout", "1s", srv.url("/trickle"));
            assertThat(r.code()).isEqualTo(28);
            assertThat(r.stderrLines()).hasSize(1);
            assertThat(r.stderrLines().get(0)).contains("timeout").contains("(total)")
                    .contains("while reading the body");
            assertThat(r.stdout()).as("the bytes that came in time").matches("x{1,10}");
            assertThat(r.millis()).isBetween(1000L, 1000 + SLACK_MS);
        }
    }

    @Test
    void expectContinueTimeoutSendsTheBodyAnywayWhenNo100Comes() throws Exception {
        BlockingQueue<Long> bodyDelayMs = new ArrayBlockingQueue<>(1);
        BlockingQueue<String> heads = new ArrayBlockingQueue<>(1);
        try (RawPeer srv = RawPeer.server(c -> {
            heads.add(c.readHead());
            long t0 = System.nanoTime();
            int b = c.in().read(); // never sends 100 Continue: the body comes after the client's timeout
            bodyDelayMs.add((System.nanoTime() - t0) / 1_000_000);
            c.send("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + (char) b);
        })) {
            CliRun r = get("--data", "x", "--expect-continue-timeout", "300ms", srv.url("/up"));
            assertThat(r.code()).isZero();
            assertThat(r.stdout()).isEqualTo("x");
            assertThat(heads.poll(5, TimeUnit.SECONDS)).startsWith("POST /up HTTP/1.1\r\n")
                    .containsIgnoringCase("\r\nExpect: 100-continue\r\n");
            // measured at the server from the end of the head; loopback latency is microseconds
            assertThat(bodyDelayMs.poll(5, TimeUnit.SECONDS)).isBetween(290L, 300 + SLACK_MS);
            assertThat(r.millis()).isBetween(300L, 300 + SLACK_MS);
        }
    }

    // ---- connection failures: 7 and 56 ----

    @Test
    void refusedPortExits7() throws Exception {
        int port = freePort();
        CliRun r = get("http://127.0.0.1:" + port + "/");
        assertThat(r.code()).isEqualTo(7);
        assertThat(r.stderrLines()).hasSize(1);
        assertThat(r.stderrLines().get(0)).contains("refused").contains("127.0.0.1:" + port);
    }

    @Test
    void resetAfterTheRequestExits56() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
            c.readHead();
            c.socket().setSoLinger(true, 0);
            c.socket().close(); // RST
        })) {
            CliRun r = get(srv.url("/reset"));
            assertThat(r.code()).isEqualTo(56);
            assertThat(r.stderrLines()).hasSize(1);
        }
    }

    @Test
    void garbageResponseExits56() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
            c.readHead();
            c.send("SSH-2.0-OpenSSH_9.2\r\n\r\n");
        })) {
            CliRun r = get(srv.url("/"));
            assertThat(r.code()).isEqualTo(56);
            assertThat(r.stderrLines()).hasSize(1);
            assertThat(r.stderrLines().get(0)).contains("malformed response");
        }
    }

    @Test
    void closeMidBodyExits18AsCurlDoesForAPartialTransfer() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
            c.readHead();
            c.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a part");
        })) {
            CliRun r = get(srv.url("/cut"));
            assertThat(r.code()).isEqualTo(18); // issue 13: curl's CURLE_PARTIAL_FILE (it was 56)
            assertThat(r.stderrLines()).hasSize(1);
            assertThat(r.stderrLines().get(0)).contains("closed before the response was complete");
            assertThat(r.stdout()).isEqualTo("only a part");
        }
    }

    // ---- a real process: the exit code goes through System.exit, stdout is the real one ----

    @Test
    void realProcessPrintsTheBodyExits0AndExits28OnATimeout(@TempDir Path dir) throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
            String head = c.readHead();
            if (head != null && head.startsWith("GET /hello ")) {
                c.send("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello\n");
            }
            Thread.sleep(30_000); // holds the connection open; not an ordering
        })) {
            Process ok = process(dir, "ok", "get", srv.url("/hello"));
            Process slow = process(dir, "slow", "get", "--timeout", "500ms", srv.url("/never"));
            try {
                assertThat(ok.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(slow.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                ok.destroyForcibly();
                slow.destroyForcibly();
            }
            assertThat(ok.exitValue()).isZero();
            assertThat(Files.readString(dir.resolve("ok.out"))).isEqualTo("hello\n");
            assertThat(slow.exitValue()).isEqualTo(28);
            assertThat(Files.readString(dir.resolve("slow.out"))).isEmpty();
            List<String> err = Files.readAllLines(dir.resolve("slow.err"));
            assertThat(err).hasSize(1);
            assertThat(err.get(0)).contains("timeout").contains("total");
        }
    }

    private static Process process(Path dir, String name, String... args) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(CliRun.javaCommand());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile())
                .start();
    }

    // ---- usage: 2, one line, no stack trace ----

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown flag  | --bogus                         | --bogus
            bad duration  | --timeout 5                     | --timeout
            unknown unit  | --connect-timeout 3days         | --connect-timeout
            ftp URL       | URL-FTP                         | ftp
            header no colon | -H nocolon                    | nocolon
            """)
    void badUsageExits2WithOneLineAndNoStackTrace(String name, String flags, String mentions) throws Exception {
        int port = freePort(); // nothing listens: a request that got out would fail with 7, not 2
        List<String> args = new java.util.ArrayList<>();
        for (String f : flags.trim().split("\\s+")) {
            args.add(f.equals("URL-FTP") ? "ftp://127.0.0.1:" + port + "/file" : f);
        }
        if (!flags.contains("URL-FTP")) {
            args.add("http://127.0.0.1:" + port + "/");
        }
        CliRun r = get(args.toArray(String[]::new));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.stderrLines()).hasSize(1);
        assertThat(r.stderrLines().get(0)).startsWith("hourglass get: ").contains(mentions);
        assertThat(r.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.stdout()).isEmpty();
    }
}
