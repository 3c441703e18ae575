package io.hourglass.server;

import io.hourglass.testing.RawPeer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Go 1.22 routing rules over a real socket: the most specific pattern wins whatever the order of
 * registration, conflicts are refused naming both, hosts, {$}, trailing-slash subtrees and their redirect,
 * clean-path redirects, decoded segments; groups and the order of filters.
 */
class RouterPrecedenceTest {
    Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    RawPeer.Response call(Router r, String method, String target) throws Exception {
        return call(r, method, target, "a");
    }

    RawPeer.Response call(Router r, String method, String target, String host) throws Exception {
        if (server == null) {
            server = Server.start(ServerConfig.builder().port(0).build(), r);
        }
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send(method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
            return c.readResponse();
        }
    }

    static Handler says(String what) {
        return (req, res) -> res.send(what);
    }

    @ParameterizedTest(name = "registered in order {0}")
    @CsvSource({"true", "false"})
    void theMostSpecificPatternWinsWhateverTheOrder(boolean generalFirst) throws Exception {
        Router r = new Router();
        List<Runnable> adds = List.of(
                () -> r.route("/", says("catch-all")),
                () -> r.route("/users/", says("users subtree")),
                () -> r.get("/users/{id}", says("user")),
                () -> r.get("/users/me", says("me")),
                () -> r.route("/users/{id}/posts", says("any method posts")),
                () -> r.get("/users/{id}/posts", says("get posts")));
        if (generalFirst) {
            adds.forEach(Runnable::run);
        } else {
            for (int i = adds.size() - 1; i >= 0; i--) {
                adds.get(i).run();
            }
        }
        assertThat(call(r, "GET", "/users/me").body()).isEqualTo("me");             // literal beats wildcard
        assertThat(call(r, "GET", "/users/7").body()).isEqualTo("user");
        assertThat(call(r, "GET", "/users/7/x").body()).isEqualTo("users subtree"); // longer prefix beats shorter
        assertThat(call(r, "GET", "/elsewhere").body()).isEqualTo("catch-all");
        assertThat(call(r, "GET", "/users/7/posts").body()).isEqualTo("get posts"); // a method beats none
        assertThat(call(r, "PUT", "/users/7/posts").body()).isEqualTo("any method posts");
        try (RawPeer.Connection c = RawPeer.connect(server.port())) { // HEAD takes the GET route of the same path
            c.send("HEAD /users/me HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.line()).isEqualTo("HTTP/1.1 200 OK");
            String l;
            while (!(l = c.line()).isEmpty()) {
                if (l.startsWith("Content-Length")) assertThat(l).isEqualTo("Content-Length: 2");
            }
        }
    }

    @Test
    void conflictingPatternsAreRefusedNamingBothAndARequestTheyShare() {
        Router r = new Router().get("/a/{x}", says("1"));
        assertThatThrownBy(() -> r.get("/{y}/b", says("2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"GET /{y}/b\"").hasMessageContaining("\"GET /a/{x}\"")
                .hasMessageContaining("GET /a/b").hasMessageContaining("neither is more specific");
        // A method on one side and a more specific path on the other: neither wins (Go refuses this too).
        Router r2 = new Router().route("/posts/latest", says("1"));
        assertThatThrownBy(() -> r2.get("/posts/{id}", says("2"))).hasMessageContaining("conflicts with");
        assertThatThrownBy(() -> new Router().get("/x", says("1")).get("/x", says("2")))
                .hasMessageContaining("matches the same requests as \"GET /x\"");
        assertThatThrownBy(() -> new Router().get("/a/{x}", says("1")).get("/a/{y}", says("2")))
                .hasMessageContaining("matches the same requests");
    }

    @Test
    void patternsThatNeverMatchTheSameRequestDoNotConflict() {
        Router r = new Router()
                .get("/a/{x}", says("1"))
                .post("/{y}/b", says("2"))          // other method
                .get("/a/{x}/c", says("3"))         // other length
                .get("/a/{$}", says("4"))           // {x} never matches an empty segment
                .get("example.com/{y}/b", says("5")); // another host
        assertThat(r).isNotNull();
    }

    @Test
    void aHostPatternTakesPrecedenceForItsHost() throws Exception {
        Router r = new Router()
                .get("/{page}", says("any host"))
                .get("api.example.com/status", says("api"));
        assertThat(call(r, "GET", "/status", "api.example.com:8080").body()).isEqualTo("api");
        assertThat(call(r, "GET", "/status", "API.Example.COM").body()).isEqualTo("api");
        assertThat(call(r, "GET", "/status", "www.example.com").body()).isEqualTo("any host");
        assertThat(call(r, "GET", "http://api.example.com/status", "other").body()).isEqualTo("api");
    }

    @Test
    void dollarMatchesOnlyTheSlashedPathAndATrailingSlashASubtree() throws Exception {
        Router r = new Router()
                .get("/{$}", says("root only"))
                .get("/docs/", says("docs subtree"))
                .get("/api/{$}", says("api index"));
        assertThat(call(r, "GET", "/").body()).isEqualTo("root only");
        assertThat(call(r, "GET", "/x").status()).isEqualTo(404);
        assertThat(call(r, "GET", "/docs/").body()).isEqualTo("docs subtree");
        assertThat(call(r, "GET", "/docs/a/b").body()).isEqualTo("docs subtree");
        assertThat(call(r, "GET", "/api/").body()).isEqualTo("api index");
        assertThat(call(r, "GET", "/api/x").status()).isEqualTo(404);
    }

    @Test
    void aDirectoryWithoutItsSlashIsRedirectedOnlyWhenTheSlashedFormAloneMatches() throws Exception {
        Router r = new Router()
                .get("/docs/", says("docs"))
                .route("/upload/", says("upload"))
                .get("/both/", says("slashed"))
                .get("/both", says("bare"));
        RawPeer.Response get = call(r, "GET", "/docs?page=2");
        assertThat(get.status()).isEqualTo(301);
        assertThat(get.header("location")).isEqualTo("/docs/?page=2");
        RawPeer.Response post = call(r, "POST", "/upload");
        assertThat(post.status()).isEqualTo(308); // keeps the method and the body
        assertThat(post.header("location")).isEqualTo("/upload/");
        assertThat(call(r, "GET", "/both").body()).isEqualTo("bare");
    }

    @Test
    void aPathThatIsNotCleanIsRedirectedToItsCleanForm() throws Exception {
        Router r = new Router().get("/a/{x}", says("a"));
        assertThat(call(r, "GET", "/b/../a/1").header("location")).isEqualTo("/a/1");
        assertThat(call(r, "GET", "//a/./1/").header("location")).isEqualTo("/a/1/");
        assertThat(call(r, "GET", "/a//1?q=1").header("location")).isEqualTo("/a/1?q=1");
        assertThat(call(r, "GET", "/x/..%5C/evil.example//").header("location"))
                .startsWith("/x/..%5C/evil.example/"); // (an escaped backslash stays escaped)
    }

    @Test
    void segmentsAreMatchedDecodedAndAnEncodedSlashStaysInItsSegment() throws Exception {
        Router r = new Router()
                .get("/users/{name}", (req, res) -> res.send("user [" + req.pathParam("name") + "]"))
                .get("/files/{path...}", (req, res) -> res.send("file [" + req.pathParam("path") + "]"))
                .get("/hello", says("hello"));
        assertThat(call(r, "GET", "/users/a%20b").body()).isEqualTo("user [a b]");
        assertThat(call(r, "GET", "/users/a%2Fb").body()).isEqualTo("user [a/b]");
        assertThat(call(r, "GET", "/h%65llo").body()).isEqualTo("hello");
        assertThat(call(r, "GET", "/files/x/y%20z").body()).isEqualTo("file [x/y z]");
        assertThat(call(r, "GET", "/files/").body()).isEqualTo("file []");
    }

    @Test
    void methodNotAllowedListsTheMethodsOfMatchingPatternsWithHead() throws Exception {
        Router r = new Router().get("/items/{id}", says("g")).delete("/items/{id}", says("d"));
        RawPeer.Response resp = call(r, "PUT", "/items/3");
        assertThat(resp.status()).isEqualTo(405);
        assertThat(resp.header("allow")).isEqualTo("GET, HEAD, DELETE");
    }

    @Test
    void groupsShareAPrefixAndRunTheirFiltersAfterTheRootsInOrder() throws Exception {
        List<String> trace = new CopyOnWriteArrayList<>();
        Router r = new Router()
                .use(tag(trace, "root1"), tag(trace, "root2"))
                .get("/plain", (req, res) -> {
                    trace.add("handler");
                    res.send("plain");
                })
                .group("/api", api -> api
                        .use(tag(trace, "api"))
                        .get("/items/{id}", (req, res) -> {
                            trace.add("handler " + req.pathParam("id"));
                            res.send("item");
                        })
                        .group("/v2", v2 -> v2.use(tag(trace, "v2")).get("/x", (req, res) -> {
                            trace.add("handler v2");
                            res.send("x");
                        })));
        assertThat(call(r, "GET", "/api/items/9").body()).isEqualTo("item");
        assertThat(trace).containsExactly("root1", "root2", "api", "handler 9");
        trace.clear();
        assertThat(call(r, "GET", "/api/v2/x").body()).isEqualTo("x");
        assertThat(trace).containsExactly("root1", "root2", "api", "v2", "handler v2");
        trace.clear();
        assertThat(call(r, "GET", "/plain").body()).isEqualTo("plain");
        assertThat(trace).containsExactly("root1", "root2", "handler");
        trace.clear();
        // A miss under a group's prefix runs through the group's filters; elsewhere through the root's only.
        assertThat(call(r, "POST", "/api/items/9").status()).isEqualTo(405);
        assertThat(trace).containsExactly("root1", "root2", "api");
        trace.clear();
        assertThat(call(r, "GET", "/nowhere").status()).isEqualTo(404);
        assertThat(trace).containsExactly("root1", "root2");
    }

    @Test
    void aFilterCanAnswerWithoutCallingNextAndSeesTheDeadline() throws Exception {
        Router r = new Router()
                .use((req, res, next) -> {
                    if (req.header("X-Block") != null) {
                        res.status(403);
                        res.send("blocked");
                        return;
                    }
                    res.header("X-Deadline", String.valueOf(req.deadline().isPresent()));
                    next.handle(req, res);
                })
                .get("/x", says("x"));
        try (RawPeer.Connection c = RawPeer.connect((server = Server.start(ServerConfig.builder().port(0).build(), r)).port())) {
            c.send("GET /x HTTP/1.1\r\nHost: a\r\nX-Block: 1\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(403);
            c.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
            RawPeer.Response ok = c.readResponse();
            assertThat(ok.body()).isEqualTo("x");
            assertThat(ok.header("x-deadline")).isEqualTo("true"); // the default handler timeout is 30s
        }
    }

    @Test
    void badGroupPrefixesAndNotFoundOnAGroupAreRefused() {
        assertThatThrownBy(() -> new Router().group("/api/", g -> { })).hasMessageContaining("trailing slash");
        assertThatThrownBy(() -> new Router().group("GET /api", g -> { })).hasMessageContaining("without a method");
        assertThatThrownBy(() -> new Router().group("/api", g -> g.notFound(says("x"))))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new Router().get("/a/{x}/{x}", says("x"))).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> new Router().get("/a/b{x}", says("x"))).hasMessageContaining("whole segment");
        assertThatThrownBy(() -> new Router().get("/a/../b", says("x"))).hasMessageContaining("clean");
        assertThatThrownBy(() -> new Router().get("/a/{$}/b", says("x"))).hasMessageContaining("last segment");
    }

    static Filter tag(List<String> trace, String name) {
        return (req, res, next) -> {
            trace.add(name);
            next.handle(req, res);
        };
    }
}
