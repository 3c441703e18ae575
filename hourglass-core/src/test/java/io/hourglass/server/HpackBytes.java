package io.hourglass.server;

import java.util.HexFormat;
import java.util.Map;

/**
 * Huffman-coded string literals (RFC 7541 section 5.2) for the conformance tests, taken from the RFC's own
 * examples (Appendix C.4 and C.6), so the test does not use the codec it checks to make its input.
 */
final class HpackBytes {
    private static final Map<String, String> CODED = Map.of(
            "www.example.com", "f1e3c2e5f23a6ba0ab90f4ff",
            "no-cache", "a8eb10649cbf",
            "custom-key", "25a849e95ba97d7f",
            "custom-value", "25a849e95bb8e8b4bf");

    private HpackBytes() {}

    /** The string literal: the H bit and length, then the code. */
    static byte[] huffman(String s) {
        String hex = CODED.get(s);
        if (hex == null) {
            throw new IllegalArgumentException("no RFC 7541 example codes \"" + s + "\"");
        }
        byte[] code = HexFormat.of().parseHex(hex);
        byte[] out = new byte[code.length + 1];
        out[0] = (byte) (0x80 | code.length);
        System.arraycopy(code, 0, out, 1, code.length);
        return out;
    }
}
