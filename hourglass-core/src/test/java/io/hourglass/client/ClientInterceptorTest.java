package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.http.Headers;
import io.hourglass.server.Router;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interceptors in OkHttp's model and the fake transport (issue 13): application interceptors see the call
 * once, network interceptors every hop with the headers the client added; both may change the request and
 * the response, or answer themselves; a fake transport answers in place of the network with everything above
 * it (redirects, cookies, gzip, timeouts) still at work.
 */
class ClientInterceptorTest {
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        Router r = new Router()
                .get("/r", (req, res) -> res.status(302).header("Location", "/hello").send(""))
                .get("/hello", (req, res) -> res.send("hello " + req.header("X-Trace")));
        server = Server.start(ServerConfig.builder().port(0).build(), r);
    }

    @AfterAll
    static void stop() {
        server.shutdown();
    }

    static Interceptor recording(List<String> log, String name) {
        return chain -> {
            ClientRequest req = chain.request();
            log.add(name + " > " + req.method() + " " + req.uri().getPath() + " ae=" + req.headers().first("Accept-Encoding"));
            ClientResponse resp = chain.proceed(req);
            log.add(name + " < " + resp.status());
            return resp;
        };
    }

    @Test
    void applicationInterceptorsSeeTheCallOnceAndNetworkInterceptorsEveryHop() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        ClientConfig cfg = ClientConfig.builder()
                .addInterceptor(recording(log, "app1")).addInterceptor(recording(log, "app2"))
                .addNetworkInterceptor(recording(log, "net")).build();
        try (Client c = new Client(cfg); ClientResponse r = c.send(ClientRequest.get(server.url() + "/r"))) {
            assertThat(r.bodyAsString()).isEqualTo("hello null");
        }
        assertThat(log).containsExactly(
                "app1 > GET /r ae=null", "app2 > GET /r ae=null",
                "net > GET /r ae=gzip", "net < 302",
                "net > GET /hello ae=gzip", "net < 200",
                "app2 < 200", "app1 < 200");
    }

    @Test
    void anInterceptorChangesTheRequestAndTheResponse() throws Exception {
        Interceptor trace = chain -> chain.proceed(chain.request().toBuilder().header("X-Trace", "t-1").build());
        Interceptor upper = chain -> {
            ClientResponse r = chain.proceed(chain.request());
            Headers h = new Headers();
            h.add("X-Upper", "yes");
            InputStream up = new FilterInputStream(r.body()) {
                @Override public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    for (int i = off; i < off + Math.max(n, 0); i++) b[i] = (byte) Character.toUpperCase(b[i]);
                    return n;
                }
            };
            return r.withHeaders(h).withBody(up);
        };
        try (Client c = new Client(ClientConfig.builder().addInterceptor(upper).addNetworkInterceptor(trace).build())) {
            for (int i = 0; i < 2; i++) {
                try (ClientResponse r = c.send(ClientRequest.get(server.url() + "/hello"))) {
                    assertThat(r.header("X-Upper")).isEqualTo("yes");
                    assertThat(r.bodyAsString()).isEqualTo("HELLO T-1");
                }
            }
            assertThat(c.stats().opened()).isEqualTo(1); // the wrapped body, read to its end, gave the connection back
        }
    }

    @Test
    void anInterceptorMayAnswerItself() throws Exception {
        Interceptor cache = chain -> chain.request().uri().getPath().equals("/cached")
                ? ClientResponse.of(200, new Headers().add("X-Cache", "hit"), "from cache")
                : chain.proceed(chain.request());
        try (Client c = new Client(ClientConfig.builder().addInterceptor(cache).build())) {
            try (ClientResponse r = c.send(ClientRequest.get(server.url() + "/cached"))) {
                assertThat(r.header("X-Cache")).isEqualTo("hit");
                assertThat(r.request().uri().getPath()).isEqualTo("/cached");
                assertThat(r.bodyAsString()).isEqualTo("from cache");
            }
            assertThat(c.stats().opened()).isZero();
        }
    }

    @Test
    void aFakeTransportAnswersInPlaceOfTheNetworkWithTheClientsStepsAbove() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        Interceptor fake = chain -> {
            ClientRequest req = chain.request();
            seen.add(req.method() + " " + req.uri() + " cookie=" + req.headers().first("Cookie")
                    + " ua=" + req.headers().first("User-Agent"));
            return switch (req.uri().getPath()) {
                case "/login" -> ClientResponse.of(303, new Headers().add("Location", "/home").add("Set-Cookie", "s=1"), "");
                case "/home" -> ClientResponse.of(200, new Headers().add("Content-Type", "text/plain"), "home");
                default -> ClientResponse.of(404, new Headers(), "not found");
            };
        };
        ClientConfig cfg = ClientConfig.builder().transport(fake).cookieJar(CookieJar.inMemory()).build();
        try (Client c = new Client(cfg);
                ClientResponse r = c.send(ClientRequest.post("https://api.example/login", RequestBody.of("u=ann")))) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString()).isEqualTo("home");
            assertThat(r.request().uri().toString()).isEqualTo("https://api.example/home");
            assertThat(c.stats().opened()).isZero();
        }
        assertThat(seen).containsExactly("POST https://api.example/login cookie=null ua=hourglass/0.1",
                "GET https://api.example/home cookie=s=1 ua=hourglass/0.1");
    }

    @Test
    void aNullResponseOrAThrowingInterceptorFailsTheCallClearly() throws Exception {
        try (Client c = new Client(ClientConfig.builder().addInterceptor(chain -> null).build())) {
            assertThatThrownBy(() -> c.send(ClientRequest.get(server.url() + "/hello")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("returned null instead of a response");
        }
        Interceptor deny = chain -> {
            throw new ClientException(ClientException.Kind.IO, "denied by policy: "
                    + chain.request().uri().getHost().toLowerCase(Locale.ROOT), null);
        };
        try (Client c = new Client(ClientConfig.builder().addInterceptor(deny).build())) {
            assertThatThrownBy(() -> c.send(ClientRequest.get(server.url() + "/hello"))).hasMessageContaining("denied by policy");
        }
    }
}
