package io.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.testing.RawPeer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@code Keep-Alive: timeout=N} hint of HTTP/1.1 responses, from the server's idle timeout (issue 14). */
class ServerKeepAliveHintTest {
    Server server;

    void start(ServerConfig.Builder b) throws Exception {
        server = Server.start(b.host("127.0.0.1").port(0).shutdownTimeout(Duration.ofSeconds(2)).build(), (req, res) -> {
            res.header("Keep-Alive", "timeout=999"); // the server owns connection management: dropped
            res.send("ok\n");
        });
    }

    @AfterEach
    void stop() {
        if (server != null) server.shutdown();
    }

    @Test
    void keepAliveResponsesAdvertiseTheIdleTimeoutInWholeSeconds() throws Exception {
        start(ServerConfig.builder().idleTimeout(Duration.ofMillis(2900)));
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.header("keep-alive")).isEqualTo("timeout=2"); // rounded down: never more than there is
            c.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            r = c.readResponse();
            assertThat(r.header("connection")).isEqualTo("keep-alive");
            assertThat(r.header("keep-alive")).isEqualTo("timeout=2");
        }
    }

    @Test
    void aResponseThatClosesTheConnectionHasNoHint() throws Exception {
        start(ServerConfig.builder());
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            RawPeer.Response r = c.readResponse();
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(r.header("keep-alive")).isNull();
        }
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET / HTTP/1.0\r\n\r\n");
            assertThat(c.readResponse().header("keep-alive")).isNull();
        }
    }

    @Test
    void noIdleTimeoutMeansNoHint() throws Exception {
        start(ServerConfig.builder().idleTimeout(Duration.ZERO));
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.readResponse().header("keep-alive")).isNull();
        }
    }

    @Test
    void theDefaultIdleTimeoutIsAdvertised() throws Exception {
        start(ServerConfig.builder());
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.readResponse().header("keep-alive")).isEqualTo("timeout=120");
        }
    }
}
