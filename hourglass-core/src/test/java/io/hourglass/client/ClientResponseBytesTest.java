package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.server.Router;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link ClientResponse#bodyAsBytes()} reads a body of a declared length into an array of that size: every shape
 * of body still comes back whole, over HTTP/1.1 and HTTP/2, and the connection goes back to the pool.
 */
class ClientResponseBytesTest {
    static final String BIG = "0123456789".repeat(20_000); // 200 000 bytes: more than one socket read

    Server server;

    @BeforeEach
    void start() throws Exception {
        server = Server.start(ServerConfig.builder().port(0).build(), new Router()
                .get("/small", (req, res) -> res.send("hello\n"))
                .get("/big", (req, res) -> res.send(BIG))
                .get("/empty", (req, res) -> res.send(new byte[0]))
                .get("/chunked", (req, res) -> {
                    try (OutputStream out = res.body()) {
                        out.write("part one, ".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        out.write("part two".getBytes(StandardCharsets.UTF_8));
                    }
                }));
    }

    @AfterEach
    void stop() {
        server.shutdown();
    }

    @ParameterizedTest
    @EnumSource(value = Protocol.class, names = {"HTTP_1_1", "H2_PRIOR_KNOWLEDGE"})
    void bodiesOfADeclaredLengthOrNoneComeBackWholeOnOneConnection(Protocol protocol) throws Exception {
        try (Client c = new Client(ClientConfig.builder().protocols(protocol).build())) {
            for (int i = 0; i < 2; i++) {
                assertThat(bytes(c, ClientRequest.get(server.url() + "/small"))).isEqualTo("hello\n");
                assertThat(bytes(c, ClientRequest.get(server.url() + "/big"))).isEqualTo(BIG);
                assertThat(bytes(c, ClientRequest.get(server.url() + "/empty"))).isEmpty();
                assertThat(bytes(c, ClientRequest.get(server.url() + "/chunked"))).isEqualTo("part one, part two");
            }
            assertThat(c.stats().opened()).as("each body read to its end gave the connection back").isEqualTo(1);
        }
    }

    @Test
    void aHeadResponseDeclaresALengthAndHasNoBody() throws Exception {
        try (Client c = new Client()) {
            ClientRequest head = ClientRequest.builder("HEAD", java.net.URI.create(server.url() + "/small")).build();
            try (ClientResponse r = c.send(head)) {
                assertThat(r.header("Content-Length")).isEqualTo("6");
                assertThat(r.bodyAsBytes()).isEmpty();
            }
            assertThat(bytes(c, ClientRequest.get(server.url() + "/small"))).isEqualTo("hello\n");
            assertThat(c.stats().opened()).isEqualTo(1);
        }
    }

    @Test
    void aBodyLongerOrShorterThanItsDeclaredLengthComesBackAsItIs() throws Exception {
        // An interceptor replaced the body and kept the headers: Content-Length (6) no longer matches it.
        String longer = "a body longer than six";
        try (Client c = new Client(ClientConfig.builder().addInterceptor(replacingBody(longer)).build())) {
            assertThat(bytes(c, ClientRequest.get(server.url() + "/small"))).isEqualTo(longer);
        }
        try (Client c = new Client(ClientConfig.builder().addInterceptor(replacingBody("hi")).build())) {
            assertThat(bytes(c, ClientRequest.get(server.url() + "/small"))).isEqualTo("hi");
        }
    }

    /** An interceptor that answers with the server's headers and {@code body} in place of the server's body. */
    static Interceptor replacingBody(String body) {
        return chain -> {
            ClientResponse r = chain.proceed(chain.request());
            r.close();
            return r.withBody(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        };
    }

    static String bytes(Client c, ClientRequest req) throws Exception {
        try (ClientResponse r = c.send(req)) {
            return new String(r.bodyAsBytes(), StandardCharsets.UTF_8);
        }
    }
}
