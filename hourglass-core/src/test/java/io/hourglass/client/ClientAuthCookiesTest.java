package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.server.Router;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cookies from a jar on every hop, Basic authentication from a URL's userinfo, and an {@link Authenticator}
 * answering 401 (issue 13), against a real Hourglass server.
 */
class ClientAuthCookiesTest {
    static final String GOOD = "Basic " + Base64.getEncoder().encodeToString("ann:s3cret".getBytes(StandardCharsets.UTF_8));
    static final AtomicInteger protectedHits = new AtomicInteger();
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        Router r = new Router()
                .get("/login", (req, res) -> res.status(302).header("Set-Cookie", "sid=42; Path=/; HttpOnly")
                        .header("Location", "/me").send(""))
                .get("/me", (req, res) -> res.send("cookie=" + req.header("Cookie")))
                .get("/auth", (req, res) -> res.send("auth=" + req.header("Authorization")))
                .get("/protected", (req, res) -> {
                    protectedHits.incrementAndGet();
                    if (GOOD.equals(req.header("Authorization")) || "Bearer new".equals(req.header("Authorization"))) {
                        res.send("welcome");
                    } else {
                        res.status(401).header("WWW-Authenticate", "Basic realm=\"shop\", charset=\"UTF-8\"").send("who?");
                    }
                });
        server = Server.start(ServerConfig.builder().port(0).build(), r);
    }

    @AfterAll
    static void stop() {
        server.shutdown();
    }

    @BeforeEach
    void reset() {
        protectedHits.set(0);
    }

    static String body(Client c, ClientRequest req) throws Exception {
        try (ClientResponse r = c.send(req)) {
            return r.status() + " " + r.bodyAsString();
        }
    }

    @Test
    void aCookieSetOnARedirectGoesWithTheNextHopAndLaterCalls() throws Exception {
        try (Client c = new Client(ClientConfig.builder().cookieJar(CookieJar.inMemory()).build())) {
            assertThat(body(c, ClientRequest.get(server.url() + "/login"))).isEqualTo("200 cookie=sid=42");
            ClientRequest own = ClientRequest.builder("GET", server.url() + "/me").header("Cookie", "own=1").build();
            assertThat(body(c, own)).isEqualTo("200 cookie=own=1; sid=42");
        }
        try (Client c = new Client()) { // no jar: no cookies, as in OkHttp and Go
            assertThat(body(c, ClientRequest.get(server.url() + "/login"))).isEqualTo("200 cookie=null");
        }
    }

    @Test
    void aUrlsUserinfoIsSentAsBasicAuthorization() throws Exception {
        String url = server.url().replace("http://", "http://ann:s3cret@") + "/auth";
        try (Client c = new Client()) {
            assertThat(body(c, ClientRequest.get(url))).isEqualTo("200 auth=" + GOOD);
            String escaped = server.url().replace("http://", "http://ann%40corp:p%3Ass+1@") + "/auth";
            assertThat(body(c, ClientRequest.get(escaped))).isEqualTo("200 auth=Basic "
                    + Base64.getEncoder().encodeToString("ann@corp:p:ss+1".getBytes(StandardCharsets.UTF_8)));
            ClientRequest own = ClientRequest.builder("GET", url).header("Authorization", "Bearer mine").build();
            assertThat(body(c, own)).isEqualTo("200 auth=Bearer mine");
        }
    }

    @Test
    void anAuthenticatorAnswersA401Once() throws Exception {
        try (Client c = new Client(ClientConfig.builder().authenticator(Authenticator.basic("ann", "s3cret")).build())) {
            assertThat(body(c, ClientRequest.get(server.url() + "/protected"))).isEqualTo("200 welcome");
            assertThat(protectedHits.get()).isEqualTo(2);
        }
        protectedHits.set(0);
        try (Client c = new Client(ClientConfig.builder().authenticator(Authenticator.basic("ann", "wrong")).build())) {
            assertThat(body(c, ClientRequest.get(server.url() + "/protected"))).isEqualTo("401 who?");
            assertThat(protectedHits.get()).isEqualTo(2); // refused credentials are not sent again
        }
        protectedHits.set(0);
        try (Client c = new Client()) {
            assertThat(body(c, ClientRequest.get(server.url() + "/protected"))).isEqualTo("401 who?");
            assertThat(protectedHits.get()).isEqualTo(1);
        }
    }

    @Test
    void aTokenRefreshingAuthenticatorAndOneThatRepeatsItself() throws Exception {
        Authenticator refresh = resp -> resp.request().toBuilder().removeHeader("Authorization")
                .header("Authorization", "Bearer new").build();
        try (Client c = new Client(ClientConfig.builder().authenticator(refresh).build())) {
            ClientRequest req = ClientRequest.builder("GET", server.url() + "/protected")
                    .header("Authorization", "Bearer old").build();
            assertThat(body(c, req)).isEqualTo("200 welcome");
        }
        protectedHits.set(0);
        Authenticator stubborn = resp -> resp.request().toBuilder().removeHeader("Authorization")
                .header("Authorization", "Bearer stale").build();
        try (Client c = new Client(ClientConfig.builder().authenticator(stubborn).build())) {
            assertThat(body(c, ClientRequest.get(server.url() + "/protected"))).isEqualTo("401 who?");
            assertThat(protectedHits.get()).isEqualTo(2); // the same refused token is not sent a third time
        }
    }
}
