package io.hourglass.internal.h2;

import static io.hourglass.internal.h2.HpackAppendixCTest.encode;
import static io.hourglass.internal.h2.HpackAppendixCTest.list;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The encoder's choices: what it indexes, what it never indexes, Huffman, and table size updates. */
class HpackEncoderTest {

    /** The representation of the first field of a block: its first byte's pattern bits. */
    private static String representation(HpackEncoder e, FieldList f) {
        int n = e.encode(f);
        int b = e.buffer()[0] & 0xff;
        assertThat(n).isPositive();
        if (b >= 0x80) return "indexed";
        if (b >= 0x40) return "incremental";
        if (b >= 0x20) return "size update";
        return b >= 0x10 ? "never indexed" : "without indexing";
    }

    @Test
    void repeatedFieldIsIndexedTheSecondTime() {
        HpackEncoder e = new HpackEncoder(4096);
        assertThat(representation(e, list("user-agent", "curl/8"))).isEqualTo("incremental");
        assertThat(representation(e, list("user-agent", "curl/8"))).isEqualTo("indexed");
        assertThat(encode(e, list("user-agent", "curl/8"))).isEqualTo("be");
    }

    @Test
    void authorizationIsNeverIndexed() {
        HpackEncoder e = new HpackEncoder(4096);
        assertThat(representation(e, list("authorization", "Bearer abcdefghijklmnopqrstuvwxyz"))).isEqualTo("never indexed");
        assertThat(representation(e, list("proxy-authorization", "Basic eDp5"))).isEqualTo("never indexed");
        assertThat(e.tableSize()).isZero();
    }

    @Test
    void setCookieIsNeverIndexed() {
        HpackEncoder e = new HpackEncoder(4096);
        assertThat(representation(e, list("set-cookie", "id=a3fWa; Expires=Wed, 21 Oct 2026 07:28:00 GMT"))).isEqualTo("never indexed");
        assertThat(e.tableSize()).isZero();
    }

    @Test
    void shortCookieIsNeverIndexedAndLongCookieIsIndexed() {
        HpackEncoder e = new HpackEncoder(4096);
        assertThat(representation(e, list("cookie", "sid=12345"))).isEqualTo("never indexed");
        assertThat(representation(e, list("cookie", "session=4f2a9c1e7b3d48a6c0ffee"))).isEqualTo("incremental");
    }

    @Test
    void fieldMarkedSensitiveIsNeverIndexed() {
        HpackEncoder e = new HpackEncoder(4096);
        assertThat(representation(e, new FieldList().add("x-api-key", "k", true))).isEqualTo("never indexed");
        assertThat(representation(e, new FieldList().add("x-api-key", "k", true))).isEqualTo("never indexed");
    }

    @Test
    void valuesThatChangePerMessageAreNotIndexed() {
        HpackEncoder e = new HpackEncoder(4096);
        assertThat(representation(e, list("etag", "\"6740a1b5-6\""))).isEqualTo("without indexing");
        assertThat(representation(e, list(":path", "/search?q=hourglass"))).isEqualTo("without indexing");
        assertThat(representation(e, list("x-request-id", "7f3a"))).isEqualTo("without indexing");
        assertThat(representation(e, list(":path", "/search"))).isEqualTo("incremental");
        assertThat(e.tableSize()).isEqualTo(":path".length() + "/search".length() + 32);
    }

    @Test
    void entryLargerThanThreeQuartersOfTheTableIsNotIndexed() {
        HpackEncoder e = new HpackEncoder(4096);
        assertThat(representation(e, list("x-big", "v".repeat(3100)))).isEqualTo("without indexing");
        assertThat(representation(e, list("x-big", "v".repeat(3000)))).isEqualTo("incremental");
    }

    @Test
    void huffmanIsUsedOnlyWhenShorter() {
        HpackEncoder e = new HpackEncoder(0);
        // "www.example.com": 12 bytes of Huffman code instead of 15; the H bit is set.
        assertThat(encode(e, list(":authority", "www.example.com"))).startsWith("2001").contains("8cf1e3");
        // "307" takes 3 bytes either way: sent plain.
        assertThat(encode(e, list(":status", "307"))).isEqualTo("0803333037");
    }

    /** A server's response head, as H2Messages makes it, with the date of one second. */
    private static FieldList responseHead(String date, String length) {
        return list(":status", "200", "date", date, "content-type", "text/plain; charset=utf-8",
                "content-length", length);
    }

