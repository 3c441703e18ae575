package io.hourglass.cli;

/**
 * SIGTERM and SIGINT (Ctrl-C) as a request for a graceful stop, so that the command can finish its work
 * and exit 0 (a JVM killed through its shutdown hooks exits 143 or 130 instead).
 */
final class Signals {
    private Signals() {}

    /** Runs {@code action} once, on its own thread, at the first SIGTERM or SIGINT. */
    static void onTermination(Runnable action) {
        java.util.concurrent.atomic.AtomicBoolean fired = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable once = () -> {
            if (fired.compareAndSet(false, true)) {
                Thread.ofPlatform().name("hourglass-stop").start(action);
            }
        };
        boolean handled = true;
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> once.run());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                handled = false; // not on this platform: fall back to a shutdown hook below
            }
        }
        if (!handled) {
            Runtime.getRuntime().addShutdownHook(new Thread(action, "hourglass-shutdown"));
        }
    }
}
