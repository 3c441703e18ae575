package io.hourglass.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs the CLI in-process the way a real process sees it: picocli's writers and {@code System.out} /
 * {@code System.err} (which {@code get} and {@code load} write to) go to one stdout and one stderr buffer.
 * Swaps the JVM's streams for the run and restores them, so runs are serialized. The terminal is given, not
 * detected, so that a run reads the same from a shell and from the build.
 */
record CliRun(int code, String stdout, String stderr, long millis) {

    /**
     * The command that starts the CLI in a new JVM the way this JVM loaded it: as the module
     * {@code io.hourglass.cli} from the module path when the tests run inside the module (surefire's default
     * for a modular project), so that the real process checks the module descriptor too; else from the
     * class path. Arguments follow.
     */
    static List<String> javaCommand() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String modulePath = System.getProperty("jdk.module.path");
        Module m = Main.class.getModule();
        if (m.isNamed() && modulePath != null) {
            return List.of(java, "--module-path", modulePath, "--module", m.getName() + "/" + Main.class.getName());
        }
        return List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName());
    }

    /** A run as if on no terminal, 80 columns wide: plain progress lines, help wrapped at 80. */
    static CliRun of(String... args) {
        return of(Terminal.of(false, false, 80), args);
    }

    /** A run as if on {@code terminal}. */
    static synchronized CliRun of(Terminal terminal, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        PrintStream sysOut = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream sysErr = new PrintStream(err, true, StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        int code;
        System.setOut(sysOut);
        System.setErr(sysErr);
        try {
            code = Main.run(terminal, new PrintWriter(new OutputStreamWriter(sysOut, StandardCharsets.UTF_8), true),
                    new PrintWriter(new OutputStreamWriter(sysErr, StandardCharsets.UTF_8), true), args);
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        sysOut.flush();
        sysErr.flush();
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), millis);
    }

    List<String> stderrLines() {
        return stderr.lines().toList();
    }

    /**
     * Waits until a child process has written at least {@code count} whole lines to {@code stdout}, the file its
     * output goes to, for at most {@code atMost}. A child gives no other sign that it is ready, so this polls
     * the file; it fails, showing what the child wrote, when the lines do not come in time or the child ends
     * before writing them.
     *
     * @return the whole lines written so far
     */
    static List<String> awaitLines(Process child, Path stdout, int count, Duration atMost)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        while (true) {
            String out = Files.readString(stdout);
            if (out.chars().filter(c -> c == '\n').count() >= count) {
                return out.substring(0, out.lastIndexOf('\n') + 1).lines().toList();
            }
            boolean ended = !child.isAlive();
            if (ended || System.nanoTime() - t0 > atMost.toNanos()) {
                out = Files.readString(stdout); // what it wrote before it ended, too
                throw new AssertionError("the child " + (ended ? "ended (exit " + child.exitValue() + ")"
                        : "is still running after " + atMost.toMillis() + " ms") + " having written "
                        + out.lines().count() + " of " + count + " lines: " + out);
            }
            Thread.sleep(20); // a poll interval; atMost bounds the loop
        }
    }
}
