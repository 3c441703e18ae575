package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.testing.RawPeer;
import java.time.Duration;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The two attempts of a hedged call (issue 14) run at once, each on a thread of its own: what one attempt
 * learns about its connection (that it was stale, that its retry must dial) is its own, and must not change
 * what the other does; and the call's cancel reaches the attempt that won. Driven by a raw server whose n-th
 * request behaves as scripted, ordered by latches.
 */
class ClientHedgeAttemptsTest {
    static final long WAIT_S = 10;

    /** The server's requests in arrival order (from 1), each a latch the test opens to let it end. */
    final CountDownLatch[] arrived = latches(7);
    final CountDownLatch[] release = latches(7);
    final AtomicInteger seen = new AtomicInteger();

    static CountDownLatch[] latches(int n) {
        CountDownLatch[] l = new CountDownLatch[n];
        for (int i = 0; i < n; i++) {
            l[i] = new CountDownLatch(1);
        }
        return l;
    }

    /**
     * Requests 1 and 2 are answered once both have come (so the client holds two pooled connections); 3 and 4,
     * the hedged call's two attempts on those pooled connections, are read and then the connection closes
     * without an answer when the test says (a stale pooled connection, RFC 9110 section 9.2.2); 5, the first
     * attempt's retry on a new connection, closes the same way (a new connection's failure is final); 6, the
     * second attempt's retry on a new connection, is answered.
     */
    void script(RawPeer.Connection c) throws Exception {
        while (c.readHead() != null) {
            int n = seen.incrementAndGet();
            arrived[n].countDown();
            if (n <= 2) {
                arrived[n == 1 ? 2 : 1].await(WAIT_S, TimeUnit.SECONDS);
                c.send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nwarm");
                continue;
            }
            if (n == 6) {
                c.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhedge");
                continue;
            }
            release[n].await(WAIT_S, TimeUnit.SECONDS);
            return; // closed with nothing sent
        }
    }

    @Test
    void aHedgedAttemptsStaleRetryIsItsOwnWhileTheOtherAttemptRetries() throws Exception {
        try (RawPeer srv = RawPeer.server(this::script);
             Client c = new Client(ClientConfig.builder().maxAttempts(2).hedgeDelay(Duration.ofMillis(20))
                     .retryBudgetFloor(100).build())) {
            CompletableFuture<ClientResponse> w1 = c.newCall(ClientRequest.get(srv.url("/warm"))).executeAsync();
            CompletableFuture<ClientResponse> w2 = c.newCall(ClientRequest.get(srv.url("/warm"))).executeAsync();
            assertThat(w1.get(WAIT_S, TimeUnit.SECONDS).bodyAsString()).isEqualTo("warm");
            assertThat(w2.get(WAIT_S, TimeUnit.SECONDS).bodyAsString()).isEqualTo("warm");

            CompletableFuture<ClientResponse> call = c.newCall(ClientRequest.get(srv.url("/hedged"))).executeAsync();
            await(3); // the first attempt, on a pooled connection, gets no answer within the hedge delay
            await(4); // so the second starts, on the other pooled connection
            release[3].countDown(); // the first attempt's connection turns out stale: retried on a new one
            await(5);
            // While that retry runs, the second attempt's connection turns out stale too: it is retried on a new
            // connection of its own, whatever the first attempt's retry does (here it fails for good).
            release[4].countDown();
            release[5].countDown();
            try (ClientResponse r = call.get(WAIT_S, TimeUnit.SECONDS)) {
                assertThat(r.bodyAsString()).isEqualTo("hedge");
            }
            assertThat(seen.get()).isEqualTo(6);
            assertThat(srv.accepted()).isEqualTo(4); // two warm, one new for each attempt's retry
        }
    }

    void await(int n) throws InterruptedException {
        assertThat(arrived[n].await(WAIT_S, TimeUnit.SECONDS)).as("request %d arrived", n).isTrue();
    }

    @Test
    void cancellingAfterAHedgeReachesTheWinnersBodyReadAtOnce() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
                    c.readHead();
                    int n = seen.incrementAndGet();
                    arrived[n].countDown();
                    if (n == 1) { // the first attempt answers once the hedge has started, and its body stalls
                        arrived[2].await(WAIT_S, TimeUnit.SECONDS);
                        c.send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhal");
                    }
                    release[n].await(WAIT_S, TimeUnit.SECONDS);
                });
             Client c = new Client(ClientConfig.builder().maxAttempts(2).hedgeDelay(Duration.ofMillis(20))
                     .retryBudgetFloor(100).build())) {
            Call call = c.newCall(ClientRequest.get(srv.url("/hedged")));
            try (ClientResponse r = call.execute(); InputStream body = r.body()) {
                assertThat(seen.get()).isEqualTo(2); // both attempts were sent; the first won
                assertThat(new String(body.readNBytes(3))).isEqualTo("hal");
                AtomicReference<Throwable> error = new AtomicReference<>();
                Thread reader = new Thread(() -> {
                    try {
                        body.readNBytes(7); // the rest never comes
                    } catch (Throwable e) {
                        error.set(e);
                    }
                });
                reader.start();
                // the cancel comes while the read waits (its state, not a sleep; the read checks a cancel that
                // came before it, which would not test how the cancel reaches a waiting read)
                long until = System.nanoTime() + WAIT_S * 1_000_000_000L;
                boolean waits;
                while (!(waits = Blocked.waiting(reader)) && System.nanoTime() - until < 0) {
                    Thread.onSpinWait();
                }
                assertThat(waits).as("the read waits for the body (parked, or in its connection's selector)").isTrue();
                long t0 = System.nanoTime();
                call.cancel();
                reader.join(WAIT_S * 2_000);
                // at once, not when the stalled server gives up (WAIT_S)
                assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(ClientTimeoutsTest.SLACK_MS);
                assertThat(error.get()).isInstanceOfSatisfying(ClientException.class,
                        e -> assertThat(e.kind()).isEqualTo(ClientException.Kind.CANCELLED));
            } finally {
                release[1].countDown();
                release[2].countDown();
            }
        }
    }
}
