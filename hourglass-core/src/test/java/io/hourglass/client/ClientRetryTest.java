package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.server.Handler;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import io.hourglass.testing.Await;
import io.hourglass.testing.RawPeer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retries that cannot storm (issue 14), against a real server on loopback whose n-th request gets a scripted
 * answer: only repeatable requests, only retryable outcomes, within the origin's budget, after Retry-After,
 * never when the call's time left is less than its last attempt took, a per-try timeout inside the call's
 * deadline, and {@code Attempt-Count} on every attempt after the first.
 */
class ClientRetryTest {
    Server server;
    final AtomicInteger requests = new AtomicInteger();
    final List<String> attemptHeaders = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) server.shutdown();
    }

    /** A server whose n-th request (from 1) is answered by {@code script}: a status, or -ms to hang that long. */
    String serve(IntFunction<int[]> script) throws Exception {
        Handler h = (req, res) -> {
            int n = requests.incrementAndGet();
            attemptHeaders.add(String.valueOf(req.header(Attempts.ATTEMPT_COUNT)));
            int[] a = script.apply(n);
            if (a[0] < 0) {
                try {
                    Thread.sleep(-a[0]); // the scripted attempt's lateness
                } catch (InterruptedException e) {
                    return;
                }
                res.send("slow");
                return;
            }
            if (a.length > 1) {
                res.header("Retry-After", Integer.toString(a[1]));
            }
            res.status(a[0]).send("answer " + n);
        };
        server = Server.start(ServerConfig.builder().host("127.0.0.1").port(0).shutdownTimeout(Duration.ofSeconds(1))
                .build(), h);
        return server.url() + "/";
    }

    static ClientConfig.Builder retrying() {
        return ClientConfig.builder().maxAttempts(3).retryBackoff(Duration.ofMillis(1)).retryBackoffMax(Duration.ofMillis(5));
    }

    @Test
    void a503IsRetriedWithAnAttemptCountAndCounted() throws Exception {
        String url = serve(n -> n == 1 ? new int[] {503} : new int[] {200});
        try (Client c = new Client(retrying().build()); ClientResponse r = c.send(ClientRequest.get(url))) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString()).isEqualTo("answer 2");
            assertThat(attemptHeaders).containsExactly("null", "2");
            assertThat(retries(c, "sent")).isEqualTo(1);
        }
    }

    @Test
    void withoutMaxAttemptsNothingIsRetried() throws Exception {
        String url = serve(n -> new int[] {503});
        try (Client c = new Client(); ClientResponse r = c.send(ClientRequest.get(url))) {
            assertThat(r.status()).isEqualTo(503);
            assertThat(requests.get()).isEqualTo(1);
        }
    }

    @Test
    void aPostIsRetriedOnlyWithAnIdempotencyKey() throws Exception {
        String url = serve(n -> new int[] {503});
        try (Client c = new Client(retrying().retryBudgetFloor(100).build())) {
            try (ClientResponse r = c.send(ClientRequest.post(url, RequestBody.of("x")))) {
                assertThat(r.status()).isEqualTo(503);
            }
            assertThat(requests.get()).isEqualTo(1);
            ClientRequest keyed = ClientRequest.builder("POST", URI.create(url)).body(RequestBody.of("x"))
                    .header("Idempotency-Key", "k1").build();
            try (ClientResponse r = c.send(keyed)) {
                assertThat(r.status()).isEqualTo(503);
            }
            assertThat(requests.get()).isEqualTo(1 + 3);
        }
    }

    @Test
    void theBudgetBoundsRetriesToItsShareOfCalls() throws Exception {
        String url = serve(n -> new int[] {503}); // a failing upstream: every call would retry twice
        try (Client c = new Client(retrying().retryBudgetPercent(20).retryBudgetFloor(0).build())) {
            for (int i = 0; i < 50; i++) {
                try (ClientResponse r = c.send(ClientRequest.get(url))) {
                    assertThat(r.status()).isEqualTo(503);
                }
            }
            // 50 calls earn 10 retries: 60 requests, not 150 (amplification 1.2, not 3)
            assertThat(requests.get()).isEqualTo(60);
            assertThat(retries(c, "sent")).isEqualTo(10);
            assertThat(retries(c, "budget")).isEqualTo(50); // every call's last wish: 40 first retries, 10 second
        }
    }

    @Test
    void aStaleConnectionsResendTakesFromTheBudgetToo() throws Exception {
        AtomicInteger heads = new AtomicInteger();
        // an upstream that drops its connections under load: it answers a connection's first request, then reads
        // the next one (it may have started on it) and closes without a byte, so every reused connection is stale
        try (RawPeer srv = RawPeer.server(p -> {
                    p.readHead();
                    heads.incrementAndGet();
                    p.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                    if (p.readHead() != null) {
                        heads.incrementAndGet();
                    }
                });
             Client c = new Client(retrying().retryBudgetPercent(20).retryBudgetFloor(0).build())) {
            int ok = 0;
            for (int i = 0; i < 50; i++) {
                try (ClientResponse r = c.send(ClientRequest.get(srv.url("/")))) {
                    r.bodyAsString();
                    ok++;
                } catch (ClientException e) {
                    assertThat(e.kind()).isIn(ClientException.Kind.PREMATURE_EOF, ClientException.Kind.RESET);
                }
            }
            // without the budget each call after the first would reach the upstream twice (99 requests for 50
            // calls); with it, 50 calls earn 10 further requests, whatever made them
            // (integer arithmetic: the k-th call may make the r-th further request when 5r <= k, so 9 or 10 here)
            long sent = retries(c, "sent");
            assertThat(sent).isBetween(9L, 10L);
            assertThat(heads.get()).as("every request beyond one per call is a counted retry").isEqualTo(50 + sent);
            assertThat(ok).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void retryAfterIsHonouredAndALongerOneEndsTheCall() throws Exception {
        String url = serve(n -> n == 1 ? new int[] {503, 0} : n == 2 ? new int[] {429, 5} : new int[] {200});
        try (Client c = new Client(retrying().build())) {
            try (ClientResponse r = c.send(ClientRequest.get(url))) {
                // 503 with Retry-After: 0 retried; the 429 asks for 5 s, more than retryBackoffMax: returned
                assertThat(r.status()).isEqualTo(429);
            }
            assertThat(requests.get()).isEqualTo(2);
            assertThat(retries(c, "retry_after")).isEqualTo(1);
        }
    }

    @Test
    void aDeadlineExpired504IsNotRetried() throws Exception {
        Handler h = (req, res) -> {
            requests.incrementAndGet();
            res.status(504).header("Deadline-Expired", "true").send("gone");
        };
        server = Server.start(ServerConfig.builder().host("127.0.0.1").port(0).build(), h);
        try (Client c = new Client(retrying().build()); ClientResponse r = c.send(ClientRequest.get(server.url() + "/"))) {
            assertThat(r.status()).isEqualTo(504);
            assertThat(requests.get()).isEqualTo(1);
        }
    }

    @Test
    void aPerTryTimeoutEndsAnAttemptAndTheNextOneAnswers() throws Exception {
        String url = serve(n -> n == 1 ? new int[] {-5_000} : new int[] {200});
        try (Client c = new Client(retrying().perTryTimeout(Duration.ofMillis(300)).build())) {
            long t0 = System.nanoTime();
            try (ClientResponse r = c.send(ClientRequest.get(url))) {
                assertThat(r.status()).isEqualTo(200);
            }
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(300L, 300 + ClientTimeoutsTest.SLACK_MS);
            assertThat(c.stats().timeouts(Phase.ATTEMPT)).isEqualTo(1);
            assertThat(attemptHeaders).containsExactly("null", "2");
        }
    }

    @Test
    void theLastAttemptsPerTryTimeoutIsTheCallsError() throws Exception {
        String url = serve(n -> new int[] {-5_000});
        try (Client c = new Client(retrying().maxAttempts(2).perTryTimeout(Duration.ofMillis(200)).build())) {
            assertThatThrownBy(() -> c.send(ClientRequest.get(url)))
                    .isInstanceOfSatisfying(HttpTimeoutException.class, e -> assertThat(e.phase()).isEqualTo(Phase.ATTEMPT));
            assertThat(requests.get()).isEqualTo(2);
            assertThat(c.stats().timeouts(Phase.ATTEMPT)).isEqualTo(2);
        }
    }

    @Test
    void noRetryStartsWhenTheTimeLeftIsLessThanTheLastAttemptTook() throws Exception {
        // the first attempt takes 400 ms and fails; the call has 700 ms: 300 ms left is less than 400
        String url = serve(n -> new int[] {-400});
        try (Client c = new Client(retrying().perTryTimeout(Duration.ofMillis(390)).timeout(Duration.ofMillis(700))
                .build())) {
            assertThatThrownBy(() -> c.send(ClientRequest.get(url)))
                    .isInstanceOfSatisfying(HttpTimeoutException.class, e -> assertThat(e.phase()).isEqualTo(Phase.ATTEMPT));
            assertThat(requests.get()).isEqualTo(1);
            assertThat(retries(c, "deadline")).isEqualTo(1);
        }
    }

    @Test
    void aRefusedConnectionIsRetried() throws Exception {
        String url = serve(n -> new int[] {200});
        server.shutdown();
        server = null;
        try (Client c = new Client(retrying().retryBudgetFloor(100).build())) {
            assertThatThrownBy(() -> c.send(ClientRequest.get(url))).isInstanceOfSatisfying(ClientException.class,
                    e -> assertThat(e.kind()).isEqualTo(ClientException.Kind.REFUSED));
            assertThat(retries(c, "sent")).isEqualTo(2);
        }
    }

    @Test
    void aHedgeAnswersWhenTheFirstAttemptIsSlowAndTheLoserIsCancelled() throws Exception {
        String url = serve(n -> n == 1 ? new int[] {-1_500} : new int[] {200});
        try (Client c = new Client(retrying().hedgeDelay(Duration.ofMillis(100)).retryBudgetFloor(100).build())) {
            long t0 = System.nanoTime();
            try (ClientResponse r = c.send(ClientRequest.get(url))) {
                assertThat(r.bodyAsString()).isEqualTo("answer 2");
            }
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(100L, 100 + ClientTimeoutsTest.SLACK_MS);
            assertThat(attemptHeaders).containsExactly("null", "2");
            assertThat(retries(c, "hedge")).isEqualTo(1);
            // the loser was cancelled: under DRAIN its connection reads the late answer and goes back to the pool
            Await.until("the loser's drain ends", () -> c.stats().drainedReused() + c.stats().drainedClosed() > 0);
            assertThat(c.stats().drainedReused()).isEqualTo(1);
        }
    }

    @Test
    void noHedgeWithoutBudgetAndAFastFirstAttemptNeedsNone() throws Exception {
        String url = serve(n -> n == 1 ? new int[] {-300} : new int[] {200});
        try (Client c = new Client(retrying().hedgeDelay(Duration.ofMillis(50)).retryBudgetPercent(0)
                .retryBudgetFloor(0).build())) {
            try (ClientResponse r = c.send(ClientRequest.get(url))) {
                assertThat(r.bodyAsString()).isEqualTo("slow"); // the budget had no hedge: the first answered
            }
            assertThat(requests.get()).isEqualTo(1);
            assertThat(retries(c, "budget")).isEqualTo(1);
            try (ClientResponse r = c.send(ClientRequest.get(url))) {
                assertThat(r.status()).isEqualTo(200); // within the delay: no hedge needed
            }
            assertThat(requests.get()).isEqualTo(2);
        }
    }

    static long retries(Client c, String result) {
        for (io.hourglass.observe.Family f : c.metrics().families()) {
            if (f instanceof io.hourglass.observe.Counter counter && counter.name().equals("hourglass_client_retries_total")) {
                long n = 0;
                for (var e : counter.children().entrySet()) {
                    if (e.getKey().contains(result)) n += e.getValue().value();
                }
                return n;
            }
        }
        return 0;
    }
}