    @Test
    void aRepeatedAllIndexedBlockIsTheSameBytesAndDecodesTheSameAfterOthersMovedTheTable() throws Exception {
        HpackEncoder e = new HpackEncoder(4096);
        HpackDecoder d = new HpackDecoder(1 << 16);
        String date = "Sun, 06 Dec 2026 17:40:00 GMT";
        String first = encode(e, responseHead(date, "12"));
        assertThat(first).isNotEqualTo("88"); // literals the first time, each added to the table
        String indexed = encode(e, responseHead(date, new String("12"))); // equal values, not the same Strings
        assertThat(indexed).hasSize(8); // four one-byte indexes
        assertThat(encode(e, responseHead(date, "12"))).isEqualTo(indexed);
        // another block adds an entry: the same head's dynamic indexes move by one, and the bytes with them
        String other = encode(e, responseHead(date, "13"));
        String after = encode(e, responseHead(date, "12"));
        assertThat(after).isNotEqualTo(indexed).hasSize(8);
        FieldList out = new FieldList();
        for (String block : new String[] {first, indexed, indexed, other, after, after}) {
            byte[] b = java.util.HexFormat.of().parseHex(block);
            d.decode(b, 0, b.length, out);
        }
        assertThat(out.value(3)).isEqualTo("12");
        assertThat(out.value(1)).isEqualTo(date);
    }

    @Test
    void aRepeatedBlockAfterATableSizeChangeOrMarkedSensitiveIsEncodedAfresh() {
        HpackEncoder e = new HpackEncoder(4096);
        String date = "Sun, 06 Dec 2026 17:40:00 GMT";
        encode(e, responseHead(date, "12"));
        String indexed = encode(e, responseHead(date, "12"));
        e.peerHeaderTableSize(0);
        assertThat(encode(e, responseHead(date, "12"))).startsWith("20").isNotEqualTo(indexed);
        assertThat(e.tableSize()).isZero();
        HpackEncoder s = new HpackEncoder(4096);
        encode(s, list("x-key", "k"));
        assertThat(representation(s, list("x-key", "k"))).isEqualTo("indexed");
        assertThat(representation(s, new FieldList().add("x-key", "k", true))).isEqualTo("never indexed");
    }

    @Test
    void smallerCapIsAnnouncedInTheFirstBlock() {
        HpackEncoder e = new HpackEncoder(256);
        assertThat(encode(e, list(":method", "GET"))).isEqualTo("3fe10182");
        assertThat(encode(e, list(":method", "GET"))).isEqualTo("82");
    }

    @Test
    void peerSettingBelowTheTableSizeIsAnnouncedAndEvicts() {
        HpackEncoder e = new HpackEncoder(4096);
        encode(e, list("user-agent", "curl/8"));
        e.peerHeaderTableSize(0);
        assertThat(encode(e, list("user-agent", "curl/8"))).startsWith("20");
        assertThat(e.tableSize()).isZero();
    }

    @Test
    void sizeThatWentDownAndUpIsAnnouncedWithItsMinimumFirst() {
        HpackEncoder e = new HpackEncoder(4096);
        encode(e, list("user-agent", "curl/8"));
        e.peerHeaderTableSize(0);
        e.peerHeaderTableSize(4096);
        assertThat(encode(e, list(":method", "GET"))).isEqualTo("20" + "3fe11f" + "82");
        assertThat(e.tableSize()).isZero();
    }

    @Test
    void largerPeerSettingIsCappedByTheEncodersOwnMaximum() {
        HpackEncoder e = new HpackEncoder(4096);
        e.peerHeaderTableSize(1 << 20);
        assertThat(encode(e, list(":method", "GET"))).isEqualTo("82");
    }

    @Test
    void largeIntegersUseContinuationBytes() throws Exception {
        String value = "X".repeat(300);
        HpackEncoder e = new HpackEncoder(0);
        FieldList f = list("x-long", value);
        String hex = encode(e, f);
        // 300 x "X" (8 bits each in Huffman) is no shorter than plain: plain, length 300 = 7f ad 01.
        assertThat(hex).contains("7fad01");
        HpackDecoder d = new HpackDecoder(Settings.UNLIMITED);
        d.maxTableSizeSetting(4096);
        assertThat(HpackAppendixCTest.decode(d, hex).value(0)).isEqualTo(value);
    }
}
