package io.hourglass.client;

import io.hourglass.testing.Await;
import io.hourglass.testing.RawPeer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.server.Router;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pool against a real Hourglass server: reuse, eviction, the cap, retry, and both timeout policies. */
class ClientPoolTest {
    Server server;
    final AtomicInteger slowInFlight = new AtomicInteger();
    final java.util.List<Long> helloConnections = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Router r = new Router()
                .get("/hello", (req, res) -> {
                    helloConnections.add(req.connectionId());
                    res.send("hello\n");
                })
                .get("/slow", (req, res) -> {
                    slowInFlight.incrementAndGet();
                    try {
                        // the handler's lateness, from the query
                        Thread.sleep(Duration.parse("PT" + req.queryParam("s") + "S"));
                        res.send("late\n");
                    } finally {
                        slowInFlight.decrementAndGet();
                    }
                })
                .get("/big", (req, res) -> res.send(new byte[Integer.parseInt(req.queryParam("n"))]));
        server = Server.start(ServerConfig.builder().port(0).handlerTimeout(Duration.ZERO)
                .shutdownTimeout(Duration.ofMillis(300)).build(), r);
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

    @Test
    void sequentialCallsReuseOneConnection() throws Exception {
        try (Client c = new Client()) {
            for (int i = 0; i < 10; i++) {
                assertThat(get(c, url("/hello"))).isEqualTo("hello\n");
            }
            assertThat(c.stats().opened()).isEqualTo(1);
            assertThat(c.stats().reused()).isEqualTo(9);
        }
        // The server's own witness: all ten requests arrived on one connection. (Not the server's accept
        // count: another process on the machine may connect to a freshly reused ephemeral port.)
        assertThat(helloConnections).hasSize(10).containsOnly(helloConnections.get(0));
    }

    @Test
    void idleConnectionIsEvictedAfterIdleTimeout() throws Exception {
        try (Client c = new Client(ClientConfig.builder().idleTimeout(Duration.ofMillis(300)).build())) {
            get(c, url("/hello"));
            // on fake time, without the wait: ClientManualClockTest
            Await.until("the idle connection is closed", Duration.ofSeconds(3), () -> c.stats().closed() > 0);
            assertThat(c.stats().closed()).isEqualTo(1);
            get(c, url("/hello"));
            assertThat(c.stats().opened()).isEqualTo(2);
        }
    }

