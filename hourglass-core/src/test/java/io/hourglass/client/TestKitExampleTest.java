package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.observe.MetricsRegistry;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import io.hourglass.testing.ManualClock;
import io.hourglass.testing.RawPeer;
import io.hourglass.testing.TestResponse;
import io.hourglass.testing.TestServer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's "Test your own timeouts" examples, as written there (keep the two in step): the test kit's
 * TestServer and ManualClock against a client's total timeout, and RawPeer against a server's read-header
 * timeout.
 */
class TestKitExampleTest {
    @RegisterExtension
    final TestServer server = new TestServer();           // a real Hourglass server on a free port

    @Test
    void aHungResponseFailsAtTheTimeoutAndNotBefore() throws Exception {
        server.enqueue(TestResponse.hang());               // the response never comes
        ManualClock clock = new ManualClock();
        try (Client client = new Client(ClientConfig.builder().timeout(Duration.ofSeconds(2)).build(),
                new MetricsRegistry(), clock);
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<ClientResponse> call = threads.submit(() -> client.send(ClientRequest.get(server.url("/slow"))));
            server.takeRequest();                          // the request is in; the server sits on it
            clock.advance(Duration.ofMillis(1999));
            assertThat(call).isNotDone();
            clock.advance(Duration.ofMillis(1));           // now: no sleeping, no slack
            assertThatThrownBy(call::get).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(HttpTimeoutException.class);
        }
    }

    @Test
    void aHeadThatNeverEndsGets408() throws Exception {
        try (Server s = Server.start(ServerConfig.builder().port(0).readHeaderTimeout(Duration.ofMillis(300)).build(),
                     (req, res) -> res.send("hi"));
             RawPeer.Connection c = RawPeer.connect(s.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\n");      // ... and the blank line never comes
            assertThat(c.readResponse().status()).isEqualTo(408);
        }
    }
}
