package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.server.Request;
import io.hourglass.server.Router;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Redirects as OkHttp and Go follow them (issue 13): on by default, off per client or per request; 301, 302
 * and 303 turn POST into GET, 307 and 308 keep the method and the body; a stream body stops with REDIRECT;
 * Authorization, Cookie and Host are dropped on a hop to another origin; at most maxRedirects hops
 * (TOO_MANY_REDIRECTS); the total timeout covers the chain; the listener sees every hop.
 */
class ClientRedirectTest {
    static Server server, other;

    static String describe(Request req) throws IOException {
        String body = new String(req.body().readAllBytes(), StandardCharsets.UTF_8);
        return req.method() + " " + req.target() + " body=" + body + " type=" + req.header("Content-Type")
                + " auth=" + req.header("Authorization") + " cookie=" + req.header("Cookie") + " host=" + req.header("Host");
    }

    @BeforeAll
    static void start() throws Exception {
        Router r = new Router()
                .route("/r/{n}", (req, res) -> {
                    int n = Integer.parseInt(req.pathParam("n"));
                    req.body().readAllBytes();
                    if (n == 0) res.send("done");
                    else res.status(302).header("Location", "/r/" + (n - 1)).send("");
                })
                .route("/to/{code}", (req, res) -> {
                    req.body().readAllBytes();
                    res.status(Integer.parseInt(req.pathParam("code"))).header("Location", req.queryParam("l")).send("moved");
                })
                .route("/nolocation", (req, res) -> res.status(302).send("no location"))
                .route("/slow/{n}", (req, res) -> {
                    Thread.sleep(300); // each hop takes 300 ms: the total timeout test
                    int n = Integer.parseInt(req.pathParam("n"));
                    res.status(302).header("Location", "/slow/" + (n + 1)).send("");
                })
                .route("/", (req, res) -> res.send(describe(req)));
        server = Server.start(ServerConfig.builder().port(0).build(), r);
        other = Server.start(ServerConfig.builder().port(0).build(), (req, res) -> res.send("other: " + describe(req)));
    }

    @AfterAll
    static void stop() {
        server.shutdown();
        other.shutdown();
    }

    static String to(int code, String location) {
        return server.url() + "/to/" + code + "?l=" + java.net.URLEncoder.encode(location, StandardCharsets.UTF_8);
    }

