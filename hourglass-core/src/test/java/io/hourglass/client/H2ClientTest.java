package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.Frame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The HTTP/2 client against a scripted peer: the exchange, trailers, bodies, 100-continue, flow control. */
class H2ClientTest {
    static Client client(ClientConfig.Builder b) {
        return new Client(b.protocols(Protocol.H2_PRIOR_KNOWLEDGE).build());
    }

    static ClientConfig.Builder cfg() {
        return ClientConfig.builder().timeout(Duration.ofSeconds(10));
    }

    @Test
    void getOverPriorKnowledgeSharesOneConnection() throws Exception {
        try (H2Peer peer = new H2Peer(); Client c = client(cfg())) {
            CompletableFuture<ClientResponse> first = CompletableFuture.supplyAsync(() -> send(c, peer.url("/a?x=1")));
            H2Peer.Session s = peer.accept();
            H2Peer.In h = s.expect(Frame.HEADERS);
            assertThat(h.streamId()).isEqualTo(1);
            assertThat(h.endStream()).isTrue();
            assertThat(h.field(":method")).isEqualTo("GET");
            assertThat(h.field(":scheme")).isEqualTo("http");
            assertThat(h.field(":authority")).isEqualTo("127.0.0.1:" + peer.port());
            assertThat(h.field(":path")).isEqualTo("/a?x=1");
            assertThat(h.field("user-agent")).startsWith("hourglass/");
            s.respond(1, "hello");
            try (ClientResponse r = first.get(10, TimeUnit.SECONDS)) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.version()).isEqualTo("HTTP/2");
                assertThat(r.reused()).isFalse();
                assertThat(r.bodyAsString()).isEqualTo("hello");
            }
            CompletableFuture<ClientResponse> second = CompletableFuture.supplyAsync(() -> send(c, peer.url("/b")));
            assertThat(s.expect(Frame.HEADERS).streamId()).isEqualTo(3);
            s.respond(3, "again");
            try (ClientResponse r = second.get(10, TimeUnit.SECONDS)) {
                assertThat(r.reused()).isTrue();
                assertThat(r.bodyAsString()).isEqualTo("again");
            }
            assertThat(peer.sessions).hasSize(1);
            assertThat(c.stats().opened()).isEqualTo(1);
        }
    }

    @Test
    void postSendsBodyWithContentLengthAndReadsTrailers() throws Exception {
        try (H2Peer peer = new H2Peer(); Client c = client(cfg())) {
            CompletableFuture<ClientResponse> f = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.send(ClientRequest.post(peer.url("/echo"), RequestBody.of("ping!")));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            H2Peer.Session s = peer.accept();
            H2Peer.In h = s.expect(Frame.HEADERS);
            assertThat(h.endStream()).isFalse();
            assertThat(h.field("content-length")).isEqualTo("5");
            H2Peer.In d = s.expect(Frame.DATA);
            assertThat(new String(d.data(), StandardCharsets.UTF_8)).isEqualTo("ping!");
            assertThat(d.endStream()).isTrue();
            s.headers(1, 200, false);
            s.data(1, "pong", false);
            s.trailers(1, "grpc-status", "0");
            try (ClientResponse r = f.get(10, TimeUnit.SECONDS)) {
                assertThat(r.trailers().size()).isZero(); // not before the body's end
                assertThat(r.bodyAsString()).isEqualTo("pong");
                assertThat(r.trailers().first("grpc-status")).isEqualTo("0");
            }
        }
    }

    @Test
    void streamedBodyEndsWithAnEmptyDataFrame() throws Exception {
        try (H2Peer peer = new H2Peer(); Client c = client(cfg())) {
            byte[] big = new byte[100_000];
            CompletableFuture<ClientResponse> f = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.send(ClientRequest.post(peer.url("/up"),
                            RequestBody.of(new java.io.ByteArrayInputStream(big), -1)));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            H2Peer.Session s = peer.accept();
            H2Peer.In h = s.expect(Frame.HEADERS);
            assertThat(h.field("content-length")).isNull();
            int got = 0;
            // The client may send 65 535 bytes, the default window, before the server credits more.
            while (got < 65_535) {
                got += s.expect(Frame.DATA).data().length;
            }
            assertThat(got).isEqualTo(65_535);
            s.windowUpdate(0, 1 << 20);
            s.windowUpdate(1, 1 << 20);
            H2Peer.In d;
            do {
                d = s.expect(Frame.DATA);
                got += d.data().length;
            } while (!d.endStream());
            assertThat(got).isEqualTo(big.length);
            s.respond(1, "ok");
            try (ClientResponse r = f.get(10, TimeUnit.SECONDS)) {
                assertThat(r.bodyAsString()).isEqualTo("ok");
            }
        }
    }

    @Test
    void expectContinueWaitsForTheInterimResponse() throws Exception {
        try (H2Peer peer = new H2Peer(); Client c = client(cfg().expectContinueTimeout(Duration.ofSeconds(5)))) {
            CompletableFuture<ClientResponse> f = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.send(ClientRequest.builder("PUT", java.net.URI.create(peer.url("/x")))
                            .body(RequestBody.of("data")).expectContinue(true).build());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            H2Peer.Session s = peer.accept();
            H2Peer.In h = s.expect(Frame.HEADERS);
            assertThat(h.field("expect")).isEqualTo("100-continue");
            assertThat(s.poll(Frame.DATA, Duration.ofMillis(200))).as("no body before 100").isNull();
            s.headers(1, 100, false);
            assertThat(new String(s.expect(Frame.DATA).data(), StandardCharsets.UTF_8)).isEqualTo("data");
            s.respond(1, "done");
            try (ClientResponse r = f.get(10, TimeUnit.SECONDS)) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyAsString()).isEqualTo("done");
            }
        }
    }

    @Test
    void aFinalStatusInsteadOfContinueSkipsTheBody() throws Exception {
        try (H2Peer peer = new H2Peer(); Client c = client(cfg().expectContinueTimeout(Duration.ofSeconds(5)))) {
            CompletableFuture<ClientResponse> f = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.send(ClientRequest.builder("PUT", java.net.URI.create(peer.url("/x")))
                            .body(RequestBody.of("data")).expectContinue(true).build());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            H2Peer.Session s = peer.accept();
            s.expect(Frame.HEADERS);
            s.headers(1, 417, true);
            try (ClientResponse r = f.get(10, TimeUnit.SECONDS)) {
                assertThat(r.status()).isEqualTo(417);
            }
            H2Peer.In rst = s.expect(Frame.RST_STREAM);
            assertThat(rst.code()).isEqualTo(ErrorCode.CANCEL.code);
            assertThat(s.poll(Frame.DATA, Duration.ofMillis(100))).isNull();
        }
    }

    @Test
    void anUnreadBodyStopsCreditButNotTheOtherStreams() throws Exception {
        int window = 65_535;
        try (H2Peer peer = new H2Peer(); Client c = client(cfg().http2StreamWindow(window))) {
            CompletableFuture<ClientResponse> slow = CompletableFuture.supplyAsync(() -> send(c, peer.url("/big")));
            H2Peer.Session s = peer.accept();
            s.expect(Frame.HEADERS);
            s.headers(1, 200, false);
            s.data(1, new byte[window], false); // the whole stream window: nobody reads it
            ClientResponse unread = slow.get(10, TimeUnit.SECONDS);
            // No stream credit comes back while the body is unread.
            H2Peer.In wu;
            while ((wu = s.poll(Frame.WINDOW_UPDATE, Duration.ofMillis(200))) != null) {
                assertThat(wu.streamId()).as("only connection credit").isZero();
            }
            // Another stream on the same connection is not held up.
            CompletableFuture<ClientResponse> other = CompletableFuture.supplyAsync(() -> send(c, peer.url("/small")));
            assertThat(s.expect(Frame.HEADERS).streamId()).isEqualTo(3);
            s.respond(3, "quick");
            try (ClientResponse r = other.get(10, TimeUnit.SECONDS)) {
                assertThat(r.bodyAsString()).isEqualTo("quick");
            }
            // Reading the slow body gives its credit back.
            byte[] got = unread.body().readNBytes(window);
            assertThat(got).hasSize(window);
            H2Peer.In credit = s.expect(Frame.WINDOW_UPDATE);
            while (credit.streamId() != 1) {
                credit = s.expect(Frame.WINDOW_UPDATE);
            }
            assertThat(credit.increment()).isGreaterThanOrEqualTo(window / 2);
            unread.close();
        }
    }

    @Test
    void aServerResetFailsTheCallAndKeepsTheConnection() throws Exception {
        try (H2Peer peer = new H2Peer(); Client c = client(cfg())) {
            CompletableFuture<ClientResponse> f = CompletableFuture.supplyAsync(() -> send(c, peer.url("/x")));
            H2Peer.Session s = peer.accept();
            s.expect(Frame.HEADERS);
            s.rst(1, ErrorCode.INTERNAL_ERROR);
            ClientException e = clientError(() -> f.get(10, TimeUnit.SECONDS));
            assertThat(e.kind()).isEqualTo(ClientException.Kind.STREAM_RESET);
            assertThat(e).hasMessageContaining("INTERNAL_ERROR").hasMessageContaining("stream 1");
            CompletableFuture<ClientResponse> g = CompletableFuture.supplyAsync(() -> send(c, peer.url("/y")));
            assertThat(s.expect(Frame.HEADERS).streamId()).isEqualTo(3);
            s.respond(3, "fine");
            try (ClientResponse r = g.get(10, TimeUnit.SECONDS)) {
                assertThat(r.bodyAsString()).isEqualTo("fine");
            }
        }
    }

    @Test
    void aMalformedResponseIsAStreamError() throws Exception {
        try (H2Peer peer = new H2Peer(); Client c = client(cfg())) {
            CompletableFuture<ClientResponse> f = CompletableFuture.supplyAsync(() -> send(c, peer.url("/x")));
            H2Peer.Session s = peer.accept();
            s.expect(Frame.HEADERS);
            s.headers(1, 200, false, "content-length", "10");
            s.data(1, "short", true);
            ClientException e = clientError(() -> f.get(10, TimeUnit.SECONDS).bodyAsString());
            assertThat(e.kind()).isEqualTo(ClientException.Kind.MALFORMED);
            assertThat(s.expect(Frame.RST_STREAM).code()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code);
        }
    }

    static ClientResponse send(Client c, String url) {
        try {
            return c.send(ClientRequest.get(url));
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    /** The ClientException a call threw, wherever it sits in the chain. */
    static ClientException clientError(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(t).as("the call failed").isNotNull();
        Throwable orig = t;
        while (t != null && !(t instanceof ClientException)) {
            t = t.getCause();
        }
        assertThat(t).as("a ClientException in %s", orig).isNotNull();
        return (ClientException) t;
    }

    static HttpTimeoutException timeoutOf(Throwable t) {
        while (t != null && !(t instanceof HttpTimeoutException)) {
            t = t.getCause();
        }
        return (HttpTimeoutException) t;
    }

    static Phase phaseOf(Throwable t) {
        HttpTimeoutException e = timeoutOf(t);
        return e == null ? null : e.phase();
    }
}
