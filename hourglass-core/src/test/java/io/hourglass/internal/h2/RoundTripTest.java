package io.hourglass.internal.h2;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random round trips: frames through the writer and back through the reader, and header lists
 * through the encoder and back through the decoder across one long connection (table evictions and size
 * changes included). A failure prints the seed's iteration.
 */
class RoundTripTest {
    private static final long SEED = 9113_7541L;

    @Test
    void framesRoundTrip() throws Exception {
        Random rnd = new Random(SEED);
        H2Wire.Collected c = new H2Wire.Collected();
        FrameWriter w = new FrameWriter(c.out);
        HpackEncoder enc = new HpackEncoder(4096);
        List<String> expected = new ArrayList<>();
        w.writeSettings(Settings.DEFAULTS);
        for (int i = 0; i < 500; i++) {
            int stream = 1 + 2 * rnd.nextInt(1000);
            switch (rnd.nextInt(8)) {
                case 0 -> {
                    byte[] data = new byte[rnd.nextInt(300)];
                    for (int k = 0; k < data.length; k++) data[k] = (byte) ('a' + rnd.nextInt(26));
                    boolean end = rnd.nextBoolean();
                    w.writeData(stream, data, 0, data.length, end);
                    expected.add("DATA " + stream + " '" + new String(data, java.nio.charset.StandardCharsets.ISO_8859_1)
                            + "'" + (end ? " END_STREAM" : "") + " fc=" + data.length);
                }
                case 1 -> {
                    FieldList f = randomFields(rnd);
                    boolean end = rnd.nextBoolean();
                    w.writeHeaders(stream, enc, f, end);
                    expected.add("HEADERS " + stream + " " + H2Wire.Recorder.fields(f) + (end ? " END_STREAM" : ""));
                }
                case 2 -> {
                    int dep = rnd.nextInt(stream);
                    int weight = 1 + rnd.nextInt(256);
                    boolean ex = rnd.nextBoolean();
                    w.writePriority(stream, dep, ex, weight);
                    expected.add("PRIORITY " + stream + " dep=" + dep + (ex ? " exclusive" : "") + " weight=" + weight);
                }
                case 3 -> {
                    ErrorCode code = ErrorCode.values()[rnd.nextInt(ErrorCode.values().length)];
                    w.writeRstStream(stream, code);
                    expected.add("RST_STREAM " + stream + " " + code);
                }
                case 4 -> {
                    long data = rnd.nextLong();
                    boolean ack = rnd.nextBoolean();
                    w.writePing(data, ack);
                    expected.add("PING " + Long.toHexString(data) + (ack ? " ACK" : ""));
                }
                case 5 -> {
                    byte[] debug = ("debug " + i).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                    w.writeGoAway(stream, ErrorCode.NO_ERROR, debug);
                    expected.add("GOAWAY last=" + stream + " NO_ERROR 'debug " + i + "'");
                }
                case 6 -> {
                    int inc = 1 + rnd.nextInt(Integer.MAX_VALUE);
                    int s = rnd.nextBoolean() ? 0 : stream;
                    w.writeWindowUpdate(s, inc);
                    expected.add("WINDOW_UPDATE " + s + " +" + inc);
                }
                default -> {
                    if (rnd.nextBoolean()) {
                        w.writeSettingsAck();
                        expected.add("SETTINGS ACK");
                    } else {
                        w.writeSettings(Settings.DEFAULTS.with(Settings.MAX_CONCURRENT_STREAMS, i));
                        expected.add("SETTINGS [3=" + i + "]");
                    }
                }
            }
        }
        byte[] wire = c.flushed();
        for (int piece : new int[] {1, 13, 4096}) {
            FrameReader r = H2Wire.serverReader(wire, piece);
            assertThat(H2Wire.readAll(r)).as("pieces of %d", piece).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void headerListsRoundTripThroughOneConnectionsTables() throws Exception {
        Random rnd = new Random(SEED + 1);
        HpackEncoder enc = new HpackEncoder(4096);
        HpackDecoder dec = new HpackDecoder(Settings.UNLIMITED);
        FieldList out = new FieldList();
        for (int i = 0; i < 2000; i++) {
            if (i % 97 == 0) {
                // The peer's setting changes: the encoder must announce it, the decoder must accept it.
                int size = new int[] {0, 64, 256, 4096}[rnd.nextInt(4)];
                dec.maxTableSizeSetting(size); // as on the SETTINGS ACK
                enc.peerHeaderTableSize(size);
            }
            FieldList f = randomFields(rnd);
            int n = enc.encode(f);
            dec.decode(enc.buffer(), 0, n, out);
            assertThat(H2Wire.Recorder.fields(out)).as("list %d", i).isEqualTo(H2Wire.Recorder.fields(f));
            assertThat(dec.tableSize()).as("list %d: table sizes agree", i).isEqualTo(enc.tableSize());
            for (int k = 0; k < f.size(); k++) {
                if (f.sensitive(k)) {
                    assertThat(out.sensitive(k)).as("list %d field %d stays sensitive", i, k).isTrue();
                }
            }
        }
    }

    /** A header list drawn from a small pool (so entries repeat and get indexed) plus random fields. */
    static FieldList randomFields(Random rnd) {
        String[][] pool = {
            {":method", "GET"}, {":method", "POST"}, {":scheme", "https"}, {":path", "/"}, {":path", "/api/v1/items"},
            {":authority", "example.com"}, {"user-agent", "hourglass/0.1"}, {"accept", "*/*"},
            {"accept-encoding", "gzip, deflate, br"}, {"cookie", "session=4f2a9c1e7b3d48a6c0ffee"}, {"cookie", "t=1"},
            {"authorization", "Bearer xyz"}, {"content-type", "application/json"}, {"etag", "\"abc\""},
            {":status", "200"}, {"x-request-id", "r-1"},
        };
        FieldList f = new FieldList();
        int n = rnd.nextInt(12);
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(4) > 0) {
                String[] p = pool[rnd.nextInt(pool.length)];
                f.add(p[0], p[1], rnd.nextInt(20) == 0);
            } else {
                f.add("x-" + randomString(rnd, 1 + rnd.nextInt(10), true), randomString(rnd, rnd.nextInt(60), false));
            }
        }
        return f;
    }

    static String randomString(Random rnd, int len, boolean name) {
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.append(name ? (char) ('a' + rnd.nextInt(26)) : (char) (rnd.nextInt(3) == 0 ? rnd.nextInt(256) : 0x20 + rnd.nextInt(95)));
        }
        return sb.toString();
    }
}
