package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.observe.MetricsRegistry;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Differential parsing against Go's net/http (docs/ROBUSTNESS.md): {@code bench/differential.sh --check} sends
 * every case of bench/differential/corpus.txt (296 unusual requests) to the server that {@code hourglass serve}
 * runs (its routes, default config) and to the Go peer, and fails when Hourglass's answer to any case is not
 * the one recorded in bench/differential/expected.tsv. The script builds the Go peer, installing golang-go with
 * apt-get when it is missing (as root), and fails when it cannot.
 */
class DifferentialTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void hourglassAnswersEveryCorpusCaseAsRecorded() throws Exception {
        MetricsRegistry registry = new MetricsRegistry();
        ServerConfig cfg = ServerConfig.builder().host("127.0.0.1").port(0).build();
        try (Server server = Server.start(cfg, Serve.routes(registry), registry)) {
            Path log = Files.createTempFile("differential", ".log");
            Process p = new ProcessBuilder(ROOT.resolve("bench/differential.sh").toString(),
                    "--check", "--hourglass", "127.0.0.1:" + server.port())
                    .directory(ROOT.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            boolean ended = p.waitFor(5, TimeUnit.MINUTES);
            if (!ended) {
                p.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.ISO_8859_1);
            Files.delete(log);
            assertThat(ended).as("the differential ends within 5 minutes; output:%n%s", output).isTrue();
            assertThat(p.exitValue()).as("bench/differential.sh --check; output:%n%s", output).isZero();
            assertThat(output).contains("check passed");
        }
    }
}
