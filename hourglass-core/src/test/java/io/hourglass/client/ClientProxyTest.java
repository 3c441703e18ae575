package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import io.hourglass.testing.TestCertificate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client through proxies nobody here wrote (issue 13): Debian's tinyproxy as an HTTP proxy (plain http in
 * absolute form, https through CONNECT; with and without Basic authentication) and microsocks as a SOCKS5
 * proxy (with and without a user and password), both installed when missing, in front of a Hourglass server
 * over http and https.
 */
class ClientProxyTest {
    static final String USER = "ann";
    static final String PASSWORD = "s3cret";

    @TempDir
    static Path dir;
    static Server http;
    static Server https;
    static Path cert;
    static ExternalTool tinyproxy, tinyproxyAuth, socks, socksAuth;
    static int tinyPort, tinyAuthPort, socksPort, socksAuthPort;

    @BeforeAll
    static void start() throws Exception {
        ExternalTool.require("tinyproxy", "tinyproxy");
        ExternalTool.require("microsocks", "microsocks");
        cert = TestCertificate.localhost().certificateFile();
        Path key = TestCertificate.localhost().keyFile();
        http = Server.start(ServerConfig.builder().port(0).build(), ClientProxyTest::echo);
        https = Server.start(ServerConfig.builder().port(0).tls(cert, key).build(), ClientProxyTest::echo);
        tinyPort = ExternalTool.freePort();
        tinyproxy = tinyproxy(tinyPort, "plain", "");
        tinyAuthPort = ExternalTool.freePort();
        tinyproxyAuth = tinyproxy(tinyAuthPort, "auth", "BasicAuth " + USER + " " + PASSWORD + "\n");
        socksPort = ExternalTool.freePort();
        socks = ExternalTool.start(List.of("microsocks", "-i", "127.0.0.1", "-p", Integer.toString(socksPort)),
                Files.createDirectories(dir.resolve("socks")), socksPort);
        socksAuthPort = ExternalTool.freePort();
        socksAuth = ExternalTool.start(List.of("microsocks", "-i", "127.0.0.1", "-p", Integer.toString(socksAuthPort),
                "-u", USER, "-P", PASSWORD), Files.createDirectories(dir.resolve("socks-auth")), socksAuthPort);
    }

    private static void echo(io.hourglass.server.Request req, io.hourglass.server.Response res) throws IOException {
        res.send(req.method() + " " + req.target() + " via=" + (req.header("Via") == null ? "-" : "proxy")
                + " pa=" + req.header("Proxy-Authorization") + "\n");
    }

    private static ExternalTool tinyproxy(int port, String name, String extra) throws Exception {
        Path d = Files.createDirectories(dir.resolve("tinyproxy-" + name));
        // No ConnectPort line: CONNECT to any port (the test servers' ports are not 443)
        Files.writeString(d.resolve("tinyproxy.conf"), "Port " + port + "\nListen 127.0.0.1\nTimeout 30\n"
                + "MaxClients 50\nAllow 127.0.0.1\nLogLevel Error\n" + extra);
        return ExternalTool.start(List.of("tinyproxy", "-d", "-c", d.resolve("tinyproxy.conf").toString()), d, port);
    }

    @AfterAll
    static void stop() throws Exception {
        for (ExternalTool t : new ExternalTool[] {tinyproxy, tinyproxyAuth, socks, socksAuth}) {
            if (t != null) t.close();
        }
        if (http != null) http.shutdown();
        if (https != null) https.shutdown();
    }

    static ClientConfig.Builder config() {
        return ClientConfig.builder().trustedCaFile(cert);
    }

    static String get(Client c, String url) throws IOException {
        try (ClientResponse r = c.send(ClientRequest.get(url))) {
            return r.status() + " " + r.bodyAsString();
        }
    }

    @Test
    void plainHttpGoesToAnHttpProxyAndHttpsThroughItsConnectTunnel() throws Exception {
        try (Client c = new Client(config().proxy("http://127.0.0.1:" + tinyPort).build())) {
            assertThat(get(c, http.url() + "/a?b=1")).isEqualTo("200 GET /a?b=1 via=proxy pa=null\n");
            assertThat(get(c, https.url() + "/secure")).isEqualTo("200 GET /secure via=- pa=null\n");
            assertThat(get(c, https.url() + "/again")).isEqualTo("200 GET /again via=- pa=null\n");
            assertThat(c.stats().reused()).as("the tunnel is a pooled connection like any other").isEqualTo(1);
        }
    }

    @Test
    void aProxySelectorChoosesTheProxyPerUrl() throws Exception {
        ProxySelector tiny = ProxySelector.of(new InetSocketAddress("127.0.0.1", tinyPort));
        try (Client c = new Client(config().proxySelector(tiny).build())) {
            assertThat(get(c, http.url() + "/sel")).isEqualTo("200 GET /sel via=proxy pa=null\n");
        }
    }

