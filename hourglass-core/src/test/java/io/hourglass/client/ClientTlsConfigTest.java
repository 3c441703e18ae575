package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.internal.tls.Pem;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import io.hourglass.testing.TestCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS per client (issue 13): a client certificate for mutual TLS from PEM files, an SSLContext or key and trust
 * managers, without JVM-wide properties; a CA file that adds to the default trust unless told to replace it;
 * ALPN offered; a server that requires a client certificate, and a plain-HTTP port, reported as TLS failures
 * that name the cause, at once. The mutual-TLS peer is the JDK's SSLServerSocket (Hourglass's server does not
 * ask for client certificates).
 */
class ClientTlsConfigTest {
    @TempDir
    static Path dir;
    static final Path serverCert = TestCertificate.localhost().certificateFile();
    static final Path serverKey = TestCertificate.localhost().keyFile();
    static final Path clientCert = TestCertificate.client("ann").certificateFile();
    static final Path clientKey = TestCertificate.client("ann").keyFile();
    SSLServerSocket peer;
    final List<String> offered = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws IOException {
        if (peer != null) peer.close();
    }

    /** A TLS peer that requires a client certificate it trusts (the client's), on the given protocol. */
    String mutualTlsPeer(String protocol) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ann", Pem.certificates(clientCert).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keyManagers(serverCert, serverKey), tmf.getTrustManagers(), null);
        peer = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        peer.setNeedClientAuth(true);
        peer.setEnabledProtocols(new String[] {protocol});
        SSLServerSocket ss = peer;
        Thread.ofVirtual().start(() -> {
            while (!ss.isClosed()) {
                try {
                    SSLSocket s = (SSLSocket) ss.accept();
                    s.setHandshakeApplicationProtocolSelector((sock, protocols) -> {
                        offered.addAll(protocols);
                        return protocols.contains("http/1.1") ? "http/1.1" : null;
                    });
                    Thread.ofVirtual().start(() -> answer(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return "https://127.0.0.1:" + peer.getLocalPort() + "/";
    }

    static void answer(SSLSocket s) {
        try (s) {
            InputStream in = s.getInputStream();
            while (readHead(in) != null) {
                X509Certificate who = (X509Certificate) s.getSession().getPeerCertificates()[0];
                String body = "hello " + who.getSubjectX500Principal().getName();
                s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length()
                        + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
            }
        } catch (IOException ignored) {
            // the client went away, or refused the handshake
        }
    }

    /** Reads a request head up to its blank line; null when the stream ended first. */
    static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 4 || sb.lastIndexOf("\r\n\r\n") != sb.length() - 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    static KeyManager[] keyManagers(Path cert, Path key) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("k", Pem.privateKey(key), new char[0], Pem.certificates(cert).toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        return kmf.getKeyManagers();
    }

    static String get(Client c, String url) throws IOException {
        try (ClientResponse r = c.send(ClientRequest.get(url))) {
            return r.status() + " " + r.bodyAsString();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void mutualTlsWithPemFilesPerClientAndAlpnOffered(String protocol) throws Exception {
        String url = mutualTlsPeer(protocol);
        ClientConfig cfg = ClientConfig.builder().trustedCaFile(serverCert).clientCertificate(clientCert, clientKey).build();
        try (Client c = new Client(cfg)) {
            assertThat(get(c, url)).isEqualTo("200 hello CN=ann");
            assertThat(get(c, url)).isEqualTo("200 hello CN=ann"); // and reused
            assertThat(c.stats().opened()).isEqualTo(1);
        }
        assertThat(offered).as("the default protocols: h2 first, then HTTP/1.1 (issue 12)").containsExactly("h2", "http/1.1");
    }

    @Test
    void mutualTlsWithAnSslContextOrKeyAndTrustManagers() throws Exception {
        String url = mutualTlsPeer("TLSv1.3");
        TrustManager[] trust = Pem.trustManagers(serverCert, false);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keyManagers(clientCert, clientKey), trust, null);
        try (Client c = new Client(ClientConfig.builder().sslContext(ctx).build())) {
            assertThat(get(c, url)).isEqualTo("200 hello CN=ann");
        }
        try (Client c = new Client(ClientConfig.builder().tls(keyManagers(clientCert, clientKey), trust).build())) {
            assertThat(get(c, url)).isEqualTo("200 hello CN=ann");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aServerThatRequiresAClientCertificateIsATlsFailureThatSaysSo(String protocol) throws Exception {
        String url = mutualTlsPeer(protocol);
        try (Client c = new Client(ClientConfig.builder().trustedCaFile(serverCert).build())) {
            assertThatThrownBy(() -> get(c, url)).isInstanceOfSatisfying(ClientException.class, e -> {
                assertThat(e.kind()).isEqualTo(ClientException.Kind.TLS);
                assertThat(e.getMessage()).contains("the server requires a client certificate and this client has none");
            });
        }
    }

    @Test
    void httpsToAPlainHttpPortSaysSoAtOnce() throws Exception {
        Server plain = Server.start(ServerConfig.builder().port(0).build(), (req, res) -> res.send("plain"));
        try (Client c = new Client(ClientConfig.builder().tlsHandshakeTimeout(Duration.ofSeconds(10)).build())) {
            c.send(ClientRequest.get(plain.url() + "/")).close(); // warm up: this measures the failure, not class loading
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> get(c, "https://127.0.0.1:" + plain.port() + "/"))
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ClientException.Kind.TLS);
                        assertThat(e.getMessage()).contains("server answered in plain HTTP (\"HTTP/...\"): this port "
                                + "speaks http://, not https://");
                    });
            assertThat((System.nanoTime() - t0) / 1_000_000).as("ms, against a 10 s handshake timeout").isLessThan(2000);
        } finally {
            plain.shutdown();
        }
    }

    @Test
    void aCaFileAddsToTheDefaultTrustUnlessToldToReplaceIt() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        int defaults = ((X509TrustManager) tmf.getTrustManagers()[0]).getAcceptedIssuers().length;
        assertThat(defaults).as("the JDK's default CAs").isGreaterThan(10);

        X509TrustManager added = (X509TrustManager) Pem.trustManagers(serverCert, true)[0];
        X509TrustManager only = (X509TrustManager) Pem.trustManagers(serverCert, false)[0];
        assertThat(added.getAcceptedIssuers()).hasSize(defaults + 1);
        assertThat(only.getAcceptedIssuers()).hasSize(1);

        ClientConfig cfg = ClientConfig.builder().trustedCaFile(serverCert).build();
        assertThat(cfg.trustDefaultCas()).isTrue();
        assertThat(ClientConfig.builder().trustedCaFile(serverCert, false).build().trustDefaultCas()).isFalse();
    }

    @Test
    void aCertificateWithoutItsKeyIsAClearConfigError() {
        assertThatThrownBy(() -> ClientConfig.builder().clientCertificate(clientCert, null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("clientCertificateFile and clientKeyFile go together, got only the certificate");
        assertThatThrownBy(() -> new Client(ClientConfig.builder().clientCertificate(clientCert, dir.resolve("nope.pem")).build()))
                .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("private key file not found");
    }
}
