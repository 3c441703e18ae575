package io.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.Frame;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The incident over HTTP/2 (BACKGROUND.md): a client whose calls time out resets its streams, 1000 of them,
 * against a slow upstream ({@code /sleep?d=5s}). In Go, the handler behind a reset stream keeps running and
 * the server starts the next one anyway (253 running at once behind one connection in our measurements).
 * Here a stream keeps its slot until its handler returns: running handlers never exceed MAX_CONCURRENT_STREAMS,
 * and when the handlers honour cancellation they are all gone within 100 ms of the resets.
 */
class H2IncidentTest {
    static final int STREAMS = 1000;
    static final int MAX = 100; // the default SETTINGS_MAX_CONCURRENT_STREAMS
    Server server;
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();
    final AtomicInteger started = new AtomicInteger();

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    /** The CLI's /sleep: waits d, returning early when cancelled unless cancel=ignore. */
    void start() throws Exception {
        server = Server.start(ServerConfig.builder().port(0).shutdownTimeout(Duration.ofSeconds(1)).build(), (req, res) -> {
            started.incrementAndGet();
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                boolean ignore = "ignore".equals(req.queryParam("cancel"));
                long end = System.nanoTime() + io.hourglass.internal.text.Durations.parse(req.queryParam("d")).toNanos();
                while (System.nanoTime() < end) {
                    try {
                        // the handler's duration, from the query
                        Thread.sleep(Math.max(1, (end - System.nanoTime()) / 1_000_000));
                    } catch (InterruptedException e) {
                        if (!ignore) {
                            return;
                        }
                    }
                }
                res.send("slept\n");
            } finally {
                running.decrementAndGet();
            }
        });
    }

    /** Opens MAX streams at a time (as a client that respects the limit does), then resets them; 1000 in all. */
    long resetThousandStreams(String path) throws Exception {
        long lastReset;
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            H2DefencesTest.awaitAcked(c);
            int id = 1;
            for (int round = 0; round < STREAMS / MAX; round++) {
                int first = id;
                for (int i = 0; i < MAX; i++, id += 2) {
                    c.get(id, path);
                }
                assertThat(server.recorder().h2Streams(H2Stream.RUNNING)).isLessThanOrEqualTo(MAX);
                for (int s = first; s < id; s += 2) {
                    c.rst(s, ErrorCode.CANCEL);
                }
            }
            lastReset = System.nanoTime();
            H2DefencesTest.awaitAcked(c); // every reset read by the server
            assertThat(server.recorder().h2Resets(true)).isEqualTo(STREAMS);
            c.get(id, "/sleep?d=1ms"); // the connection is still good
            while (true) {
                H2TestClient.Ev e = c.next(Duration.ofSeconds(10));
                if (e.type() == Frame.GOAWAY || e.type() == H2TestClient.CLOSED) {
                    throw new AssertionError("the connection ended: " + e);
                }
                if (e.type() == Frame.HEADERS && e.stream() == id) {
                    break;
                }
            }
        }
        return lastReset;
    }

    @Test
    void handlersThatIgnoreCancellationNeverExceedTheLimit() throws Exception {
        start();
        resetThousandStreams("/sleep?d=5s&cancel=ignore");
        assertThat(maxRunning.get()).as("handlers running at once").isLessThanOrEqualTo(MAX);
        // The first hundred ran their 5 s; the reset streams that waited behind them never started.
        assertThat(started.get()).isLessThanOrEqualTo(MAX + 1);
    }

    @Test
    void handlersThatHonourCancellationAreGoneWithin100ms() throws Exception {
        start();
        long lastReset = resetThousandStreams("/sleep?d=5s");
        long until = lastReset + 100_000_000L;
        while (running.get() > 0 && System.nanoTime() < until) {
            Thread.sleep(1); // a bounded poll
        }
        assertThat(running.get()).as("handlers still running 100 ms after the last reset").isZero();
        assertThat(maxRunning.get()).isLessThanOrEqualTo(MAX);
    }
}
