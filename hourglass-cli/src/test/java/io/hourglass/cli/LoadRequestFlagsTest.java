package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import io.hourglass.testing.TestCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hourglass load} with curl's request flags (issue 13): -X, -H and --data for every call; --ca-file and
 * -k for https; the first TLS failure's message said once.
 */
class LoadRequestFlagsTest {
    @TempDir
    static Path dir;
    static Path cert;
    static Server plain, tls;
    static final BlockingQueue<String> seen = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        plain = Server.start(ServerConfig.builder().port(0).build(), (req, res) -> {
            seen.add(req.method() + " " + req.header("X-A") + " " + new String(req.body().readAllBytes(), StandardCharsets.UTF_8));
            res.send("ok");
        });
        cert = TestCertificate.localhost().certificateFile();
        Path key = TestCertificate.localhost().keyFile();
        tls = Server.start(ServerConfig.builder().port(0).tls(cert, key).build(), (req, res) -> res.send("secure"));
    }

    @AfterAll
    static void stop() {
        plain.shutdown();
        tls.shutdown();
    }

    @Test
    void methodHeadersAndBodyGoWithEveryCall() throws Exception {
        Path body = dir.resolve("body.txt");
        Files.writeString(body, "payload\n");
        CliRun r = CliRun.of("load", plain.url() + "/", "-n", "3", "--concurrency", "1", "-X", "PUT", "-H", "X-A: b",
                "--data", "@" + body);
        assertThat(r.code()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("completed            1xx 0  2xx 3");
        for (int i = 0; i < 3; i++) {
            assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo("PUT b payload\n");
        }
    }

    @Test
    void httpsWithACaFileOrInsecureAndTheFirstTlsErrorSaidOnce() throws Exception {
        String url = "https://127.0.0.1:" + tls.port() + "/";
        CliRun ca = CliRun.of("load", url, "-n", "2", "--ca-file", cert.toString());
        assertThat(ca.stdout()).contains("2xx 2");
        CliRun k = CliRun.of("load", url, "-n", "2", "-k");
        assertThat(k.stdout()).contains("2xx 2");
        CliRun untrusted = CliRun.of("load", url, "-n", "3");
        assertThat(untrusted.code()).isZero();
        assertThat(untrusted.stdout()).contains("errors               tls 3");
        assertThat(untrusted.stderrLines()).hasSize(1);
        assertThat(untrusted.stderrLines().get(0)).startsWith("hourglass load: TLS failures, the first: TLS failure: GET "
                + url).containsIgnoringCase("certification path");
    }
}
