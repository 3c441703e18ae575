package io.hourglass.internal.h2;

import static io.hourglass.internal.h2.H2Wire.concat;
import static io.hourglass.internal.h2.H2Wire.frame;
import static io.hourglass.internal.h2.HpackAppendixCTest.decode;
import static io.hourglass.internal.h2.HpackAppendixCTest.encode;
import static io.hourglass.internal.h2.HpackAppendixCTest.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** The decoder's bounds: table size updates, the header list limit, and state kept across limit breaches. */
class HpackDecoderTest {

    @Test
    void sizeUpdateAtTheStartOfABlockResizesTheTable() throws Exception {
        HpackDecoder d = new HpackDecoder(Settings.UNLIMITED);
        decode(d, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"); // 55 bytes
        decode(d, "3f 19 82"); // update to 56, then :method GET
        assertThat(d.tableMaxSize()).isEqualTo(56);
        assertThat(d.tableSize()).isEqualTo(55);
        decode(d, "20 3f 19"); // to 0 (evicts all), then back to 56
        assertThat(d.tableSize()).isZero();
        assertThat(d.tableMaxSize()).isEqualTo(56);
    }

    @Test
    void loweredSettingRequiresASizeUpdateInTheNextBlock() throws Exception {
        HpackDecoder d = new HpackDecoder(Settings.UNLIMITED);
        d.maxTableSizeSetting(100);
        H2Exception e = catchThrowableOfType(H2Exception.class, () -> decode(d, "82"));
        assertThat(e.code()).isEqualTo(ErrorCode.COMPRESSION_ERROR);
    }

    @Test
    void loweredSettingIsSatisfiedByAnUpdateWithinIt() throws Exception {
        HpackDecoder d = new HpackDecoder(Settings.UNLIMITED);
        d.maxTableSizeSetting(100);
        assertThat(decode(d, "3f 45 82").size()).isEqualTo(1); // update to 100
        assertThat(decode(d, "82").size()).isEqualTo(1);      // nothing more required
    }

    @Test
    void loweredSettingIsNotSatisfiedByAnUpdateAboveIt() {
        HpackDecoder d = new HpackDecoder(Settings.UNLIMITED);
        d.maxTableSizeSetting(100);
        H2Exception e = catchThrowableOfType(H2Exception.class, () -> decode(d, "3f 46 82")); // 101
        assertThat(e.code()).isEqualTo(ErrorCode.COMPRESSION_ERROR);
    }

    @Test
    void raisedSettingNeedsNoUpdateButAllowsOne() throws Exception {
        HpackDecoder d = new HpackDecoder(Settings.UNLIMITED);
        d.maxTableSizeSetting(8192);
        assertThat(decode(d, "82").size()).isEqualTo(1);
        decode(d, "3f e1 3f 82"); // 8192
        assertThat(d.tableMaxSize()).isEqualTo(8192);
    }

    @Test
    void headerListOverTheLimitIsMarkedAndKeepsTheFieldsBeforeIt() throws Exception {
        // :method GET (42), :scheme http (43), :path / (38): 123 octets; the limit 100 drops :path.
        HpackDecoder d = new HpackDecoder(100);
        FieldList f = decode(d, "8286 84");
        assertThat(f.overLimit()).isTrue();
        assertThat(HpackAppendixCTest.list(":method", "GET", ":scheme", "http").toString())
                .isEqualTo(f.toString().replace("(over the limit: fields dropped)\n", ""));
    }

    @Test
    void headerListAtTheLimitIsWhole() throws Exception {
        HpackDecoder d = new HpackDecoder(123);
        FieldList f = decode(d, "8286 84");
        assertThat(f.overLimit()).isFalse();
        assertThat(f.octets()).isEqualTo(123);
    }

    @Test
    void blockOverTheLimitStillUpdatesTheDynamicTable() throws Exception {
        HpackDecoder d = new HpackDecoder(60);
        // C.3.1 adds ":authority: www.example.com"; its list (162 octets) is over 60.
        FieldList f = decode(d, "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d");
        assertThat(f.overLimit()).isTrue();
        assertThat(d.tableSize()).isEqualTo(57);
        // The next block refers to the entry: the state followed the encoder's.
        FieldList g = decode(d, "be");
        assertThat(g.overLimit()).isFalse();
        assertThat(g.value(0)).isEqualTo("www.example.com");
    }

    @Test
    void limitHoldsForAnyNumberOfSmallFields() throws Exception {
        byte[] block = new byte[2000];
        java.util.Arrays.fill(block, (byte) 0x82); // 2000 x ":method: GET", 42 octets each
        HpackDecoder d = new HpackDecoder(16 * 1024);
        FieldList f = new FieldList();
        d.decode(block, 0, block.length, f);
        assertThat(f.overLimit()).isTrue();
        assertThat(f.size()).isEqualTo(16 * 1024 / 42);
    }

    @Test
    void readerReportsAnOverLimitListAndTheConnectionGoesOn() throws Exception {
        FrameReader r = FrameReader.forServer(H2Wire.input(concat(H2Wire.EMPTY_SETTINGS,
                frame(Frame.HEADERS, Frame.FLAG_END_HEADERS, 1, H2Wire.hex("8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d")),
                frame(Frame.HEADERS, Frame.FLAG_END_HEADERS, 3, H2Wire.hex("be"))), 5), new HpackDecoder(100));
        assertThat(H2Wire.readAll(r)).containsExactly(
                "HEADERS 1 [:method=GET, :scheme=http] OVER_LIMIT",
                "HEADERS 3 [:authority=www.example.com]");
    }

    @Test
    void continuationCapsHoldWhileAnOverLimitBlockIsDiscarded() {
        // A block whose fields are all dropped (limit 10) still cannot take more than 16 frames.
        FrameReader r = FrameReader.forServer(H2Wire.input(concat(H2Wire.EMPTY_SETTINGS,
                MalformedInputTest.continuationFlood(16)), 100), new HpackDecoder(10));
        H2Exception e = catchThrowableOfType(H2Exception.class, () -> H2Wire.readAll(r));
        assertThat(e.code()).isEqualTo(ErrorCode.ENHANCE_YOUR_CALM);
    }

    @Test
    void configuredFrameCapIsEnforced() throws Exception {
        byte[] wire = concat(H2Wire.EMPTY_SETTINGS, MalformedInputTest.continuationFlood(3),
                frame(Frame.CONTINUATION, Frame.FLAG_END_HEADERS, 1));
        FrameReader ok = FrameReader.forServer(H2Wire.input(wire, 100), new HpackDecoder(Settings.UNLIMITED));
        ok.headerBlockLimits(1024, 5);
        assertThat(H2Wire.readAll(ok)).hasSize(1);
        FrameReader tight = FrameReader.forServer(H2Wire.input(wire, 100), new HpackDecoder(Settings.UNLIMITED));
        tight.headerBlockLimits(1024, 4);
        assertThat(catchThrowableOfType(H2Exception.class, () -> H2Wire.readAll(tight)).code())
                .isEqualTo(ErrorCode.ENHANCE_YOUR_CALM);
    }

    @Test
    void literalNamesThatAreWellKnownAreShared() throws Exception {
        FieldList f = decode(new HpackDecoder(Settings.UNLIMITED), "0002 7465 0874 7261 696c 6572 73"); // te: trailers
        assertThat(f.name(0)).isSameAs(StaticTable.knownName("te".getBytes(), 0, 2));
        assertThat(list("te", "trailers").toString()).isEqualTo(f.toString());
    }

    /** nginx sends server, date, content-type and content-length as literals without indexing on every response. */
    @Test
    void aRepeatedLiteralOfAStaticNameGivesTheSameStringAgain() throws Exception {
        HpackEncoder e = new HpackEncoder(4096);
        e.peerHeaderTableSize(0); // no dynamic table: every field but :status is a literal without indexing
        HpackDecoder d = new HpackDecoder(Settings.UNLIMITED);
        FieldList response = list(":status", "200", "server", "nginx/1.22.1", "content-type", "text/plain",
                "content-length", "13", "etag", "\"" + "x".repeat(80) + "\"");
        FieldList first = decode(d, encode(e, response));
        FieldList second = decode(d, encode(e, response));
        assertThat(first.toString()).isEqualTo(response.toString());
        assertThat(second.toString()).isEqualTo(response.toString());
        for (int i = 1; i <= 3; i++) {
            assertThat(second.value(i)).as(second.name(i)).isSameAs(first.value(i));
        }
        assertThat(second.value(4)).as("a value too long to remember is decoded again").isNotSameAs(first.value(4));
    }

    @Test
    void aRememberedLiteralIsNotTakenForAnotherValueOfTheSameName() throws Exception {
        HpackDecoder d = new HpackDecoder(Settings.UNLIMITED);
        // content-length (static index 28) as a literal without indexing: 0f 0d, then the value
        assertThat(decode(d, "0f0d 0231 33").value(0)).isEqualTo("13");
        assertThat(decode(d, "0f0d 0234 32").value(0)).isEqualTo("42");
        assertThat(decode(d, "0f0d 0234 32").value(0)).isEqualTo("42");
        assertThat(decode(d, "0f0d 0131").value(0)).isEqualTo("1");
        // the same octets sent plain and then Huffman-coded are two different values
        byte[] coded = new byte[8];
        int n = Huffman.encode("13", coded, 0, coded.length);
        String octets = H2Wire.hex(coded, 0, n);
        String plain = new String(coded, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(decode(d, "0f0d " + String.format("%02x", n) + octets).value(0)).isEqualTo(plain);
        assertThat(decode(d, "0f0d " + String.format("%02x", 0x80 | n) + octets).value(0)).isEqualTo("13");
        assertThat(decode(d, "0f0d " + String.format("%02x", n) + octets).value(0)).isEqualTo(plain);
    }

    @Test
    void neverIndexedAndIndexedLiteralsAreNotRemembered() throws Exception {
        HpackDecoder d = new HpackDecoder(Settings.UNLIMITED);
        // authorization (static index 23), never indexed: 1f 08, "secret"
        FieldList a = decode(d, "1f08 0673 6563 7265 74");
        FieldList b = decode(d, "1f08 0673 6563 7265 74");
        assertThat(b.value(0)).isEqualTo("secret").isNotSameAs(a.value(0));
    }
}