    @Test
    void theProxyUrlsCredentialsAreSentAsBasic() throws Exception {
        String proxy = "http://" + USER + ":" + PASSWORD + "@127.0.0.1:" + tinyAuthPort;
        try (Client c = new Client(config().proxy(proxy).build())) {
            // tinyproxy takes Proxy-Authorization away before it forwards the request
            assertThat(get(c, http.url() + "/p")).isEqualTo("200 GET /p via=proxy pa=null\n");
            assertThat(get(c, https.url() + "/p")).isEqualTo("200 GET /p via=- pa=null\n");
        }
    }

    @Test
    void withoutCredentialsA407IsTheAnswerOverHttpAndAProxyFailureForATunnel() throws Exception {
        try (Client c = new Client(config().proxy("http://127.0.0.1:" + tinyAuthPort).build())) {
            try (ClientResponse r = c.send(ClientRequest.get(http.url() + "/p"))) {
                assertThat(r.status()).isEqualTo(407); // as Go and OkHttp: the proxy's answer is the response
            }
            assertThatThrownBy(() -> c.send(ClientRequest.get(https.url() + "/p")))
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ClientException.Kind.PROXY);
                        assertThat(e.getMessage()).contains("proxy http://127.0.0.1:" + tinyAuthPort)
                                .contains("407").contains("proxyAuthenticator");
                    });
        }
    }

    @Test
    void aProxyAuthenticatorAnswersThe407OfARequestAndOfAConnect() throws Exception {
        ProxySelector sel = ProxySelector.of(new InetSocketAddress("127.0.0.1", tinyAuthPort));
        ClientConfig cfg = config().proxySelector(sel).proxyAuthenticator(Authenticator.basic(USER, PASSWORD)).build();
        try (Client c = new Client(cfg)) {
            assertThat(get(c, http.url() + "/q")).isEqualTo("200 GET /q via=proxy pa=null\n");
            assertThat(get(c, https.url() + "/q")).isEqualTo("200 GET /q via=- pa=null\n");
        }
        ClientConfig wrong = config().proxySelector(sel).proxyAuthenticator(Authenticator.basic(USER, "nope")).build();
        try (Client c = new Client(wrong)) {
            assertThatThrownBy(() -> c.send(ClientRequest.get(https.url() + "/q")))
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ClientException.Kind.PROXY);
                        // tinyproxy 1.11 answers wrong credentials with 401, not another 407
                        assertThat(e.getMessage()).contains("refused the tunnel to 127.0.0.1:" + https.port())
                                .contains("401 Unauthorized");
                    });
        }
    }

    @Test
    void socks5CarriesHttpAndHttps() throws Exception {
        try (Client c = new Client(config().proxy("socks5://127.0.0.1:" + socksPort).build())) {
            assertThat(get(c, http.url() + "/s")).isEqualTo("200 GET /s via=- pa=null\n");
            assertThat(get(c, https.url() + "/s")).isEqualTo("200 GET /s via=- pa=null\n");
        }
        String withUser = "socks5h://" + USER + ":" + PASSWORD + "@127.0.0.1:" + socksAuthPort;
        try (Client c = new Client(config().proxy(withUser).build())) {
            assertThat(get(c, "http://localhost:" + http.port() + "/named")) // the proxy resolves the name
                    .isEqualTo("200 GET /named via=- pa=null\n");
            assertThat(get(c, https.url() + "/s")).isEqualTo("200 GET /s via=- pa=null\n");
        }
    }

    @Test
    void socks5FailuresAreProxyFailuresThatSayWhy() throws Exception {
        try (Client c = new Client(config().proxy("socks5://127.0.0.1:" + socksAuthPort).build())) {
            assertThatThrownBy(() -> c.send(ClientRequest.get(http.url() + "/s")))
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ClientException.Kind.PROXY);
                        assertThat(e.getMessage()).contains("requires authentication");
                    });
        }
        String wrong = "socks5://" + USER + ":nope@127.0.0.1:" + socksAuthPort;
        try (Client c = new Client(config().proxy(wrong).build())) {
            assertThatThrownBy(() -> c.send(ClientRequest.get(http.url() + "/s")))
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ClientException.Kind.PROXY);
                        assertThat(e.getMessage()).contains("refused the user name and password");
                    });
        }
        int closed = ExternalTool.freePort();
        try (Client c = new Client(config().proxy("socks5://127.0.0.1:" + socksPort).build())) {
            assertThatThrownBy(() -> c.send(ClientRequest.get("http://127.0.0.1:" + closed + "/")))
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ClientException.Kind.PROXY);
                        assertThat(e.getMessage()).contains("refused the connection to 127.0.0.1:" + closed);
                    });
        }
    }
}
