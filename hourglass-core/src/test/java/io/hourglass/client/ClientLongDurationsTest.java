package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Any Duration the API accepts works: long timeouts are clamped internally to
 * {@link io.hourglass.internal.text.Durations#MAX} instead of overflowing an int or a long (issue 13).
 */
class ClientLongDurationsTest {
    Server server;

    @BeforeEach
    void start() throws Exception {
        server = Server.start(ServerConfig.builder().port(0).build(), (req, res) -> res.send("ok"));
    }

    @AfterEach
    void stop() {
        server.shutdown();
    }

    @Test
    void thirtyDayTimeoutWithConnectTimeoutDisabledWorks() throws Exception {
        ClientConfig cfg = ClientConfig.builder().timeout(Duration.ofDays(30)).connectTimeout(Duration.ZERO).build();
        try (Client c = new Client(cfg); ClientResponse r = c.send(ClientRequest.get(server.url() + "/"))) {
            assertThat(r.bodyAsString()).isEqualTo("ok");
        }
    }

    @Test
    void theLargestDurationsAndDeadlinesWork() throws Exception {
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
        ClientConfig cfg = ClientConfig.builder().timeout(huge).connectTimeout(huge).tlsHandshakeTimeout(huge)
                .responseHeaderTimeout(huge).expectContinueTimeout(huge).idleTimeout(huge).poolWaitTimeout(huge)
                .drainTimeout(huge).build();
        try (Client c = new Client(cfg)) {
            for (int i = 0; i < 2; i++) { // the second call reuses the pooled connection (idle timeout armed)
                ClientRequest req = ClientRequest.builder("POST", URI.create(server.url() + "/"))
                        .body(RequestBody.of("x")).expectContinue(true).timeout(huge).responseHeaderTimeout(huge)
                        .deadline(Instant.MAX).build();
                try (ClientResponse r = c.send(req)) {
                    assertThat(r.bodyAsString()).isEqualTo("ok");
                }
            }
        }
    }
}
