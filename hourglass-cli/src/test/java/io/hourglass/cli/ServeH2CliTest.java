package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.testing.TestCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hourglass serve} speaks HTTP/2: h2c with prior knowledge on its port and h2 by ALPN with TLS, the demo
 * routes answer the same over both protocols, {@code --max-concurrent-streams} is what the server announces,
 * {@code --h2=false} serves HTTP/1.1 alone, and {@code /metrics} has the HTTP/2 series. curl and nghttp are
 * the clients (installed with apt when missing, else the test fails).
 */
class ServeH2CliTest {
    @TempDir
    Path dir;

    /** A running {@code hourglass serve} process and its base URL. */
    record Served(Process process, String base) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    Served serve(String... args) throws Exception {
        Path stdout = dir.resolve("stdout-" + System.nanoTime());
        List<String> cmd = new ArrayList<>(CliRun.javaCommand());
        cmd.addAll(List.of("serve", "--listen", "127.0.0.1:0"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        CliRun.awaitLines(p, stdout, 1, Duration.ofSeconds(30)); // "listening on <url>"
        String line = Files.readString(stdout).lines().findFirst().orElse("");
        assertThat(line).startsWith("listening on ");
        return new Served(p, line.substring("listening on ".length()));
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        require(cmd[0], cmd[0].equals("nghttp") ? "nghttp2-client" : cmd[0]);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    static void require(String command, String pkg) throws IOException, InterruptedException {
        if (new ProcessBuilder("sh", "-c", "command -v " + command).start().waitFor() == 0) {
            return;
        }
        if ("0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip())) {
            new ProcessBuilder("apt-get", "install", "-y", "-q", pkg).inheritIO().start().waitFor();
        }
        if (new ProcessBuilder("sh", "-c", "command -v " + command).start().waitFor() != 0) {
            throw new AssertionError(command + " is needed by this test: apt-get install " + pkg);
        }
    }

    @Test
    void demoRoutesAnswerTheSameOverBothProtocols() throws Exception {
        try (Served s = serve()) {
            for (String path : List.of("/hello", "/bytes?n=5", "/stream?n=2&every=10ms", "/nope")) {
                String h1 = run("curl", "-s", "--http1.1", "-w", "|%{http_code}", s.base() + path);
                String h2 = run("curl", "-s", "--http2-prior-knowledge", "-w", "|%{http_code} %{http_version}", s.base() + path);
                assertThat(h2).isEqualTo(h1 + " 2");
            }
            String echo = run("curl", "-s", "--http2-prior-knowledge", "--data-binary", "ping", s.base() + "/echo");
            assertThat(echo).isEqualTo("ping");
            String metrics = run("curl", "-s", "--http2-prior-knowledge", s.base() + "/metrics");
            assertThat(metrics).contains("hourglass_server_http2_connections_total ")
                    .contains("hourglass_server_http2_streams{state=\"running\"} 1")
                    .contains("# TYPE hourglass_server_http2_resets_total counter")
                    .contains("hourglass_timeouts_total{side=\"server\",phase=\"handler\",protocol=\"h2\"} 0")
                    .contains("hourglass_server_http2_flow_control_stalls_total{window=\"stream\"} 0");
        }
    }

    @Test
    void maxConcurrentStreamsIsAnnounced() throws Exception {
        try (Served s = serve("--max-concurrent-streams", "7")) {
            String v = run("nghttp", "-nv", s.base() + "/hello");
            assertThat(v).contains("SETTINGS_MAX_CONCURRENT_STREAMS(0x03):7");
        }
    }

    @Test
    void h2FalseServesHttp11Only() throws Exception {
        try (Served s = serve("--h2=false")) {
            String h1 = run("curl", "-s", "-w", "|%{http_code}", s.base() + "/hello");
            assertThat(h1).isEqualTo("hello\n|200");
            String h2 = run("curl", "-s", "--http2-prior-knowledge", "-w", "|%{http_code}", s.base() + "/hello");
            assertThat(h2).doesNotContain("hello");
        }
    }

    @Test
    void tlsOffersH2ByAlpn() throws Exception {
        Path cert = TestCertificate.localhost().certificateFile();
        Path key = TestCertificate.localhost().keyFile();
        try (Served s = serve("--tls-cert", cert.toString(), "--tls-key", key.toString())) {
            String h2 = run("curl", "-s", "--http2", "--cacert", cert.toString(), "-w", "|%{http_version}", s.base() + "/hello");
            assertThat(h2).isEqualTo("hello\n|2");
            String h1 = run("curl", "-s", "--http1.1", "--cacert", cert.toString(), "-w", "|%{http_version}", s.base() + "/hello");
            assertThat(h1).isEqualTo("hello\n|1.1");
        }
    }
}
