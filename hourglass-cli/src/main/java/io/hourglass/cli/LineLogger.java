package io.hourglass.cli;

import java.io.PrintStream;
import java.text.MessageFormat;
import java.util.ResourceBundle;

/**
 * A {@link System.Logger} that prints each message as one line, nothing else (no date or logger name: the
 * access log's lines carry their own time), for {@code hourglass serve --access-log}.
 */
final class LineLogger implements System.Logger {
    private final PrintStream out;

    LineLogger(PrintStream out) {
        this.out = out;
    }

    @Override
    public String getName() {
        return "io.hourglass.access";
    }

    @Override
    public boolean isLoggable(Level level) {
        return level.getSeverity() >= Level.INFO.getSeverity();
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        if (isLoggable(level)) {
            out.println(msg); // PrintStream writes a line under its own lock: lines never interleave
        }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        log(level, bundle, params == null || params.length == 0 ? format : MessageFormat.format(format, params),
                (Throwable) null);
    }
}
