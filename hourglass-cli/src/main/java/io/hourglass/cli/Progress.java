package io.hourglass.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The progress line of a long command ({@code load}, {@code lab storm}) on stderr, written the way its reader
 * can use it.
 *
 * <p>On a terminal: one line rewritten in place at every {@link #update} (carriage return, the text, erase to
 * the end of the line), cut to the terminal's width so it never wraps (a wrapped line cannot be rewritten);
 * {@link #clear} erases it before the command prints its result.
 *
 * <p>Anywhere else (a file, a pipe, a CI log): no control characters at all, and at most one plain,
 * newline-terminated line per {@link #PLAIN_EVERY}, the first one {@code PLAIN_EVERY} after the start, so a
 * short run writes nothing and an hour-long one some 700 lines; {@link #clear} writes nothing.
 *
 * <p>Not thread-safe: one thread writes the progress of a command.
 */
final class Progress {
    /** Least time between two plain lines when stderr is not a terminal. */
    static final Duration PLAIN_EVERY = Duration.ofSeconds(5);

    private static final String ERASE_LINE = "\r\033[K";

    private final PrintStream err;
    private final boolean inPlace;
    private final int width;
    private final LongSupplier nanoClock;
    private long lastPlainNanos;
    private boolean shown;

    Progress(PrintStream err, Terminal terminal) {
        this(err, terminal.stderrIsTerminal(), terminal.stderrIsTerminal() ? terminal.progressWidth() : 0, System::nanoTime);
    }

    /** For tests: whether to rewrite in place, the width to cut at, and the clock for the plain lines' spacing. */
    Progress(PrintStream err, boolean inPlace, int width, LongSupplier nanoClock) {
        this.err = err;
        this.inPlace = inPlace;
        this.width = width;
        this.nanoClock = nanoClock;
        this.lastPlainNanos = nanoClock.getAsLong();
    }

    /** Shows {@code line}: in place on a terminal, else as a plain line if {@link #PLAIN_EVERY} has passed. */
    void update(String line) {
        if (inPlace) {
            // One column short of the width: a line that fills the last column wraps on some terminals.
            String cut = line.length() >= width ? line.substring(0, Math.max(0, width - 1)) : line;
            err.print(ERASE_LINE + cut);
            err.flush();
            shown = true;
            return;
        }
        long now = nanoClock.getAsLong();
        if (now - lastPlainNanos >= PLAIN_EVERY.toNanos()) {
            lastPlainNanos = now;
            err.println(line);
            err.flush();
        }
    }

    /** Erases the in-place line, if one is shown, so that what follows starts on a clean line. */
    void clear() {
        if (inPlace && shown) {
            err.print(ERASE_LINE);
            err.flush();
            shown = false;
        }
    }
}
