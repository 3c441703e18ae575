package io.hourglass.client;

import static io.hourglass.client.H2ClientTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.internal.h2.Frame;
import io.hourglass.observe.MetricsRegistry;
import io.hourglass.testing.ManualClock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 liveness at its defaults (30 s read idle, 5 s ping timeout) on fake time: against a server that
 * vanished (no FIN, no RST, no answer), the PING goes out when the connection has read nothing for 30 s, not
 * before, and the call fails in phase PING 5 s later, not before. The call itself has no timeout: only
 * liveness can end it. The test sleeps for none of these limits.
 */
class H2ManualClockTest {
    /** Real time given to something that must not happen yet, before the test moves on. */
    static final Duration NOT_YET = Duration.ofMillis(150);

    @Test
    void theDefaultLivenessFindsAVanishedServerAfterReadIdlePlusPingTimeout() throws Exception {
        ManualClock clock = new ManualClock();
        java.util.concurrent.CountDownLatch stuckWritten = new java.util.concurrent.CountDownLatch(1);
        EventListener onWritten = new EventListener() {
            @Override
            public void requestWritten(ClientRequest request, long connectionId) {
                if (request.uri().getPath().equals("/stuck")) {
                    stuckWritten.countDown();
                }
            }
        };
        ClientConfig cfg = ClientConfig.builder().protocols(Protocol.H2_PRIOR_KNOWLEDGE).timeout(Duration.ZERO)
                .responseHeaderTimeout(Duration.ZERO).listener(onWritten).build();
        assertThat(cfg.http2ReadIdleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(cfg.http2PingTimeout()).isEqualTo(Duration.ofSeconds(5));
        try (H2Peer peer = new H2Peer(); Client c = new Client(cfg, new MetricsRegistry(), clock,
                host -> new InetAddress[] {InetAddress.getLoopbackAddress()})) {
            // A first call answered: every frame the server sent so far has been read at fake time 0.
            H2Peer.Session s = H2FaultTest.warmUp(c, peer);
            CompletableFuture<ClientResponse> f = CompletableFuture.supplyAsync(() -> send(c, peer.url("/stuck")));
            s.expect(Frame.HEADERS);
            s.blackhole();
            // The client's write is over (its write deadline cleared) before the clock moves: the peer may
            // read the HEADERS an instant before the writer clears it, and 5 s of fake time would end it.
            assertThat(stuckWritten.await(10, TimeUnit.SECONDS)).isTrue();

            clock.advance(Duration.ofSeconds(30).minusMillis(1));
            assertThat(s.poll(Frame.PING, NOT_YET)).as("no PING before 30 s of read idle").isNull();
            clock.advance(Duration.ofMillis(1));
            assertThat(s.expect(Frame.PING).flags() & Frame.FLAG_ACK).as("a PING, not an ACK").isZero();

            clock.advance(Duration.ofSeconds(5).minusMillis(1));
            assertNotDone(f);
            clock.advance(Duration.ofMillis(1));
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> f.get(5, TimeUnit.SECONDS));
            HttpTimeoutException e = H2ClientTest.timeoutOf(t);
            assertThat(e).as("a timeout in %s", t).isNotNull();
            assertThat(e.phase()).isEqualTo(Phase.PING);
            assertThat(e.limit()).isEqualTo(Duration.ofSeconds(5));
            assertThat(e.elapsed()).isEqualTo(Duration.ofSeconds(5));
            assertThat(e.getMessage()).contains("stream 3");
            assertThat(c.stats().timeouts(Phase.PING)).isEqualTo(1);
        }
    }

    static void assertNotDone(CompletableFuture<?> f) throws Exception {
        try {
            Object o = f.get(NOT_YET.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("the call ended before its time: " + o);
        } catch (TimeoutException expected) {
            // still waiting, as it should
        }
    }
}
