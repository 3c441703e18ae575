package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Proxy selection: the environment read as Go's ProxyFromEnvironment reads it (HTTP_PROXY, HTTPS_PROXY,
 * NO_PROXY, upper case first, REQUEST_METHOD, loopback never proxied), proxy URLs, and a ProxySelector's
 * answer.
 */
class ProxiesTest {
    static Proxies.Route route(Map<String, String> env, String url) throws Exception {
        return Proxies.select(Proxies.fromEnvironment(env), URI.create(url));
    }

    @Test
    void eachSchemeHasItsVariableAndUpperCaseWins() throws Exception {
        Map<String, String> env = Map.of("HTTP_PROXY", "http://p1:3128", "https_proxy", "p2:8080",
                "HTTPS_PROXY", "", "http_proxy", "http://ignored:1");
        assertThat(route(env, "http://example.com/")).isEqualTo(new Proxies.Route(false, "p1", 3128, null, null));
        assertThat(route(env, "https://example.com/")).isEqualTo(new Proxies.Route(false, "p2", 8080, null, null));
        assertThat(route(Map.of("HTTPS_PROXY", "http://p2"), "http://example.com/")).isNull();
        assertThat(route(Map.of(), "https://example.com/")).isNull();
    }

    @Test
    void credentialsAndSocksComeFromTheUrl() throws Exception {
        Proxies.Route r = route(Map.of("HTTP_PROXY", "http://ann:p%40ss@proxy.corp:3128"), "http://example.com/");
        assertThat(r.user()).isEqualTo("ann");
        assertThat(r.password()).isEqualTo("p@ss");
        assertThat(r.basic()).isEqualTo("Basic YW5uOnBAc3M=");
        assertThat(r.toString()).isEqualTo("http://proxy.corp:3128").doesNotContain("p@ss");
        Proxies.Route s = route(Map.of("HTTPS_PROXY", "socks5h://[::1]"), "https://example.com/");
        assertThat(s).isEqualTo(new Proxies.Route(true, "::1", 1080, null, null));
        assertThat(s.label()).isEqualTo("socks5://[::1]:1080");
    }

    @Test
    void httpProxyIsIgnoredInACgiProgram() throws Exception {
        // "httpoxy": a request's Proxy header becomes HTTP_PROXY in a CGI environment
        assertThat(route(Map.of("HTTP_PROXY", "http://evil:80", "REQUEST_METHOD", "GET"), "http://example.com/"))
                .isNull();
    }

    @Test
    void noProxyFollowsGosRules() throws Exception {
        Map<String, String> env = Map.of("HTTP_PROXY", "http://p:1", "HTTPS_PROXY", "http://p:1",
                "NO_PROXY", "example.com, .sub.org,10.0.0.0/8, 192.168.1.7,[2001:db8::1],api.test:8443,*.star.net");
        assertThat(route(env, "http://example.com/")).isNull();
        assertThat(route(env, "http://www.example.com/")).isNull();          // a name matches its subdomains
        assertThat(route(env, "http://notexample.com/")).isNotNull();
        assertThat(route(env, "http://sub.org/")).isNotNull();                // ".sub.org": subdomains only
        assertThat(route(env, "http://a.sub.org/")).isNull();
        assertThat(route(env, "http://10.1.2.3/")).isNull();                  // CIDR
        assertThat(route(env, "http://11.1.2.3/")).isNotNull();
        assertThat(route(env, "http://192.168.1.7:81/")).isNull();
        assertThat(route(env, "http://[2001:db8::1]/")).isNull();
        assertThat(route(env, "https://api.test:8443/")).isNull();            // with its port only
        assertThat(route(env, "https://api.test/")).isNotNull();
        assertThat(route(env, "http://x.star.net/")).isNull();
        assertThat(route(Map.of("HTTP_PROXY", "p:1", "no_proxy", "*"), "http://example.com/")).isNull();
    }

    @Test
    void loopbackNeverGoesThroughTheEnvironmentsProxyButDoesThroughAnExplicitOne() throws Exception {
        Map<String, String> env = Map.of("HTTP_PROXY", "http://p:1");
        assertThat(route(env, "http://localhost:8080/")).isNull();
        assertThat(route(env, "http://127.0.0.1/")).isNull();
        assertThat(route(env, "http://127.8.9.10/")).isNull();
        assertThat(route(env, "http://[::1]/")).isNull();
        ProxySelector explicit = ClientConfig.builder().proxy("http://p:1").build().proxySelector();
        assertThat(Proxies.select(explicit, URI.create("http://127.0.0.1/"))).isNotNull(); // curl's -x does
    }

    @Test
    void aProxySelectorsFirstAnswerIsUsed() throws Exception {
        ProxySelector socks = new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return uri.getHost().equals("direct.test") ? List.of(Proxy.NO_PROXY)
                        : List.of(new Proxy(Proxy.Type.SOCKS, InetSocketAddress.createUnresolved("s", 1080)));
            }

            @Override
            public void connectFailed(URI uri, java.net.SocketAddress sa, java.io.IOException ioe) { }
        };
        assertThat(Proxies.select(socks, URI.create("http://a.test/"))).isEqualTo(new Proxies.Route(true, "s", 1080, null, null));
        assertThat(Proxies.select(socks, URI.create("http://direct.test/"))).isNull();
        assertThat(Proxies.select(null, URI.create("http://a.test/"))).isNull();
        ProxySelector broken = new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                throw new IllegalStateException("no PAC file");
            }

            @Override
            public void connectFailed(URI uri, java.net.SocketAddress sa, java.io.IOException ioe) { }
        };
        assertThatThrownBy(() -> Proxies.select(broken, URI.create("http://a.test/")))
                .isInstanceOfSatisfying(ClientException.class,
                        e -> assertThat(e.kind()).isEqualTo(ClientException.Kind.PROXY))
                .hasMessageContaining("no PAC file");
    }

    @Test
    void aBadVariableIsNamed() {
        assertThatThrownBy(() -> Proxies.fromEnvironment(Map.of("HTTPS_PROXY", "https://p:1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("HTTPS_PROXY=https://p:1");
    }
}
