package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.testing.TestCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP/2 client against nginx (Debian's), a third server no one here wrote: over TLS where ALPN picks h2,
 * and over h2c with prior knowledge; curl fetches the same resource from both as a second client. nginx
 * opens a request body's window only as it reads (64 KiB preread), so an upload crosses it.
 */
class H2NginxInteropTest {
    @TempDir
    static Path dir;
    static Path cert;
    static Process nginx;
    static int tlsPort, clearPort;
    static byte[] big;

    @BeforeAll
    static void startNginx() throws Exception {
        Tools.require("nginx", "nginx");
        Tools.require("curl", "curl");
        Path docroot = Files.createDirectories(dir.resolve("htdocs"));
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("tmp"));
        Files.writeString(docroot.resolve("hello.txt"), "hello from nginx\n");
        big = new byte[2 * 1024 * 1024 + 5]; // past the client's stream window (1 MiB by default)
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 13 + 1);
        }
        Files.write(docroot.resolve("big.bin"), big);
        cert = TestCertificate.localhost().certificateFile();
        Path key = TestCertificate.localhost().keyFile();
        tlsPort = H2InteropTest.freePort();
        clearPort = H2InteropTest.freePort();
        String conf = """
                daemon off;
                master_process off;
                pid nginx.pid;
                error_log logs/error.log warn;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path tmp/body;
                    proxy_temp_path tmp/proxy;
                    fastcgi_temp_path tmp/fastcgi;
                    uwsgi_temp_path tmp/uwsgi;
                    scgi_temp_path tmp/scgi;
                    http2_max_concurrent_streams 16;
                    client_max_body_size 16m;
                    server {
                        listen 127.0.0.1:%d ssl http2;
                        listen 127.0.0.1:%d http2;
                        ssl_certificate %s;
                        ssl_certificate_key %s;
                        root %s;
                        location = /upload {
                            default_type text/plain;
                            return 200 "got $content_length\\n";
                        }
                    }
                }
                """.formatted(tlsPort, clearPort, cert, key, docroot);
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        nginx = new ProcessBuilder("nginx", "-p", dir.toString() + "/", "-c", confFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        H2InteropTest.awaitListening(tlsPort);
        H2InteropTest.awaitListening(clearPort);
    }

    @AfterAll
    static void stopNginx() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            nginx.waitFor(5, TimeUnit.SECONDS);
            nginx.destroyForcibly();
        }
    }

    @Test
    void nginxOverTlsByAlpn() throws Exception {
        String base = "https://127.0.0.1:" + tlsPort;
        try (Client c = new Client(ClientConfig.builder().trustedCaFile(cert).timeout(Duration.ofSeconds(20))
                .http2StrictMaxConcurrentStreams(true).build())) {
            exercise(c, base);
        }
        assertThat(H2InteropTest.curl("--http2", "--cacert", cert.toString(), base + "/big.bin"))
                .isEqualTo(H2InteropTest.sha256(big));
    }

    @Test
    void nginxOverH2c() throws Exception {
        String base = "http://127.0.0.1:" + clearPort;
        try (Client c = new Client(ClientConfig.builder().protocols(Protocol.H2_PRIOR_KNOWLEDGE)
                .timeout(Duration.ofSeconds(20)).http2StrictMaxConcurrentStreams(true).build())) {
            exercise(c, base);
        }
        assertThat(H2InteropTest.curl("--http2-prior-knowledge", base + "/big.bin")).isEqualTo(H2InteropTest.sha256(big));
    }

    /** The same calls over either transport; one connection carries them all. */
    private static void exercise(Client c, String base) throws Exception {
        try (ClientResponse r = c.send(ClientRequest.get(base + "/hello.txt"))) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.version()).isEqualTo("HTTP/2");
            assertThat(r.header("server")).startsWith("nginx");
            assertThat(r.bodyAsString()).isEqualTo("hello from nginx\n");
        }
        try (ClientResponse r = c.send(ClientRequest.get(base + "/big.bin"))) {
            assertThat(r.bodyAsBytes()).isEqualTo(big);
        }
        try (ClientResponse r = c.send(ClientRequest.builder("HEAD", java.net.URI.create(base + "/big.bin")).build())) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("content-length")).isEqualTo(Integer.toString(big.length));
            assertThat(r.bodyAsBytes()).isEmpty();
        }
        try (ClientResponse r = c.send(ClientRequest.get(base + "/missing"))) {
            assertThat(r.status()).isEqualTo(404);
            r.bodyAsBytes();
        }
        byte[] upload = new byte[300_000];
        java.util.Arrays.fill(upload, (byte) 'n');
        try (ClientResponse r = c.send(ClientRequest.post(base + "/upload", RequestBody.of(upload)))) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString()).isEqualTo("got 300000\n");
        }
        // 40 calls at once against nginx's limit of 16 streams: strict, they wait for slots on the one connection.
        H2InteropTest.concurrentCallsShareOneConnection(c, base + "/big.bin", 40);
        assertThat(c.stats().opened()).isEqualTo(1);
        assertThat(c.stats().h2StreamsOpened()).isEqualTo(45);
    }
}
