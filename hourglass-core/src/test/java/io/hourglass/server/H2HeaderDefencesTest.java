package io.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.Frame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * HPACK as an attack surface (RFC 7541 section 7.3, RFC 9113 section 10.5.1): a header block that is small on
 * the wire but decodes to megabytes (the "HPACK bomb": one large dynamic-table entry referenced by one-byte
 * indexes) is cut off at the advertised SETTINGS_MAX_HEADER_LIST_SIZE while it is decoded, answered 431, and
 * the connection's HPACK state stays in step; the dynamic table never grows past SETTINGS_HEADER_TABLE_SIZE.
 * Every header block here is written byte by byte, so the client's own encoder state cannot hide a mistake.
 */
class H2HeaderDefencesTest {
    Server server;
    final AtomicInteger handled = new AtomicInteger();

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    void start() throws Exception {
        // Defaults: maxHeaderBytes 16 KiB and 100 fields, so a list size limit of 16384 + 32 * 100 octets.
        server = Server.start(ServerConfig.builder().port(0).build(), (req, res) -> {
            handled.incrementAndGet();
            String v = req.header("x-after");
            res.send("x-after=" + v + " x-bomb=" + (req.header("x-bomb") == null ? 0 : req.header("x-bomb").length()));
        });
    }

    /** GET / on authority "a", from static indexes (RFC 7541 Appendix A) and a literal without indexing. */
    static void pseudo(ByteArrayOutputStream b) {
        b.write(0x82); // :method GET
        b.write(0x86); // :scheme http
        b.write(0x84); // :path /
        b.write(0x01); // literal without indexing, name :authority (static index 1)
        b.write(0x01);
        b.write('a');
    }

    /** A literal with incremental indexing and a new name (section 6.2.1): it enters the dynamic table. */
    static void indexed(ByteArrayOutputStream b, String name, String value) {
        b.write(0x40);
        string(b, name);
        string(b, value);
    }

    /** A raw (not Huffman) string literal: the 7-bit prefix length (section 5.1), then the octets. */
    static void string(ByteArrayOutputStream b, String s) {
        int n = s.length();
        if (n < 127) {
            b.write(n);
        } else {
            b.write(0x7f);
            n -= 127;
            while (n >= 128) {
                b.write(0x80 | (n & 0x7f));
                n >>= 7;
            }
            b.write(n);
        }
        b.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    static void send(H2TestClient c, int stream, ByteArrayOutputStream block) throws Exception {
        c.frame(Frame.HEADERS, Frame.FLAG_END_HEADERS | Frame.FLAG_END_STREAM, stream, block.toByteArray());
    }

    @Test
    void hpackBombIsCutOffAtTheListSizeAndTheTableStaysInStep() throws Exception {
        start();
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            // Stream 1: a normal request that leaves a 4000-octet entry in the table (4038 of its 4096 octets).
            ByteArrayOutputStream first = new ByteArrayOutputStream();
            pseudo(first);
            indexed(first, "x-bomb", "b".repeat(4000));
            send(c, 1, first);
            assertThat(c.response(1).text()).isEqualTo("x-after=null x-bomb=4000");

            // Stream 3: 10,000 one-octet references to it, 40 MB decoded from a 10 KB block, then one more
            // entry for the table: the decoder must stop keeping fields but still apply the insert.
            ByteArrayOutputStream bomb = new ByteArrayOutputStream();
            pseudo(bomb);
            for (int i = 0; i < 10_000; i++) {
                bomb.write(0xbe); // indexed field, index 62: the newest dynamic entry
            }
            indexed(bomb, "x-after", "1");
            long t0 = System.nanoTime();
            send(c, 3, bomb);
            assertThat(c.response(3).status()).isEqualTo(431);
            assertThat((System.nanoTime() - t0) / 1_000_000).as("431 for the bomb, ms").isLessThan(2000);

            // Stream 5: index 62 is now x-after (inserted inside the refused block), 63 still x-bomb.
            ByteArrayOutputStream after = new ByteArrayOutputStream();
            pseudo(after);
            after.write(0xbe);
            after.write(0xbf);
            send(c, 5, after);
            assertThat(c.response(5).text()).isEqualTo("x-after=1 x-bomb=4000");
        }
        assertThat(handled.get()).as("handlers run: the bomb never reached one").isEqualTo(2);
        assertThat(server.recorder().limits(ServerMetrics.Limit.HEADER_TOO_LARGE)).isEqualTo(1);
        assertThat(server.recorder().limits(ServerMetrics.Limit.TOO_MANY_HEADERS)).isZero();
    }

    @Test
    void theDynamicTableEvictsPastItsAdvertisedSize() throws Exception {
        start();
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            ByteArrayOutputStream first = new ByteArrayOutputStream();
            pseudo(first);
            indexed(first, "x-bomb", "b".repeat(4000)); // 4038 octets of 4096
            indexed(first, "x-after", "1".repeat(100)); // 139 more: x-bomb is evicted (section 4.4)
            send(c, 1, first);
            // Both fields are in this request; only the table forgets x-bomb.
            assertThat(c.response(1).text()).isEqualTo("x-after=" + "1".repeat(100) + " x-bomb=4000");

            ByteArrayOutputStream stale = new ByteArrayOutputStream();
            pseudo(stale);
            stale.write(0xbf); // index 63: past the end of a table that holds one entry
            send(c, 3, stale);
            H2TestClient.Ev g = c.goAway();
            assertThat(g.type()).isEqualTo(Frame.GOAWAY);
            assertThat(g.code()).isEqualTo(ErrorCode.COMPRESSION_ERROR.code);
        }
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            c.get(1, "/");
            assertThat(c.response(1).status()).isEqualTo(200);
        }
    }

    @Test
    void aBombSpreadOverContinuationsIsCutOffToo() throws Exception {
        start();
        try (H2TestClient c = new H2TestClient(server.port())) {
            c.handshake();
            ByteArrayOutputStream first = new ByteArrayOutputStream();
            pseudo(first);
            indexed(first, "x-bomb", "b".repeat(4000));
            send(c, 1, first);
            assertThat(c.response(1).status()).isEqualTo(200);

            // 3 frames of 8000 references each: 96 MB decoded from 24 KB, within the header block byte cap.
            byte[] refs = new byte[8000];
            java.util.Arrays.fill(refs, (byte) 0xbe);
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            pseudo(head);
            head.writeBytes(refs);
            c.frame(Frame.HEADERS, Frame.FLAG_END_STREAM, 3, head.toByteArray());
            c.frame(Frame.CONTINUATION, 0, 3, refs);
            c.frame(Frame.CONTINUATION, Frame.FLAG_END_HEADERS, 3, refs);
            assertThat(c.response(3).status()).isEqualTo(431);
            c.get(5, "/"); // the test client's encoder adds nothing the server's table lacks
            assertThat(c.response(5).status()).isEqualTo(200);
        }
        assertThat(handled.get()).isEqualTo(2);
        assertThat(server.recorder().limits(ServerMetrics.Limit.HEADER_TOO_LARGE)).isEqualTo(1);
    }
}
