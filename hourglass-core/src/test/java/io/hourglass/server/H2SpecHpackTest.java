package io.hourglass.server;

import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.Frame;
import io.hourglass.internal.h2.Settings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Conformance, h2spec's "hpack" group: a header block the decoder cannot decode is a connection error of type
 * COMPRESSION_ERROR (RFC 9113 section 4.3; RFC 7541's decoding errors), one test per h2spec case.
 */
class H2SpecHpackTest extends H2SpecSupport {

    @Test
    @DisplayName("hpack/2.3.3/1 Sends a indexed header field representation with invalid index")
    void indexedFieldPastTheTables() throws Exception {
        handshake();
        sendBlockAfterHandshake(concat(block(common()), bytes(0x80 | 0x7f, 0x7f))); // index 190: no such entry
    }

    void sendBlockAfterHandshake(byte[] b) throws Exception {
        c.frame(Frame.HEADERS, Frame.FLAG_END_STREAM | Frame.FLAG_END_HEADERS, 1, b);
        assertConnectionError(ErrorCode.COMPRESSION_ERROR);
    }

    @Test
    @DisplayName("hpack/2.3.3/2 Sends a literal header field representation with invalid index")
    void literalWithANamePastTheTables() throws Exception {
        handshake();
        sendBlockAfterHandshake(concat(block(common()), bytes(0x40 | 0x3f, 0x7f), bytes(1, 'x'))); // name index 190
    }

    @Test
    @DisplayName("hpack/4.2/1 Sends a dynamic table size update at the end of header block")
    void sizeUpdateAtTheEnd() throws Exception {
        handshake();
        sendBlockAfterHandshake(concat(block(common()), bytes(0x3f, 0xe1, 0x1f)));
    }

    @Test
    @DisplayName("hpack/5.2/1 Sends a Huffman-encoded string literal representation with padding longer than 7 bits")
    void huffmanPaddingTooLong() throws Exception {
        handshake();
        // "a" is 00011 (5 bits); then 11 ones of padding: more than 7 bits of EOS prefix
        sendBlockAfterHandshake(concat(block(common()), bytes(0x40), bytes(0x82, 0x1f, 0xff), bytes(1, 'x')));
    }

    @Test
    @DisplayName("hpack/5.2/2 Sends a Huffman-encoded string literal representation padded by zero")
    void huffmanPaddedWithZeros() throws Exception {
        handshake();
        // "a" (00011), then 000 instead of ones
        sendBlockAfterHandshake(concat(block(common()), bytes(0x40), bytes(0x81, 0x18), bytes(1, 'x')));
    }

    @Test
    @DisplayName("hpack/5.2/3 Sends a Huffman-encoded string literal representation containing the EOS symbol")
    void huffmanWithEos() throws Exception {
        handshake();
        // EOS is 30 ones; 32 ones hold it whole, and a decoder must refuse it (RFC 7541 section 5.2)
        sendBlockAfterHandshake(concat(block(common()), bytes(0x40), bytes(0x84, 0xff, 0xff, 0xff, 0xff), bytes(1, 'x')));
    }

    @Test
    @DisplayName("hpack/6.1/1 Sends a indexed header field representation with index 0")
    void indexZero() throws Exception {
        handshake();
        sendBlockAfterHandshake(concat(block(common()), bytes(0x80)));
    }

    @Test
    @DisplayName("hpack/6.3/1 Sends a dynamic table size update larger than the value of SETTINGS_HEADER_TABLE_SIZE")
    void sizeUpdateOverTheSetting() throws Exception {
        handshake();
        // 4097 is one more than the server's SETTINGS_HEADER_TABLE_SIZE (the initial 4096)
        sendBlockAfterHandshake(concat(bytes(0x3f, 0xe2, 0x1f), block(common())));
    }

    @Test
    @DisplayName("hourglass: the server's encoder follows the client's SETTINGS_HEADER_TABLE_SIZE of 0")
    void serverEncoderFollowsTheClientsTableSize() throws Exception {
        handshake(Settings.HEADER_TABLE_SIZE, 0); // the client's decoder keeps no table
        for (int id = 1; id <= 9; id += 2) {
            c.headers(id, common(), true);
            assertResponse(id); // decoded by a decoder of table size 0 (with the server's size update first)
        }
    }
}
