package io.hourglass.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What the CLI knows about where its output goes: whether stdout and stderr are terminals, and how wide the
 * terminal is. Help is wrapped at {@link #helpWidth()}; a progress line is rewritten in place (carriage return
 * and erase-line) only when {@link #stderrIsTerminal()}, and cut to {@link #progressWidth()} so that it never
 * wraps.
 *
 * <p>A stream is a terminal when the launcher says so ({@code -Dhourglass.tty=12}: the digits of the file
 * descriptors that are terminals, from the shell's {@code [ -t N ]}), else, on Linux, when
 * {@code /proc/self/fd/N} links to a terminal device. Anywhere else it counts as not a terminal, the safe
 * side: plain lines. {@code TERM=dumb} turns the in-place progress line off (a dumb terminal cannot erase).
 *
 * <p>The width is {@code COLUMNS} when set to a number (the user's explicit choice, honoured for files and
 * pipes too), else the terminal's own width ({@code stty size} on {@code /dev/tty}, asked once and only when
 * needed) when the stream is a terminal, else 80. Help is never narrower than 55 columns (picocli's floor).
 */
final class Terminal {
    static final int DEFAULT_COLUMNS = 80;
    static final int MIN_HELP_COLUMNS = 55;

    private final boolean stdout;
    private final boolean stderr;
    private final String columnsEnv;
    private final boolean dumb;
    private int detected; // 0: not asked yet; -1: unknown. Only the main thread asks (help, progress setup).

    private Terminal(boolean stdout, boolean stderr, String columnsEnv, boolean dumb) {
        this.stdout = stdout;
        this.stderr = stderr;
        this.columnsEnv = columnsEnv;
        this.dumb = dumb;
    }

    /** The process's real streams and environment. */
    static Terminal detect() {
        String prop = System.getProperty("hourglass.tty");
        boolean out = prop != null ? prop.contains("1") : isTerminalFd(1);
        boolean err = prop != null ? prop.contains("2") : isTerminalFd(2);
        return new Terminal(out, err, System.getenv("COLUMNS"), "dumb".equals(System.getenv("TERM")));
    }

    /** A fixed answer, for tests: {@code columns} as if {@code COLUMNS} were set to it. */
    static Terminal of(boolean stdoutIsTerminal, boolean stderrIsTerminal, int columns) {
        return new Terminal(stdoutIsTerminal, stderrIsTerminal, String.valueOf(columns), false);
    }

    /** Whether a screen may be redrawn in place on stdout (tcpstat --watch). */
    boolean stdoutIsTerminal() {
        return stdout && !dumb;
    }

    /** Whether a progress line may be rewritten in place on stderr. */
    boolean stderrIsTerminal() {
        return stderr && !dumb;
    }

    /** Columns to wrap help at: COLUMNS, else the terminal's width when stdout is one, else 80; at least 55. */
    int helpWidth() {
        return Math.max(MIN_HELP_COLUMNS, width(stdout));
    }

    /** Columns a progress line on stderr may take: COLUMNS, else the terminal's width, else 80. */
    int progressWidth() {
        return Math.max(20, width(stderr));
    }

    private int width(boolean terminal) {
        Integer env = parseColumns(columnsEnv);
        if (env != null) {
            return env;
        }
        if (!terminal) {
            return DEFAULT_COLUMNS;
        }
        if (detected == 0) {
            detected = sttyColumns();
        }
        return detected > 0 ? detected : DEFAULT_COLUMNS;
    }

    static Integer parseColumns(String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            int n = Integer.parseInt(v.trim());
            return n > 0 && n < 10_000 ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean isTerminalFd(int fd) {
        Path link = Path.of("/proc/self/fd/" + fd);
        try {
            String target = Files.readSymbolicLink(link).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false; // no /proc (not Linux) or no such descriptor: plain output is the safe side
        }
    }

    /** {@code stty size} on the controlling terminal ("rows cols"); -1 when that fails or takes over a second. */
    private static int sttyColumns() {
        File tty = new File("/dev/tty");
        if (!tty.exists()) {
            return -1;
        }
        try {
            Process p = new ProcessBuilder("stty", "size").redirectInput(tty)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(1, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            String[] parts = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split("\\s+");
            Integer cols = parts.length == 2 ? parseColumns(parts[1]) : null;
            return cols == null ? -1 : cols;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
