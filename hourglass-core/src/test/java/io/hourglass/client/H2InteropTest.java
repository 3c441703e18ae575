package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.testing.TestCertificate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP/2 client against servers no one here wrote: nghttpd (Debian nghttp2-server) over h2c with prior
 * knowledge and over TLS by ALPN, and Go's net/http server over TLS (Debian golang-go); curl
 * ({@code --http2-prior-knowledge}, {@code --http2}) fetches the same resources as a second client, and the
 * two must agree. The tools are installed with apt when missing (as root), else the test fails naming them.
 */
class H2InteropTest {
    @TempDir
    static Path dir;
    static Path docroot, cert, key;
    static Process nghttpdClear, nghttpdTls, goServer;
    static int clearPort, tlsPort, goPort;
    static byte[] big;

    @BeforeAll
    static void startServers() throws Exception {
        Tools.require("nghttpd", "nghttp2-server");
        Tools.require("curl", "curl");
        Tools.require("go", "golang-go");
        docroot = Files.createDirectories(dir.resolve("htdocs"));
        Files.writeString(docroot.resolve("hello.txt"), "hello from nghttpd\n");
        big = new byte[3 * 1024 * 1024 + 17]; // several stream windows' worth
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + 7);
        }
        Files.write(docroot.resolve("big.bin"), big);
        cert = TestCertificate.localhost().certificateFile();
        key = TestCertificate.localhost().keyFile();
        clearPort = freePort();
        nghttpdClear = Tools.start("nghttpd", "--no-tls", "-a", "127.0.0.1", "-d", docroot.toString(), "--echo-upload",
                "--trailer=x-trailer: from-nghttpd", Integer.toString(clearPort));
        tlsPort = freePort();
        nghttpdTls = Tools.start("nghttpd", "-a", "127.0.0.1", "-d", docroot.toString(), Integer.toString(tlsPort),
                key.toString(), cert.toString());
        awaitListening(clearPort);
        awaitListening(tlsPort);
        Path bin = Path.of("target", "go-h2server").toAbsolutePath();
        Tools.goBuild(Path.of("src/test/resources/go-h2server/main.go"), bin);
        goServer = new ProcessBuilder(bin.toString(), cert.toString(), key.toString()).redirectErrorStream(true).start();
        String line = new BufferedReader(new InputStreamReader(goServer.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).as("the Go server's first line").startsWith("port ");
        goPort = Integer.parseInt(line.substring(5).strip());
    }

    @AfterAll
    static void stopServers() {
        for (Process p : new Process[] {nghttpdClear, nghttpdTls, goServer}) {
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }

    static Client h2c() {
        return new Client(ClientConfig.builder().protocols(Protocol.H2_PRIOR_KNOWLEDGE).timeout(Duration.ofSeconds(20)).build());
    }

    static Client tls() {
        return new Client(ClientConfig.builder().trustedCaFile(cert).timeout(Duration.ofSeconds(20)).build());
    }

    @Test
    void nghttpdOverH2c() throws Exception {
        String base = "http://127.0.0.1:" + clearPort;
        try (Client c = h2c()) {
            try (ClientResponse r = c.send(ClientRequest.get(base + "/hello.txt"))) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.version()).isEqualTo("HTTP/2");
                assertThat(r.bodyAsString()).isEqualTo("hello from nghttpd\n");
                assertThat(r.trailers().first("x-trailer")).isEqualTo("from-nghttpd");
            }
            try (ClientResponse r = c.send(ClientRequest.get(base + "/big.bin"))) {
                assertThat(r.header("content-length")).isEqualTo(Integer.toString(big.length));
                assertThat(r.bodyAsBytes()).isEqualTo(big); // past the stream and connection windows
            }
            byte[] upload = new byte[200_000];
            java.util.Arrays.fill(upload, (byte) 'u');
            try (ClientResponse r = c.send(ClientRequest.post(base + "/hello.txt", RequestBody.of(upload)))) {
                assertThat(r.bodyAsBytes()).isEqualTo(upload); // --echo-upload: past the server's 64 KiB window
            }
            try (ClientResponse r = c.send(ClientRequest.post(base + "/hello.txt",
                    RequestBody.of(new java.io.ByteArrayInputStream(upload), -1)))) {
                assertThat(r.bodyAsBytes()).isEqualTo(upload);
            }
            try (ClientResponse r = c.send(ClientRequest.get(base + "/missing"))) {
                assertThat(r.status()).isEqualTo(404);
            }
            try (ClientResponse r = c.send(ClientRequest.builder("HEAD", java.net.URI.create(base + "/big.bin")).build())) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyAsBytes()).isEmpty();
            }
            concurrentCallsShareOneConnection(c, base + "/big.bin", 32);
        }
        assertThat(curl("--http2-prior-knowledge", base + "/big.bin")).isEqualTo(sha256(big));
    }

    @Test
    void nghttpdOverTlsByAlpn() throws Exception {
        String base = "https://127.0.0.1:" + tlsPort;
        try (Client c = tls()) {
            try (ClientResponse r = c.send(ClientRequest.get(base + "/hello.txt"))) {
                assertThat(r.version()).isEqualTo("HTTP/2");
                assertThat(r.bodyAsString()).isEqualTo("hello from nghttpd\n");
            }
            concurrentCallsShareOneConnection(c, base + "/big.bin", 16);
        }
        // The same resource through curl over the same server.
        assertThat(curl("--http2", "--cacert", cert.toString(), base + "/big.bin")).isEqualTo(sha256(big));
        // A client that asks for HTTP/1.1 only is refused nothing: nghttpd speaks h2 only, so the handshake
        // offers no ALPN and nghttpd closes; the error names TLS or the connection, not a parse failure.
        try (Client h1 = new Client(ClientConfig.builder().trustedCaFile(cert).protocols(Protocol.HTTP_1_1).build())) {
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> h1.send(ClientRequest.get(base + "/hello.txt")).close());
            assertThat(t).isInstanceOf(ClientException.class);
        }
    }

    @Test
    void goNetHttpOverTls() throws Exception {
        String base = "https://127.0.0.1:" + goPort;
        try (Client c = tls()) {
            try (ClientResponse r = c.send(ClientRequest.get(base + "/hello"))) {
                assertThat(r.version()).isEqualTo("HTTP/2");
                assertThat(r.header("x-proto")).isEqualTo("HTTP/2.0");
                assertThat(r.bodyAsString()).isEqualTo("hello\n");
            }
            try (ClientResponse r = c.send(ClientRequest.get(base + "/trailers"))) {
                assertThat(r.bodyAsString()).isEqualTo("body");
                assertThat(r.trailers().first("x-checksum")).isEqualTo("abc123");
            }
            byte[] upload = new byte[300_000];
            java.util.Arrays.fill(upload, (byte) 'g');
            try (ClientResponse r = c.send(ClientRequest.post(base + "/echo", RequestBody.of(upload)))) {
                assertThat(r.bodyAsBytes()).isEqualTo(upload);
            }
            // A timeout resets the stream; Go cancels the handler's context; the connection carries on.
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> c.send(ClientRequest.builder("GET",
                    java.net.URI.create(base + "/sleep?d=5s")).timeout(Duration.ofMillis(200)).build()).close());
            assertThat(H2ClientTest.phaseOf(t)).isEqualTo(io.hourglass.http.Phase.TOTAL);
            try (ClientResponse r = c.send(ClientRequest.get(base + "/bytes?n=2000000"))) {
                assertThat(r.bodyAsBytes()).hasSize(2_000_000);
                assertThat(r.reused()).isTrue();
            }
            concurrentCallsShareOneConnection(c, base + "/bytes?n=100000", 32);
            assertThat(c.stats().opened()).isEqualTo(1);
        }
        assertThat(curl("--http2", "--cacert", cert.toString(), base + "/hello")).isEqualTo(sha256("hello\n".getBytes()));
    }

    /** {@code n} calls at once over one connection, each body read in full. */
    static void concurrentCallsShareOneConnection(Client c, String url, int n) throws Exception {
        long openedBefore = c.stats().opened();
        var pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<Long>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fs.add(pool.submit((Callable<Long>) () -> {
                try (ClientResponse r = c.send(ClientRequest.get(url))) {
                    return r.connectionId() * 0 + r.bodyAsBytes().length;
                }
            }));
        }
        long first = -1;
        for (Future<Long> f : fs) {
            long len = f.get(60, TimeUnit.SECONDS);
            first = first < 0 ? len : first;
            assertThat(len).isEqualTo(first);
        }
        pool.close();
        assertThat(c.stats().opened()).as("connections opened by %d concurrent calls", n).isEqualTo(openedBefore);
    }

    /** curl's SHA-256 of a response body. */
    static String curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--fail", "-o", "-"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        byte[] body = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("curl %s: %s", cmd, new String(p.getErrorStream().readAllBytes())).isZero();
        return sha256(body);
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void awaitListening(int port) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                if (System.nanoTime() > end) {
                    throw new AssertionError("nothing listens on " + port + " after 10s", e);
                }
                Thread.sleep(20); // polling a child process's start: there is no hook to wait on
            }
        }
    }
}
