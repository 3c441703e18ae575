package io.hourglass.client;

import static io.hourglass.client.H2ClientTest.clientError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.http.Headers;
import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.Frame;
import io.hourglass.testing.RawPeer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request trailers on the wire: what the client writes, checked byte by byte against a raw HTTP/1.1 peer and
 * frame by frame against a scripted HTTP/2 peer; a supplier that fails cuts the request (no last chunk and a
 * closed connection; RST_STREAM and a connection that carries on); names RFC 9110 section 6.5.1 keeps out of
 * trailers are refused when the request is built.
 */
class ClientRequestTrailersTest {
    static final byte[] BODY = "hello, trailers".getBytes(StandardCharsets.US_ASCII);

    /** A stream body whose SHA-256 the supplier gives once the client has read it to its end and closed it. */
    static final class Checksummed {
        final MessageDigest digest = sha256();
        final AtomicBoolean closed = new AtomicBoolean();
        final AtomicInteger asked = new AtomicInteger();
        final InputStream in;

        Checksummed(byte[] body) {
            in = new FilterInputStream(new DigestInputStream(new ByteArrayInputStream(body), digest)) {
                @Override
                public void close() throws IOException {
                    closed.set(true);
                    super.close();
                }
            };
        }

        Headers trailers() {
            asked.incrementAndGet();
            assertThat(closed).as("the body was closed before the supplier was asked").isTrue();
            return new Headers().add("X-Checksum", HexFormat.of().formatHex(digest.digest()));
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(sha256().digest(b));
    }

    // ---- HTTP/1.1 ----

    /** What a raw HTTP/1.1 peer read of one request: its head, its chunks, and what came after the last one. */
    record H1Request(String head, byte[] body, List<String> trailerLines, boolean lastChunk) {}

    /** Reads a chunked request: the head, the chunks, the trailer lines up to the blank line (or EOF first). */
    static H1Request readChunked(RawPeer.Connection c) throws IOException {
        String head = c.readHead();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = c.line();
            if (size == null) {
                return new H1Request(head, body.toByteArray(), List.of(), false); // cut before the last chunk
            }
            int n = Integer.parseInt(size, 16);
            if (n == 0) {
                break;
            }
            body.writeBytes(c.readBytes(n));
            assertThat(c.line()).isEmpty();
        }
        List<String> trailers = new java.util.ArrayList<>();
        String l;
        while ((l = c.line()) != null && !l.isEmpty()) {
            trailers.add(l);
        }
        return new H1Request(head, body.toByteArray(), trailers, l != null);
    }

    static Client h1Client() {
        return new Client(ClientConfig.builder().protocols(Protocol.HTTP_1_1).timeout(Duration.ofSeconds(10)).build());
    }

    @Test
    void http11SendsABodyOfKnownLengthChunkedWithTheTrailerSectionAfterTheLastChunk() throws Exception {
        BlockingQueue<H1Request> seen = new LinkedBlockingQueue<>();
        try (RawPeer peer = RawPeer.server(c -> {
                    seen.add(readChunked(c));
                    c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                    c.readHead(); // keep the connection until the client closes it
                });
                Client client = h1Client()) {
            Checksummed body = new Checksummed(BODY);
            ClientRequest req = ClientRequest.builder("PUT", peer.url("/up"))
                    .body(RequestBody.of(body.in, BODY.length))
                    .trailers(List.of("X-Checksum", "X-Empty"), body::trailers)
                    .build();
            try (ClientResponse r = client.send(req)) {
                assertThat(r.bodyAsString()).isEqualTo("ok");
            }
            H1Request got = seen.poll(10, TimeUnit.SECONDS);
            assertThat(got).isNotNull();
            assertThat(got.head()).contains("\r\nTransfer-Encoding: chunked\r\n")
                    .contains("\r\nTrailer: X-Checksum, X-Empty\r\n")
                    .doesNotContainIgnoringCase("content-length");
            assertThat(got.body()).isEqualTo(BODY);
            assertThat(got.lastChunk()).isTrue();
            // X-Empty was declared and left out by the supplier: not sent
            assertThat(got.trailerLines()).containsExactly("X-Checksum: " + hex(BODY));
            assertThat(body.asked).hasValue(1);
        }
    }

