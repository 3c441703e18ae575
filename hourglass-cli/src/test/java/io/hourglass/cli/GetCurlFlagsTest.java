package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.server.Filter;
import io.hourglass.server.Request;
import io.hourglass.server.Router;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import io.hourglass.testing.RawPeer;
import io.hourglass.testing.TestCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hourglass get} with curl's flags and exit codes (issue 13), in-process against a real Hourglass server:
 * data from files, headers the library used to drop, -I, -o, -O, -s/-S, -L and --max-redirs (47), --compressed,
 * -f (22), -u, -w, -v, -k and 60 for an untrusted certificate, --max-time.
 */
class GetCurlFlagsTest {
    static final String TEXT = "gzip me please ".repeat(200);
    static Server server, tls;
    static final BlockingQueue<String> seen = new LinkedBlockingQueue<>();

    @TempDir
    static Path dir;

    static String describe(Request req) throws IOException {
        String body = new String(req.body().readAllBytes(), StandardCharsets.UTF_8);
        return req.method() + " " + req.target() + " host=" + req.header("Host") + " type=" + req.header("Content-Type")
                + " conn=" + req.header("Connection") + " auth=" + req.header("Authorization") + " ua="
                + req.header("User-Agent") + " ae=" + req.header("Accept-Encoding") + " body=" + body;
    }

    @BeforeAll
    static void start() throws Exception {
        Router r = new Router()
                .use(Filter.gzip())
                .route("/record", (req, res) -> {
                    seen.add(describe(req));
                    res.send("recorded\n");
                })
                .get("/hello", (req, res) -> res.header("X-A", "1").send("hello\n"))
                .get("/text", (req, res) -> res.header("Content-Type", "text/plain").send(TEXT))
                .get("/missing", (req, res) -> res.status(404).send("no such thing\n"))
                .get("/files/report.txt", (req, res) -> res.send("the report\n"))
                .get("/r/{n}", (req, res) -> {
                    int n = Integer.parseInt(req.pathParam("n"));
                    if (n == 0) res.send("arrived\n");
                    else res.status(302).header("Location", "/r/" + (n - 1)).send("");
                });
        server = Server.start(ServerConfig.builder().port(0).build(), r);
        Path cert = TestCertificate.localhost().certificateFile();
        Path key = TestCertificate.localhost().keyFile();
        tls = Server.start(ServerConfig.builder().port(0).tls(cert, key).build(), (req, res) -> res.send("secure\n"));
    }

    @AfterAll
    static void stop() {
        server.shutdown();
        tls.shutdown();
    }

    @BeforeEach
    void clear() {
        seen.clear();
    }

    static CliRun get(String... args) {
        List<String> all = new ArrayList<>(List.of("get"));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    static String url(String path) {
        return server.url() + path;
    }

    @Test
    void dataFromAFileIsReadByGetNotByTheArgumentParser() throws Exception {
        Path json = dir.resolve("body.json");
        Files.writeString(json, "{\"a\": 1,\r\n \"b\": 2}\n");
        CliRun r = get("-d", "@" + json, "-H", "Content-Type: application/json", url("/record"));
        assertThat(r.code()).isZero();
        assertThat(seen.poll(5, TimeUnit.SECONDS)).endsWith("type=application/json conn=null auth=null ua=hourglass/0.1 "
                + "ae=null body={\"a\": 1, \"b\": 2}").startsWith("POST /record ");

        get("--data-binary", "@" + json, url("/record"));
        assertThat(seen.poll(5, TimeUnit.SECONDS)).contains("type=application/x-www-form-urlencoded")
                .endsWith("body={\"a\": 1,\r\n \"b\": 2}\n");

        get("-d", "a=1", "-d", "b=2", "--data-raw", "@not-a-file", url("/record"));
        assertThat(seen.poll(5, TimeUnit.SECONDS)).endsWith("body=a=1&b=2&@not-a-file");

        CliRun missing = get("-d", "@" + dir.resolve("nope.json"), url("/record"));
        assertThat(missing.code()).isEqualTo(26);
        assertThat(missing.stderrLines()).containsExactly("hourglass get: cannot read data file " + dir.resolve("nope.json")
                + ": no such file");
    }

    @Test
    void hostConnectionAndExpectHeadersAreHonouredOrRefused() throws Exception {
        assertThat(get("-H", "Host: example.test", "-H", "Connection: close", url("/record")).code()).isZero();
        assertThat(seen.poll(5, TimeUnit.SECONDS)).contains("host=example.test type=null conn=close");
        assertThat(get("-H", "Expect: 100-continue", "-d", "x=1", url("/record")).code()).isZero();
        assertThat(seen.poll(5, TimeUnit.SECONDS)).endsWith("body=x=1");
        CliRun bad = get("-H", "Connection: Upgrade", url("/record"));
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.stderrLines()).hasSize(1);
        assertThat(bad.stderr()).contains("Connection: only close or keep-alive may be set");
    }

