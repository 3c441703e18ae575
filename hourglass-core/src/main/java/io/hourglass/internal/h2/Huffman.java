package io.hourglass.internal.h2;

/**
 * The static Huffman code of RFC 7541 (section 5.2, Appendix B) for HPACK string literals.
 *
 * <p>The code is canonical: the codes of the 256 octets and EOS follow from their bit lengths alone
 * (shorter codes first, equal lengths in symbol order), so only the lengths of Appendix B are written here
 * and the codes are derived at class initialization.
 *
 * <p>Decoding walks a state machine four bits at a time: a state is a node of the code tree and each of the
 * 256 x 16 transitions records the next node, the octet completed on the way (a code is at least 5 bits
 * long, so at most one per nibble), whether the EOS code was met, and whether the string may end there.
 * Ending is allowed only at a symbol boundary or inside padding that is 1 to 7 bits of ones (the prefix of
 * EOS), as section 5.2 demands; EOS itself, longer padding and padding with a zero are decoding errors.
 */
final class Huffman {
    /** Code lengths in bits of octets 0 to 255 and of EOS (256): RFC 7541 Appendix B. */
    private static final byte[] LENGTHS = {
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
        30,
    };
    private static final int EOS = 256;
    /** The code of each symbol, right-aligned in an int; its length is LENGTHS[symbol]. */
    private static final int[] CODES = new int[257];

    // Transition entry: bits 0-7 next state, 8-15 the octet emitted, then the flags.
    private static final int EMIT = 1 << 16;
    private static final int ACCEPT = 1 << 17;
    private static final int FAIL = 1 << 18;
    private static final int[] TRANSITIONS = new int[256 * 16];

    static {
        assignCanonicalCodes();
        buildDecoder();
    }

    private Huffman() {}

    private static void assignCanonicalCodes() {
        int code = 0;
        int prevLen = 0;
        boolean first = true;
        for (int len = 1; len <= 30; len++) {
            for (int sym = 0; sym <= EOS; sym++) {
                if (LENGTHS[sym] != len) {
                    continue;
                }
                if (!first) {
                    code = (code + 1) << (len - prevLen);
                }
                first = false;
                prevLen = len;
                CODES[sym] = code;
            }
        }
    }

    private static void buildDecoder() {
        // The tree: 256 internal nodes (0 is the root); a child > 0 is an internal node, < 0 is the leaf
        // -(symbol + 1); 0 means no child yet (the root is nobody's child).
        int[][] child = new int[2][256];
        int[] depth = new int[256];
        boolean[] allOnes = new boolean[256];
        allOnes[0] = true;
        int nodes = 1;
        for (int sym = 0; sym <= EOS; sym++) {
            int node = 0;
            for (int i = LENGTHS[sym] - 1; i >= 0; i--) {
                int bit = (CODES[sym] >>> i) & 1;
                if (i == 0) {
                    child[bit][node] = -(sym + 1);
                } else {
                    if (child[bit][node] == 0) {
                        depth[nodes] = depth[node] + 1;
                        allOnes[nodes] = allOnes[node] && bit == 1;
                        child[bit][node] = nodes++;
                    }
                    node = child[bit][node];
                }
            }
        }
        for (int state = 0; state < 256; state++) {
            for (int nibble = 0; nibble < 16; nibble++) {
                int node = state;
                int entry = 0;
                for (int i = 3; i >= 0; i--) {
                    int next = child[(nibble >>> i) & 1][node];
                    if (next >= 0) {
                        node = next;
                        continue;
                    }
                    int sym = -next - 1;
                    if (sym == EOS) {
                        entry |= FAIL;
                        break;
                    }
                    entry |= EMIT | sym << 8;
                    node = 0;
                }
                // The string may end here at a symbol boundary, or in 1-7 bits of ones (EOS's prefix).
                if (node == 0 || (allOnes[node] && depth[node] <= 7)) {
                    entry |= ACCEPT;
                }
                TRANSITIONS[state * 16 + nibble] = entry | node;
            }
        }
    }

