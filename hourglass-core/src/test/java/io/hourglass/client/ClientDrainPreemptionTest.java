package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.server.Router;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import io.hourglass.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: drains use only spare pool capacity. A call that needs a connection while the pool is at its cap
 * takes a draining connection's place while the origin answers; when it does not, drains keep their places
 * and calls fail in phase POOL_WAIT, naming what holds the pool. Small caps make the pool full on purpose.
 */
class ClientDrainPreemptionTest {
    Server server;
    final List<String> events = new CopyOnWriteArrayList<>();
    final EventListener recorder = new EventListener() {
        @Override public void drainStart(long id) { events.add("drainStart #" + id); }
        @Override public void drainEnd(long id, DrainResult r) { events.add("drainEnd #" + id + " " + r); }
        @Override public void timeout(ClientRequest r, Phase p) { events.add("timeout " + p); }
        @Override public void callFailed(ClientRequest r, java.io.IOException e) {
            events.add("callFailed " + e.getClass().getSimpleName());
        }
    };

    @BeforeEach
    void start() throws Exception {
        Router r = new Router()
                .get("/hello", (req, res) -> res.send("hello\n"))
                .get("/slow", (req, res) -> {
                    // ignores cancellation, like a stuck handler: the late response always comes
                    long end = System.nanoTime() + Duration.parse("PT" + req.queryParam("s") + "S").toNanos();
                    long left;
                    while ((left = end - System.nanoTime()) > 0) {
                        try {
                            Thread.sleep(Duration.ofNanos(left)); // the stuck handler's duration, not an ordering
                        } catch (InterruptedException ignored) {
                            // keep going
                        }
                    }
                    res.send("late\n");
                });
        server = Server.start(ServerConfig.builder().port(0).handlerTimeout(Duration.ZERO)
                .shutdownTimeout(Duration.ofMillis(300)).build(), r);
        // one call by another client first, so that class loading and JIT warm-up stay out of the 300 ms calls
        try (Client warm = new Client()) {
            get(warm, url("/hello"));
        }
    }

    @AfterEach
    void stop() {
        server.shutdown();
    }

    String url(String path) {
        return server.url() + path;
    }

    static String get(Client c, String url) throws Exception {
        try (ClientResponse r = c.send(ClientRequest.get(url))) {
            return r.bodyAsString();
        }
    }

    /** A healthy call with room for a loaded machine (2 s), where the pool's behaviour, not its deadline, is tested. */
    String hello(Client c) throws Exception {
        ClientRequest r = ClientRequest.builder("GET", java.net.URI.create(url("/hello"))).timeout(Duration.ofSeconds(2)).build();
        try (ClientResponse resp = c.send(r)) {
            return resp.bodyAsString();
        }
    }

    static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    ClientConfig.Builder config(int cap) {
        return ClientConfig.builder().maxConnsPerHost(cap).timeout(Duration.ofMillis(300))
                .poolWaitTimeout(Duration.ofSeconds(10)).listener(recorder);
    }