    @Test
    void aFailingSupplierCutsTheHttp11MessageBeforeItsLastChunkAndTheConnectionIsNotReused() throws Exception {
        BlockingQueue<H1Request> seen = new LinkedBlockingQueue<>();
        try (RawPeer peer = RawPeer.server(c -> {
                    String head = c.readHead();
                    if (head != null && head.contains("Trailer:")) {
                        seen.add(readRest(c, head));
                        return;
                    }
                    c.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nafter");
                    c.readHead();
                });
                Client client = h1Client()) {
            byte[] big = new byte[300_000]; // past the write buffer: chunks reach the peer before the supplier fails
            java.util.Arrays.fill(big, (byte) 'b');
            ClientRequest req = ClientRequest.builder("POST", peer.url("/up"))
                    .body(RequestBody.of(new ByteArrayInputStream(big), -1))
                    .trailers(List.of("X-Checksum"), () -> {
                        throw new IllegalStateException("digest unavailable");
                    })
                    .build();
            ClientException e = clientError(() -> client.send(req).close());
            assertThat(e.kind()).isEqualTo(ClientException.Kind.IO);
            assertThat(e.getMessage()).contains("request trailers").contains("supplier failed")
                    .contains("digest unavailable").contains("POST " + peer.url("/up"));
            assertThat(rootCause(e)).isInstanceOf(IllegalStateException.class);
            H1Request got = seen.poll(10, TimeUnit.SECONDS);
            assertThat(got).as("the peer saw the connection end").isNotNull();
            assertThat(got.body().length).isPositive().isLessThanOrEqualTo(big.length); // chunks went, then the end
            assertThat(got.lastChunk()).as("the last chunk came").isFalse();
            try (ClientResponse r = client.send(ClientRequest.get(peer.url("/next")))) {
                assertThat(r.bodyAsString()).isEqualTo("after");
                assertThat(r.reused()).as("the cut connection was not reused").isFalse();
            }
            assertThat(peer.accepted()).isEqualTo(2);
        }
    }

