package io.hourglass.internal.h2;

import static io.hourglass.internal.h2.H2Wire.hex;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The examples of RFC 7541 Appendix C, byte for byte: the decoder must produce the listed fields and
 * dynamic tables, and an encoder set up like the RFC's (every field indexed; Huffman as the example says)
 * must produce the listed bytes.
 */
class HpackAppendixCTest {
    // C.3 / C.4: three requests on one connection.
    private static final String[][] REQUESTS = {
        {":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com"},
        {":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com", "cache-control", "no-cache"},
        {":method", "GET", ":scheme", "https", ":path", "/index.html", ":authority", "www.example.com", "custom-key", "custom-value"},
    };
    private static final String[] C3 = {
        "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
        "8286 84be 5808 6e6f 2d63 6163 6865",
        "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
    };
    private static final String[] C4 = {
        "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
        "8286 84be 5886 a8eb 1064 9cbf",
        "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
    };
    private static final String[][] REQUEST_TABLES = {
        {":authority: www.example.com"},
        {"cache-control: no-cache", ":authority: www.example.com"},
        {"custom-key: custom-value", "cache-control: no-cache", ":authority: www.example.com"},
    };
    private static final int[] REQUEST_TABLE_SIZES = {57, 110, 164};

    // C.5 / C.6: three responses on one connection with a 256-byte table, so entries are evicted.
    private static final String DATE1 = "Mon, 21 Oct 2013 20:13:21 GMT";
    private static final String DATE2 = "Mon, 21 Oct 2013 20:13:22 GMT";
    private static final String COOKIE = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";
    private static final String[][] RESPONSES = {
        {":status", "302", "cache-control", "private", "date", DATE1, "location", "https://www.example.com"},
        {":status", "307", "cache-control", "private", "date", DATE1, "location", "https://www.example.com"},
        {":status", "200", "cache-control", "private", "date", DATE2, "location", "https://www.example.com",
            "content-encoding", "gzip", "set-cookie", COOKIE},
    };
    private static final String[] C5 = {
        "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d"
            + " 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
        "4803 3330 37c1 c0bf",
        "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f"
            + " 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630"
            + " 303b 2076 6572 7369 6f6e 3d31",
    };
    private static final String[] C6 = {
        "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7"
            + " 8f0b 97c8 e9ae 82ae 43d3",
        "4883 640e ffc1 c0bf",
        "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335"
            + " dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07",
    };
    private static final String[][] RESPONSE_TABLES = {
        {"location: https://www.example.com", "date: " + DATE1, "cache-control: private", ":status: 302"},
        {":status: 307", "location: https://www.example.com", "date: " + DATE1, "cache-control: private"},
        {"set-cookie: " + COOKIE, "content-encoding: gzip", "date: " + DATE2},
    };
    private static final int[] RESPONSE_TABLE_SIZES = {222, 222, 215};