    @Test
    void headPrintsTheHeadAloneAndOutputGoesToAFile() throws Exception {
        CliRun head = get("-I", url("/hello"));
        assertThat(head.code()).isZero();
        assertThat(head.stdout()).startsWith("HTTP/1.1 200 OK\r\n").contains("X-A: 1\r\n").endsWith("\r\n\r\n");

        Path file = dir.resolve("out.txt");
        CliRun o = get("-o", file.toString(), url("/hello"));
        assertThat(o.code()).isZero();
        assertThat(o.stdout()).isEmpty();
        assertThat(Files.readString(file)).isEqualTo("hello\n");

        CliRun cannot = get("-o", dir.resolve("no/such/dir/x").toString(), url("/hello"));
        assertThat(cannot.code()).isEqualTo(23);
    }

    @Test
    void remoteNameWritesTheLastSegmentInTheWorkingDirectory() throws Exception {
        List<String> cmd = new ArrayList<>(CliRun.javaCommand());
        cmd.addAll(List.of("get", "-sS", "-O", url("/files/report.txt")));
        Path work = Files.createDirectories(dir.resolve("work"));
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(Files.readString(work.resolve("report.txt"))).isEqualTo("the report\n");
    }

    @Test
    void silentHidesErrorsUnlessShowErrorAndTheExitCodeStays() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliRun quiet = get("-s", "http://127.0.0.1:" + port + "/");
        assertThat(quiet.code()).isEqualTo(7);
        assertThat(quiet.stderr()).isEmpty();
        CliRun shown = get("-sS", "http://127.0.0.1:" + port + "/");
        assertThat(shown.code()).isEqualTo(7);
        assertThat(shown.stderrLines()).hasSize(1);
    }

    @Test
    void redirectsOnlyWithLocationAndAtMostMaxRedirs() throws Exception {
        CliRun plain = get("-i", url("/r/2"));
        assertThat(plain.code()).isZero();
        assertThat(plain.stdout()).startsWith("HTTP/1.1 302 Found\r\n").contains("Location: /r/1\r\n");

        CliRun follow = get("-i", "-L", url("/r/2"));
        assertThat(follow.code()).isZero();
        assertThat(follow.stdout()).startsWith("HTTP/1.1 302 Found\r\n").contains("Location: /r/0\r\n")
                .contains("\r\n\r\nHTTP/1.1 200 OK\r\n").endsWith("\r\n\r\narrived\n"); // every hop's head, as curl -iL

        CliRun tooMany = get("-L", "--max-redirs", "1", url("/r/2"));
        assertThat(tooMany.code()).isEqualTo(47);
        assertThat(tooMany.stderrLines()).hasSize(1);
        assertThat(tooMany.stderr()).contains("too many redirects");
    }

    @Test
    void compressedAsksForGzipAndDecompresses() throws Exception {
        CliRun z = get("--compressed", "-i", url("/text"));
        assertThat(z.code()).isZero();
        assertThat(z.stdout()).contains("Content-Encoding: gzip\r\n").endsWith("\r\n\r\n" + TEXT);
        CliRun raw = get(url("/record"));
        assertThat(raw.code()).isZero();
        assertThat(seen.poll(5, TimeUnit.SECONDS)).contains("ae=null");
    }

    @Test
    void failExits22WithoutTheBodyAndFailWithBodyKeepsIt() throws Exception {
        CliRun f = get("-f", url("/missing"));
        assertThat(f.code()).isEqualTo(22);
        assertThat(f.stdout()).isEmpty();
        assertThat(f.stderrLines()).containsExactly("hourglass get: The requested URL returned error: 404");
        CliRun fb = get("--fail-with-body", url("/missing"));
        assertThat(fb.code()).isEqualTo(22);
        assertThat(fb.stdout()).isEqualTo("no such thing\n");
        assertThat(get("-f", url("/hello")).code()).isZero();
    }

    @Test
    void userAndUserAgent() throws Exception {
        assertThat(get("-u", "ann:s3cret", "-A", "curl/8.0", url("/record")).code()).isZero();
        assertThat(seen.poll(5, TimeUnit.SECONDS)).contains("auth=Basic YW5uOnMzY3JldA== ua=curl/8.0");
        assertThat(get("-u", "ann", url("/record")).code()).isEqualTo(2);
    }

    @Test
    void writeOutPrintsCurlsVariables() throws Exception {
        CliRun r = get("-s", "-L", "-o", dir.resolve("w.txt").toString(), "-w",
                "%{http_code} %{num_redirects} %{size_download} %{url_effective} %{method} %{exitcode}\\n%{time_total}",
                url("/r/1"));
        assertThat(r.code()).isZero();
        String[] lines = r.stdout().split("\n");
        assertThat(lines[0]).isEqualTo("200 1 8 " + url("/r/0") + " GET 0");
        assertThat(Double.parseDouble(lines[1])).isPositive().isLessThan(30);

        CliRun refused = get("-s", "-w", "%{http_code}:%{exitcode}", "http://127.0.0.1:1/");
        assertThat(refused.stdout()).isEqualTo("000:7");
    }

    @Test
    void verboseShowsHeadsReuseAndTimingsOnStderr() throws Exception {
        CliRun r = get("-v", "-L", url("/r/1"));
        assertThat(r.code()).isZero();
        assertThat(r.stdout()).isEqualTo("arrived\n");
        assertThat(r.stderr()).contains("*   Trying 127.0.0.1:" + server.port() + "...")
                .contains("* Connected to 127.0.0.1 (127.0.0.1) port " + server.port())
                .contains("> GET /r/1 HTTP/1.1\n> Host: 127.0.0.1:" + server.port() + "\n> User-Agent: hourglass/0.1\n>")
                .contains("< HTTP/1.1 302 Found\n").contains("* Issue another request to this URL: '" + url("/r/0") + "'")
                .contains("* Re-using existing connection #").contains("> GET /r/0 HTTP/1.1")
                .contains("< HTTP/1.1 200 OK").containsPattern("\\* Timings: connection reused, request sent [0-9.]+ms, "
                        + "waited [0-9.]+ms for the headers, body [0-9.]+ms \\(8 bytes\\), total [0-9.]+ms");
    }

    @Test
    void anUntrustedCertificateExits60AndInsecureAcceptsIt() throws Exception {
        CliRun untrusted = get("https://127.0.0.1:" + tls.port() + "/");
        assertThat(untrusted.code()).isEqualTo(60);
        assertThat(untrusted.stderrLines()).hasSize(1);
        CliRun k = get("-k", "https://127.0.0.1:" + tls.port() + "/");
        assertThat(k.code()).isZero();
        assertThat(k.stdout()).isEqualTo("secure\n");
        CliRun plain = get("https://127.0.0.1:" + server.port() + "/hello");
        assertThat(plain.code()).isEqualTo(35);
        assertThat(plain.stderr()).contains("server answered in plain HTTP");
    }

    @Test
    void maxTimeTakesCurlsSeconds() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
            c.readHead();
            Thread.sleep(30_000); // a server that never answers
        })) {
            CliRun r = get("--max-time", "0.5", srv.url("/never"));
            assertThat(r.code()).isEqualTo(28);
            assertThat(r.millis()).isBetween(500L, 2000L);
        }
        assertThat(get("--max-time", "1", "--timeout", "1s", url("/hello")).code()).isEqualTo(2);
    }
}
