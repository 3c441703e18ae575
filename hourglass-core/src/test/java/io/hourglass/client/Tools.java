package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** External programs the client's interop tests need: installed with apt when missing (as root), else a failure. */
final class Tools {
    private Tools() {}

    static void require(String command, String debianPackage) throws IOException, InterruptedException {
        if (onPath(command)) {
            return;
        }
        String uid = new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
                StandardCharsets.US_ASCII).strip();
        if (uid.equals("0")) {
            new ProcessBuilder("apt-get", "install", "-y", "-q", debianPackage).inheritIO().start().waitFor();
        }
        if (!onPath(command)) {
            throw new AssertionError(command + " is needed by this test: apt-get install " + debianPackage);
        }
    }

    static boolean onPath(String command) throws IOException, InterruptedException {
        return new ProcessBuilder("sh", "-c", "command -v " + command).start().waitFor() == 0;
    }

    /** Runs a command to its end; fails with its output when it does not exit 0 in time. */
    static String run(Duration limit, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)).as("%s in %s", String.join(" ", cmd), limit).isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", cmd), out).isZero();
        return out;
    }

    /** Starts a long-running program, its output discarded. */
    static Process start(String... cmd) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Builds a one-file Go program that needs nothing outside Go's standard library. */
    static void goBuild(Path source, Path binary) throws IOException, InterruptedException {
        ProcessBuilder b = new ProcessBuilder("go", "build", "-o", binary.toString(), source.toAbsolutePath().toString())
                .redirectErrorStream(true);
        b.environment().put("GOCACHE", Path.of("target", "go-cache").toAbsolutePath().toString());
        b.environment().put("GOPATH", Path.of("target", "go-path").toAbsolutePath().toString());
        b.environment().put("GOFLAGS", "-mod=mod");
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("go build: %s", out).isZero();
    }
}
