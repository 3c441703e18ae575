package io.hourglass.server;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/**
 * The set-up the server's timing tests share ({@link ServerTimeoutsTest}, {@link ServerDeadlineTest}): one
 * server per test on 127.0.0.1 and a free port, shut down after the test, and the slack of their timing
 * windows. Each test starts its own server with the configuration it is about, in the test.
 */
abstract class LoopbackServerTest {
    /**
     * How late a timeout may be seen: a window is never earlier than the limit and at most this late. Above the
     * scheduling noise of a loaded 2-core CI machine (a bare virtual-thread park was measured up to 405 ms late
     * there, see H2TimeoutsTest) and below one turn of the deadline timer's wheel (1024 ms), so an expiry that
     * waits for the wheel to come round again fails.
     */
    static final long SLACK_MS = 900;
    /** The test's server, once {@link #start} made it. */
    Server server;

    /** Starts the test's server with this configuration (its host and port set here) and handler. */
    Server start(ServerConfig.Builder b, Handler h) throws Exception {
        server = Server.start(b.host("127.0.0.1").port(0).build(), h);
        return server;
    }

    /** A configuration whose shutdown after the test takes at most 2 s. */
    static ServerConfig.Builder cfg() {
        return ServerConfig.builder().shutdownTimeout(Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        if (server != null) server.shutdown();
    }

    /** {@return milliseconds since {@code startNanos}, a {@link System#nanoTime()} instant} */
    static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
