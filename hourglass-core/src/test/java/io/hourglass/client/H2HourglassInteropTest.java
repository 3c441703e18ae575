package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.server.Router;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import io.hourglass.testing.TestCertificate;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP/2 client against Hourglass's own HTTP/2 server: h2 by ALPN over TLS and h2c with prior knowledge
 * on the same port as HTTP/1.1 (the handler sees "h2" and "h2c"); curl fetches the same resources as a second client. The handler sees which
 * protocol carried each request, so a call that fell back to HTTP/1.1 would show.
 */
class H2HourglassInteropTest {
    @TempDir
    static Path dir;
    static Path cert;
    static Server server;
    static byte[] big;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("curl", "curl");
        cert = TestCertificate.localhost().certificateFile();
        Path key = TestCertificate.localhost().keyFile();
        big = new byte[3 * 1024 * 1024 + 3]; // past the client's stream window (1 MiB) and the server's
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7 + 3);
        }
        Router r = new Router()
                .get("/hello", (req, res) -> res.header("x-proto", req.protocol()).send("hello over " + req.protocol() + "\n"))
                .get("/big", (req, res) -> res.send(big))
                .route("POST /echo", (req, res) -> res.send(req.body().readAllBytes()));
        server = Server.start(ServerConfig.builder().host("127.0.0.1").port(0).tls(cert, key).build(), r);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    String url(String path) {
        return "https://127.0.0.1:" + server.port() + path;
    }

    @Test
    void overTlsByAlpn() throws Exception {
        try (Client c = new Client(ClientConfig.builder().trustedCaFile(cert).timeout(Duration.ofSeconds(20)).build())) {
            exercise(c, url(""));
        }
        assertThat(H2InteropTest.curl("--http2", "--cacert", cert.toString(), url("/big"))).isEqualTo(H2InteropTest.sha256(big));
    }

    @Test
    void h1OnlyClientGetsHttp11FromTheSameServer() throws Exception {
        try (Client c = new Client(ClientConfig.builder().trustedCaFile(cert).protocols(Protocol.HTTP_1_1).build());
                ClientResponse r = c.send(ClientRequest.get(url("/hello")))) {
            assertThat(r.version()).isEqualTo("HTTP/1.1");
            assertThat(r.header("x-proto")).isEqualTo("http/1.1");
        }
    }

    /** The same calls over TLS: h2 chosen by ALPN, one connection for all of them. */
    private static void exercise(Client c, String base) throws Exception {
        try (ClientResponse r = c.send(ClientRequest.get(base + "/hello"))) {
            assertThat(r.version()).isEqualTo("HTTP/2");
            assertThat(r.header("x-proto")).isEqualTo("h2");
            assertThat(r.bodyAsString()).isEqualTo("hello over h2\n");
        }
        try (ClientResponse r = c.send(ClientRequest.get(base + "/big"))) {
            assertThat(r.bodyAsBytes()).isEqualTo(big);
        }
        byte[] upload = new byte[500_000];
        java.util.Arrays.fill(upload, (byte) 'h');
        try (ClientResponse r = c.send(ClientRequest.post(base + "/echo", RequestBody.of(upload)))) {
            assertThat(r.bodyAsBytes()).isEqualTo(upload);
        }
        try (ClientResponse r = c.send(ClientRequest.post(base + "/echo",
                RequestBody.of(new java.io.ByteArrayInputStream(upload), -1)))) {
            assertThat(r.bodyAsBytes()).as("a streamed body").isEqualTo(upload);
        }
        H2InteropTest.concurrentCallsShareOneConnection(c, base + "/big", 24);
        assertThat(c.stats().opened()).isEqualTo(1);
    }

    @Test
    void overH2cWithPriorKnowledge() throws Exception {
        Server clear = Server.start(ServerConfig.builder().host("127.0.0.1").port(0).build(),
                new Router().get("/hello", (req, res) -> res.send("hello over " + req.protocol() + "\n")));
        try {
            try (Client c = new Client(ClientConfig.builder().protocols(Protocol.H2_PRIOR_KNOWLEDGE).build());
                    ClientResponse r = c.send(ClientRequest.get(clear.url() + "/hello"))) {
                assertThat(r.version()).isEqualTo("HTTP/2");
                assertThat(r.bodyAsString()).isEqualTo("hello over h2c\n");
            }
            assertThat(H2InteropTest.curl("--http2-prior-knowledge", clear.url() + "/hello"))
                    .isEqualTo(H2InteropTest.sha256("hello over h2c\n".getBytes()));
        } finally {
            clear.shutdown();
        }
    }
}