    /** The chunks after {@code head} to the end of the stream (the peer's read sees the client's close). */
    private static H1Request readRest(RawPeer.Connection c, String head) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = c.line();
            if (size == null) {
                return new H1Request(head, body.toByteArray(), List.of(), false);
            }
            int n = Integer.parseInt(size, 16);
            if (n == 0) {
                return new H1Request(head, body.toByteArray(), List.of(), true);
            }
            body.writeBytes(c.readBytes(n));
            c.line();
        }
    }

    @Test
    void aFieldTheSupplierWasNotToldOfFailsTheCallNamingIt() throws Exception {
        try (RawPeer peer = RawPeer.server(c -> readRest(c, c.readHead())); Client client = h1Client()) {
            ClientRequest req = ClientRequest.builder("POST", peer.url("/up")).body(RequestBody.of(BODY))
                    .trailers(List.of("X-Checksum"), () -> new Headers().add("X-Other", "1"))
                    .build();
            ClientException e = clientError(() -> client.send(req).close());
            assertThat(e.kind()).isEqualTo(ClientException.Kind.IO);
            assertThat(e.getMessage()).contains("X-Other").contains("not declared").contains("X-Checksum");
        }
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    // ---- HTTP/2 ----

    static Client h2Client() {
        return new Client(ClientConfig.builder().protocols(Protocol.H2_PRIOR_KNOWLEDGE).timeout(Duration.ofSeconds(10)).build());
    }

    /** The next frame the client sent on stream {@code id} (connection-level frames and window updates skipped). */
    static H2Peer.In next(H2Peer.Session s, int id) throws InterruptedException {
        while (true) {
            H2Peer.In f = s.frames.poll(10, TimeUnit.SECONDS);
            assertThat(f).as("a frame on stream %d within 10s", id).isNotNull();
            assertThat(f.type()).as("the connection ended before a frame on stream %d", id).isNotEqualTo(-1);
            if (f.streamId() == id && f.type() != Frame.WINDOW_UPDATE) {
                return f;
            }
        }
    }

    static CompletableFuture<ClientResponse> sendAsync(Client c, ClientRequest req) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return c.send(req);
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    @Test
    void http2SendsTheTrailersAsAHeadersFrameThatEndsTheStream() throws Exception {
        try (H2Peer peer = new H2Peer(); Client client = h2Client()) {
            Checksummed body = new Checksummed(BODY);
            ClientRequest req = ClientRequest.builder("POST", peer.url("/up"))
                    .body(RequestBody.of(body.in, BODY.length))
                    .trailers(List.of("X-Checksum"), body::trailers)
                    .build();
            var f = sendAsync(client, req);
            H2Peer.Session s = peer.accept();
            H2Peer.In head = next(s, 1);
            assertThat(head.type()).isEqualTo(Frame.HEADERS);
            assertThat(head.endStream()).isFalse();
            assertThat(head.field("trailer")).isEqualTo("X-Checksum");
            assertThat(head.field("content-length")).isEqualTo(Integer.toString(BODY.length));
            H2Peer.In data = next(s, 1);
            assertThat(data.type()).isEqualTo(Frame.DATA);
            assertThat(data.data()).isEqualTo(BODY);
            assertThat(data.endStream()).as("the trailers end the stream, not the DATA").isFalse();
            H2Peer.In trailers = next(s, 1);
            assertThat(trailers.type()).isEqualTo(Frame.HEADERS);
            assertThat(trailers.endStream()).isTrue();
            assertThat(trailers.fields()).hasSize(1);
            assertThat(trailers.fields().get(0)).containsExactly("x-checksum", hex(BODY)); // lower case, no pseudo
            s.respond(1, "ok");
            try (ClientResponse r = f.get(10, TimeUnit.SECONDS)) {
                assertThat(r.bodyAsString()).isEqualTo("ok");
            }
            assertThat(body.asked).hasValue(1);
        }
    }

    @Test
    void aFailingSupplierResetsTheHttp2StreamAndTheConnectionCarriesOn() throws Exception {
        try (H2Peer peer = new H2Peer(); Client client = h2Client()) {
            ClientRequest req = ClientRequest.builder("POST", peer.url("/up"))
                    .body(RequestBody.of(new ByteArrayInputStream(BODY), -1))
                    .trailers(List.of("X-Checksum"), () -> {
                        throw new IllegalStateException("digest unavailable");
                    })
                    .build();
            var f = sendAsync(client, req);
            H2Peer.Session s = peer.accept();
            assertThat(next(s, 1).type()).isEqualTo(Frame.HEADERS);
            H2Peer.In data = next(s, 1);
            assertThat(data.type()).isEqualTo(Frame.DATA);
            assertThat(data.endStream()).isFalse();
            H2Peer.In rst = next(s, 1);
            assertThat(rst.type()).as("%s", rst).isEqualTo(Frame.RST_STREAM);
            assertThat(rst.code()).isEqualTo(ErrorCode.CANCEL.code);
            ClientException e = clientError(() -> f.get(10, TimeUnit.SECONDS).close());
            assertThat(e.kind()).isEqualTo(ClientException.Kind.IO);
            assertThat(e.getMessage()).contains("request trailers").contains("digest unavailable").contains("stream 1");
            var g = sendAsync(client, ClientRequest.get(peer.url("/next")));
            H2Peer.In head = next(s, 3); // the same connection, the next stream
            assertThat(head.endStream()).isTrue();
            s.respond(3, "after");
            try (ClientResponse r = g.get(10, TimeUnit.SECONDS)) {
                assertThat(r.bodyAsString()).isEqualTo("after");
                assertThat(r.reused()).isTrue();
            }
            assertThat(client.stats().opened()).isEqualTo(1);
        }
    }

    @Test
    void anEmptyBodyWithTrailersOpensTheStreamAndTheTrailersEndIt() throws Exception {
        try (H2Peer peer = new H2Peer(); Client client = h2Client()) {
            ClientRequest req = ClientRequest.builder("POST", peer.url("/up")).body(RequestBody.of(new byte[0]))
                    .trailers(new Headers().add("X-Count", "0")).build();
            var f = sendAsync(client, req);
            H2Peer.Session s = peer.accept();
            H2Peer.In head = next(s, 1);
            assertThat(head.endStream()).isFalse();
            H2Peer.In trailers = next(s, 1);
            assertThat(trailers.type()).isEqualTo(Frame.HEADERS);
            assertThat(trailers.endStream()).isTrue();
            assertThat(trailers.field("x-count")).isEqualTo("0");
            s.respond(1, "ok");
            f.get(10, TimeUnit.SECONDS).close();
        }
    }

    // ---- what is refused when the request is built ----

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length", "transfer-encoding", "Trailer", "TE", "Host", "Max-Forwards",
            "Connection", "Upgrade", "Authorization", "Proxy-Authorization", "Cookie", "Expect", "Range",
            "If-None-Match", "Cache-Control", "Content-Type", "Content-Encoding"})
    void aFieldRfc9110KeepsOutOfTrailersIsRefusedNamingIt(String name) {
        ClientRequest.Builder b = ClientRequest.builder("POST", "http://127.0.0.1:1/up").body(RequestBody.of(BODY));
        assertThatThrownBy(() -> b.trailers(List.of("X-Checksum", name), Headers::new))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(name).hasMessageContaining("not allowed in a trailer section")
                .hasMessageContaining("RFC 9110 section 6.5.1");
        assertThatThrownBy(() -> b.trailers(new Headers().add(name, "1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(name);
    }

    @Test
    void pseudoHeadersBadNamesRepeatsAndNoNamesAreRefused() {
        ClientRequest.Builder b = ClientRequest.builder("POST", "http://127.0.0.1:1/up").body(RequestBody.of(BODY));
        assertThatThrownBy(() -> b.trailers(List.of(":path"), Headers::new))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pseudo-header field :path")
                .hasMessageContaining("RFC 9113 section 8.1");
        assertThatThrownBy(() -> b.trailers(List.of("X Sum"), Headers::new))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"X Sum\"");
        assertThatThrownBy(() -> b.trailers(List.of("X-Sum", "x-sum"), Headers::new))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x-sum is declared twice");
        assertThatThrownBy(() -> b.trailers(List.of(), Headers::new))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
        assertThatThrownBy(() -> b.trailers(new Headers()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
    }

    @Test
    void trailersWithoutABodyAreRefusedByBuild() {
        ClientRequest.Builder b = ClientRequest.builder("POST", "http://127.0.0.1:1/up")
                .trailers(new Headers().add("X-Checksum", "0"));
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("trailers follow a body");
        assertThat(b.removeTrailers().build().trailerNames()).isEmpty();
    }

    @Test
    void aForbiddenNameIsRefusedBeforeAnythingIsSent() throws Exception {
        try (RawPeer peer = RawPeer.server(c -> c.readHead()); Client client = h1Client()) {
            assertThatThrownBy(() -> client.send(ClientRequest.builder("POST", peer.url("/up")).body(RequestBody.of(BODY))
                    .trailers(List.of("Content-Length"), Headers::new).build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Content-Length");
            assertThat(peer.accepted()).as("connections opened").isZero();
        }
    }

    @Test
    void theRequestKeepsItsTrailersThroughToBuilderAndShowsThem() {
        ClientRequest r = ClientRequest.builder("POST", "http://127.0.0.1:1/up").body(RequestBody.of(BODY))
                .trailers(List.of("X-Checksum", "X-Count"), () -> null).build();
        ClientRequest copy = r.toBuilder().header("X-More", "1").build();
        assertThat(copy.trailerNames()).containsExactly("X-Checksum", "X-Count");
        assertThat(copy.trailerValues()).isSameAs(r.trailerValues());
        assertThat(ClientRequest.get("http://127.0.0.1:1/").trailerValues()).isNull();
    }
}
