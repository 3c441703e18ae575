package io.hourglass.server;

import io.hourglass.testing.RawPeer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Method and path patterns over a real socket: parameters, the rest wildcard, 404, 405 with Allow, HEAD. */
class RouterTest {
    Server server;

    @BeforeEach
    void start() throws Exception {
        Router r = new Router()
                .get("/users/{id}", (req, res) -> res.send("user " + req.pathParam("id")))
                .get("/users/{id}/posts/{post}", (req, res) -> res.send(req.pathParam("id") + "/" + req.pathParam("post")))
                .route("DELETE /users/{id}", (req, res) -> res.send("deleted " + req.pathParam("id")))
                .get("/files/{path...}", (req, res) -> res.send("file " + req.pathParam("path")))
                .get("/{$}", (req, res) -> res.send("root")); // "/" alone would match every GET (Go 1.22)
        server = Server.start(ServerConfig.builder().port(0).build(), r);
    }

    @AfterEach
    void stop() {
        server.shutdown();
    }

    RawPeer.Response call(String method, String target) throws Exception {
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send(method + " " + target + " HTTP/1.1\r\nHost: a\r\n\r\n");
            return c.readResponse();
        }
    }

    @Test
    void patternsCaptureParameters() throws Exception {
        assertThat(call("GET", "/users/7").body()).isEqualTo("user 7");
        assertThat(call("GET", "/users/7/posts/42?x=1").body()).isEqualTo("7/42");
        assertThat(call("DELETE", "/users/9").body()).isEqualTo("deleted 9");
        assertThat(call("GET", "/files/a/b/c.txt").body()).isEqualTo("file a/b/c.txt");
        assertThat(call("GET", "/").body()).isEqualTo("root");
    }

    @Test
    void noMatchIs404AndAnEmptySegmentDoesNotMatchAParameter() throws Exception {
        assertThat(call("GET", "/nope").status()).isEqualTo(404);
        assertThat(call("GET", "/users/").status()).isEqualTo(404);
        assertThat(call("GET", "/users/7/extra").status()).isEqualTo(404);
    }

    @Test
    void otherMethodOnAKnownPathIs405WithAllow() throws Exception {
        RawPeer.Response r = call("POST", "/users/7");
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("allow")).isEqualTo("GET, HEAD, DELETE"); // GET routes serve HEAD too
    }

    @Test
    void headUsesTheGetRouteWithoutABody() throws Exception {
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send("HEAD /users/7 HTTP/1.1\r\nHost: a\r\n\r\nGET /users/8 HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.line()).isEqualTo("HTTP/1.1 200 OK");
            String l;
            while (!(l = c.line()).isEmpty()) {
                if (l.startsWith("Content-Length")) assertThat(l).isEqualTo("Content-Length: 6");
            }
            assertThat(c.readResponse().body()).isEqualTo("user 8"); // no body bytes came in between
        }
    }

    @Test
    void badPatternsAreRejectedWhenAdded() {
        assertThatThrownBy(() -> new Router().get("users", (q, r) -> { }))
                .hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> new Router().get("/a/{rest...}/b", (q, r) -> { }))
                .hasMessageContaining("must be the last segment");
        assertThatThrownBy(() -> new Router().route("GET", (q, r) -> { }))
                .hasMessageContaining("METHOD /pattern");
    }
}