    @Test
    void c21LiteralWithIndexingIsDecodedAndAddedToTheTable() throws Exception {
        HpackDecoder d = new HpackDecoder(Settings.UNLIMITED);
        FieldList f = decode(d, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572");
        assertThat(H2Wire.Recorder.fields(f)).isEqualTo("[custom-key=custom-header]");
        assertThat(d.tableSize()).isEqualTo(55);
        assertThat(d.entry(62)).isEqualTo("custom-key: custom-header");
    }

    @Test
    void c22LiteralWithoutIndexingLeavesTheTableEmpty() throws Exception {
        HpackDecoder d = new HpackDecoder(Settings.UNLIMITED);
        FieldList f = decode(d, "040c 2f73 616d 706c 652f 7061 7468");
        assertThat(H2Wire.Recorder.fields(f)).isEqualTo("[:path=/sample/path]");
        assertThat(f.sensitive(0)).isFalse();
        assertThat(d.tableSize()).isZero();
    }

    @Test
    void c23LiteralNeverIndexedIsDecodedAsSensitive() throws Exception {
        HpackDecoder d = new HpackDecoder(Settings.UNLIMITED);
        FieldList f = decode(d, "1008 7061 7373 776f 7264 0673 6563 7265 74");
        assertThat(H2Wire.Recorder.fields(f)).isEqualTo("[password=secret]");
        assertThat(f.sensitive(0)).isTrue();
        assertThat(d.tableSize()).isZero();
    }

    @Test
    void c23SensitiveFieldIsEncodedAsNeverIndexed() {
        HpackEncoder e = HpackEncoder.forExamples(4096, false);
        assertThat(encode(e, new FieldList().add("password", "secret", true))).isEqualTo(compact("1008 7061 7373 776f 7264 0673 6563 7265 74"));
        assertThat(e.tableSize()).isZero();
    }

    @Test
    void c24IndexedFieldIsDecodedFromTheStaticTable() throws Exception {
        FieldList f = decode(new HpackDecoder(Settings.UNLIMITED), "82");
        assertThat(H2Wire.Recorder.fields(f)).isEqualTo("[:method=GET]");
        assertThat(encode(new HpackEncoder(4096), new FieldList().add(":method", "GET"))).isEqualTo("82");
    }

    @Test
    void c3RequestsWithoutHuffmanDecodeWithTheRfcTables() throws Exception {
        decodeSequence(new HpackDecoder(Settings.UNLIMITED), C3, REQUESTS, REQUEST_TABLES, REQUEST_TABLE_SIZES);
    }

    @Test
    void c3RequestsWithoutHuffmanEncodeToTheRfcBytes() {
        encodeSequence(HpackEncoder.forExamples(4096, false), C3, REQUESTS, REQUEST_TABLE_SIZES);
    }

    @Test
    void c4RequestsWithHuffmanDecodeWithTheRfcTables() throws Exception {
        decodeSequence(new HpackDecoder(Settings.UNLIMITED), C4, REQUESTS, REQUEST_TABLES, REQUEST_TABLE_SIZES);
    }

    @Test
    void c4RequestsWithHuffmanEncodeToTheRfcBytes() {
        encodeSequence(HpackEncoder.forExamples(4096, true), C4, REQUESTS, REQUEST_TABLE_SIZES);
    }

    @Test
    void c4RequestsAreWhatTheDefaultEncoderProducesToo() {
        // The production policy indexes :authority, cache-control and custom-key as the RFC does here.
        encodeSequence(new HpackEncoder(4096), C4, REQUESTS, REQUEST_TABLE_SIZES);
    }

    @Test
    void c5ResponsesWithoutHuffmanDecodeWithEvictions() throws Exception {
        HpackDecoder d = new HpackDecoder(Settings.UNLIMITED);
        d.startingTableSize(256);
        decodeSequence(d, C5, RESPONSES, RESPONSE_TABLES, RESPONSE_TABLE_SIZES);
    }

    @Test
    void c5ResponsesWithoutHuffmanEncodeToTheRfcBytes() {
        encodeSequence(HpackEncoder.forExamples(256, false), C5, RESPONSES, RESPONSE_TABLE_SIZES);
    }

    @Test
    void c6ResponsesWithHuffmanDecodeWithEvictions() throws Exception {
        HpackDecoder d = new HpackDecoder(Settings.UNLIMITED);
        d.startingTableSize(256);
        decodeSequence(d, C6, RESPONSES, RESPONSE_TABLES, RESPONSE_TABLE_SIZES);
    }

    @Test
    void c6ResponsesWithHuffmanEncodeToTheRfcBytes() {
        encodeSequence(HpackEncoder.forExamples(256, true), C6, RESPONSES, RESPONSE_TABLE_SIZES);
    }

    private static void decodeSequence(HpackDecoder d, String[] blocks, String[][] lists, String[][] tables, int[] sizes)
            throws H2Exception {
        for (int i = 0; i < blocks.length; i++) {
            FieldList f = decode(d, blocks[i]);
            assertThat(H2Wire.Recorder.fields(f)).as("block %d", i + 1).isEqualTo(H2Wire.Recorder.fields(list(lists[i])));
            for (int k = 0; k < tables[i].length; k++) {
                assertThat(d.entry(62 + k)).as("block %d, table entry %d", i + 1, k + 1).isEqualTo(tables[i][k]);
            }
            assertThat(d.tableSize()).as("block %d, table size", i + 1).isEqualTo(sizes[i]);
        }
    }

    private static void encodeSequence(HpackEncoder e, String[] blocks, String[][] lists, int[] sizes) {
        for (int i = 0; i < blocks.length; i++) {
            assertThat(encode(e, list(lists[i]))).as("block %d", i + 1).isEqualTo(compact(blocks[i]));
            assertThat(e.tableSize()).as("block %d, table size", i + 1).isEqualTo(sizes[i]);
        }
    }

    static FieldList list(String... nv) {
        FieldList f = new FieldList();
        for (int i = 0; i < nv.length; i += 2) {
            f.add(nv[i], nv[i + 1]);
        }
        return f;
    }

    static FieldList decode(HpackDecoder d, String hexBlock) throws H2Exception {
        byte[] b = hex(hexBlock);
        FieldList f = new FieldList();
        d.decode(b, 0, b.length, f);
        return f;
    }

    static String encode(HpackEncoder e, FieldList f) {
        int n = e.encode(f);
        return hex(e.buffer(), 0, n);
    }

    private static String compact(String hex) {
        return hex.replace(" ", "");
    }
}
