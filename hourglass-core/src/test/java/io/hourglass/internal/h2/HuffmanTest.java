package io.hourglass.internal.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Huffman code of RFC 7541 Appendix B: codes derived from the lengths, round trips, padding rules. */
class HuffmanTest {

    @Test
    void derivedCodesMatchAppendixB() {
        // A few rows of Appendix B: symbol, code, length.
        int[][] rows = {
            {0, 0x1ff8, 13}, {1, 0x7fffd8, 23}, {9, 0xffffea, 24}, {10, 0x3ffffffc, 30}, {' ', 0x14, 6},
            {'0', 0x0, 5}, {'a', 0x3, 5}, {'z', 0x7b, 7}, {'A', 0x21, 6}, {'~', 0x1ffd, 13}, {255, 0x3ffffee, 26},
        };
        for (int[] r : rows) {
            assertThat(Huffman.code(r[0])).as("code of %d", r[0]).isEqualTo(r[1]);
            assertThat(Huffman.codeLength(r[0])).as("length of %d", r[0]).isEqualTo(r[2]);
        }
    }

    @Test
    void everyOctetStringRoundTrips() throws Exception {
        Random rnd = new Random(7541);
        for (int i = 0; i < 2000; i++) {
            byte[] raw = new byte[rnd.nextInt(40)];
            rnd.nextBytes(raw);
            String s = new String(raw, StandardCharsets.ISO_8859_1);
            Bytes out = new Bytes(8);
            Huffman.encode(s, out);
            assertThat(out.len).isEqualTo(Huffman.encodedLength(s));
            byte[] dst = new byte[Huffman.maxDecodedLength(out.len)];
            int n = Huffman.decode(out.buf, 0, out.len, dst);
            assertThat(new String(dst, 0, n, StandardCharsets.ISO_8859_1)).isEqualTo(s);
        }
    }

    @Test
    void shortestCodesFitTheDecodeBound() throws Exception {
        String s = "0".repeat(80); // 5-bit codes: 50 bytes decode to 80 octets
        Bytes out = new Bytes(8);
        Huffman.encode(s, out);
        assertThat(out.len).isEqualTo(50);
        assertThat(Huffman.maxDecodedLength(50)).isEqualTo(80);
        assertThat(Huffman.decode(out.buf, 0, out.len, new byte[80])).isEqualTo(80);
    }

    @Test
    void eosInTheStringIsAnError() {
        assertThat(error(0xff, 0xff, 0xff, 0xff)).contains("EOS");
    }

    @Test
    void paddingOfEightOnesIsAnError() {
        assertThat(error(0x1f, 0xff)).contains("padding"); // 'a' then 11 bits of ones
        assertThat(error(0xff)).contains("padding");       // 8 bits of ones, no symbol
    }

    @Test
    void paddingWithAZeroIsAnError() {
        assertThat(error(0x18)).contains("padding"); // 'a' then 000
    }

    @Test
    void paddingOfSevenOnesIsAccepted() throws Exception {
        byte[] b = {0x1f}; // 'a' (00011) then 111
        assertThat(Huffman.decode(b, 0, 1, new byte[4])).isEqualTo(1);
    }

    private static String error(int... bytes) {
        byte[] b = H2Wire.bytes(bytes);
        H2Exception e = catchThrowableOfType(H2Exception.class, () -> Huffman.decode(b, 0, b.length, new byte[16]));
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.COMPRESSION_ERROR);
        return e.getMessage();
    }
}
