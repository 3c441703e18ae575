package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.server.Filter;
import io.hourglass.server.Router;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Transparent gzip with Go's semantics (issue 13): {@code Accept-Encoding: gzip} sent unless the caller set
 * one (or sent a Range, or HEAD), the body decompressed, {@code Content-Encoding} and {@code Content-Length}
 * gone from what the caller sees, the connection reused after a compressed body; off with
 * {@code transparentGzip(false)}. The server is Hourglass's with its gzip filter.
 */
class ClientGzipTest {
    static final String TEXT = "The quick brown fox jumps over the lazy dog. ".repeat(200);
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        Router r = new Router()
                .use(Filter.gzip())
                .get("/text", (req, res) -> {
                    res.header("Content-Type", "text/plain");
                    res.header("X-Accept-Encoding", String.valueOf(req.header("Accept-Encoding")));
                    res.send(TEXT);
                })
                .get("/streamed", (req, res) -> {
                    res.header("Content-Type", "text/plain");
                    try (OutputStream o = res.body()) {
                        for (int i = 0; i < 4; i++) {
                            o.write(TEXT.getBytes(StandardCharsets.UTF_8));
                            o.flush();
                        }
                    }
                })
                .get("/corrupt", (req, res) -> {
                    res.header("Content-Encoding", "gzip");
                    res.send("this is not gzip at all");
                })
                .get("/empty-gzip", (req, res) -> {
                    res.header("Content-Encoding", "gzip");
                    res.send("");
                })
                .get("/double", (req, res) -> { // two gzip members, which a gzip reader concatenates (RFC 1952)
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    for (String part : new String[] {"first ", "second"}) {
                        try (GZIPOutputStream z = new GZIPOutputStream(b) {
                            @Override public void close() throws java.io.IOException { finish(); }
                        }) {
                            z.write(part.getBytes(StandardCharsets.UTF_8));
                        }
                    }
                    res.header("Content-Encoding", "gzip");
                    res.send(b.toByteArray());
                });
        server = Server.start(ServerConfig.builder().port(0).build(), r);
    }

    @AfterAll
    static void stop() {
        server.shutdown();
    }

    @Test
    void aGzipBodyIsDecompressedAndItsEncodingHeadersRemoved() throws Exception {
        try (Client c = new Client()) {
            for (String path : new String[] {"/text", "/streamed"}) {
                for (int i = 0; i < 2; i++) {
                    try (ClientResponse r = c.send(ClientRequest.get(server.url() + path))) {
                        assertThat(r.header("Content-Encoding")).isNull();
                        assertThat(r.header("Content-Length")).isNull();
                        assertThat(r.header("Vary")).isEqualTo("Accept-Encoding");
                        String body = r.bodyAsString();
                        assertThat(body).isEqualTo(path.equals("/text") ? TEXT : TEXT.repeat(4));
                    }
                }
            }
            // the body ended with the gzip data, so the connection came back at once and carried every call
            assertThat(c.stats().opened()).isEqualTo(1);
            assertThat(c.stats().reused()).isEqualTo(3);
        }
    }

    @Test
    void theCallerSeesWhatWasSentOnTheWireThroughANetworkInterceptor() throws Exception {
        StringBuilder seen = new StringBuilder();
        Interceptor spy = chain -> {
            ClientResponse r = chain.proceed(chain.request());
            seen.append(chain.request().headers().first("Accept-Encoding")).append(' ')
                    .append(r.header("Content-Encoding"));
            return r;
        };
        try (Client c = new Client(ClientConfig.builder().addNetworkInterceptor(spy).build());
                ClientResponse r = c.send(ClientRequest.get(server.url() + "/text"))) {
            assertThat(r.bodyAsString()).isEqualTo(TEXT);
        }
        assertThat(seen).hasToString("gzip gzip");
    }

    @Test
    void aCallerThatAsksForAnEncodingItselfGetsTheBodyAsSent() throws Exception {
        try (Client c = new Client()) {
            ClientRequest req = ClientRequest.builder("GET", server.url() + "/text").header("Accept-Encoding", "gzip").build();
            try (ClientResponse r = c.send(req)) {
                assertThat(r.header("Content-Encoding")).isEqualTo("gzip");
                byte[] raw = r.bodyAsBytes();
                assertThat(raw[0] & 0xff).isEqualTo(0x1f);
                assertThat(new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(raw))
                        .readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(TEXT);
            }
        }
    }

    @Test
    void noAcceptEncodingForARangeAHeadOrWhenTurnedOff() throws Exception {
        try (Client c = new Client()) {
            ClientRequest range = ClientRequest.builder("GET", server.url() + "/text").header("Range", "bytes=0-9").build();
            try (ClientResponse r = c.send(range)) {
                assertThat(r.header("X-Accept-Encoding")).isEqualTo("null");
            }
            try (ClientResponse r = c.send(ClientRequest.builder("HEAD", server.url() + "/text").build())) {
                assertThat(r.header("X-Accept-Encoding")).isEqualTo("null");
                assertThat(r.bodyAsBytes()).isEmpty();
            }
        }
        try (Client c = new Client(ClientConfig.builder().transparentGzip(false).build());
                ClientResponse r = c.send(ClientRequest.get(server.url() + "/text"))) {
            assertThat(r.header("X-Accept-Encoding")).isEqualTo("null");
            assertThat(r.header("Content-Length")).isEqualTo(String.valueOf(TEXT.length()));
            assertThat(r.bodyAsString()).isEqualTo(TEXT);
        }
    }

    @Test
    void anEmptyGzipBodyIsEmptyAndConcatenatedMembersAreRead() throws Exception {
        try (Client c = new Client()) {
            try (ClientResponse r = c.send(ClientRequest.get(server.url() + "/empty-gzip"))) {
                assertThat(r.bodyAsBytes()).isEmpty();
            }
            try (ClientResponse r = c.send(ClientRequest.get(server.url() + "/double"))) {
                assertThat(r.bodyAsString()).isEqualTo("first second");
            }
        }
    }

    @Test
    void aCorruptGzipBodyFailsTheReadAsMalformed() throws Exception {
        try (Client c = new Client(); ClientResponse r = c.send(ClientRequest.get(server.url() + "/corrupt"))) {
            assertThatThrownBy(r::bodyAsBytes).isInstanceOfSatisfying(ClientException.class,
                    e -> assertThat(e.kind()).isEqualTo(ClientException.Kind.MALFORMED))
                    .hasMessageContaining("response body is not valid gzip");
        }
    }
}
