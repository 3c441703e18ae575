package io.hourglass.server;

import io.hourglass.testing.Await;
import io.hourglass.testing.RawPeer;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 9: a client that resets its connection during a streamed response is normal traffic. It used to log a
 * WARNING with a stack trace per reset; now it is counted ({@code handler_cancellations_total{reason=
 * "client_gone"}}) and logs at most one line at a debug level, with or without the disconnect watcher.
 */
class ServerClientResetTest {
    static final Logger LOG = Logger.getLogger(Server.class.getName());
    final List<LogRecord> records = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    Level savedLevel;
    Server server;

    @BeforeEach
    void captureLogs() {
        savedLevel = LOG.getLevel();
        LOG.setLevel(Level.ALL);
        capture.setLevel(Level.ALL);
        LOG.addHandler(capture);
    }

    @AfterEach
    void stop() {
        LOG.removeHandler(capture);
        LOG.setLevel(savedLevel);
        if (server != null) server.shutdown();
    }

    @ParameterizedTest(name = "watchClientDisconnect {0}")
    @ValueSource(booleans = {false, true})
    void resetDuringAStreamedResponseIsCountedNotWarned(boolean watch) throws Exception {
        CountDownLatch streaming = new CountDownLatch(1);
        CountDownLatch handlerEnded = new CountDownLatch(1);
        server = Server.start(ServerConfig.builder().port(0).watchClientDisconnect(watch)
                .shutdownTimeout(Duration.ofSeconds(1)).build(), (req, res) -> {
                    try {
                        byte[] chunk = new byte[16 * 1024];
                        for (int i = 0; i < 100_000 && !req.isCancelled(); i++) {
                            res.body().write(chunk);
                            res.flush();
                            streaming.countDown();
                        }
                    } finally {
                        handlerEnded.countDown();
                    }
                });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET /stream HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.line()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(streaming.await(5, TimeUnit.SECONDS)).isTrue();
            c.socket().setSoLinger(true, 0); // the close sends RST: a client that gave up
        }
        assertThat(handlerEnded.await(5, TimeUnit.SECONDS)).isTrue();
        awaitNoConnections();

        assertThat(records).as("log records").allSatisfy(r -> {
            assertThat(r.getLevel().intValue()).as(r.getMessage()).isLessThanOrEqualTo(Level.FINE.intValue());
            assertThat(r.getThrown()).as("a stack trace for " + r.getMessage()).isNull();
        });
        assertThat(records.size()).as("log lines").isLessThanOrEqualTo(1);
        assertThat(server.cancelledHandlers()).as("the reset counted as client_gone").isEqualTo(1);
    }

    void awaitNoConnections() throws InterruptedException {
        Await.until("the server has closed every connection", () -> server.openConnections() == 0);
    }

}
