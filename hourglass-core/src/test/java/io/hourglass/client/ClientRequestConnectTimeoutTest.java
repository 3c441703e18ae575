package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.testing.RawPeer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A request's own connect timeout (issue 13) replaces the client's for the connections it dials: against a
 * listener that never completes a connect, the call fails in phase CONNECT at the request's limit, not the
 * client's; and zero means none (then the call's total timeout ends it).
 */
class ClientRequestConnectTimeoutTest {
    static final long SLACK_MS = 900;

    @Test
    void aRequestsConnectTimeoutReplacesTheClients() throws Exception {
        try (RawPeer hole = RawPeer.blackhole();
                Client client = new Client(ClientConfig.builder().connectTimeout(Duration.ofSeconds(20)).build())) {
            ClientRequest req = ClientRequest.builder("GET", hole.url("/")).connectTimeout(Duration.ofMillis(300))
                    .build();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> client.send(req)).isInstanceOfSatisfying(HttpTimeoutException.class, e -> {
                assertThat(e.phase()).isEqualTo(Phase.CONNECT);
                assertThat(e.limit()).isEqualTo(Duration.ofMillis(300));
            });
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(300L, 300 + SLACK_MS);
            assertThat(client.stats().timeouts(Phase.CONNECT)).isEqualTo(1);
        }
    }

    @Test
    void zeroMeansNoConnectTimeoutForThisRequest() throws Exception {
        try (RawPeer hole = RawPeer.blackhole();
                Client client = new Client(ClientConfig.builder().connectTimeout(Duration.ofMillis(100)).build())) {
            ClientRequest req = ClientRequest.builder("GET", hole.url("/")).connectTimeout(Duration.ZERO)
                    .timeout(Duration.ofMillis(600)).build();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> client.send(req)).isInstanceOfSatisfying(HttpTimeoutException.class,
                    e -> assertThat(e.phase()).isEqualTo(Phase.TOTAL));
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(600L, 600 + SLACK_MS);
        }
    }
}