    @Test
    void capMakesExtraCallsFailFastWithAPoolErrorNamingTheLimit() throws Exception {
        try (Client c = new Client(ClientConfig.builder().maxConnsPerHost(2)
                .poolWaitTimeout(Duration.ofMillis(300)).build())) {
            CountDownLatch done = new CountDownLatch(2);
            for (int i = 0; i < 2; i++) {
                Thread.ofVirtual().start(() -> {
                    try {
                        get(c, url("/slow?s=1"));
                    } catch (Exception ignored) {
                        // not the point
                    }
                    done.countDown();
                });
            }
            Await.until("both slow calls are in the handler", Duration.ofSeconds(3), () -> slowInFlight.get() == 2);
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> get(c, url("/hello")))
                    .isInstanceOfSatisfying(HttpTimeoutException.class, e -> {
                        assertThat(e.phase()).isEqualTo(Phase.POOL_WAIT);
                        assertThat(e.getMessage()).contains("maxConnsPerHost=2");
                    });
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isBetween(290L, 300L + 900);
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(c.stats().opened()).isEqualTo(2);
        }
    }

    @Test
    void staleReusedConnectionIsRetriedOnceOnANewOne() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
                    // answers one request, then closes the connection without telling the client
                    c.readHead();
                    c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                    c.readHead();
                });
             Client c = new Client()) {
            assertThat(get(c, srv.url("/a"))).isEqualTo("ok");
            // the server reads the next request, then closes: the reused connection fails before any response byte
            assertThat(get(c, srv.url("/b"))).isEqualTo("ok");
            assertThat(srv.accepted()).isEqualTo(2);
        }
    }

    @Test
    void unsolicitedBytesOnAnIdleConnectionNeverBecomeTheNextCallsResponse() throws Exception {
        AtomicInteger conns = new AtomicInteger();
        CountDownLatch idle = new CountDownLatch(1);
        try (RawPeer srv = RawPeer.server(c -> {
                    if (conns.incrementAndGet() == 1) { // only the first connection misbehaves
                        c.readHead();
                        c.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
                        idle.await(5, TimeUnit.SECONDS); // then, unasked, a second response on the idle connection
                        c.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstray");
                    }
                    while (c.readHead() != null) {
                        c.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nlater");
                    }
                });
             Client c = new Client()) {
            assertThat(get(c, srv.url("/a"))).isEqualTo("first"); // read to its end: the connection is idle
            idle.countDown();
            // the stray response has arrived when the client has closed the connection it spoiled
            Await.until("the client closes the spoiled connection", () -> c.stats().closed() == 1);
            assertThat(get(c, srv.url("/b"))).isEqualTo("later");
            assertThat(c.stats().opened()).as("the spoiled connection was not reused").isEqualTo(2);
        }
    }

    @Test
    void nonIdempotentRequestIsNotRetried() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
                    c.readHead();
                    c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                    c.readHead();
                });
             Client c = new Client()) {
            assertThat(get(c, srv.url("/a"))).isEqualTo("ok");
            assertThatThrownBy(() -> c.send(ClientRequest.post(srv.url("/b"), RequestBody.of("x"))))
                    .isInstanceOfSatisfying(ClientException.class,
                            e -> assertThat(e.kind()).isIn(ClientException.Kind.PREMATURE_EOF, ClientException.Kind.RESET));
            assertThat(srv.accepted()).isEqualTo(1);
        }
    }

    @Test
    void drainGivesTheConnectionBackAfterTheLateResponse() throws Exception {
        try (Client c = new Client(ClientConfig.builder().timeout(Duration.ofMillis(300))
                .timeoutPolicy(TimeoutPolicy.DRAIN).build())) {
            assertThatThrownBy(() -> get(c, url("/slow?s=0.8"))).isInstanceOf(HttpTimeoutException.class);
            // the late response arrives at ~0.8 s and is drained; the connection goes back to the pool
            Await.until("the drain ends", () -> c.stats().drainedReused() + c.stats().drainedClosed() > 0);
            assertThat(c.stats().drainedReused()).isEqualTo(1);
            assertThat(get(c, url("/hello"))).isEqualTo("hello\n");
            assertThat(c.stats().opened()).as("no new connection").isEqualTo(1);
            assertThat(c.stats().closed()).isZero();
        }
    }

    @Test
    void closePolicyClosesTheConnectionAtTheTimeout() throws Exception {
        try (Client c = new Client(ClientConfig.builder().timeout(Duration.ofMillis(300))
                .timeoutPolicy(TimeoutPolicy.CLOSE).build())) {
            assertThatThrownBy(() -> get(c, url("/slow?s=0.8"))).isInstanceOf(HttpTimeoutException.class);
            assertThat(c.stats().closed()).isEqualTo(1);
            assertThat(get(c, url("/hello"))).isEqualTo("hello\n");
            assertThat(c.stats().opened()).isEqualTo(2);
        }
    }

    @Test
    void drainOverBudgetClosesTheConnection() throws Exception {
        try (Client c = new Client(ClientConfig.builder().timeout(Duration.ofMillis(200))
                .drainTimeout(Duration.ofMillis(200)).build())) {
            assertThatThrownBy(() -> get(c, url("/slow?s=2"))).isInstanceOf(HttpTimeoutException.class);
            Await.until("the drain ends", () -> c.stats().drainedReused() + c.stats().drainedClosed() > 0);
            assertThat(c.stats().drainedClosed()).isEqualTo(1);
            assertThat(c.stats().drainedReused()).isZero();
        }
    }

    @Test
    void drainByteBudgetClosesALargeLateResponse() throws Exception {
        try (Client c = new Client(ClientConfig.builder().drainMaxBytes(1000).build())) {
            ClientResponse r = c.send(ClientRequest.get(url("/big?n=100000")));
            r.close(); // closed before the end: drained within 1000 bytes, which is not enough
            Await.until("the drain ends", () -> c.stats().drainedReused() + c.stats().drainedClosed() > 0);
            assertThat(c.stats().drainedClosed()).isEqualTo(1);
        }
    }

    @Test
    void unclosedBodyDoesNotLeakThePoolsCapacity() throws Exception {
        try (Client c = new Client(ClientConfig.builder().maxConnsPerHost(1).timeout(Duration.ofMillis(300))
                .poolWaitTimeout(Duration.ofSeconds(3)).build())) {
            ClientResponse leaked = c.send(ClientRequest.get(url("/big?n=100000")));
            assertThat(leaked.status()).isEqualTo(200);
            // never read nor closed: the call's total timeout frees the only connection
            long t0 = System.nanoTime();
            ClientRequest next = ClientRequest.builder("GET", java.net.URI.create(url("/hello")))
                    .timeout(Duration.ofSeconds(5)).build();
            try (ClientResponse r = c.send(next)) {
                assertThat(r.bodyAsString()).isEqualTo("hello\n");
            }
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3000);
            assertThat(c.stats().timeouts(Phase.TOTAL)).as("the abandoned call's timeout is counted").isEqualTo(1);
        }
    }

    @Test
    void eventsArriveInPairsAndInOrder() throws Exception {
        StringBuilder log = new StringBuilder();
        EventListener ev = new EventListener() {
            @Override public void callStart(ClientRequest r) { log.append("callStart "); }
            @Override public void connectStart(ClientRequest r, java.net.InetSocketAddress a) { log.append("connectStart "); }
            @Override public void connectEnd(ClientRequest r, long id) { log.append("connectEnd "); }
            @Override public void poolAcquired(ClientRequest r, long id, boolean reused, long w) { log.append("acquired(" + reused + ") "); }
            @Override public void requestWritten(ClientRequest r, long id) { log.append("written "); }
            @Override public void responseHeaders(ClientRequest r, long id, int s) { log.append("headers(" + s + ") "); }
            @Override public void bodyDone(ClientRequest r, long id, long n) { log.append("bodyDone(" + n + ") "); }
            @Override public void callEnd(ClientRequest r) { log.append("callEnd "); }
            @Override public void connectionReused(long id) { log.append("reused "); }
        };
        try (Client c = new Client(ClientConfig.builder().listener(ev).build())) {
            get(c, url("/hello"));
            get(c, url("/hello"));
        }
        assertThat(log.toString().trim()).isEqualTo(
                "callStart connectStart connectEnd acquired(false) written headers(200) bodyDone(6) callEnd "
                        + "callStart reused acquired(true) written headers(200) bodyDone(6) callEnd");
    }
}
