package io.hourglass.server;

import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A System.Logger that keeps what it is given, for tests of the access log and the recovery filter. */
final class CapturingLogger implements System.Logger {
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final BlockingQueue<Level> levels = new LinkedBlockingQueue<>();
    final BlockingQueue<Throwable> thrown = new LinkedBlockingQueue<>();

    @Override
    public String getName() {
        return "test";
    }

    @Override
    public boolean isLoggable(Level level) {
        return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable t) {
        levels.add(level);
        lines.add(msg);
        if (t != null) {
            thrown.add(t);
        }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        log(level, bundle, params == null || params.length == 0 ? format
                : java.text.MessageFormat.format(format, params), (Throwable) null);
    }

    /** The next line, waiting up to 5 s for it (the access log writes once the handler returned). */
    String next() throws InterruptedException {
        String l = lines.poll(5, TimeUnit.SECONDS);
        if (l == null) {
            throw new AssertionError("no log line within 5s");
        }
        return l;
    }

    List<String> drain() {
        List<String> out = new java.util.ArrayList<>();
        lines.drainTo(out);
        return out;
    }
}
