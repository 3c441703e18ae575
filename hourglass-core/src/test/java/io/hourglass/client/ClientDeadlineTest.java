package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.http.Deadline;
import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.internal.text.GrpcTimeout;
import io.hourglass.server.Handler;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import io.hourglass.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client side of deadlines that travel (issue 14): a call made while a deadline is current is bounded by
 * it less the reserve (phase DEADLINE), refused without sending when nothing is left, and sends what is left
 * in {@code Request-Timeout}; opt-outs per client and per request; DRAIN still applies; and a chain of two
 * servers passes a shrinking deadline on. Timing windows: never earlier than the limit, late by at most
 * {@link ClientTimeoutsTest#SLACK_MS}.
 */
class ClientDeadlineTest {
    static final long SLACK_MS = ClientTimeoutsTest.SLACK_MS;
    final List<Server> servers = new CopyOnWriteArrayList<>();
    final List<String> received = new CopyOnWriteArrayList<>(); // Request-Timeout values the upstream saw

    @AfterEach
    void stop() {
        for (Server s : servers) s.shutdown();
    }

    /** An upstream that records the deadline header and sleeps {@code sleepMs} (stopping when cancelled). */
    Server upstream(long sleepMs, boolean honour) throws Exception {
        Handler h = (req, res) -> {
            if (req.path().equals("/warm")) {
                res.send("warm"); // a first call that only opens the connection
                return;
            }
            received.add(String.valueOf(req.header("Request-Timeout")));
            try {
                Thread.sleep(sleepMs); // the handler's duration, per test
            } catch (InterruptedException e) {
                return;
            }
            res.send("ok");
        };
        Server s = Server.start(ServerConfig.builder().host("127.0.0.1").port(0).honourDeadlines(honour)
                .shutdownTimeout(Duration.ofSeconds(1)).build(), h);
        servers.add(s);
        return s;
    }

    static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void aCallUnderACurrentDeadlineIsBoundedByItWithPhaseDeadlineAndForwardsIt() throws Exception {
        Server up = upstream(5_000, false);
        try (Client client = new Client(ClientConfig.builder().timeout(Duration.ofSeconds(10)).build())) {
            long t0 = System.nanoTime();
            Deadline d = Deadline.after(Duration.ofMillis(400));
            assertThatThrownBy(() -> d.call(() -> client.send(ClientRequest.get(up.url() + "/"))))
                    .isInstanceOfSatisfying(HttpTimeoutException.class, e -> {
                        assertThat(e.phase()).isEqualTo(Phase.DEADLINE);
                        assertThat(e.limit()).isLessThanOrEqualTo(Duration.ofMillis(395));
                    });
            // 400 ms less the client's 5 ms reserve
            assertThat(ms(t0)).isBetween(390L, 400 + SLACK_MS);
            assertThat(client.stats().timeouts(Phase.DEADLINE)).isEqualTo(1);
            assertThat(client.stats().timeouts(Phase.TOTAL)).isZero();
            assertThat(client.clientMetrics().deadlines(false)).isEqualTo(1);
            assertThat(received).hasSize(1);
            // what was left when the call started, less the reserve (class loading on a cold JVM takes some)
            long sent = GrpcTimeout.parse(received.get(0));
            assertThat(sent).isBetween(100_000_000L, 395_000_000L);
        }
    }

    @Test
    void nothingLeftRefusesTheCallAtOnceWithoutSending() throws Exception {
        Server up = upstream(0, false);
        try (Client client = new Client()) {
            Deadline d = Deadline.after(Duration.ofMillis(3)); // less than the 5 ms reserve
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> d.call(() -> client.send(ClientRequest.get(up.url() + "/"))))
                    .isInstanceOfSatisfying(HttpTimeoutException.class, e -> {
                        assertThat(e.phase()).isEqualTo(Phase.DEADLINE);
                        assertThat(e.getMessage()).contains("refused, nothing sent").contains("deadlineReserve");
                    });
            assertThat(ms(t0)).isLessThan(100);
            assertThat(client.clientMetrics().deadlines(true)).isEqualTo(1);
            assertThat(client.stats().timeouts(Phase.DEADLINE)).isEqualTo(1);
            assertThat(client.stats().opened()).isZero();
            assertThat(received).isEmpty();
        }
    }

    @Test
    void theOwnTimeoutWhenEarlierStaysTotalAndIsWhatIsForwarded() throws Exception {
        Server up = upstream(5_000, false);
        try (Client client = new Client(ClientConfig.builder().timeout(Duration.ofMillis(300)).build())) {
            Deadline d = Deadline.after(Duration.ofSeconds(5));
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> d.call(() -> client.send(ClientRequest.get(up.url() + "/"))))
                    .isInstanceOfSatisfying(HttpTimeoutException.class, e -> assertThat(e.phase()).isEqualTo(Phase.TOTAL));
            assertThat(ms(t0)).isBetween(290L, 300 + SLACK_MS);
            assertThat(client.clientMetrics().deadlines(false)).isZero();
            assertThat(GrpcTimeout.parse(received.get(0))).isBetween(50_000_000L, 300_000_000L);
        }
    }

    @Test
    void optOutsPerClientAndPerRequest() throws Exception {
        Server up = upstream(0, false);
        Deadline d = Deadline.after(Duration.ofSeconds(5));
        try (Client client = new Client()) {
            ClientRequest out = ClientRequest.builder("GET", java.net.URI.create(up.url() + "/")).inheritDeadline(false)
                    .build();
            try (ClientResponse r = d.call(() -> client.send(out))) {
                assertThat(r.status()).isEqualTo(200);
            }
            assertThat(client.clientMetrics().deadlines(false)).isZero();
        }
        try (Client client = new Client(ClientConfig.builder().inheritDeadline(false).build())) {
            try (ClientResponse r = d.call(() -> client.send(ClientRequest.get(up.url() + "/")))) {
                assertThat(r.status()).isEqualTo(200);
            }
        }
        try (Client client = new Client(ClientConfig.builder().forwardDeadline(false).build())) {
            try (ClientResponse r = d.call(() -> client.send(ClientRequest.get(up.url() + "/")))) {
                assertThat(r.status()).isEqualTo(200);
            }
            assertThat(client.clientMetrics().deadlines(false)).isEqualTo(1); // still bounded, not forwarded
        }
        try (Client client = new Client()) {
            Deadline.detached(() -> { // detached work: no deadline, no header
                try (ClientResponse r = client.send(ClientRequest.get(up.url() + "/"))) {
                    assertThat(r.status()).isEqualTo(200);
                }
                return null;
            });
        }
        assertThat(received).containsExactly("null", "null", "null", "null");
    }

    @Test
    void drainStillAppliesToACallCutShortByAnInheritedDeadline() throws Exception {
        CountDownLatch late = new CountDownLatch(1);
        Handler slowThenAnswer = (req, res) -> {
            if (req.path().equals("/fast")) {
                res.send("fast");
                return;
            }
            try {
                Thread.sleep(600); // outlasts the caller's deadline
            } catch (InterruptedException e) {
                return;
            }
            res.send("late");
            late.countDown();
        };
        Server up = Server.start(ServerConfig.builder().host("127.0.0.1").port(0).honourDeadlines(false)
                .shutdownTimeout(Duration.ofSeconds(1)).build(), slowThenAnswer);
        servers.add(up);
        try (Client client = new Client(ClientConfig.builder().timeoutPolicy(TimeoutPolicy.DRAIN).build())) {
            try (ClientResponse warm = client.send(ClientRequest.get(up.url() + "/fast"))) {
                warm.body().readAllBytes(); // warm: the deadline below is not spent loading classes
            }
            long started = client.stats().drainsStarted();
            long reused = client.stats().drainedReused();
            assertThatThrownBy(() -> Deadline.after(Duration.ofMillis(200))
                    .call(() -> client.send(ClientRequest.get(up.url() + "/slow"))))
                    .isInstanceOfSatisfying(HttpTimeoutException.class, e -> assertThat(e.phase()).isEqualTo(Phase.DEADLINE));
            assertThat(late.await(5, TimeUnit.SECONDS)).isTrue();
            Await.until("the drain gives the connection back", () -> client.stats().drainedReused() != reused);
            assertThat(client.stats().drainsStarted() - started).isEqualTo(1);
            assertThat(client.stats().drainedReused() - reused).isEqualTo(1);
            try (ClientResponse r = client.send(ClientRequest.get(up.url() + "/fast"))) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.reused()).isTrue(); // the drained connection served the next call
            }
        }
    }

    @Test
    void aServersHandlerPassesTheShrinkingDeadlineOnToTheNextServer() throws Exception {
        Server c = upstream(5_000, true);
        Client hop = new Client(ClientConfig.builder().timeout(Duration.ofSeconds(30)).build());
        Handler forward = (req, res) -> {
            try (ClientResponse r = hop.send(ClientRequest.get(c.url() + "/"))) {
                String expired = r.headers().first("Deadline-Expired");
                if (expired != null) {
                    res.header("Deadline-Expired", expired); // C's own 504 (its deadline came first)
                }
                res.status(r.status()).send(r.body().readAllBytes());
            }
        };
        Server b = Server.start(ServerConfig.builder().host("127.0.0.1").port(0).shutdownTimeout(Duration.ofSeconds(1))
                .build(), forward);
        servers.add(b);
        try (Client caller = new Client(); hop) {
            long t0 = System.nanoTime();
            Deadline d = Deadline.after(Duration.ofMillis(500));
            // C's deadline or B's call to C (whichever is first) runs out a reserve before the caller's: B answers
            // 504 Deadline-Expired, C's or its own (the handler lets the DEADLINE error go: 504, not 408), or, when
            // that is a few milliseconds late, the caller's own deadline passes
            try (ClientResponse r = d.call(() -> caller.send(ClientRequest.get(b.url() + "/")))) {
                assertThat(r.status()).isEqualTo(504);
                assertThat(r.headers().first("Deadline-Expired")).isEqualTo("true");
            } catch (HttpTimeoutException e) {
                assertThat(e.phase()).isEqualTo(Phase.DEADLINE);
            }
            assertThat(ms(t0)).isBetween(475L, 500 + SLACK_MS);
            // C saw B's remaining time: less than the caller's 495 ms by B's and the hop client's reserves
            assertThat(received).hasSize(1);
            assertThat(GrpcTimeout.parse(received.get(0))).isBetween(300_000_000L, 486_000_000L);
            assertThat(hop.clientMetrics().deadlines(false)).isEqualTo(1);
        }
    }

    @Test
    void whatIsForwardedIsWhatIsLeftWhenTheRequestIsWrittenAfterWaitingForTheConnection() throws Exception {
        Server up = upstream(400, false);
        try (Client client = new Client(ClientConfig.builder().maxConnsPerHost(1).build())) {
            Thread first = Thread.ofVirtual().start(() -> {
                try (ClientResponse r = client.send(ClientRequest.get(up.url() + "/"))) {
                    r.body().readAllBytes(); // holds the only connection for 400 ms
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Await.until("the server has the first request", () -> !received.isEmpty());
            // this call waits about 400 ms for the connection: the server must hear of the 1.6 s left then, not 2 s
            try (ClientResponse r = Deadline.after(Duration.ofSeconds(2)).call(() ->
                    client.send(ClientRequest.get(up.url() + "/")))) {
                assertThat(r.status()).isEqualTo(200);
            }
            first.join();
            assertThat(received).hasSize(2);
            assertThat(GrpcTimeout.parse(received.get(1))).isLessThan(1_700_000_000L);
        }
    }

    @Test
    void overHttp2TheDeadlineTravelsAndTheServerCutsTheStreamShortWith504() throws Exception {
        Server up = upstream(5_000, true);
        try (Client client = new Client(ClientConfig.builder().protocols(Protocol.H2_PRIOR_KNOWLEDGE).build())) {
            try (ClientResponse warm = client.send(ClientRequest.get(up.url() + "/warm"))) {
                warm.body().readAllBytes(); // the connection and its SETTINGS first, and the classes loaded
                assertThat(warm.version()).isEqualTo("HTTP/2");
            }
            long t0 = System.nanoTime();
            try (ClientResponse r = Deadline.after(Duration.ofMillis(400)).call(() ->
                    client.send(ClientRequest.get(up.url() + "/")))) {
                // the server's deadline (395 ms less its reserve) comes before the client's (395 ms)
                assertThat(r.status()).isEqualTo(504);
                assertThat(r.headers().first("deadline-expired")).isEqualTo("true");
            } catch (HttpTimeoutException e) {
                assertThat(e.phase()).isEqualTo(Phase.DEADLINE); // or the client's own, a few ms later
            }
            assertThat(ms(t0)).isBetween(380L, 400 + SLACK_MS);
            assertThat(GrpcTimeout.parse(received.get(0))).isBetween(100_000_000L, 395_000_000L);
        }
    }
}
