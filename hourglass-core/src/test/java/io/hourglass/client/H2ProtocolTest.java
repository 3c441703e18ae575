package io.hourglass.client;

import static io.hourglass.client.H2ClientTest.clientError;
import static io.hourglass.client.H2ClientTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.Frame;
import io.hourglass.internal.h2.Settings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The client's side of RFC 9113's rules that need connection state, against a scripted server: header
 * blocks in CONTINUATION frames, padding, interim responses, SETTINGS that change windows mid-stream, frames on
 * streams that were never opened, push, oversized header lists, and the server's own PINGs.
 */
class H2ProtocolTest {
    static Client client() {
        return new Client(ClientConfig.builder().protocols(Protocol.H2_PRIOR_KNOWLEDGE).timeout(Duration.ofSeconds(10)).build());
    }

    static CompletableFuture<ClientResponse> get(Client c, H2Peer peer, String path) {
        return CompletableFuture.supplyAsync(() -> send(c, peer.url(path)));
    }

    @Test
    void aHeaderBlockSplitIntoContinuationFramesIsOneHead() throws Exception {
        try (H2Peer peer = new H2Peer(); Client c = client()) {
            var f = get(c, peer, "/big-head");
            H2Peer.Session s = peer.accept();
            s.expect(Frame.HEADERS);
            String v = "x".repeat(20_000); // over one 16 KiB frame: HEADERS + CONTINUATION
            s.headers(1, 200, false, "x-big", v);
            s.data(1, "ok", true);
            try (ClientResponse r = f.get(10, TimeUnit.SECONDS)) {
                assertThat(r.header("x-big")).hasSize(20_000);
                assertThat(r.bodyAsString()).isEqualTo("ok");
            }
        }
    }

    @Test
    void paddedDataCountsAgainstTheWindowAndIsDropped() throws Exception {
        try (H2Peer peer = new H2Peer(); Client c = client()) {
            var f = get(c, peer, "/padded");
            H2Peer.Session s = peer.accept();
            s.expect(Frame.HEADERS);
            s.headers(1, 200, false);
            byte[] payload = new byte[1 + 5 + 10]; // pad length, "hello", 10 bytes of padding
            payload[0] = 10;
            System.arraycopy("hello".getBytes(StandardCharsets.US_ASCII), 0, payload, 1, 5);
            s.raw(Frame.DATA, Frame.FLAG_PADDED | Frame.FLAG_END_STREAM, 1, payload);
            try (ClientResponse r = f.get(10, TimeUnit.SECONDS)) {
                assertThat(r.bodyAsString()).isEqualTo("hello");
            }
        }
    }

