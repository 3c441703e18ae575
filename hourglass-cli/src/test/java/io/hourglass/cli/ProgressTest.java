package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Progress lines: rewritten in place only on a terminal (cut to its width), otherwise plain lines at most every
 * 5 seconds with no control characters; then {@code load} in-process both ways, and in child processes whose
 * stderr is a file and a pseudo-terminal (util-linux {@code script}), to check the detection itself.
 */
class ProgressTest {
    static final long S = 1_000_000_000L;

    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    final AtomicLong now = new AtomicLong(42 * S);
    Server server;

    @AfterEach
    void stop() {
        if (server != null) server.shutdown();
    }

    String written() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void onATerminalTheLineIsRewrittenInPlaceCutToTheWidthAndErasedAtTheEnd() {
        Progress p = new Progress(err, true, 20, now::get);
        p.update("sent 10");
        p.update("sent 20 and a line longer than the terminal");
        p.clear();
        assertThat(written()).isEqualTo("\r\033[Ksent 10" + "\r\033[Ksent 20 and a line " + "\r\033[K");
        bytes.reset();
        new Progress(err, true, 20, now::get).clear();
        assertThat(written()).as("nothing shown, nothing to erase").isEmpty();
    }

    @Test
    void elsewhereAPlainLineEveryFiveSecondsAndNoControlCharacters() {
        Progress p = new Progress(err, false, 0, now::get);
        for (int second = 0; second <= 12; second++) {
            p.update("at " + second + "s, a line longer than any terminal: " + "x".repeat(200));
            now.addAndGet(S);
        }
        p.clear();
        List<String> lines = written().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("at 5s, ").endsWith("x".repeat(200));
        assertThat(lines.get(1)).startsWith("at 10s, ");
        assertThat(written()).doesNotContain("\r").doesNotContain("\033").endsWith("\n");
    }

    String slowUrl() throws Exception {
        server = Server.start(ServerConfig.builder().port(0).handlerTimeout(Duration.ZERO).build(), Serve.routes());
        return server.url() + "/sleep?d=300ms";
    }

    @Test
    void loadOnATerminalRewritesItsLineAndErasesItBeforeTheSummary() throws Exception {
        CliRun r = CliRun.of(Terminal.of(false, true, 100), "load", slowUrl(), "--rate", "20", "--duration", "1500ms");
        assertThat(r.code()).isZero();
        assertThat(r.stderr()).startsWith("\r\033[Kload ").contains("sent ").endsWith("\r\033[K").doesNotContain("\n");
        assertThat(r.stdout()).startsWith("requests sent").doesNotContain("\r").doesNotContain("\033");
    }

    @Test
    void loadIntoAFileWritesNoControlCharacters() throws Exception {
        CliRun r = CliRun.of(Terminal.of(false, false, 100), "load", slowUrl(), "--rate", "20", "--duration", "1500ms");
        assertThat(r.code()).isZero();
        assertThat(r.stderr()).as("a 1.8 s run: no plain line yet").isEmpty();
        assertThat(r.stdout()).doesNotContain("\r").doesNotContain("\033");
    }

    /** The detection in a real process: stderr to a file gives plain output; a pseudo-terminal, the in-place line. */
    @Test
    void aRealProcessDetectsWhetherStderrIsATerminal(@TempDir Path dir) throws Exception {
        String url = slowUrl();
        List<String> cmd = new java.util.ArrayList<>(CliRun.javaCommand());
        cmd.addAll(List.of("load", url, "--rate", "20", "--duration", "1500ms"));
        Path file = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectError(file.toFile()).redirectOutput(dir.resolve("out.txt").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(Files.readString(file)).doesNotContain("\r").doesNotContain("\033");

        Path script = Path.of("/usr/bin/script");
        assertThat(script).as("util-linux's script (Debian's bsdutils) runs the CLI on a pseudo-terminal").isExecutable();
        Path tty = dir.resolve("tty.txt");
        // script -q -e -c CMD FILE: runs CMD on a new pseudo-terminal, copying all it shows to FILE.
        Process t = new ProcessBuilder(script.toString(), "-q", "-e", "-c", String.join(" ", cmd.stream().map(ProgressTest::quote).toList()),
                tty.toString()).redirectInput(ProcessBuilder.Redirect.PIPE).redirectOutput(dir.resolve("script.out").toFile())
                .redirectErrorStream(true).start();
        t.getOutputStream().close();
        assertThat(t.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(t.exitValue()).as(Files.readString(dir.resolve("script.out"))).isZero();
        assertThat(Files.readString(tty)).contains("\r\033[Kload ").contains("requests sent");
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
