package io.hourglass.server;

import io.hourglass.testing.RawPeer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.http.Headers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The gzip filter's negotiation and its limits; the CORS filter's preflight and simple requests. */
class GzipCorsTest {
    static final String BIG = "hello, compressible world. ".repeat(100); // 2700 bytes
    Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    RawPeer.Response call(String raw) throws Exception {
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            c.send(raw);
            return c.readResponse();
        }
    }

    static String gunzip(String body) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body.getBytes(StandardCharsets.ISO_8859_1)))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest(name = "Accept-Encoding: {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            gzip                      | true
            deflate, gzip;q=0.5       | true
            x-gzip                    | true
            *                         | true
            gzip;q=0                  | false
            gzip;q=0, *               | false
            *;q=0                     | false
            identity                  | false
            br, deflate               | false
            gzip;q=2                  | false
            GZIP ; Q=0.001            | true
            """)
    void acceptEncodingIsNegotiatedWithQValues(String value, boolean gzip) {
        assertThat(Gzip.acceptsGzip(new Headers().add("Accept-Encoding", value))).isEqualTo(gzip);
        assertThat(Gzip.acceptsGzip(new Headers())).isFalse();
    }

    @Test
    void aQualifyingBodyIsCompressedWithVaryAndAWeakETag() throws Exception {
        server = Server.start(ServerConfig.builder().port(0).build(), new Router().use(Filter.gzip())
                .get("/text", (req, res) -> res.header("ETag", "\"v1\"").send(BIG))
                .get("/small", (req, res) -> res.send("tiny"))
                .get("/png", (req, res) -> res.header("Content-Type", "image/png").send(BIG))
                .get("/stream", (req, res) -> {
                    res.header("Content-Type", "application/json");
                    res.body().write("[1,".getBytes(StandardCharsets.US_ASCII));
                    res.flush();
                    res.body().write("2]".getBytes(StandardCharsets.US_ASCII));
                }));
        RawPeer.Response r = call("GET /text HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n");
        assertThat(r.header("content-encoding")).isEqualTo("gzip");
        assertThat(r.header("vary")).isEqualTo("Accept-Encoding");
        assertThat(r.header("etag")).isEqualTo("W/\"v1\"");
        assertThat(Long.parseLong(r.header("content-length"))).isLessThan(BIG.length() / 5);
        assertThat(gunzip(r.body())).isEqualTo(BIG);

        RawPeer.Response plain = call("GET /text HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(plain.header("content-encoding")).isNull();
        assertThat(plain.header("vary")).isEqualTo("Accept-Encoding"); // it depended on the field all the same
        assertThat(plain.header("etag")).isEqualTo("\"v1\"");
        assertThat(plain.body()).isEqualTo(BIG);

        RawPeer.Response small = call("GET /small HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n");
        assertThat(small.header("content-encoding")).isNull();
        assertThat(small.body()).isEqualTo("tiny");
        assertThat(call("GET /png HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n").header("content-encoding"))
                .isNull();

        RawPeer.Response stream = call("GET /stream HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n");
        assertThat(stream.header("transfer-encoding")).isEqualTo("chunked"); // unknown length: always compressed
        assertThat(gunzip(stream.body())).isEqualTo("[1,2]");
    }

    @Test
    void rangesAndNotModifiedAreNeverCompressed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.txt"), BIG);
        server = Server.start(ServerConfig.builder().port(0).build(), new Router().use(Filter.gzip())
                .get("/f/", StaticFiles.of(dir)));
        RawPeer.Response full = call("GET /f/a.txt HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n");
        assertThat(full.header("content-encoding")).isEqualTo("gzip");
        assertThat(gunzip(full.body())).isEqualTo(BIG);
        String weak = full.header("etag");
        assertThat(weak).startsWith("W/\"");
        RawPeer.Response range = call("GET /f/a.txt HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\nRange: bytes=0-4\r\n\r\n");
        assertThat(range.status()).isEqualTo(206);
        assertThat(range.header("content-encoding")).isNull();
        assertThat(range.body()).isEqualTo("hello");
        RawPeer.Response nm = call("GET /f/a.txt HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\nIf-None-Match: " + weak
                + "\r\n\r\n");
        assertThat(nm.status()).isEqualTo(304); // the weak tag of the gzip form still validates (weak comparison)
        assertThat(nm.header("vary")).isEqualTo("Accept-Encoding");
        assertThat(nm.header("content-encoding")).isNull();
    }

    @Test
    void gzipOptionsAreChecked() {
        assertThatThrownBy(() -> Filter.gzip(-1, "text/*")).hasMessageContaining("negative");
        assertThatThrownBy(() -> Filter.gzip(10)).hasMessageContaining("at least one content type");
        assertThatThrownBy(() -> Filter.gzip(10, "html")).hasMessageContaining("not a content type");
        Gzip g = new Gzip(0, java.util.List.of("text/*", "+json", "application/wasm"));
        assertThat(g.compressible("text/csv; charset=utf-8")).isTrue();
        assertThat(g.compressible("application/problem+json")).isTrue();
        assertThat(g.compressible("Application/WASM")).isTrue();
        assertThat(g.compressible("image/jpeg")).isFalse();
    }

    // ---- CORS ----

    void corsServer(Filter.Cors cors) throws Exception {
        server = Server.start(ServerConfig.builder().port(0).build(), new Router()
                .group("/api", api -> api.use(cors).get("/items", (req, res) -> res.send("items"))
                        .post("/items", (req, res) -> res.send("made")))
                .get("/public", (req, res) -> res.send("public")));
    }

    @Test
    void anAllowedPreflightGets204WithTheAllowFieldsAndNeverReachesTheHandler() throws Exception {
        corsServer(Filter.cors("https://app.example").allowCredentials(true).maxAge(Duration.ofMinutes(5))
                .exposeHeaders("X-Total"));
        RawPeer.Response pre = call("OPTIONS /api/items HTTP/1.1\r\nHost: a\r\nOrigin: https://app.example\r\n"
                + "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type, x-token\r\n\r\n");
        assertThat(pre.status()).isEqualTo(204);
        assertThat(pre.header("access-control-allow-origin")).isEqualTo("https://app.example");
        assertThat(pre.header("access-control-allow-methods")).contains("POST");
        assertThat(pre.header("access-control-allow-headers")).isEqualTo("content-type, x-token");
        assertThat(pre.header("access-control-allow-credentials")).isEqualTo("true");
        assertThat(pre.header("access-control-max-age")).isEqualTo("300");
        assertThat(pre.header("vary")).isEqualTo("Origin, Access-Control-Request-Method, Access-Control-Request-Headers");

        RawPeer.Response simple = call("GET /api/items HTTP/1.1\r\nHost: a\r\nOrigin: https://app.example\r\n\r\n");
        assertThat(simple.body()).isEqualTo("items");
        assertThat(simple.header("access-control-allow-origin")).isEqualTo("https://app.example");
        assertThat(simple.header("access-control-expose-headers")).isEqualTo("X-Total");
        assertThat(simple.header("vary")).isEqualTo("Origin");
    }

    @Test
    void aPreflightThatIsNotAllowedGets403SayingWhyAndOtherOriginsGetNoCorsFields() throws Exception {
        corsServer(Filter.cors("https://app.example").methods("GET").headers("content-type"));
        RawPeer.Response origin = call("OPTIONS /api/items HTTP/1.1\r\nHost: a\r\nOrigin: https://evil.example\r\n"
                + "Access-Control-Request-Method: GET\r\n\r\n");
        assertThat(origin.status()).isEqualTo(403);
        assertThat(origin.body()).contains("origin https://evil.example is not allowed");
        assertThat(call("OPTIONS /api/items HTTP/1.1\r\nHost: a\r\nOrigin: https://app.example\r\n"
                + "Access-Control-Request-Method: DELETE\r\n\r\n").body()).contains("method DELETE is not allowed");
        assertThat(call("OPTIONS /api/items HTTP/1.1\r\nHost: a\r\nOrigin: https://app.example\r\n"
                + "Access-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: x-secret\r\n\r\n").body())
                .contains("request header x-secret is not allowed");
        RawPeer.Response other = call("GET /api/items HTTP/1.1\r\nHost: a\r\nOrigin: https://evil.example\r\n\r\n");
        assertThat(other.body()).isEqualTo("items");
        assertThat(other.header("access-control-allow-origin")).isNull();
        RawPeer.Response none = call("GET /public HTTP/1.1\r\nHost: a\r\nOrigin: https://app.example\r\n\r\n");
        assertThat(none.header("access-control-allow-origin")).isNull(); // outside the group
    }

    @Test
    void anyOriginGetsAStarAndRefusesCredentials() throws Exception {
        corsServer(Filter.cors("*"));
        RawPeer.Response r = call("GET /api/items HTTP/1.1\r\nHost: a\r\nOrigin: https://whoever.example\r\n\r\n");
        assertThat(r.header("access-control-allow-origin")).isEqualTo("*");
        assertThat(r.header("vary")).isNull();
        assertThatThrownBy(() -> Filter.cors("*").allowCredentials(true)).hasMessageContaining("cannot go with");
        assertThatThrownBy(() -> Filter.cors("app.example")).hasMessageContaining("is not an origin");
        assertThatThrownBy(Filter::cors).hasMessageContaining("at least one origin");
    }
}
