package io.hourglass.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.client.Client;
import io.hourglass.client.ClientConfig;
import io.hourglass.client.ClientException;
import io.hourglass.client.ClientRequest;
import io.hourglass.client.ClientResponse;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** {@link TestCertificate}: what its certificates say, that peers accept them, and that each is made once. */
class TestCertificateTest {

    @Test
    void localhostIsForTheNameAndTheLoopbackAddress() throws Exception {
        TestCertificate c = TestCertificate.localhost();
        assertThat(c.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
        assertThat(c.certificate().getIssuerX500Principal()).isEqualTo(c.certificate().getSubjectX500Principal());
        assertThat(c.certificate().getSubjectAlternativeNames())
                .containsExactly(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
        assertThat(c.certificate().getBasicConstraints()).as("CA:TRUE, as openssl req -x509 makes them")
                .isEqualTo(Integer.MAX_VALUE);
        assertThat(c.certificate().getExtendedKeyUsage()).isNull();
        assertThat(c.privateKey().getAlgorithm()).isEqualTo("RSA");
        c.certificate().checkValidity();
        assertThat(Files.readString(c.certificateFile())).startsWith("-----BEGIN CERTIFICATE-----\n");
        assertThat(Files.readString(c.keyFile())).startsWith("-----BEGIN PRIVATE KEY-----\n");
    }

    @Test
    void aClientCertificateIsForClientAuthentication() throws Exception {
        TestCertificate c = TestCertificate.client("ann");
        assertThat(c.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=ann");
        assertThat(c.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(c.certificate().getSubjectAlternativeNames()).isNull();
    }

    @Test
    void eachCertificateIsMadeOncePerJvmEvenWhenAskedForAtOnce() throws Exception {
        List<Future<TestCertificate>> asked = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 8; i++) {
                asked.add(threads.submit(() -> TestCertificate.server("once.example", "::1")));
            }
        }
        TestCertificate first = asked.get(0).get();
        for (Future<TestCertificate> f : asked) {
            assertThat(f.get()).isSameAs(first);
        }
        assertThat(first.certificate().getSubjectAlternativeNames())
                .containsExactly(List.of(2, "once.example"), List.of(7, "0:0:0:0:0:0:0:1"));
        assertThat(TestCertificate.localhost()).isSameAs(TestCertificate.localhost());
        assertThat(TestCertificate.server("once.example")).isNotSameAs(first);
    }

    @Test
    void hourglassAndTheJdkClientTrustItAndCheckTheName() throws Exception {
        TestCertificate c = TestCertificate.localhost();
        try (Server server = Server.start(ServerConfig.builder().host("127.0.0.1").port(0)
                .tls(c.certificateFile(), c.keyFile()).build(), (req, res) -> res.send("secure"));
             Client client = new Client(ClientConfig.builder().trustedCaFile(c.certificateFile(), false).build());
             HttpClient jdk = HttpClient.newBuilder().sslContext(c.trustingContext()).build()) {
            for (String host : List.of("localhost", "127.0.0.1")) {
                try (ClientResponse r = client.send(ClientRequest.get("https://" + host + ":" + server.port() + "/"))) {
                    assertThat(r.bodyAsString()).isEqualTo("secure");
                }
            }
            HttpResponse<String> r = jdk.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port()))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).isEqualTo("secure");
        }
        try (Server other = Server.start(ServerConfig.builder().host("127.0.0.1").port(0)
                .tls(TestCertificate.server("other.example").certificateFile(),
                        TestCertificate.server("other.example").keyFile()).build(), (req, res) -> res.send("?"));
             Client client = new Client(ClientConfig.builder().trustedCaFile(
                     TestCertificate.server("other.example").certificateFile(), false).build())) {
            assertThatThrownBy(() -> client.send(ClientRequest.get("https://127.0.0.1:" + other.port() + "/")))
                    .as("trusted, but for another name").isInstanceOf(ClientException.class)
                    .extracting(e -> ((ClientException) e).kind()).isEqualTo(ClientException.Kind.TLS);
        }
    }

    @Test
    void blankNamesAreRefused() {
        assertThatThrownBy(TestCertificate::server).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one name");
        assertThatThrownBy(() -> TestCertificate.server("a", " ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TestCertificate.server("a", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[a, null]");
        assertThatThrownBy(() -> TestCertificate.client("")).isInstanceOf(IllegalArgumentException.class);
    }
}
