package io.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.testing.Await;
import io.hourglass.testing.TestCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS from PEM files, and the handshake timeout. The certificate is {@link TestCertificate#localhost()}; the
 * PKCS#1 key of {@link #pkcs1RsaKeysAreAccepted} is written by openssl, a writer of that format other than ours.
 */
class ServerTlsTest {
    @TempDir
    static Path dir;
    static final Path cert = TestCertificate.localhost().certificateFile();
    static final Path key = TestCertificate.localhost().keyFile();
    static final SSLContext trust = TestCertificate.localhost().trustingContext();
    Server server;

    @AfterEach
    void stop() {
        if (server != null) server.shutdown();
    }

    @Test
    void servesHttpsFromPemFiles() throws Exception {
        server = Server.start(ServerConfig.builder().port(0).tls(cert, key).build(), (req, res) -> res.send("secure\n"));
        assertThat(server.url()).startsWith("https://127.0.0.1:");
        try (SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            for (int i = 0; i < 2; i++) { // keep-alive over TLS
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                String resp = readResponse(s.getInputStream());
                assertThat(resp).startsWith("HTTP/1.1 200 OK").endsWith("secure\n");
            }
        }
    }

    private static String readResponse(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("secure\n")) {
            int b = in.read();
            if (b < 0) break;
            sb.append((char) b);
        }
        return sb.toString();
    }

    @Test
    void handshakeTimeoutClosesAClientThatNeverHandshakes() throws Exception {
        server = Server.start(ServerConfig.builder().port(0).tls(cert, key)
                .tlsHandshakeTimeout(Duration.ofMillis(500)).build(), (req, res) -> res.send("x"));
        try (Socket s = new Socket()) {
            s.setSoTimeout(10_000);
            // Measured from before the connect: the server's clock starts at accept, which a client thread that
            // is slow to run after its connect returns would otherwise see as an early expiry.
            long t0 = System.nanoTime();
            s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
            int r;
            try {
                r = s.getInputStream().read();
            } catch (IOException e) {
                r = -1; // reset also counts as closed
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r).isEqualTo(-1);
            assertThat(ms).isBetween(490L, 500L + 900);
        }
        // the server counts just after it closes
        Await.until("the handshake timeout is counted", Duration.ofSeconds(2),
                () -> server.timeouts(io.hourglass.http.Phase.TLS_HANDSHAKE) > 0);
        assertThat(server.timeouts(io.hourglass.http.Phase.TLS_HANDSHAKE)).isEqualTo(1);
    }

    @Test
    void missingOrBadPemFilesFailWithAClearMessage() throws Exception {
        Path missing = dir.resolve("nope.pem");
        assertThatThrownBy(() -> Server.start(ServerConfig.builder().port(0).tls(missing, key).build(), (q, r) -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("certificate file not found");
        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "hello");
        assertThatThrownBy(() -> Server.start(ServerConfig.builder().port(0).tls(cert, garbage).build(), (q, r) -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("no PEM private key");
    }

    @Test
    void pkcs1RsaKeysAreAccepted() throws Exception {
        Path rsaKey = dir.resolve("rsa.pem");
        Process p = new ProcessBuilder("openssl", "rsa", "-in", key.toString(), "-out", rsaKey.toString(), "-traditional")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor(30, TimeUnit.SECONDS);
        assertThat(p.exitValue() == 0 && Files.readString(rsaKey).contains("BEGIN RSA PRIVATE KEY"))
                .as("openssl wrote a PKCS#1 key").isTrue();
        server = Server.start(ServerConfig.builder().port(0).tls(cert, rsaKey).build(), (req, res) -> res.send("secure\n"));
        try (SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponse(s.getInputStream())).endsWith("secure\n");
        }
    }

    /**
     * A body read through the disconnect watcher over TLS (its reads are sized by what the TLS socket already
     * holds, issue 9) reaches the handler intact, and the connection then carries the next request.
     */
    @Test
    void aBodyReadThroughTheWatcherArrivesIntactOverTls() throws Exception {
        java.util.concurrent.CountDownLatch watching = new java.util.concurrent.CountDownLatch(1);
        server = Server.start(ServerConfig.builder().port(0).tls(cert, key).build(), (req, res) -> {
            if (req.method().equals("POST")) {
                ServerConn c = server.connections().iterator().next();
                ServerWatcherMemoryTest.awaitWatching(c);
                watching.countDown();
                res.send(req.body().readAllBytes());
            } else {
                res.send("secure\n");
            }
        });
        try (SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            var out = s.getOutputStream();
            out.write("POST /up HTTP/1.1\r\nHost: localhost\r\nContent-Length: 40000\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(watching.await(5, TimeUnit.SECONDS)).isTrue();
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 40; i++) {
                String part = String.valueOf((char) ('a' + i % 26)).repeat(1000);
                expected.append(part);
                out.write(part.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            InputStream in = s.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200 OK").contains("Content-Length: 40000");
            assertThat(new String(in.readNBytes(40000), StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
            out.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200 OK").endsWith("secure\n");
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) break;
            sb.append((char) b);
        }
        return sb.toString();
    }

    /**
     * The watcher reads with a short socket timeout (to end soon after its handler returns). A TLS record that
     * arrives in pieces slower than that times the read out in the middle of the record; the record must still
     * be decrypted whole (the JDK keeps a partial record across read timeouts). A relay trickles the body's
     * record to the server in 50-byte pieces, 150 ms apart.
     */
    @Test
    void aTlsRecordSplitAcrossWatcherPollsArrivesIntact() throws Exception {
        java.util.concurrent.CountDownLatch watching = new java.util.concurrent.CountDownLatch(1);
        server = Server.start(ServerConfig.builder().port(0).tls(cert, key).minRequestBodyRate(0).build(), (req, res) -> {
            ServerConn c = server.connections().iterator().next();
            ServerWatcherMemoryTest.awaitWatching(c);
            watching.countDown();
            res.send(req.body().readAllBytes());
        });
        java.util.concurrent.atomic.AtomicBoolean trickle = new java.util.concurrent.atomic.AtomicBoolean();
        try (java.net.ServerSocket relay = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket fromClient = relay.accept(); Socket toServer = new Socket("127.0.0.1", server.port())) {
                    Thread.ofVirtual().start(() -> pump(toServer, fromClient, null));
                    pump(fromClient, toServer, trickle);
                } catch (IOException ignored) {
                    // the test ended
                }
            });
            try (SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", relay.getLocalPort())) {
                s.setSoTimeout(10_000);
                var out = s.getOutputStream();
                out.write("POST /up HTTP/1.1\r\nHost: localhost\r\nContent-Length: 300\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(watching.await(5, TimeUnit.SECONDS)).isTrue();
                trickle.set(true);
                String body = "0123456789".repeat(30);
                out.write(body.getBytes(StandardCharsets.US_ASCII)); // one TLS record, trickled by the relay
                out.flush();
                InputStream in = s.getInputStream();
                assertThat(readHead(in)).startsWith("HTTP/1.1 200 OK").contains("Content-Length: 300");
                assertThat(new String(in.readNBytes(300), StandardCharsets.US_ASCII)).isEqualTo(body);
            }
        }
    }

    /** Copies {@code from} to {@code to}; while {@code trickle} is set, in 50-byte pieces 150 ms apart. */
    private static void pump(Socket from, Socket to, java.util.concurrent.atomic.AtomicBoolean trickle) {
        byte[] buf = new byte[16 * 1024];
        try {
            int n;
            while ((n = from.getInputStream().read(buf)) > 0) {
                for (int off = 0; off < n; ) {
                    int piece = trickle != null && trickle.get() ? Math.min(50, n - off) : n - off;
                    to.getOutputStream().write(buf, off, piece);
                    to.getOutputStream().flush();
                    off += piece;
                    if (piece < n && off < n) {
                        Thread.sleep(150); // pacing: the record arrives in pieces
                    }
                }
            }
        } catch (IOException | InterruptedException ignored) {
            // one side closed
        }
    }
}
