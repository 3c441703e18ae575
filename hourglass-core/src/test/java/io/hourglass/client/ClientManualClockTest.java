package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.observe.MetricsRegistry;
import io.hourglass.testing.ManualClock;
import io.hourglass.testing.TestResponse;
import io.hourglass.testing.TestServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client's timeouts, its pool's idle eviction and the retirement of empty pools on fake time: each passes
 * when the test advances the clock, not before, and the test sleeps for none of them. The server is real; its
 * handlers wait until the client goes away.
 */
class ClientManualClockTest {
    /** How long a call that must not end yet is given to end anyway, in real time, before the test moves on. */
    static final long NOT_YET_MS = 150;

    @RegisterExtension
    final TestServer server = new TestServer();
    final ManualClock clock = new ManualClock();
    Client client;

    final CountDownLatch written = new CountDownLatch(1);

    Client client(ClientConfig.Builder b) {
        EventListener onWritten = new EventListener() {
            @Override
            public void requestWritten(ClientRequest request, long connectionId) {
                written.countDown(); // the response-header clock runs from here
            }
        };
        client = new Client(b.listener(onWritten).build(), new MetricsRegistry(), clock,
                host -> new InetAddress[] {InetAddress.getLoopbackAddress()});
        return client;
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    CompletableFuture<Object> call(String url) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (ClientResponse r = client.send(ClientRequest.get(url))) {
                f.complete(r.bodyAsString());
            } catch (Exception e) {
                f.complete(e);
            }
        });
        return f;
    }

    static void assertNotDone(CompletableFuture<Object> f) throws Exception {
        try {
            Object o = f.get(NOT_YET_MS, TimeUnit.MILLISECONDS);
            throw new AssertionError("the call ended before its time: " + o);
        } catch (TimeoutException expected) {
            // still waiting, as it should
        }
    }

    static HttpTimeoutException timeoutOf(CompletableFuture<Object> f) throws Exception {
        Object o = f.get(5, TimeUnit.SECONDS);
        assertThat(o).isInstanceOf(HttpTimeoutException.class);
        return (HttpTimeoutException) o;
    }

    @Test
    void theCallsTimeoutPassesWhenTheClockReachesIt() throws Exception {
        server.enqueue(TestResponse.hang());
        client(ClientConfig.builder().timeout(Duration.ofSeconds(30)));
        long realStart = System.nanoTime();
        CompletableFuture<Object> f = call(server.url("/hang"));
        // The request is out and the client has cleared its write deadline: only the call's clock can end it now.
        assertThat(written.await(5, TimeUnit.SECONDS)).isTrue();
        clock.advance(Duration.ofSeconds(30).minusMillis(1));
        assertNotDone(f);
        clock.advance(Duration.ofMillis(1));
        HttpTimeoutException e = timeoutOf(f);
        assertThat(e.phase()).isEqualTo(Phase.TOTAL);
        assertThat(e.elapsed()).isEqualTo(Duration.ofSeconds(30)); // fake time: exactly the limit
        assertThat(System.nanoTime() - realStart).as("real time").isLessThan(TimeUnit.SECONDS.toNanos(5));
        assertThat(client.stats().timeouts(Phase.TOTAL)).isEqualTo(1);
    }

    @Test
    void theResponseHeaderTimeoutPassesWhenTheClockReachesIt() throws Exception {
        server.enqueue(TestResponse.hang());
        client(ClientConfig.builder().responseHeaderTimeout(Duration.ofSeconds(10)));
        CompletableFuture<Object> f = call(server.url("/hang"));
        assertThat(written.await(5, TimeUnit.SECONDS)).isTrue();
        clock.advance(Duration.ofSeconds(9));
        assertNotDone(f);
        clock.advance(Duration.ofSeconds(1));
        assertThat(timeoutOf(f).phase()).isEqualTo(Phase.RESPONSE_HEADERS);
    }

    @Test
    void anIdleConnectionIsEvictedAtTheIdleTimeout() throws Exception {
        server.enqueue(TestResponse.ok("one"));
        client(ClientConfig.builder().idleTimeout(Duration.ofSeconds(90)));
        assertThat(call(server.url("/")).get(5, TimeUnit.SECONDS)).isEqualTo("one");
        Pool pool = client.pool(java.net.URI.create(server.url("/")));
        assertThat(pool.idleCount()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(90).minusMillis(1));
        assertThat(pool.idleCount()).as("just before the idle timeout").isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(pool.idleCount()).as("at the idle timeout, when advance returns").isZero();
        assertThat(client.stats().closed()).isEqualTo(1);
    }

    @Test
    void aCallWaitingForTheFullPoolGivesUpAtThePoolWaitTimeout() throws Exception {
        server.enqueue(TestResponse.hang());
        client(ClientConfig.builder().maxConnsPerHost(1).poolWaitTimeout(Duration.ofSeconds(5))
                .timeout(Duration.ofMinutes(10)));
        CompletableFuture<Object> holder = call(server.url("/hang"));
        server.takeRequest();
        CompletableFuture<Object> waiter = call(server.url("/next"));
        Pool pool = client.pool(java.net.URI.create(server.url("/")));
        awaitStat(pool::waitingCount, 1); // its pool-wait clock runs from here
        clock.advance(Duration.ofSeconds(4));
        assertNotDone(waiter);
        clock.advance(Duration.ofSeconds(1));
        Object o = waiter.get(5, TimeUnit.SECONDS);
        assertThat(o).isInstanceOf(PoolTimeoutException.class);
        assertThat(((PoolTimeoutException) o).callDeadline()).isFalse();
        assertThat(holder).isNotDone();
    }

    @Test
    void aDrainThatOverrunsItsBudgetEndsAtTheDrainTimeout() throws Exception {
        server.enqueue(TestResponse.hang());
        client(ClientConfig.builder().timeout(Duration.ofSeconds(1)).drainTimeout(Duration.ofSeconds(30)));
        CompletableFuture<Object> f = call(server.url("/hang"));
        // The request written, as the client sees it: it has cleared the write deadline (the call's deadline
        // while it writes). The server having the request is not enough: advancing before the client cleared it
        // expires the write deadline too, which resets the connection, and the drain ends CLOSED at once.
        assertThat(written.await(5, TimeUnit.SECONDS)).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(timeoutOf(f).phase()).isEqualTo(Phase.TOTAL);
        awaitStat(() -> client.stats().drainsStarted(), 1);
        clock.advance(Duration.ofSeconds(29));
        assertThat(client.stats().draining()).as("within the drain budget").isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        awaitStat(() -> client.stats().drainsAbandoned(), 1);
        assertThat(client.stats().draining()).isZero();
    }

    /** What the timer hands to another thread (a drain's start and end) shows just after advance returns. */
    static void awaitStat(java.util.function.LongSupplier stat, long want) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (stat.getAsLong() != want && System.nanoTime() < until) {
            Thread.onSpinWait();
            Thread.yield();
        }
        assertThat(stat.getAsLong()).isEqualTo(want);
    }

    @Test
    void emptyPoolsAreForgottenAfterTheIdleTimeoutSoManyOriginsCostNothing() throws Exception {
        int origins = 200;
        server.fallback((req, res) -> res.send("ok"));
        client(ClientConfig.builder().idleTimeout(Duration.ofSeconds(60)));
        for (int i = 0; i < origins; i++) {
            assertThat(call("http://h" + i + ".test:" + server.port() + "/").get(5, TimeUnit.SECONDS)).isEqualTo("ok");
        }
        assertThat(client.poolCount()).isEqualTo(origins);
        assertThat(client.metrics().toPrometheusText()).contains("hourglass_client_connections{host=\"h199.test:");
        clock.advance(Duration.ofSeconds(60)); // the idle connections are evicted, and the pools are empty
        assertThat(client.poolCount()).as("before the empty pools' own linger").isEqualTo(origins);
        clock.advance(Duration.ofSeconds(60));
        assertThat(client.poolCount()).as("empty for the idle timeout: forgotten").isZero();
        assertThat(client.metrics().toPrometheusText()).doesNotContain("hourglass_client_connections{");
        assertThat(client.stats().opened()).as("the counters stay").isEqualTo(origins);
        // An origin called again gets a new pool, and its counters go on from where they were.
        assertThat(call("http://h7.test:" + server.port() + "/").get(5, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(client.poolCount()).isEqualTo(1);
        assertThat(client.stats().opened()).isEqualTo(origins + 1);
    }
}
