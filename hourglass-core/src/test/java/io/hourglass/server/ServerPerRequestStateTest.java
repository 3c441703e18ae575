package io.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.http.Deadline;
import io.hourglass.testing.RawPeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What one request on a keep-alive connection leaves to the next, now that the per-request work is trimmed
 * (the interrupt status is cleared only when set, the deadline's thread-local entry is kept, write buffers come
 * back from a lock-free pool): nothing a handler can see.
 */
class ServerPerRequestStateTest {
    Server server;

    @AfterEach
    void stop() {
        if (server != null) server.shutdown();
    }

    private void start(ServerConfig.Builder b, Handler h) throws Exception {
        server = Server.start(b.host("127.0.0.1").port(0).shutdownTimeout(Duration.ofSeconds(2)).build(), h);
    }

    /** Sends each request head on one keep-alive connection, after the previous response; returns the bodies. */
    private List<String> onOneConnection(String... heads) throws Exception {
        List<String> bodies = new ArrayList<>();
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            for (String head : heads) {
                c.send(head);
                bodies.add(c.readResponse().body());
            }
        }
        return bodies;
    }

    @Test
    void anInterruptAHandlerLeavesSetDoesNotReachTheNextRequest() throws Exception {
        start(ServerConfig.builder(), (req, res) -> {
            if (req.path().equals("/interrupt")) {
                Thread.currentThread().interrupt(); // e.g. a handler that restored an interrupt it caught
                res.send("left set\n");
            } else {
                res.send(Thread.currentThread().isInterrupted() ? "interrupted\n" : "clear\n");
            }
        });
        assertThat(onOneConnection("GET /interrupt HTTP/1.1\r\nHost: a\r\n\r\n",
                "GET /check HTTP/1.1\r\nHost: a\r\n\r\n")).containsExactly("left set\n", "clear\n");
    }

    @Test
    void eachRequestSeesItsOwnDeadlineAndNoneIsLeftAfterTheHandler() throws Exception {
        AtomicReference<Optional<Deadline>> first = new AtomicReference<>();
        AtomicReference<Optional<Deadline>> second = new AtomicReference<>();
        AtomicReference<Optional<Deadline>> afterwards = new AtomicReference<>();
        start(ServerConfig.builder().handlerTimeout(Duration.ofSeconds(5)), (req, res) -> {
            (req.path().equals("/1") ? first : second).set(Deadline.current());
            if (req.path().equals("/2")) {
                // work outside the request's deadline on this thread sees none, and the deadline comes back
                Deadline.detached(() -> afterwards.set(Deadline.current()));
            }
            res.send("ok\n");
        });
        onOneConnection("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n", "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(first.get()).isPresent();
        assertThat(second.get()).isPresent();
        assertThat(second.get().get()).as("the second request's own deadline, not the first's")
                .isGreaterThan(first.get().get());
        assertThat(afterwards.get()).isEmpty();
        assertThat(Deadline.current()).as("this (test) thread never had one").isEmpty();
    }

    @Test
    void aDeadlineAHandlerMakesCurrentEndsWithItAndNeverReachesTheNextRequest() throws Exception {
        AtomicReference<Optional<Deadline>> inside = new AtomicReference<>();
        AtomicReference<Optional<Deadline>> afterRun = new AtomicReference<>();
        AtomicReference<Optional<Deadline>> next = new AtomicReference<>();
        // no handler or write timeout: a request has no deadline of its own, and the one the first handler makes
        // current on the connection's thread (which runs the next handler too) must end with it
        start(ServerConfig.builder().handlerTimeout(Duration.ZERO).writeTimeout(Duration.ZERO), (req, res) -> {
            if (req.path().equals("/1")) {
                Deadline.after(Duration.ofSeconds(30)).run(() -> inside.set(Deadline.current()));
                afterRun.set(Deadline.current());
            } else {
                next.set(Deadline.current());
            }
            res.send("ok\n");
        });
        onOneConnection("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n", "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(inside.get()).isPresent();
        assertThat(afterRun.get()).isEmpty();
        assertThat(next.get()).isEmpty();
    }

    @Test
    void aResponseKeptPastItsRequestCannotWriteIntoTheNextOne() throws Exception {
        AtomicReference<Response> kept = new AtomicReference<>();
        AtomicReference<Throwable> lateWrite = new AtomicReference<>();
        start(ServerConfig.builder(), (req, res) -> {
            if (req.path().equals("/keep")) {
                kept.set(res);
                res.send("first\n");
                return;
            }
            try {
                kept.get().send("stale\n"); // the first request's response, used during the second
            } catch (Throwable t) {
                lateWrite.set(t);
            }
            res.send("second\n");
        });
        assertThat(onOneConnection("GET /keep HTTP/1.1\r\nHost: a\r\n\r\n", "GET /next HTTP/1.1\r\nHost: a\r\n\r\n"))
                .containsExactly("first\n", "second\n");
        assertThat(lateWrite.get()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> kept.get().header("X", "y")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRequestKeptPastItsHandlerKeepsItsOwnHeaders() throws Exception {
        AtomicReference<Request> kept = new AtomicReference<>();
        AtomicReference<String> seenDuringNext = new AtomicReference<>();
        start(ServerConfig.builder(), (req, res) -> {
            if (req.path().equals("/keep")) {
                kept.set(req); // e.g. handed to work that outlives the handler (Deadline.detached, a queue)
            } else {
                seenDuringNext.set(kept.get().header("X-Id") + " " + kept.get().headers().size());
            }
            res.send(req.header("X-Id") + "\n");
        });
        assertThat(onOneConnection("GET /keep HTTP/1.1\r\nHost: a\r\nX-Id: first\r\n\r\n",
                "GET /next HTTP/1.1\r\nHost: a\r\nX-Id: second\r\nX-Other: 1\r\n\r\n"))
                .containsExactly("first\n", "second\n");
        assertThat(seenDuringNext.get()).as("the kept request's headers, read while the next request runs")
                .isEqualTo("first 2");
        assertThat(kept.get().header("X-Id")).isEqualTo("first");
        assertThat(kept.get().method()).isEqualTo("GET");
        assertThat(kept.get().path()).isEqualTo("/keep");
    }
}
