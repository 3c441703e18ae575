package io.hourglass.client;

import static io.hourglass.client.H2ClientTest.clientError;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.http.Headers;
import io.hourglass.testing.TestCertificate;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request trailers against a server nobody here wrote: Go's net/http (Debian golang-go), over HTTP/1.1 in
 * clear text and HTTP/2 over TLS by ALPN. Its handler reports {@code r.Trailer}: the names the header
 * declared before the body is read, and the values after. Go's HTTP/2 server keeps only declared trailers and
 * resets a stream whose trailers it finds invalid, so this also checks the announcement and the frame.
 */
class ClientRequestTrailersGoTest {
    @TempDir
    static Path dir;
    static Path cert;
    static Process go;
    static int h1Port, h2Port;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("go", "golang-go");
        cert = TestCertificate.localhost().certificateFile();
        Path key = TestCertificate.localhost().keyFile();
        Path bin = Path.of("target", "go-trailers").toAbsolutePath();
        Files.createDirectories(bin.getParent());
        Tools.goBuild(Path.of("src/test/resources/go-trailers/main.go"), bin);
        go = new ProcessBuilder(bin.toString(), cert.toString(), key.toString()).redirectErrorStream(true).start();
        String line = new BufferedReader(new InputStreamReader(go.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).as("the Go server's first line").startsWith("ports ");
        String[] ports = line.substring(6).strip().split(" ");
        h1Port = Integer.parseInt(ports[0]);
        h2Port = Integer.parseInt(ports[1]);
    }

    @AfterAll
    static void stop() {
        if (go != null) {
            go.destroyForcibly();
        }
    }

    static Client client(String proto) {
        ClientConfig.Builder b = ClientConfig.builder().timeout(Duration.ofSeconds(20));
        return new Client(proto.equals("h1") ? b.protocols(Protocol.HTTP_1_1).build() : b.trustedCaFile(cert).build());
    }

    static String url(String proto, String path) {
        return proto.equals("h1") ? "http://127.0.0.1:" + h1Port + path : "https://127.0.0.1:" + h2Port + path;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void goSeesTheDeclaredNamesFirstAndTheValuesAfterTheBody(String proto) throws Exception {
        byte[] up = ClientRequestTrailersServerTest.upload(250_000);
        String sha = ClientRequestTrailersTest.hex(up);
        try (Client c = client(proto)) {
            ClientRequestTrailersTest.Checksummed body = new ClientRequestTrailersTest.Checksummed(up);
            ClientRequest req = ClientRequest.builder("PUT", url(proto, "/trailers"))
                    .body(RequestBody.of(body.in, -1))
                    .trailers(List.of("X-Checksum", "X-Size"), () -> body.trailers().add("X-Size", Integer.toString(up.length)))
                    .build();
            try (ClientResponse r = c.send(req)) {
                assertThat(r.version()).isEqualTo(proto.equals("h1") ? "HTTP/1.1" : "HTTP/2");
                assertThat(r.bodyAsString()).isEqualTo("proto=" + (proto.equals("h1") ? "HTTP/1.1" : "HTTP/2.0") + "\n"
                        + "declared=X-Checksum,X-Size\n"
                        + "sha=" + sha + "\n"
                        + "trailer X-Checksum=" + sha + "\n"
                        + "trailer X-Size=" + up.length + "\n");
            }
            // Values known up front, on a body of known length.
            ClientRequest fixed = ClientRequest.builder("POST", url(proto, "/trailers")).body(RequestBody.of(up))
                    .trailers(new Headers().add("X-Checksum", sha).add("X-Checksum", "second")).build();
            try (ClientResponse r = c.send(fixed)) {
                assertThat(r.bodyAsString()).endsWith("declared=X-Checksum\nsha=" + sha + "\n"
                        + "trailer X-Checksum=" + sha + "\ntrailer X-Checksum=second\n");
            }
            assertThat(c.stats().opened()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void aFailingSupplierLeavesGosHandlerWithABodyReadError(String proto) throws Exception {
        try (Client c = client(proto)) {
            ClientRequest req = ClientRequest.builder("POST", url(proto, "/trailers"))
                    .body(RequestBody.of(new ByteArrayInputStream(ClientRequestTrailersServerTest.upload(200_000)), -1))
                    .trailers(List.of("X-Checksum"), () -> {
                        throw new IllegalStateException("no checksum");
                    })
                    .build();
            ClientException e = clientError(() -> c.send(req).close());
            assertThat(e.kind()).isEqualTo(ClientException.Kind.IO);
            assertThat(e.getMessage()).contains("request trailers").contains("no checksum");
            try (ClientResponse r = c.send(ClientRequest.get(url(proto, "/last-error")))) {
                // Go's words for a chunked body cut short, and for a stream the client reset with CANCEL
                assertThat(r.bodyAsString()).isEqualTo(proto.equals("h1") ? "unexpected EOF" : "stream error: stream ID 1; CANCEL");
            }
        }
    }
}
