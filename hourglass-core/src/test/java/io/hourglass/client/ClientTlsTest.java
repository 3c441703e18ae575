package io.hourglass.client;

import io.hourglass.testing.RawPeer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import io.hourglass.testing.TestCertificate;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client over TLS against a real Hourglass server: a trusted CA file, connection reuse, chain and
 * hostname verification failing with kind TLS, and the handshake timeout. The certificates are
 * {@link TestCertificate}s.
 */
class ClientTlsTest {
    static final long SLACK_MS = 900;

    /** Self-signed for 127.0.0.1 and localhost. */
    static final Path cert = TestCertificate.localhost().certificateFile(), key = TestCertificate.localhost().keyFile();
    /** Self-signed for other.example only. */
    static final Path otherCert = TestCertificate.server("other.example").certificateFile(),
            otherKey = TestCertificate.server("other.example").keyFile();
    Server server;

    @AfterEach
    void stop() {
        if (server != null) server.shutdown();
    }

    private String serve(Path certFile, Path keyFile) throws IOException {
        server = Server.start(ServerConfig.builder().port(0).tls(certFile, keyFile).build(),
                (req, res) -> res.send("secure " + req.path() + "\n"));
        assertThat(server.url()).startsWith("https://127.0.0.1:");
        return server.url();
    }

    static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void trustedCaFileGives200OverHttpsAndReusesTheConnection() throws Exception {
        String base = serve(cert, key);
        try (Client client = new Client(ClientConfig.builder().trustedCaFile(cert).build())) {
            for (int i = 0; i < 3; i++) {
                try (ClientResponse r = client.send(ClientRequest.get(base + "/n" + i))) {
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.bodyAsString()).isEqualTo("secure /n" + i + "\n");
                    assertThat(r.toString()).endsWith(i == 0 ? ", new)" : ", reused)");
                }
            }
            assertThat(client.stats().opened()).isEqualTo(1);
            assertThat(client.stats().reused()).isEqualTo(2);
        }
    }

    @Test
    void hostNameInTheCertificateIsAccepted() throws Exception {
        serve(cert, key);
        try (Client client = new Client(ClientConfig.builder().trustedCaFile(cert).build())) {
            // SNI carries "localhost"; localhost may resolve to ::1 first, where nothing listens
            try (ClientResponse r = client.send(ClientRequest.get("https://localhost:" + server.port() + "/named"))) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyAsString()).isEqualTo("secure /named\n");
            }
        }
    }

    @Test
    void withoutTheCaFileTheChainIsNotTrustedAndTheCallFailsWithKindTls() throws Exception {
        String base = serve(cert, key);
        try (Client client = new Client()) {
            assertThatThrownBy(() -> client.send(ClientRequest.get(base + "/")))
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ClientException.Kind.TLS);
                        assertThat(e.getMessage()).startsWith("TLS failure: GET " + base + "/");
                    });
            assertThat(client.stats().opened()).as("a failed handshake opens no connection").isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"127.0.0.1", "localhost"})
    void certificateForAnotherNameFailsHostnameVerificationWithKindTls(String host) throws Exception {
        serve(otherCert, otherKey);
        // the chain is trusted, so only the name can fail
        try (Client client = new Client(ClientConfig.builder().trustedCaFile(otherCert).build())) {
            assertThatThrownBy(() -> client.send(ClientRequest.get("https://" + host + ":" + server.port() + "/")))
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ClientException.Kind.TLS);
                        assertThat(e.getMessage()).containsIgnoringCase("subject alternative").contains(host);
                    });
        }
    }

    @Test
    void handshakeTimeoutFiresAgainstAPlainTcpServerThatNeverAnswers() throws Exception {
        // The CA file makes the client build its TLS context now, so the window below holds the call only.
        try (RawPeer srv = RawPeer.server(c -> Thread.sleep(30_000));
             Client client = new Client(ClientConfig.builder().trustedCaFile(cert)
                     .tlsHandshakeTimeout(Duration.ofMillis(500)).build())) {
            String url = "https://127.0.0.1:" + srv.port() + "/";
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> client.send(ClientRequest.get(url)))
                    .isInstanceOfSatisfying(HttpTimeoutException.class, e -> {
                        assertThat(e.phase()).isEqualTo(Phase.TLS_HANDSHAKE);
                        assertThat(e.limit()).isEqualTo(Duration.ofMillis(500));
                        assertThat(e.elapsed().toMillis()).isBetween(500L, 500 + SLACK_MS);
                        assertThat(e.getMessage()).startsWith("TLS handshake not completed within 500ms");
                    });
            assertThat(ms(t0)).isBetween(500L, 500 + SLACK_MS);
            assertThat(client.stats().timeouts(Phase.TLS_HANDSHAKE)).isEqualTo(1);
            assertThat(client.stats().opened()).isZero();
        }
    }

    @Test
    void totalTimeoutShorterThanTheHandshakeTimeoutNamesTotal() throws Exception {
        // the peer accepts and never starts the TLS handshake
        try (RawPeer srv = RawPeer.server(c -> Thread.sleep(30_000));
             Client client = new Client(ClientConfig.builder().trustedCaFile(cert).timeout(Duration.ofMillis(400))
                     .tlsHandshakeTimeout(Duration.ofSeconds(10)).build())) {
            String url = "https://127.0.0.1:" + srv.port() + "/";
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> client.send(ClientRequest.get(url)))
                    .isInstanceOfSatisfying(HttpTimeoutException.class, e -> {
                        assertThat(e.phase()).isEqualTo(Phase.TOTAL);
                        assertThat(e.getMessage()).contains("in the TLS handshake");
                    });
            assertThat(ms(t0)).isBetween(400L, 400 + SLACK_MS);
        }
    }
}
