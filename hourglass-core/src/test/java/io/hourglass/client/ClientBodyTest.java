package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.server.Router;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request bodies from bytes, strings, files and streams (with a length, or chunked), against a real server. */
class ClientBodyTest {
    Server server;
    final AtomicReference<String> framing = new AtomicReference<>();

    @BeforeEach
    void start() throws Exception {
        server = Server.start(ServerConfig.builder().port(0).build(), new Router().post("/echo", (req, res) -> {
            framing.set(req.contentLength() < 0 ? "chunked" : "length " + req.contentLength());
            res.send(req.body().readAllBytes());
        }));
    }

    @AfterEach
    void stop() {
        server.shutdown();
    }

    String echo(Client c, RequestBody body) throws Exception {
        ClientRequest req = ClientRequest.builder("POST", URI.create(server.url() + "/echo")).body(body).build();
        try (ClientResponse r = c.send(req)) {
            return r.bodyAsString();
        }
    }

    @Test
    void bodiesOfEveryKindArriveIntact(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("body.txt");
        String big = "0123456789".repeat(5000);
        Files.writeString(file, big);
        try (Client c = new Client()) {
            assertThat(echo(c, RequestBody.of("text"))).isEqualTo("text");
            assertThat(framing.get()).isEqualTo("length 4");
            assertThat(echo(c, RequestBody.of(new byte[] {1, 2, 3}))).hasSize(3);
            assertThat(echo(c, RequestBody.of(file))).isEqualTo(big);
            assertThat(framing.get()).isEqualTo("length 50000");
            assertThat(echo(c, RequestBody.of(new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)), -1)))
                    .isEqualTo(big);
            assertThat(framing.get()).isEqualTo("chunked");
            assertThat(echo(c, RequestBody.of(new ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8)), 3)))
                    .isEqualTo("abc");
            assertThat(c.stats().opened()).as("all on one connection").isEqualTo(1);
        }
    }
}
