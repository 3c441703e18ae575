package io.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.http.Phase;
import io.hourglass.testing.TestCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests as TLS records: a pipelined burst of many records over HTTP/1.1, many streams' records at once over h2,
 * and a read deadline that ends a TLS layer waiting for the socket, at a record's start (408) or in its middle (the
 * server cannot answer in a record it cannot decrypt: it closes). Written for the server-side TLS read-ahead that was
 * tried and dropped (docs/BENCHMARKS.md, HTTP/2 server); they hold for any read path under the TLS layer.
 */
class ServerTlsRecordsTest {
    static final long SLACK_MS = 900;
    static final Path cert = TestCertificate.localhost().certificateFile();
    static final Path key = TestCertificate.localhost().keyFile();
    Server server;

    @AfterEach
    void stop() {
        if (server != null) server.shutdown();
    }

    private Server start(ServerConfig.Builder b) throws IOException {
        server = Server.start(b.port(0).tls(cert, key).build(),
                (req, res) -> res.send(req.path() + "\n"));
        return server;
    }

    private SSLSocket dial(Socket under) throws Exception {
        under.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
        SSLSocket s = (SSLSocket) TestCertificate.localhost().trustingContext().getSocketFactory()
                .createSocket(under, "localhost", server.port(), true);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }

    /** 200 requests, one TLS record each, written before any answer is read: many records arrive together. */
    @Test
    void aPipelinedBurstOfRecordsIsAnsweredInOrderOverHttp1() throws Exception {
        start(ServerConfig.builder());
        try (SSLSocket s = dial(new Socket())) {
            OutputStream out = s.getOutputStream();
            int n = 200;
            for (int i = 0; i < n; i++) {
                out.write(("GET /r" + i + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            InputStream in = s.getInputStream();
            for (int i = 0; i < n; i++) {
                String head = readHead(in);
                assertThat(head).startsWith("HTTP/1.1 200 OK");
                int len = Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
                assertThat(new String(in.readNBytes(len), StandardCharsets.US_ASCII)).isEqualTo("/r" + i + "\n");
            }
        }
    }

    /** Many streams at once on one h2 connection (ALPN): their HEADERS records arrive together. */
    @Test
    void concurrentStreamsOverH2() throws Exception {
        start(ServerConfig.builder());
        try (HttpClient c = HttpClient.newBuilder().sslContext(TestCertificate.localhost().trustingContext())
                .version(HttpClient.Version.HTTP_2).build()) {
            // the first call alone, so that all the others share its connection
            HttpResponse<String> first = c.send(HttpRequest.newBuilder(URI.create(server.url() + "/first")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                calls.add(c.sendAsync(HttpRequest.newBuilder(URI.create(server.url() + "/s" + i)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < calls.size(); i++) {
                HttpResponse<String> r = calls.get(i).get();
                assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("/s" + i + "\n");
            }
        }
        assertThat(server.connections()).hasSizeLessThanOrEqualTo(1);
    }

    /** The TLS layer waits for the next record's header when the deadline fires. */
    @Test
    void readHeaderDeadlineEndsAWaitAtARecordsStart() throws Exception {
        start(ServerConfig.builder().readHeaderTimeout(Duration.ofMillis(600)));
        long t0 = System.nanoTime(); // the first request's clock starts at accept
        try (SSLSocket s = dial(new Socket())) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 408 ");
            assertThat(ms(t0)).isBetween(590L, 600 + SLACK_MS);
        }
        assertThat(server.timeouts(Phase.READ_HEADER)).isEqualTo(1);
    }

    /** The TLS layer has a record's header and part of its body, and waits for the rest when the deadline fires. */
    @Test
    void readHeaderDeadlineEndsAWaitInARecordsMiddle() throws Exception {
        start(ServerConfig.builder().readHeaderTimeout(Duration.ofMillis(600)));
        long t0 = System.nanoTime();
        Holding under = new Holding();
        try (SSLSocket s = dial(under)) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            under.hold = true; // the next record goes out but for its last 10 bytes
            s.getOutputStream().write("X-Pad: 1\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertThat(under.held).isTrue();
            // the server cannot decrypt a record it has only part of, so it cannot answer 408 in TLS: it closes
            assertThat(awaitEnd(s.getInputStream())).isTrue();
            assertThat(ms(t0)).isBetween(590L, 600 + SLACK_MS);
        }
        assertThat(server.timeouts(Phase.READ_HEADER)).isEqualTo(1);
    }

    /** A socket under a client's TLS layer that, once told to, writes the next record but for its last bytes. */
    static final class Holding extends Socket {
        boolean hold; // set and read on the test's thread (the client's TLS layer writes on the caller's thread)
        boolean held;

        @Override
        public OutputStream getOutputStream() throws IOException {
            OutputStream out = super.getOutputStream();
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (hold && !held && len > 10) {
                        held = true;
                        out.write(b, off, len - 10);
                        return;
                    }
                    out.write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                }
            };
        }
    }

    /** Whether the server ended the connection (false: the client's 10 s read timeout passed first). */
    private static boolean awaitEnd(InputStream in) {
        try {
            while (in.read() >= 0) {
                // whatever the server sent before it closed
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset, or a TLS error at the truncated end: the connection ended either way
        }
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
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
}
