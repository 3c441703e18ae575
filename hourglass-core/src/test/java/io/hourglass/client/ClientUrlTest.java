package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * URLs go on the wire as OkHttp, Go and the JDK client send them: characters that may not appear in a
 * request target (non-ASCII, space, quotes, braces...) percent-encoded as UTF-8, escapes already present kept,
 * international host names in their ASCII (punycode) form (issue 13).
 */
class ClientUrlTest {
    static Server server;
    static Client client;

    @BeforeAll
    static void start() throws Exception {
        server = Server.start(ServerConfig.builder().port(0).build(), (req, res) -> res.send(req.target()));
        client = new Client();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.shutdown();
    }

    static String target(ClientRequest req) throws Exception {
        try (ClientResponse r = client.send(req)) {
            return r.bodyAsString();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "/€ => /%E2%82%AC",
        "/caf\u00e9?q=\u00fc&x=1 => /caf%C3%A9?q=%C3%BC&x=1",
        "/a b?c d => /a%20b?c%20d",
        "/%20already%2Fencoded?x=%41 => /%20already%2Fencoded?x=%41",
        "/\"q\"<>{|}^` => /%22q%22%3C%3E%7B%7C%7D%5E%60",
        "/p#fragment => /p",
        "/\uD83D\uDE00 => /%F0%9F%98%80",
    })
    void aStringUrlIsSentPercentEncodedAsUtf8(String path, String onTheWire) throws Exception {
        assertThat(target(ClientRequest.get(server.url() + path))).isEqualTo(onTheWire);
    }

    @Test
    void aUriWithNonAsciiCharactersIsSentPercentEncodedAsUtf8() throws Exception {
        URI u = URI.create(server.url() + "/€/\u00e9t\u00e9?w=\u20ac"); // java.net.URI accepts "other" characters
        assertThat(target(ClientRequest.builder("GET", u).build())).isEqualTo("/%E2%82%AC/%C3%A9t%C3%A9?w=%E2%82%AC");
        assertThat(ClientRequest.builder("GET", u).build().uri().toString()).isEqualTo(server.url() + "/%E2%82%AC/%C3%A9t%C3%A9?w=%E2%82%AC");
    }

    @Test
    void anInternationalHostNameBecomesPunycode() {
        ClientRequest r = ClientRequest.get("http://b\u00fccher.example:8080/x");
        assertThat(r.uri().getHost()).isEqualTo("xn--bcher-kva.example");
        assertThat(r.uri().getPort()).isEqualTo(8080);
        assertThat(ClientRequest.builder("GET", URI.create("https://b\u00fccher.example/")).build().uri().getHost())
                .isEqualTo("xn--bcher-kva.example");
    }

    @Test
    void aBadUrlIsAOneLineError() {
        assertThatThrownBy(() -> ClientRequest.get("http://h/%zz")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http://h/%zz");
        assertThatThrownBy(() -> ClientRequest.get("ftp://h/")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> ClientRequest.get("http:///path")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no host");
    }
}
