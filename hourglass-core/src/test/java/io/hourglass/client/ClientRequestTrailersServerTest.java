package io.hourglass.client;

import static io.hourglass.client.H2ClientTest.clientError;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.http.Headers;
import io.hourglass.server.Handler;
import io.hourglass.server.Router;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import io.hourglass.testing.TestCertificate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Request trailers against Hourglass's own server, over HTTP/1.1, h2c with prior knowledge and h2 by ALPN over
 * TLS: the handler finds them in {@code req.trailers()} once it has read the body; a supplier that fails
 * leaves the handler with a body that never ends well; an expect-continue refusal means no body and no
 * supplier call; redirects send them again (307) or drop them with the body (303).
 */
class ClientRequestTrailersServerTest {
    enum Mode { H1, H2C, H2 }

    @TempDir
    static Path dir;
    static Path cert;
    static Server clear, tls;
    static final BlockingQueue<String> outcomes = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        cert = TestCertificate.localhost().certificateFile();
        Path key = TestCertificate.localhost().keyFile();
        Handler echo = (req, res) -> {
            String sha = sha256(req.body());
            StringBuilder sb = new StringBuilder();
            sb.append("protocol=").append(req.protocol()).append('\n')
                    .append("Trailer=").append(req.header("Trailer")).append('\n')
                    .append("Transfer-Encoding=").append(req.header("Transfer-Encoding")).append('\n')
                    .append("sha=").append(sha).append('\n');
            Headers t = req.trailers();
            for (int i = 0; i < t.size(); i++) {
                sb.append("trailer ").append(t.name(i)).append('=').append(t.value(i)).append('\n');
            }
            res.send(sb.toString());
        };
        Handler cut = (req, res) -> {
            try {
                req.body().readAllBytes();
                outcomes.add("complete, trailers " + req.trailers().size());
            } catch (IOException e) {
                outcomes.add("failed: " + e.getClass().getSimpleName());
                throw e;
            }
            res.send("read");
        };
        Router r = new Router()
                .route("POST /echo", echo)
                .route("GET /echo", echo)
                .route("POST /cut", cut)
                .route("POST /reject", (req, res) -> res.status(403).send("no body wanted\n"))
                .route("POST /moved-307", (req, res) -> redirect(req, res, 307))
                .route("POST /moved-303", (req, res) -> redirect(req, res, 303));
        clear = Server.start(ServerConfig.builder().host("127.0.0.1").port(0).build(), r);
        tls = Server.start(ServerConfig.builder().host("127.0.0.1").port(0).tls(cert, key).build(), r);
    }

    /** Reads the whole request first, so the client has sent its body and trailers whatever the timing. */
    private static void redirect(io.hourglass.server.Request req, io.hourglass.server.Response res, int status)
            throws IOException {
        req.body().readAllBytes();
        res.status(status).header("Location", "/echo").send("");
    }

    @AfterAll
    static void stop() {
        for (Server s : new Server[] {clear, tls}) {
            if (s != null) {
                s.shutdown();
            }
        }
    }

    static Client client(Mode m) {
        ClientConfig.Builder b = ClientConfig.builder().timeout(Duration.ofSeconds(20));
        return new Client(switch (m) {
            case H1 -> b.protocols(Protocol.HTTP_1_1).build();
            case H2C -> b.protocols(Protocol.H2_PRIOR_KNOWLEDGE).build();
            case H2 -> b.trustedCaFile(cert).build();
        });
    }

    static String url(Mode m, String path) {
        return (m == Mode.H2 ? "https://127.0.0.1:" + tls.port() : "http://127.0.0.1:" + clear.port()) + path;
    }

    static String protocol(Mode m) {
        return switch (m) {
            case H1 -> "http/1.1";
            case H2C -> "h2c";
            case H2 -> "h2";
        };
    }

    static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] upload(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 13 + 1);
        }
        return b;
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theHandlerSeesTheTrailersOnceItHasReadTheBody(Mode m) throws Exception {
        byte[] up = upload(300_000); // past the server's stream window over HTTP/2: flow control on the way
        String sha = ClientRequestTrailersTest.hex(up);
        try (Client c = client(m)) {
            for (boolean expect : new boolean[] {false, true}) {
                ClientRequestTrailersTest.Checksummed body = new ClientRequestTrailersTest.Checksummed(up);
                ClientRequest req = ClientRequest.builder("POST", url(m, "/echo"))
                        .body(RequestBody.of(body.in, -1))
                        .trailers(List.of("X-Checksum", "X-Uploader"), () -> body.trailers().add("X-Uploader", "test"))
                        .expectContinue(expect)
                        .build();
                try (ClientResponse r = c.send(req)) {
                    String seen = r.bodyAsString();
                    assertThat(seen).as("expect-continue %s", expect)
                            .contains("protocol=" + protocol(m) + "\n")
                            .contains("sha=" + sha + "\n")
                            .containsIgnoringCase("trailer X-Checksum=" + sha + "\n")
                            .containsIgnoringCase("Trailer=X-Checksum, X-Uploader\n")
                            .containsIgnoringCase("trailer X-Uploader=test\n");
                    if (m == Mode.H1) {
                        assertThat(seen).contains("Transfer-Encoding=chunked\n");
                    }
                }
                assertThat(body.asked).hasValue(1);
            }
            // Values known up front, on a body of known length (chunked over HTTP/1.1 all the same).
            ClientRequest fixed = ClientRequest.builder("POST", url(m, "/echo")).body(RequestBody.of(up))
                    .trailers(new Headers().add("X-Checksum", sha)).build();
            try (ClientResponse r = c.send(fixed)) {
                assertThat(r.bodyAsString()).containsIgnoringCase("trailer X-Checksum=" + sha + "\n");
            }
            assertThat(c.stats().opened()).as("connections").isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aFailingSupplierFailsTheCallAndTheHandlerNeverGetsAWholeBody(Mode m) throws Exception {
        outcomes.clear();
        try (Client c = client(m)) {
            ClientRequest req = ClientRequest.builder("POST", url(m, "/cut"))
                    .body(RequestBody.of(new ByteArrayInputStream(upload(200_000)), -1))
                    .trailers(List.of("X-Checksum"), () -> {
                        throw new IllegalStateException("checksum service down");
                    })
                    .build();
            ClientException e = clientError(() -> c.send(req).close());
            assertThat(e.kind()).isEqualTo(ClientException.Kind.IO);
            assertThat(e.getMessage()).contains("request trailers").contains("checksum service down");
            String outcome = outcomes.poll(10, TimeUnit.SECONDS);
            assertThat(outcome).as("what the handler's body read ended with").startsWith("failed");
            // The next call: a new connection over HTTP/1.1 (that one was cut), the same one over HTTP/2.
            try (ClientResponse r = c.send(ClientRequest.builder("POST", url(m, "/cut")).body(RequestBody.of("x")).build())) {
                assertThat(r.bodyAsString()).isEqualTo("read");
                assertThat(r.reused()).isEqualTo(m != Mode.H1);
            }
            assertThat(outcomes.poll(10, TimeUnit.SECONDS)).isEqualTo("complete, trailers 0");
            assertThat(c.stats().opened()).isEqualTo(m == Mode.H1 ? 2 : 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aFinalStatusInsteadOf100MeansNoBodyAndNoSupplierCall(Mode m) throws Exception {
        AtomicInteger asked = new AtomicInteger();
        try (Client c = client(m)) {
            ClientRequest req = ClientRequest.builder("POST", url(m, "/reject"))
                    .body(RequestBody.of(upload(100_000))).expectContinue(true)
                    .trailers(List.of("X-Checksum"), () -> {
                        asked.incrementAndGet();
                        return new Headers().add("X-Checksum", "0");
                    })
                    .build();
            try (ClientResponse r = c.send(req)) {
                assertThat(r.status()).isEqualTo(403);
                assertThat(r.bodyAsString()).isEqualTo("no body wanted\n");
            }
            assertThat(asked).hasValue(0);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aSlowSupplierSpendsTheCallsTimeAndTheCallFailsWithPhaseTotal(Mode m) throws Exception {
        try (Client c = client(m)) {
            c.send(ClientRequest.get(url(m, "/echo"))).close(); // connected: the timeout below covers the supplier
            ClientRequest req = ClientRequest.builder("POST", url(m, "/cut")).body(RequestBody.of(upload(1000)))
                    .timeout(Duration.ofMillis(300))
                    .trailers(List.of("X-Checksum"), () -> {
                        try {
                            Thread.sleep(600); // the behaviour under test: a supplier slower than the call's timeout
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return new Headers().add("X-Checksum", "late");
                    })
                    .build();
            long t0 = System.nanoTime();
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> c.send(req).close());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(H2ClientTest.phaseOf(t)).as("%s", t).isEqualTo(io.hourglass.http.Phase.TOTAL);
            assertThat(ms).as("the supplier's 600 ms, then at once").isBetween(600L, 2000L);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"H1", "H2C"})
    void a307SendsBodyAndTrailersAgainAndA303DropsBoth(Mode m) throws Exception {
        byte[] up = upload(5_000);
        AtomicInteger asked = new AtomicInteger();
        try (Client c = client(m)) {
            ClientRequest req = ClientRequest.builder("POST", url(m, "/moved-307")).body(RequestBody.of(up))
                    .trailers(List.of("X-Checksum"), () -> {
                        asked.incrementAndGet();
                        return new Headers().add("X-Checksum", "abc");
                    })
                    .build();
            try (ClientResponse r = c.send(req)) {
                assertThat(r.bodyAsString()).contains("sha=" + ClientRequestTrailersTest.hex(up) + "\n")
                        .containsIgnoringCase("trailer X-Checksum=abc\n");
            }
            assertThat(asked).as("once per hop that sent the body").hasValue(2);
            try (ClientResponse r = c.send(req.toBuilder().uri(java.net.URI.create(url(m, "/moved-303"))).build())) {
                String seen = r.bodyAsString();
                assertThat(seen).contains("Trailer=null\n").doesNotContainIgnoringCase("trailer X-Checksum");
            }
            assertThat(asked).as("the 303's GET has no body and no trailers").hasValue(3);
        }
    }
}