    /** The code length in bits of octet {@code b} (for tests). */
    static int codeLength(int b) {
        return LENGTHS[b];
    }

    /** The code of octet {@code b}, right-aligned (for tests). */
    static int code(int b) {
        return CODES[b];
    }

    /** Bytes the Huffman encoding of {@code s} (one octet per char) takes, padding included. */
    static int encodedLength(String s) {
        long bits = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            bits += LENGTHS[s.charAt(i) & 0xff];
        }
        return (int) ((bits + 7) >>> 3);
    }

    /** Appends the Huffman encoding of {@code s}, padded with the most significant bits of EOS (ones). */
    static void encode(String s, Bytes out) {
        out.ensure(encodedLength(s));
        byte[] buf = out.buf;
        int p = out.len;
        long acc = 0; // at most 7 + 30 pending bits
        int bits = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            int c = s.charAt(i) & 0xff;
            acc = (acc << LENGTHS[c]) | CODES[c];
            bits += LENGTHS[c];
            while (bits >= 8) {
                bits -= 8;
                buf[p++] = (byte) (acc >>> bits);
            }
        }
        if (bits > 0) {
            buf[p++] = (byte) ((acc << (8 - bits)) | (0xff >>> bits));
        }
        out.len = p;
    }

    /**
     * Codes {@code s} into {@code buf} from {@code off} as long as it takes fewer than {@code limit} bytes,
     * padding included; returns the byte count, or -1 (with {@code buf} scribbled on) when it would take
     * {@code limit} or more. {@code buf} must have room for {@code limit} bytes from {@code off}.
     */
    static int encode(String s, byte[] buf, int off, int limit) {
        int p = off;
        int end = off + limit;
        long acc = 0;
        int bits = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            int c = s.charAt(i) & 0xff;
            acc = (acc << LENGTHS[c]) | CODES[c];
            bits += LENGTHS[c];
            while (bits >= 8) {
                if (p == end) {
                    return -1;
                }
                bits -= 8;
                buf[p++] = (byte) (acc >>> bits);
            }
        }
        if (bits > 0) {
            if (p == end) {
                return -1;
            }
            buf[p++] = (byte) ((acc << (8 - bits)) | (0xff >>> bits));
        }
        return p - off < limit ? p - off : -1;
    }

    /** The most octets {@code n} bytes of Huffman code can decode to (the shortest code is 5 bits). */
    static int maxDecodedLength(int n) {
        return (int) (n * 8L / 5);
    }

    /**
     * Decodes {@code src[off, off+len)} into {@code dst} (at least {@link #maxDecodedLength(int)} long) and
     * returns the number of octets.
     *
     * @throws H2Exception COMPRESSION_ERROR (connection) for EOS in the string, or padding that is longer
     *                     than 7 bits or not all ones (RFC 7541 section 5.2)
     */
    static int decode(byte[] src, int off, int len, byte[] dst) throws H2Exception {
        int state = 0;
        int entry = ACCEPT;
        int n = 0;
        for (int i = off, end = off + len; i < end; i++) {
            int b = src[i] & 0xff;
            entry = TRANSITIONS[state << 4 | b >>> 4];
            if ((entry & (EMIT | FAIL)) != 0) {
                n = emit(entry, dst, n);
            }
            entry = TRANSITIONS[(entry & 0xff) << 4 | b & 0xf];
            if ((entry & (EMIT | FAIL)) != 0) {
                n = emit(entry, dst, n);
            }
            state = entry & 0xff;
        }
        if ((entry & ACCEPT) == 0) {
            throw H2Exception.connection(ErrorCode.COMPRESSION_ERROR,
                    "Huffman string ends in padding longer than 7 bits or not of ones");
        }
        return n;
    }

    private static int emit(int entry, byte[] dst, int n) throws H2Exception {
        if ((entry & FAIL) != 0) {
            throw H2Exception.connection(ErrorCode.COMPRESSION_ERROR, "Huffman string contains the EOS symbol");
        }
        dst[n] = (byte) (entry >>> 8);
        return n + 1;
    }
}