    @Test
    void aHealthyCallTakesTheNewestDrainsPlaceWhenThePoolIsFull() throws Exception {
        try (Client c = new Client(config(2).build())) {
            assertThat(hello(c)).isEqualTo("hello\n"); // the origin answers
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> get(c, url("/slow?s=3"))).isInstanceOf(HttpTimeoutException.class);
            }
            assertThat(c.stats().draining()).isEqualTo(2); // the pool is full of drains
            long t0 = System.nanoTime();
            assertThat(hello(c)).isEqualTo("hello\n");
            // waiting for the pool would last until the drains end (3 s) or the call's deadline (2 s)
            assertThat(ms(t0)).as("no wait for the pool").isLessThan(1000);
            Client.Stats s = c.stats();
            assertThat(s.drainsPreempted()).isEqualTo(1);
            assertThat(s.draining()).isEqualTo(1);
            assertThat(s.opened()).as("one new connection in the preempted one's place").isEqualTo(3);
            List<String> starts = events.stream().filter(e -> e.startsWith("drainStart")).toList();
            assertThat(starts).hasSize(2);
            String newest = starts.get(1).substring("drainStart ".length());
            assertThat(events).contains("drainEnd " + newest + " PREEMPTED")
                    .noneMatch(e -> e.equals("drainEnd " + starts.get(0).substring("drainStart ".length()) + " PREEMPTED"));
            assertThat(c.metrics().toPrometheusText()).contains("hourglass_client_drains_total{host=\"127.0.0.1:"
                    + server.port() + "\",result=\"preempted\"} 1");
        }
    }

    @Test
    void whileNothingAnswersDrainsKeepTheirPlacesAndACallFailsInPoolWaitNamingThem() throws Exception {
        try (Client c = new Client(config(1).build())) {
            assertThatThrownBy(() -> get(c, url("/slow?s=3"))).isInstanceOf(HttpTimeoutException.class);
            events.clear();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> get(c, url("/hello")))
                    .isInstanceOfSatisfying(PoolTimeoutException.class, e -> {
                        assertThat(e.phase()).isEqualTo(Phase.POOL_WAIT);
                        assertThat(e.callDeadline()).as("the call's own deadline passed, not poolWaitTimeout").isTrue();
                        assertThat(e.limit()).isEqualTo(Duration.ofMillis(300));
                        assertThat(e.draining()).isEqualTo(1);
                        assertThat(e.inUse()).isZero();
                        assertThat(e.maxConnsPerHost()).isEqualTo(1);
                        assertThat(e.getMessage()).startsWith("no connection available within 300ms after")
                                .contains("the call's deadline passed while it waited for a connection")
                                .contains("all 1 connections to 127.0.0.1:" + server.port() + " are busy, 0 in use and 1 draining")
                                .contains("maxConnsPerHost=1");
                    });
            assertThat(ms(t0)).isBetween(290L, 300L + 900);
            Client.Stats s = c.stats();
            assertThat(s.opened()).isEqualTo(1);
            assertThat(s.drainsPreempted()).isZero();
            assertThat(s.timeouts(Phase.POOL_WAIT)).isEqualTo(1);
            assertThat(s.timeouts(Phase.TOTAL)).as("the first call's timeout only").isEqualTo(1);
            assertThat(events).containsExactly("timeout POOL_WAIT", "callFailed PoolTimeoutException");
            assertThat(c.metrics().toPrometheusText()).contains("hourglass_client_pool_timeouts_total{host=\"127.0.0.1:"
                    + server.port() + "\",held_by=\"draining\"} 1");
        }
    }

    /*
     * "Live" is an answer within the last second, or fewer than 32 timeouts in a row since one: a burst of
     * timeouts right after answers (a stall) does not stop preemption, a second without answers after it does.
     */
    @Test
    void aBurstOfTimeoutsKeepsTheOriginLiveForASecondAfterItsLastAnswer() throws Exception {
        int cap = Pool.LIVE_STREAK + 1;
        try (Client c = new Client(config(cap).build())) {
            assertThat(hello(c)).isEqualTo("hello\n");
            long answered = System.nanoTime();
            Thread[] burst = new Thread[cap];
            for (int i = 0; i < cap; i++) {
                burst[i] = Thread.ofVirtual().start(() -> {
                    try {
                        get(c, url("/slow?s=5"));
                    } catch (Exception expected) {
                        // every one times out at 300 ms
                    }
                });
            }
            for (Thread t : burst) t.join();
            assertThat(c.stats().draining()).isEqualTo(cap);
            assertThat(c.stats().timeouts(Phase.TOTAL)).isEqualTo(cap);
            assertThat(ms(answered)).as("still within a second of the answer").isLessThan(900);
            assertThat(hello(c)).as("live: takes a drain's place").isEqualTo("hello\n");
            assertThat(c.stats().drainsPreempted()).isEqualTo(1);

            Thread.sleep(1100); // more than a second since the last answer, with 33 timeouts in a row before it
            // the /hello above answered, and reset the streak: time out a burst again, then wait out the second
            Thread[] again = new Thread[Pool.LIVE_STREAK];
            for (int i = 0; i < again.length; i++) {
                again[i] = Thread.ofVirtual().start(() -> {
                    try {
                        get(c, url("/slow?s=5"));
                    } catch (Exception expected) {
                        // preempting the drains above while live, then timing out
                    }
                });
            }
            for (Thread t : again) t.join();
            Thread.sleep(1100); // waits out the pool's one-second live window, as above
            assertThatThrownBy(() -> get(c, url("/hello"))).as("not live any more: waits and gives up")
                    .isInstanceOf(PoolTimeoutException.class);
        }
    }

    @Test
    void aStuckDrainIsPreemptedEvenWhileNothingAnswers() throws Exception {
        // drain timeout 2 s: a drain older than 1 s is presumed stuck
        try (Client c = new Client(config(1).drainTimeout(Duration.ofSeconds(2)).build())) {
            assertThatThrownBy(() -> get(c, url("/slow?s=10"))).isInstanceOf(HttpTimeoutException.class);
            long drainStart = System.nanoTime(); // about: the drain begins as the call fails
            assertThat(c.stats().draining()).isEqualTo(1);
            ClientRequest hello = ClientRequest.builder("GET", java.net.URI.create(url("/hello")))
                    .timeout(Duration.ofSeconds(3)).build();
            try (ClientResponse r = c.send(hello)) { // nothing has answered: it waits, then takes the stuck one's place
                assertThat(r.bodyAsString()).isEqualTo("hello\n");
            }
            assertThat(ms(drainStart)).as("ms from the drain's start").isBetween(1000L - 50, 1000L + 900);
            assertThat(c.stats().drainsPreempted()).isEqualTo(1);
            assertThat(c.stats().drainsAbandoned()).isZero();
        }
    }

    @Test
    void drainsAbandonedAtTheTimeoutOrTheByteLimitAreCountedApart() throws Exception {
        try (Client c = new Client(config(4).drainTimeout(Duration.ofMillis(200)).build())) {
            assertThatThrownBy(() -> get(c, url("/slow?s=2"))).isInstanceOf(HttpTimeoutException.class);
            Await.until("the drain is abandoned", () -> c.stats().drainsAbandoned() == 1);
            assertThat(events).anyMatch(e -> e.startsWith("drainEnd") && e.endsWith(" TIMEOUT"));
        }
        events.clear();
        Router big = new Router().get("/big", (req, res) -> res.send(new byte[100_000]));
        Server s2 = Server.start(ServerConfig.builder().port(0).build(), big);
        try (Client c = new Client(config(4).drainMaxBytes(1000).build())) {
            c.send(ClientRequest.get(s2.url() + "/big")).close(); // closed early: drained within 1000 bytes
            Await.until("the drain is abandoned", () -> c.stats().drainsAbandoned() == 1);
            assertThat(events).anyMatch(e -> e.startsWith("drainEnd") && e.endsWith(" MAX_BYTES"));
            Client.Stats s = c.stats();
            assertThat(s.drainsStarted()).isEqualTo(s.drainedReused() + s.drainedClosed() + s.draining());
        } finally {
            s2.shutdown();
        }
    }
}