    @Test
    void aChainOfRedirectsEndsAtTheFinalResponseWithItsUrl() throws Exception {
        try (Client c = new Client(); ClientResponse r = c.send(ClientRequest.get(server.url() + "/r/3"))) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString()).isEqualTo("done");
            assertThat(r.request().uri().toString()).isEqualTo(server.url() + "/r/0");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {301, 302, 303})
    void threeOhOneTwoThreeTurnPostIntoGetWithoutTheBody(int code) throws Exception {
        try (Client c = new Client()) {
            ClientRequest post = ClientRequest.builder("POST", to(code, "/?x=1")).header("Content-Type", "text/plain")
                    .body(RequestBody.of("payload")).build();
            try (ClientResponse r = c.send(post)) {
                assertThat(r.bodyAsString()).isEqualTo("GET /?x=1 body= type=null auth=null cookie=null host="
                        + URI.create(server.url()).getAuthority());
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"307, POST", "308, POST", "307, PUT", "308, DELETE"})
    void threeOhSevenAndEightKeepTheMethodAndTheBody(int code, String method) throws Exception {
        try (Client c = new Client()) {
            ClientRequest req = ClientRequest.builder(method, to(code, "/")).header("Content-Type", "text/plain")
                    .body(RequestBody.of("payload")).build();
            try (ClientResponse r = c.send(req)) {
                assertThat(r.bodyAsString()).startsWith(method + " / body=payload type=text/plain ");
            }
        }
    }

    @Test
    void aStreamBodyThatCannotBeSentTwiceStopsA307WithAClearError() throws Exception {
        try (Client c = new Client()) {
            ClientRequest req = ClientRequest.builder("POST", to(307, "/"))
                    .body(RequestBody.of(new ByteArrayInputStream("once".getBytes()), 4)).build();
            assertThatThrownBy(() -> c.send(req)).isInstanceOfSatisfying(ClientException.class,
                    e -> assertThat(e.kind()).isEqualTo(ClientException.Kind.REDIRECT))
                    .hasMessageContaining("307 to " + server.url() + "/ asks for the request body again");
        }
    }

    @Test
    void atMostMaxRedirectsAreFollowed() throws Exception {
        try (Client c = new Client()) {
            try (ClientResponse r = c.send(ClientRequest.get(server.url() + "/r/10"))) {
                assertThat(r.bodyAsString()).isEqualTo("done"); // 10 redirects: Go's limit, followed
            }
            assertThatThrownBy(() -> c.send(ClientRequest.get(server.url() + "/r/11")))
                    .isInstanceOfSatisfying(ClientException.class,
                            e -> assertThat(e.kind()).isEqualTo(ClientException.Kind.TOO_MANY_REDIRECTS))
                    .hasMessageStartingWith("too many redirects: stopped after 10 redirects (maxRedirects), the next a 302 to /r/0");
        }
        try (Client c = new Client(ClientConfig.builder().maxRedirects(2).build())) {
            assertThatThrownBy(() -> c.send(ClientRequest.get(server.url() + "/r/3")))
                    .hasMessageContaining("stopped after 2 redirects");
        }
    }

    @Test
    void redirectsCanBeTurnedOffPerClientAndPerRequest() throws Exception {
        try (Client c = new Client(ClientConfig.builder().followRedirects(false).build());
                ClientResponse r = c.send(ClientRequest.get(server.url() + "/r/1"))) {
            assertThat(r.status()).isEqualTo(302);
            assertThat(r.header("Location")).isEqualTo("/r/0");
        }
        try (Client c = new Client()) {
            ClientRequest off = ClientRequest.builder("GET", server.url() + "/r/1").followRedirects(false).build();
            try (ClientResponse r = c.send(off)) {
                assertThat(r.status()).isEqualTo(302);
            }
        }
        try (Client c = new Client(ClientConfig.builder().followRedirects(false).build())) {
            ClientRequest on = ClientRequest.builder("GET", server.url() + "/r/1").followRedirects(true).build();
            try (ClientResponse r = c.send(on)) {
                assertThat(r.bodyAsString()).isEqualTo("done");
            }
        }
    }

    @Test
    void aRedirectWithoutLocationIsTheAnswer() throws Exception {
        try (Client c = new Client(); ClientResponse r = c.send(ClientRequest.get(server.url() + "/nolocation"))) {
            assertThat(r.status()).isEqualTo(302);
            assertThat(r.bodyAsString()).isEqualTo("no location");
        }
    }

    @Test
    void credentialsCookiesAndHostStayWithTheirOrigin() throws Exception {
        try (Client c = new Client()) {
            ClientRequest same = ClientRequest.builder("GET", to(302, "/?same")).header("Authorization", "Bearer t")
                    .header("Cookie", "a=1").build();
            try (ClientResponse r = c.send(same)) {
                assertThat(r.bodyAsString()).contains("auth=Bearer t cookie=a=1");
            }
            ClientRequest cross = ClientRequest.builder("GET", to(302, other.url() + "/?cross"))
                    .header("Authorization", "Bearer t").header("Cookie", "a=1").header("Host", "example.test").build();
            try (ClientResponse r = c.send(cross)) {
                assertThat(r.bodyAsString()).isEqualTo("other: GET /?cross body= type=null auth=null cookie=null host="
                        + URI.create(other.url()).getAuthority());
            }
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "'/a/b?x', '/a/b?x'",
        "'sibling?q=1', '/to/sibling?q=1'",
        "'../up', '/up'",
        "'?only=query', '/to/307?only=query'",
        "'/caf\u00e9 menu', '/caf%C3%A9%20menu'",
        "'#frag', '/to/307?l=%23frag'",
    })
    void relativeLocationsResolveAgainstTheRequestUrl(String location, String target) throws Exception {
        try (Client c = new Client(ClientConfig.builder().maxRedirects(1).build())) {
            ClientRequest req = ClientRequest.builder("GET", to(307, location)).build();
            if (location.equals("#frag")) {
                // a fragment alone points at the same resource: the next hop is the same redirect, and the limit stops it
                assertThatThrownBy(() -> c.send(req)).hasMessageContaining("stopped after 1 redirects");
                return;
            }
            try (ClientResponse r = c.send(req)) {
                assertThat(r.request().uri().getRawPath() + (r.request().uri().getRawQuery() == null ? ""
                        : "?" + r.request().uri().getRawQuery())).isEqualTo(target);
            }
        }
    }

    @Test
    void aLocationThatIsNotHttpFailsWithRedirect() throws Exception {
        try (Client c = new Client()) {
            assertThatThrownBy(() -> c.send(ClientRequest.get(to(302, "ftp://files.example/x"))))
                    .isInstanceOfSatisfying(ClientException.class,
                            e -> assertThat(e.kind()).isEqualTo(ClientException.Kind.REDIRECT))
                    .hasMessageContaining("302 to a Location the client cannot follow, \"ftp://files.example/x\"");
        }
    }

    @Test
    void theTotalTimeoutCoversTheWholeChain() throws Exception {
        // each hop takes 300 ms: a 1 s total timeout ends in the fourth hop, not after four fresh seconds
        try (Client c = new Client(ClientConfig.builder().timeout(Duration.ofSeconds(1)).build())) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> c.send(ClientRequest.get(server.url() + "/slow/0")))
                    .isInstanceOfSatisfying(HttpTimeoutException.class, e -> assertThat(e.phase()).isEqualTo(Phase.TOTAL));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isBetween(1000L, 1800L);
        }
    }

    @Test
    void theListenerSeesEveryHop() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        EventListener l = new EventListener() {
            @Override public void callStart(ClientRequest r) { events.add("callStart " + r.uri().getPath()); }
            @Override public void responseHeaders(ClientRequest r, long id, int status) {
                events.add("headers " + r.uri().getPath() + " " + status);
            }
            @Override public void followUp(ClientRequest r, int status, ClientRequest next) {
                events.add("followUp " + status + " " + next.uri().getPath());
            }
            @Override public void callEnd(ClientRequest r) { events.add("callEnd " + r.uri().getPath()); }
        };
        try (Client c = new Client(ClientConfig.builder().listener(l).build());
                ClientResponse r = c.send(ClientRequest.get(server.url() + "/r/2"))) {
            r.bodyAsString();
        }
        assertThat(events).containsExactly("callStart /r/2", "headers /r/2 302", "followUp 302 /r/1",
                "headers /r/1 302", "followUp 302 /r/0", "headers /r/0 200", "callEnd /r/2");
    }
}