    @Test
    void interimResponsesOtherThan100AreSkipped() throws Exception {
        try (H2Peer peer = new H2Peer(); Client c = client()) {
            var f = get(c, peer, "/hints");
            H2Peer.Session s = peer.accept();
            s.expect(Frame.HEADERS);
            s.headers(1, 103, false, "link", "</style.css>; rel=preload");
            s.headers(1, 200, false);
            s.data(1, "final", true);
            try (ClientResponse r = f.get(10, TimeUnit.SECONDS)) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyAsString()).isEqualTo("final");
            }
        }
    }

    @Test
    void aSettingsChangeMovesTheOpenStreamsWindows() throws Exception {
        try (H2Peer peer = new H2Peer(Settings.DEFAULTS.with(Settings.INITIAL_WINDOW_SIZE, 10)); Client c = client()) {
            // Warm up so that the 10-byte window is in force.
            var warm = get(c, peer, "/warm");
            H2Peer.Session s = peer.accept();
            s.respond(s.expect(Frame.HEADERS).streamId(), "w");
            assertThat(warm.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("w");
            var f = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.send(ClientRequest.post(peer.url("/up"), RequestBody.of("0123456789abcdefghij")));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            s.expect(Frame.HEADERS);
            assertThat(s.expect(Frame.DATA).data()).hasSize(10); // the stream's window
            s.settings(Settings.DEFAULTS.with(Settings.INITIAL_WINDOW_SIZE, 20)); // +10 for the open stream
            H2Peer.In rest = s.expect(Frame.DATA);
            assertThat(new String(rest.data(), StandardCharsets.US_ASCII)).isEqualTo("abcdefghij");
            assertThat(rest.endStream()).isTrue();
            s.respond(3, "got it");
            assertThat(f.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("got it");
        }
    }

    @Test
    void dataOnAStreamNeverOpenedEndsTheConnectionWithGoAway() throws Exception {
        try (H2Peer peer = new H2Peer(); Client c = client()) {
            var f = get(c, peer, "/x");
            H2Peer.Session s = peer.accept();
            s.expect(Frame.HEADERS);
            s.data(99, "stray", false); // stream 99 is idle: a connection error (RFC 9113 section 5.1)
            H2Peer.In goAway = s.expect(Frame.GOAWAY);
            assertThat(goAway.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code);
            ClientException e = clientError(() -> f.get(10, TimeUnit.SECONDS));
            assertThat(e.kind()).isEqualTo(ClientException.Kind.MALFORMED);
            assertThat(e).hasMessageContaining("idle stream 99");
        }
    }

    @Test
    void pushPromiseIsAConnectionErrorSincePushIsOff() throws Exception {
        try (H2Peer peer = new H2Peer(); Client c = client()) {
            var f = get(c, peer, "/x");
            H2Peer.Session s = peer.accept();
            H2Peer.In settings = s.expect(Frame.SETTINGS);
            assertThat(settings).isNotNull();
            s.expect(Frame.HEADERS);
            s.raw(Frame.PUSH_PROMISE, Frame.FLAG_END_HEADERS, 1, new byte[] {0, 0, 0, 2, (byte) 0x82});
            assertThat(s.expect(Frame.GOAWAY).code()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code);
            assertThat(clientError(() -> f.get(10, TimeUnit.SECONDS)).kind()).isEqualTo(ClientException.Kind.MALFORMED);
        }
    }

    @Test
    void aHeaderListOverTheLimitResetsOnlyItsStream() throws Exception {
        try (H2Peer peer = new H2Peer(); Client c = client()) {
            var f = get(c, peer, "/huge");
            H2Peer.Session s = peer.accept();
            s.expect(Frame.HEADERS);
            // 66 fields of 1000 bytes: over the client's 64 KiB decoded header list limit, while the encoded
            // block (Huffman: 7 bits a 'y') stays under the 64 KiB block cap.
            String v = "y".repeat(1_000);
            String[] kv = new String[132];
            for (int i = 0; i < kv.length; i += 2) {
                kv[i] = "x-h" + i;
                kv[i + 1] = v;
            }
            s.headers(1, 200, true, kv);
            assertThat(s.expect(Frame.RST_STREAM).code()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code);
            ClientException e = clientError(() -> f.get(10, TimeUnit.SECONDS));
            assertThat(e.kind()).isEqualTo(ClientException.Kind.MALFORMED);
            assertThat(e).hasMessageContaining("SETTINGS_MAX_HEADER_LIST_SIZE");
            // The HPACK state survived: the next response on the connection is read fine.
            var g = get(c, peer, "/next");
            s.respond(s.expect(Frame.HEADERS).streamId(), "fine");
            assertThat(g.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("fine");
        }
    }

    @Test
    void aHeaderBlockOverTheCapEndsTheConnection() throws Exception {
        try (H2Peer peer = new H2Peer(); Client c = client()) {
            var f = get(c, peer, "/flood");
            H2Peer.Session s = peer.accept();
            s.expect(Frame.HEADERS);
            try {
                s.headers(1, 200, true, "x-flood", "z".repeat(100_000)); // a CONTINUATION flood's worth
            } catch (java.io.IOException e) {
                // the client closed the connection before the whole block was written: expected
            }
            ClientException e = clientError(() -> f.get(10, TimeUnit.SECONDS));
            assertThat(e.kind()).isEqualTo(ClientException.Kind.MALFORMED);
            assertThat(e).hasMessageContaining("ENHANCE_YOUR_CALM").hasMessageContaining("header block");
        }
    }

    @Test
    void theServersPingsAreAnsweredAndUnknownFramesIgnored() throws Exception {
        try (H2Peer peer = new H2Peer(); Client c = client()) {
            var f = get(c, peer, "/x");
            H2Peer.Session s = peer.accept();
            s.expect(Frame.HEADERS);
            s.raw(0x42, 0, 1, new byte[] {1, 2, 3}); // an extension frame: ignored (section 5.5)
            s.raw(Frame.PING, 0, 0, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            H2Peer.In ack = s.expect(Frame.PING);
            assertThat(ack.flags() & Frame.FLAG_ACK).isNotZero();
            assertThat(ack.ping()).isEqualTo(0x0102030405060708L);
            s.respond(1, "ok");
            assertThat(f.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("ok");
        }
    }

    @Test
    void theClientsPrefaceAnnouncesItsWindowsAndNoPush() throws Exception {
        try (H2Peer peer = new H2Peer(); Client c = new Client(ClientConfig.builder().protocols(Protocol.H2_PRIOR_KNOWLEDGE)
                .http2StreamWindow(100_000).http2ConnectionWindow(5_000_000).build())) {
            var f = get(c, peer, "/x");
            H2Peer.Session s = peer.accept();
            H2Peer.In wu = s.expect(Frame.WINDOW_UPDATE);
            assertThat(wu.streamId()).isZero();
            assertThat(wu.increment()).isEqualTo(5_000_000 - 65_535);
            s.respond(s.expect(Frame.HEADERS).streamId(), "ok");
            assertThat(f.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("ok");
            // Nothing read here: the SETTINGS frame itself is checked by the codec's tests; the window above and
            // the stream window below show what it said.
            var g = get(c, peer, "/big");
            s.expect(Frame.HEADERS);
            s.headers(3, 200, false);
            s.data(3, new byte[100_000], true); // exactly the stream window: accepted
            assertThat(g.get(10, TimeUnit.SECONDS).bodyAsBytes()).hasSize(100_000);
        }
    }

    @Test
    void anIdleConnectionClosesAfterTheIdleTimeoutWithGoAway() throws Exception {
        try (H2Peer peer = new H2Peer(); Client c = new Client(ClientConfig.builder().protocols(Protocol.H2_PRIOR_KNOWLEDGE)
                .idleTimeout(Duration.ofMillis(300)).build())) {
            var f = get(c, peer, "/x");
            H2Peer.Session s = peer.accept();
            s.respond(s.expect(Frame.HEADERS).streamId(), "ok");
            assertThat(f.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("ok");
            long idle = System.nanoTime();
            H2Peer.In goAway = s.expect(Frame.GOAWAY);
            long ms = (System.nanoTime() - idle) / 1_000_000;
            assertThat(goAway.code()).isEqualTo(ErrorCode.NO_ERROR.code);
            assertThat(ms).isBetween(250L, 1300L);
            assertThat(c.stats().closed()).isEqualTo(1);
        }
    }
}
