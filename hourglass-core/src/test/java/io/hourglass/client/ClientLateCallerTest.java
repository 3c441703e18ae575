package io.hourglass.client;

import io.hourglass.testing.Await;
import io.hourglass.testing.RawPeer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The total deadline holds even when the caller's thread runs late and finds the response already buffered:
 * bytes that arrived after the deadline do not turn a timed-out call into a success.
 *
 * <p>A listener that sleeps once (a documented misuse) stands in for a caller thread that runs late: a GC
 * pause, or carrier threads kept busy on a loaded machine, where {@code LoadCliTest}'s open loop saw calls
 * with a 300ms timeout complete after 500ms to 1.4s against a server that answers after 500ms.
 */
class ClientLateCallerTest {
    static final long SLACK_MS = 900;

    static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Sleeps in one callback, the first time only. */
    static final class LateOnce implements EventListener {
        final AtomicBoolean armed = new AtomicBoolean(true);
        final boolean inRequestWritten;

        LateOnce(boolean inRequestWritten) {
            this.inRequestWritten = inRequestWritten;
        }

        @Override
        public void requestWritten(ClientRequest request, long connectionId) {
            if (inRequestWritten) nap();
        }

        @Override
        public void responseHeaders(ClientRequest request, long connectionId, int status) {
            if (!inRequestWritten) nap();
        }

        private void nap() {
            if (armed.getAndSet(false)) {
                try {
                    Thread.sleep(500); // the late caller itself: what the test measures
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** One call by another client first, so class loading and JIT warm-up stay out of the timed window. */
    static void warmUp(RawPeer srv) throws Exception {
        try (Client warm = new Client(); ClientResponse r = warm.send(ClientRequest.get(srv.url("/warm")))) {
            r.bodyAsString();
        }
    }

    @Test
    void responseBufferedWhileTheCallerWasLateFailsWithTheTotalTimeoutAndDrainKeepsTheConnection() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
                    while (c.readHead() != null) { // answers at once, keeps the connection
                        c.send("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n");
                    }
                });
             Client client = new Client(ClientConfig.builder().timeout(Duration.ofMillis(300))
                     .timeoutPolicy(TimeoutPolicy.DRAIN).listener(new LateOnce(true)).build())) {
            warmUp(srv);
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> client.send(ClientRequest.get(srv.url("/late"))))
                    .isInstanceOfSatisfying(HttpTimeoutException.class, e -> assertThat(e.phase()).isEqualTo(Phase.TOTAL));
            assertThat(ms(t0)).as("fails when the caller resumes").isBetween(500L, 500 + SLACK_MS);
            // the late response was complete: the drain gives the connection back and the next call reuses it
            // the drain runs on its own thread
            Await.until("the drain ends", () -> client.stats().drainedReused() + client.stats().drainedClosed() > 0);
            assertThat(client.stats().drainedReused()).isEqualTo(1);
            try (ClientResponse r = client.send(ClientRequest.get(srv.url("/next")))) {
                assertThat(r.bodyAsString()).isEqualTo("ok\n");
                assertThat(r.reused()).isTrue();
            }
            assertThat(client.stats().opened()).isEqualTo(1);
            assertThat(client.stats().timeouts(Phase.TOTAL)).isEqualTo(1);
            assertThat(client.stats().responses(2)).as("statuses the client delivered or drained").isBetween(1L, 2L);
        }
    }

    @Test
    void responseBufferedWhileTheCallerWasLateUnderCloseClosesTheConnection() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
                    while (c.readHead() != null) {
                        c.send("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n");
                    }
                });
             Client client = new Client(ClientConfig.builder().timeout(Duration.ofMillis(300))
                     .timeoutPolicy(TimeoutPolicy.CLOSE).listener(new LateOnce(true)).build())) {
            assertThatThrownBy(() -> client.send(ClientRequest.get(srv.url("/late"))))
                    .isInstanceOfSatisfying(HttpTimeoutException.class, e -> assertThat(e.phase()).isEqualTo(Phase.TOTAL));
            try (ClientResponse r = client.send(ClientRequest.get(srv.url("/next")))) {
                assertThat(r.bodyAsString()).isEqualTo("ok\n");
                assertThat(r.reused()).isFalse();
            }
            assertThat(client.stats().opened()).isEqualTo(2);
        }
    }

    @Test
    void bodyBufferedWhileTheCallerWasLateFailsWithTheTotalTimeout() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
                    c.readHead();
                    c.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
                    Thread.sleep(50); // the body comes in a later read than the head
                    c.send("body\n");
                    Thread.sleep(10_000); // then silence: the peer never ends the exchange
                });
             Client client = new Client(ClientConfig.builder().timeout(Duration.ofMillis(300))
                     .listener(new LateOnce(false)).build())) {
            warmUp(srv);
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> {
                try (ClientResponse r = client.send(ClientRequest.get(srv.url("/late-body")))) {
                    r.bodyAsString();
                }
            }).isInstanceOfSatisfying(HttpTimeoutException.class, e -> {
                assertThat(e.phase()).isEqualTo(Phase.TOTAL);
                assertThat(e.getMessage()).contains("while reading the body");
            });
            assertThat(ms(t0)).isBetween(500L, 500 + SLACK_MS);
        }
    }
}
