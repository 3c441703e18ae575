package io.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.http.Deadline;
import io.hourglass.http.Phase;
import io.hourglass.testing.Await;
import io.hourglass.testing.RawPeer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The deadline a client sends (issue 14), over HTTP/1.1 with raw sockets: it shortens the handler's time,
 * cuts the handler short as the handler timeout would, refuses to run a handler when nothing is left, and is
 * what {@link Request#deadline()} and {@link Deadline#current()} report. Timing windows: never earlier than
 * the deadline less the reserve, late by at most {@link #SLACK_MS}.
 */
class ServerDeadlineTest extends LoopbackServerTest {
    /** A handler that sleeps until interrupted and records what it saw. */
    static final class Stuck implements Handler {
        final AtomicBoolean interrupted = new AtomicBoolean();
        final AtomicReference<String> reason = new AtomicReference<>();
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicInteger runs = new AtomicInteger();

        @Override
        public void handle(Request req, Response res) {
            runs.incrementAndGet();
            try {
                Thread.sleep(10_000); // outlasts the request's deadline
            } catch (InterruptedException e) {
                interrupted.set(true);
                reason.set(req.cancelReason());
            } finally {
                done.countDown();
            }
        }
    }

    @Test
    void theClientsDeadlineCutsTheHandlerShortWith504AndInterruptsIt() throws Exception {
        Stuck h = new Stuck();
        start(cfg().handlerTimeout(Duration.ofSeconds(30)), h);
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            long t0 = System.nanoTime();
            c.send("GET /slow HTTP/1.1\r\nHost: a\r\nRequest-Timeout: 300m\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            long took = ms(t0);
            assertThat(r.status()).isEqualTo(504);
            assertThat(r.header("deadline-expired")).isEqualTo("true");
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(r.body()).contains("deadline passed").contains("Request-Timeout");
            // 300 ms less the 5 ms reserve, from the request's first byte (sent after t0)
            assertThat(took).isBetween(294L, 295 + SLACK_MS);
            assertThat(c.awaitClose()).isEqualTo("eof");
        }
        assertThat(h.done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(h.interrupted).isTrue();
        assertThat(h.reason.get()).isEqualTo("deadline");
        assertThat(server.timeouts(Phase.DEADLINE)).isEqualTo(1);
        assertThat(server.timeouts(Phase.HANDLER)).isZero();
        ServerMetrics m = server.recorder();
        assertThat(m.deadlines(ServerMetrics.DeadlineResult.HONOURED)).isEqualTo(1);
        // the 504 is counted once written, just after the close the client saw
        Await.until("the 504 is counted", Duration.ofSeconds(2), () -> server.metrics().toPrometheusText()
                .contains("hourglass_server_requests_total{code=\"5xx\"} 1"));
        assertThat(server.metrics().toPrometheusText())
                .contains("hourglass_server_handler_cancellations_total{reason=\"deadline\"} 1")
                .contains("hourglass_timeouts_total{side=\"server\",phase=\"deadline\",protocol=\"http/1.1\"} 1")
                .contains("hourglass_server_deadlines_received_total{result=\"honoured\"} 1")
                .contains("hourglass_server_requests_total{code=\"5xx\"} 1");
    }

    @Test
    void grpcTimeoutIsReadTooAndTheShorterOfTheTwoCounts() throws Exception {
        Stuck h = new Stuck();
        start(cfg(), h);
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            long t0 = System.nanoTime();
            c.send("GET / HTTP/1.1\r\nHost: a\r\ngrpc-timeout: 200000u\r\nRequest-Timeout: 5S\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(504);
            assertThat(ms(t0)).isBetween(194L, 195 + SLACK_MS);
        }
    }

    @Test
    void aDeadlineAlreadyPassedGets504WithoutRunningTheHandlerAndKeepsTheConnection() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        start(cfg(), (req, res) -> {
            runs.incrementAndGet();
            res.send("ran\n");
        });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("POST /work HTTP/1.1\r\nHost: a\r\nRequest-Timeout: 0m\r\nContent-Length: 5\r\n\r\nhello");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(504);
            assertThat(r.header("deadline-expired")).isEqualTo("true");
            assertThat(r.header("connection")).isNull();
            assertThat(r.body()).startsWith("deadline passed ").contains("before the handler ran")
                    .contains("Request-Timeout: 0m");
            // the unread body was discarded and the connection serves the next request
            c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.readResponse().body()).isEqualTo("ran\n");
        }
        assertThat(runs).hasValue(1);
        assertThat(server.recorder().deadlines(ServerMetrics.DeadlineResult.EXPIRED)).isEqualTo(1);
        assertThat(server.timeouts(Phase.DEADLINE)).as("the handler never ran, so nothing timed out").isZero();
    }

    @Test
    void aDeadlineThatLeavesLessThanTheMinimumIsRefused() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        start(cfg().deadlineMinimum(Duration.ofMillis(50)).deadlineReserve(Duration.ZERO), (req, res) -> {
            runs.incrementAndGet();
            res.send("ran\n");
        });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\nRequest-Timeout: 40m\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(504);
            assertThat(r.body()).contains("less than the 50ms minimum");
            c.send("GET / HTTP/1.1\r\nHost: a\r\nRequest-Timeout: 2S\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(200);
        }
        assertThat(runs).hasValue(1);
    }

    @Test
    void theReserveIsTakenFromTheReceivedDeadline() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        start(cfg().deadlineReserve(Duration.ofMillis(100)), (req, res) -> {
            runs.incrementAndGet();
            res.send("ran\n");
        });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\nRequest-Timeout: 90m\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(504);
        }
        assertThat(runs).hasValue(0);
    }

    @Test
    void anEarlierHandlerTimeoutStillAnswers503() throws Exception {
        Stuck h = new Stuck();
        start(cfg().handlerTimeout(Duration.ofMillis(200)), h);
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\nRequest-Timeout: 10S\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.header("deadline-expired")).isNull();
        }
        assertThat(h.done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(h.reason.get()).isEqualTo("handler timeout");
        assertThat(server.timeouts(Phase.HANDLER)).isEqualTo(1);
        assertThat(server.timeouts(Phase.DEADLINE)).isZero();
    }

    @Test
    void theHandlerSeesTheReceivedDeadlineInTheRequestAndAsTheCurrentOne() throws Exception {
        AtomicLong reqLeftMs = new AtomicLong(-1);
        AtomicLong currentLeftMs = new AtomicLong(-1);
        AtomicReference<Object> afterHandler = new AtomicReference<>();
        start(cfg(), (req, res) -> {
            reqLeftMs.set(Duration.between(Instant.now(), req.deadline().orElseThrow()).toMillis());
            currentLeftMs.set(Deadline.current().orElseThrow().remaining().toMillis());
            res.send("ok\n");
        });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\nRequest-Timeout: 1S\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(200);
            // the 30 s handler timeout and 60 s write timeout are later: the client's second, less 5 ms, counts
            assertThat(reqLeftMs.get()).isBetween(1000L - 5 - SLACK_MS, 995L);
            assertThat(currentLeftMs.get()).isBetween(1000L - 5 - SLACK_MS, 995L);
            // without the header, the handler timeout's deadline is the current one
            c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(200);
            assertThat(currentLeftMs.get()).isBetween(30_000L - SLACK_MS, 30_000L);
        }
        assertThat(Deadline.current()).isEmpty();
    }

    @Test
    void theDeadlineCountsFromTheRequestsFirstByte() throws Exception {
        AtomicLong leftMs = new AtomicLong(-1);
        start(cfg(), (req, res) -> {
            leftMs.set(Deadline.current().orElseThrow().remaining().toMillis());
            res.send("ok\n");
        });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\nRequest-Timeout: 2S\r\n");
            Thread.sleep(500); // the head trickles in: its first byte started the client's deadline
            c.send("\r\n");
            assertThat(c.readResponse().status()).isEqualTo(200);
        }
        // 2 s less the reserve, less the 500 ms the head took; counted from the handler's start instead it would
        // be 1995 ms. The server may see the first byte a little after it was sent: up to 250 ms is allowed.
        assertThat(leftMs.get()).isBetween(0L, 2000L - 5 - 500 + 250);
    }

    @Test
    void aServerThatDoesNotHonourDeadlinesIgnoresTheHeader() throws Exception {
        AtomicReference<Object> current = new AtomicReference<>();
        start(cfg().honourDeadlines(false).handlerTimeout(Duration.ofSeconds(30)), (req, res) -> {
            current.set(Deadline.current().orElseThrow().remaining().toSeconds());
            res.send("ran\n");
        });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\nRequest-Timeout: 0m\r\n\r\n");
            assertThat(c.readResponse().body()).isEqualTo("ran\n");
        }
        assertThat((Long) current.get()).isBetween(28L, 30L);
        ServerMetrics m = server.recorder();
        assertThat(m.deadlines(ServerMetrics.DeadlineResult.EXPIRED) + m.deadlines(ServerMetrics.DeadlineResult.HONOURED)
                + m.deadlines(ServerMetrics.DeadlineResult.INVALID)).isZero();
    }

    @Test
    void aValueNotInTheSyntaxIsIgnoredAndCounted() throws Exception {
        start(cfg(), (req, res) -> res.send(Deadline.current().orElseThrow().remaining().toSeconds() + "\n"));
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            for (String v : new String[] {"100ms", "1.5S", "123456789m", "soon"}) {
                c.send("GET / HTTP/1.1\r\nHost: a\r\nRequest-Timeout: " + v + "\r\n\r\n");
                RawPeer.Response r = c.readResponse();
                assertThat(r.status()).as(v).isEqualTo(200);
                assertThat(Long.parseLong(r.body().strip())).as(v).isBetween(28L, 30L);
            }
            // one bad value of two spoils both: the good one is not taken on its own
            c.send("GET / HTTP/1.1\r\nHost: a\r\nRequest-Timeout: 0m\r\ngrpc-timeout: bad\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(200);
        }
        assertThat(server.recorder().deadlines(ServerMetrics.DeadlineResult.INVALID)).isEqualTo(5);
    }

    @Test
    void theHeaderNameIsConfigurable() throws Exception {
        Stuck h = new Stuck();
        start(cfg().deadlineHeader("X-Deadline"), h);
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\nX-Deadline: 100m\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(504);
        }
        // the 504 may be out before the handler's thread has seen its interrupt: wait for the handler to end
        assertThat(h.done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(h.interrupted).isTrue();
    }

    @Test
    void aHandlerCutShortAfterItsResponseBeganIsTruncatedNotCompleted() throws Exception {
        start(cfg(), (req, res) -> {
            res.body().write("first part\n".getBytes());
            res.flush();
            Thread.sleep(10_000); // outlasts the request's deadline
            res.body().write("never\n".getBytes());
        });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\nRequest-Timeout: 200m\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("first part\n");
            assertThat(r.complete()).as("a chunked body without its last chunk").isFalse();
        }
        assertThat(server.timeouts(Phase.DEADLINE)).isEqualTo(1);
    }

    @Test
    void aBadHeaderNameIsRefusedWhenTheConfigIsBuilt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerConfig.builder().deadlineHeader("Bad Name").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deadlineHeader");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerConfig.builder()
                .deadlineReserve(Duration.ofMillis(-1)).build()).hasMessageContaining("deadlineReserve");
    }

    @Test
    void aHandlerWhoseOwnCallRanOutOfTheDeadlineAnswers504DeadlineExpiredNot408() throws Exception {
        start(cfg(), (req, res) -> {
            // what a client call made under the request's deadline throws when nothing is left of it
            throw new io.hourglass.http.HttpTimeoutException(Phase.DEADLINE, Duration.ofMillis(5), Duration.ZERO,
                    "refused, nothing sent");
        });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\nRequest-Timeout: 2S\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(504);
            assertThat(r.header("deadline-expired")).isEqualTo("true");
        }
        server.shutdown();
        start(cfg(), (req, res) -> {
            throw new io.hourglass.http.HttpTimeoutException(Phase.RESPONSE_HEADERS, Duration.ofMillis(5),
                    Duration.ofMillis(5), "a read that timed out");
        });
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.status()).isEqualTo(408); // other timeouts as before
            assertThat(r.header("deadline-expired")).isNull();
        }
    }
}
