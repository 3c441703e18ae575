package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code hourglass serve}: user mistakes give one line and exit 2; a real process serves and stops on SIGTERM. */
class ServeCliTest {

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown flag          | serve --listen 127.0.0.1:0 --bogus                  | --bogus
            bad duration          | serve --listen 127.0.0.1:0 --read-timeout 5         | --read-timeout
            negative duration     | serve --listen 127.0.0.1:0 --idle-timeout -1s       | --idle-timeout
            unknown unit          | serve --listen 127.0.0.1:0 --write-timeout 3days    | --write-timeout
            no port               | serve --listen localhost                            | --listen
            port out of range     | serve --listen 127.0.0.1:70000                      | --listen
            missing listen        | serve                                               | --listen
            bad header bytes      | serve --listen 127.0.0.1:0 --max-header-bytes abc   | --max-header-bytes
            tiny header bytes     | serve --listen 127.0.0.1:0 --max-header-bytes 10    | --max-header-bytes
            cert without key      | serve --listen 127.0.0.1:0 --tls-cert /etc/hostname | --tls-key
            unreadable cert       | serve --listen 127.0.0.1:0 --tls-cert /nope.pem --tls-key /nope.key | --tls-cert
            bad deadline header   | serve --listen 127.0.0.1:0 --deadline-header a:b    | --deadline-header
            bad honour flag       | serve --listen 127.0.0.1:0 --honour-deadlines maybe | --honour-deadlines
            zero streams          | serve --listen 127.0.0.1:0 --max-concurrent-streams 0 | --max-concurrent-streams
            h2 not a boolean      | serve --listen 127.0.0.1:0 --h2=maybe               | --h2
            """)
    void userMistakesGiveOneLineNamingTheFlagAndExit2(String name, String args, String flag) {
        Result r = run(args.trim().split("\\s+"));
        assertThat(r.code()).isEqualTo(2);
        List<String> lines = r.err().lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("hourglass serve: ").contains(flag);
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void portInUseIsOneLineAndExit2() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Result r = run("serve", "--listen", "127.0.0.1:" + taken.getLocalPort());
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err().lines().toList()).hasSize(1);
            assertThat(r.err()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void helpShowsAnExample() {
        Result r = run("serve", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--read-header-timeout").contains("Examples:");
    }

    @Test
    void metricsRouteServesPrometheusTextWithTheServersCountsAndTcpStates(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path stdout = dir.resolve("stdout");
        Process p = new ProcessBuilder(command("serve", "--listen", "127.0.0.1:0"))
                .redirectOutput(stdout.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            CliRun.awaitLines(p, stdout, 1, Duration.ofSeconds(30)); // "listening on <url>"
            String base = Files.readString(stdout).lines().findFirst().orElse("").substring("listening on ".length());
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            for (String path : List.of("/hello", "/hello", "/nope")) {
                client.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
            }
            HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type"))
                    .hasValue("text/plain; version=0.0.4; charset=utf-8");
            List<String> lines = metrics.body().lines().toList();
            assertThat(lines).contains(
                    "# TYPE hourglass_server_requests_total counter",
                    "hourglass_server_requests_total{code=\"2xx\"} 2",
                    "hourglass_server_requests_total{code=\"4xx\"} 1",
                    "hourglass_server_connections{state=\"active\"} 1",
                    "# TYPE hourglass_server_request_duration_seconds histogram",
                    "hourglass_server_request_duration_seconds_count 3",
                    "hourglass_timeouts_total{side=\"server\",phase=\"read-header\",protocol=\"http/1.1\"} 0",
                    "hourglass_server_handler_cancellations_total{reason=\"client_gone\"} 0");
            if (io.hourglass.internal.tcp.ProcNetTcp.isSupported()) {
                // The listener, and this client's connection seen from the server's side; nothing of other ports.
                assertThat(lines).contains("hourglass_tcp_connections{state=\"listen\",peer=\"*\"} 1")
                        .contains("hourglass_tcp_connections{state=\"established\",peer=\"127.0.0.1\"} 1");
            }
        } finally {
            p.destroy();
            p.waitFor(15, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }

    @Test
    void realProcessPrintsListeningLineServesAndExitsZeroOnSigterm(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path stdout = dir.resolve("stdout");
        Process p = new ProcessBuilder(command("serve", "--listen", "127.0.0.1:0", "--handler-timeout", "2s"))
                .redirectOutput(stdout.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            CliRun.awaitLines(p, stdout, 1, Duration.ofSeconds(30)); // "listening on <url>"
            String line = Files.readString(stdout).lines().findFirst().orElse("");
            assertThat(line).matches("listening on http://127\\.0\\.0\\.1:\\d+");
            String base = line.substring("listening on ".length());
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> hello = client.send(HttpRequest.newBuilder(URI.create(base + "/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(hello.statusCode()).isEqualTo(200);
            assertThat(hello.body()).isEqualTo("hello\n");
            HttpResponse<String> echo = client.send(HttpRequest.newBuilder(URI.create(base + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofString("ping")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(echo.body()).isEqualTo("ping");
            HttpResponse<String> slept = client.send(HttpRequest.newBuilder(URI.create(base + "/sleep?d=50ms")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(slept.body()).isEqualTo("slept\n");
            HttpResponse<String> bytes = client.send(HttpRequest.newBuilder(URI.create(base + "/bytes?n=1000")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bytes.body()).hasSize(1000);
            HttpResponse<String> stream = client.send(HttpRequest.newBuilder(URI.create(base + "/stream?n=3&every=10ms")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(stream.body()).isEqualTo("tick\ntick\ntick\n");
            HttpResponse<String> timedOut = client.send(HttpRequest.newBuilder(URI.create(base + "/sleep?d=10s")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(timedOut.statusCode()).isEqualTo(503);
            HttpResponse<String> missing = client.send(HttpRequest.newBuilder(URI.create(base + "/nope")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(stdout).lines().toList()).as("exactly one line on stdout")
                    .hasSize(1);
        } finally {
            p.destroyForcibly();
            p.waitFor(15, TimeUnit.SECONDS);
        }
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void serveHonoursTheClientsDeadlineWithItsDefaults(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path stdout = dir.resolve("stdout");
        Process p = new ProcessBuilder(command("serve", "--listen", "127.0.0.1:0"))
                .redirectOutput(stdout.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            CliRun.awaitLines(p, stdout, 1, Duration.ofSeconds(30)); // "listening on <url>"
            String base = Files.readString(stdout).lines().findFirst().orElse("").substring("listening on ".length());
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            // nothing left on arrival: 504 without running the handler
            HttpResponse<String> expired = client.send(HttpRequest.newBuilder(URI.create(base + "/hello"))
                    .header("Request-Timeout", "0m").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(expired.statusCode()).isEqualTo(504);
            assertThat(expired.headers().firstValue("Deadline-Expired")).hasValue("true");
            // a handler that would sleep 10 s is cut short by the client's 300 ms, long before the 30 s handler timeout
            long t0 = System.nanoTime();
            HttpResponse<String> cut = client.send(HttpRequest.newBuilder(URI.create(base + "/sleep?d=10s"))
                    .header("grpc-timeout", "300m").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(cut.statusCode()).isEqualTo(504);
            assertThat(cut.headers().firstValue("Deadline-Expired")).hasValue("true");
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(290L, 3000L);
            // the Keep-Alive hint from the default 120 s idle timeout
            HttpResponse<String> hello = client.send(HttpRequest.newBuilder(URI.create(base + "/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(hello.statusCode()).isEqualTo(200);
            HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body().lines().toList()).contains(
                    "hourglass_server_deadlines_received_total{result=\"expired\"} 1",
                    "hourglass_server_deadlines_received_total{result=\"honoured\"} 1",
                    "hourglass_timeouts_total{side=\"server\",phase=\"deadline\",protocol=\"http/1.1\"} 1");
        } finally {
            p.destroy();
            p.waitFor(15, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }

    @Test
    void honourDeadlinesFalseIgnoresTheHeader() throws Exception {
        Serve serve = new Serve();
        new picocli.CommandLine(serve).parseArgs("--listen", "127.0.0.1:0", "--honour-deadlines=false",
                "--deadline-header", "X-Deadline");
        assertThat(serve.config().honourDeadlines()).isFalse();
        assertThat(serve.config().deadlineHeader()).isEqualTo("X-Deadline");
        Serve defaults = new Serve();
        new picocli.CommandLine(defaults).parseArgs("--listen", "127.0.0.1:0");
        assertThat(defaults.config().honourDeadlines()).isTrue();
        assertThat(defaults.config().deadlineHeader()).isEqualTo("Request-Timeout");
    }

    private static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(CliRun.javaCommand());
        cmd.addAll(List.of(args));
        return cmd;
    }
}
