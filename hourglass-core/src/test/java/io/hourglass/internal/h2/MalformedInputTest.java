package io.hourglass.internal.h2;

import static io.hourglass.internal.h2.ErrorCode.COMPRESSION_ERROR;
import static io.hourglass.internal.h2.ErrorCode.ENHANCE_YOUR_CALM;
import static io.hourglass.internal.h2.ErrorCode.FLOW_CONTROL_ERROR;
import static io.hourglass.internal.h2.ErrorCode.FRAME_SIZE_ERROR;
import static io.hourglass.internal.h2.ErrorCode.PROTOCOL_ERROR;
import static io.hourglass.internal.h2.Frame.CONTINUATION;
import static io.hourglass.internal.h2.Frame.DATA;
import static io.hourglass.internal.h2.Frame.FLAG_ACK;
import static io.hourglass.internal.h2.Frame.FLAG_END_HEADERS;
import static io.hourglass.internal.h2.Frame.FLAG_PADDED;
import static io.hourglass.internal.h2.Frame.FLAG_PRIORITY;
import static io.hourglass.internal.h2.Frame.GOAWAY;
import static io.hourglass.internal.h2.Frame.HEADERS;
import static io.hourglass.internal.h2.Frame.PING;
import static io.hourglass.internal.h2.Frame.PRIORITY;
import static io.hourglass.internal.h2.Frame.PUSH_PROMISE;
import static io.hourglass.internal.h2.Frame.RST_STREAM;
import static io.hourglass.internal.h2.Frame.SETTINGS;
import static io.hourglass.internal.h2.Frame.WINDOW_UPDATE;
import static io.hourglass.internal.h2.H2Wire.bytes;
import static io.hourglass.internal.h2.H2Wire.concat;
import static io.hourglass.internal.h2.H2Wire.frame;
import static io.hourglass.internal.h2.H2Wire.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed frames and HPACK blocks: each must fail with the error code and scope RFC 9113 / RFC 7541
 * prescribe (stream id 0 = connection error), whether the bytes arrive one at a time or all at once.
 */
class MalformedInputTest {
    private static final int C = 0; // a connection error's scope
    private static final byte[] GET = hex("82 86 84 41 8c f1e3 c2e5 f23a 6ba0 ab90 f4ff"); // RFC 7541 C.4.1
    private static final int EH = FLAG_END_HEADERS;

    static Stream<Arguments> frames() {
        return Stream.of(
            // section 4.2: frame size
            arguments("frame larger than SETTINGS_MAX_FRAME_SIZE", FRAME_SIZE_ERROR, C, frame(DATA, 0, 1, new byte[16385])),
            // DATA, section 6.1
            arguments("DATA on stream 0", PROTOCOL_ERROR, C, frame(DATA, 0, 0, bytes('a'))),
            arguments("DATA padding longer than the payload", PROTOCOL_ERROR, C, frame(DATA, FLAG_PADDED, 1, bytes(5, 'a', 'b', 'c'))),
            arguments("DATA padding as long as the payload", PROTOCOL_ERROR, C, frame(DATA, FLAG_PADDED, 1, bytes(4, 0, 0, 0))),
            arguments("DATA padded without a pad length byte", FRAME_SIZE_ERROR, C, frame(DATA, FLAG_PADDED, 1)),
            // HEADERS, section 6.2
            arguments("HEADERS on stream 0", PROTOCOL_ERROR, C, frame(HEADERS, EH, 0, GET)),
            arguments("HEADERS on an even stream sent to a server", PROTOCOL_ERROR, C, frame(HEADERS, EH, 2, GET)),
            arguments("HEADERS padding longer than the payload", PROTOCOL_ERROR, C,
                    frame(HEADERS, EH | FLAG_PADDED, 1, concat(bytes(GET.length + 1), GET))),
            arguments("HEADERS with PRIORITY flag and 3 bytes", FRAME_SIZE_ERROR, C, frame(HEADERS, EH | FLAG_PRIORITY, 1, bytes(0, 0, 0))),
            arguments("HEADERS depending on its own stream", PROTOCOL_ERROR, 3,
                    frame(HEADERS, EH | FLAG_PRIORITY, 3, concat(bytes(0, 0, 0, 3, 15), GET))),
            arguments("HEADERS with a bad HPACK block", COMPRESSION_ERROR, C, frame(HEADERS, EH, 1, bytes(0x80))),
            // PRIORITY, section 6.3
            arguments("PRIORITY on stream 0", PROTOCOL_ERROR, C, frame(PRIORITY, 0, 0, bytes(0, 0, 0, 1, 15))),
            arguments("PRIORITY of 4 bytes", FRAME_SIZE_ERROR, 5, frame(PRIORITY, 0, 5, bytes(0, 0, 0, 1))),
            arguments("PRIORITY of 6 bytes", FRAME_SIZE_ERROR, 5, frame(PRIORITY, 0, 5, bytes(0, 0, 0, 1, 15, 0))),
            arguments("PRIORITY depending on its own stream", PROTOCOL_ERROR, 5, frame(PRIORITY, 0, 5, bytes(0x80, 0, 0, 5, 15))),
            // RST_STREAM, section 6.4
            arguments("RST_STREAM on stream 0", PROTOCOL_ERROR, C, frame(RST_STREAM, 0, 0, bytes(0, 0, 0, 8))),
            arguments("RST_STREAM of 3 bytes", FRAME_SIZE_ERROR, C, frame(RST_STREAM, 0, 1, bytes(0, 0, 8))),
            // SETTINGS, section 6.5
            arguments("SETTINGS on stream 1", PROTOCOL_ERROR, C, frame(SETTINGS, 0, 1)),
            arguments("SETTINGS of 5 bytes", FRAME_SIZE_ERROR, C, frame(SETTINGS, 0, 0, bytes(0, 4, 0, 0, 1))),
            arguments("SETTINGS ACK with a payload", FRAME_SIZE_ERROR, C, frame(SETTINGS, FLAG_ACK, 0, bytes(0, 4, 0, 0, 0, 1))),
            arguments("SETTINGS_ENABLE_PUSH of 2", PROTOCOL_ERROR, C, frame(SETTINGS, 0, 0, bytes(0, 2, 0, 0, 0, 2))),
            arguments("SETTINGS_INITIAL_WINDOW_SIZE of 2^31", FLOW_CONTROL_ERROR, C,
                    frame(SETTINGS, 0, 0, bytes(0, 4, 0x80, 0, 0, 0))),
            arguments("SETTINGS_MAX_FRAME_SIZE of 2^14-1", PROTOCOL_ERROR, C, frame(SETTINGS, 0, 0, bytes(0, 5, 0, 0, 0x3f, 0xff))),
            arguments("SETTINGS_MAX_FRAME_SIZE of 2^24", PROTOCOL_ERROR, C, frame(SETTINGS, 0, 0, bytes(0, 5, 1, 0, 0, 0))),
            // PUSH_PROMISE, section 6.6 and 8.4
            arguments("PUSH_PROMISE sent to a server", PROTOCOL_ERROR, C, frame(PUSH_PROMISE, EH, 1, concat(bytes(0, 0, 0, 2), GET))),
            // PING, section 6.7
            arguments("PING on stream 1", PROTOCOL_ERROR, C, frame(PING, 0, 1, new byte[8])),
            arguments("PING of 7 bytes", FRAME_SIZE_ERROR, C, frame(PING, 0, 0, new byte[7])),
            arguments("PING ACK of 9 bytes", FRAME_SIZE_ERROR, C, frame(PING, FLAG_ACK, 0, new byte[9])),
            // GOAWAY, section 6.8
            arguments("GOAWAY on stream 1", PROTOCOL_ERROR, C, frame(GOAWAY, 0, 1, new byte[8])),
            arguments("GOAWAY of 7 bytes", FRAME_SIZE_ERROR, C, frame(GOAWAY, 0, 0, new byte[7])),
            // WINDOW_UPDATE, section 6.9
            arguments("WINDOW_UPDATE of 3 bytes", FRAME_SIZE_ERROR, C, frame(WINDOW_UPDATE, 0, 0, bytes(0, 0, 1))),
            arguments("WINDOW_UPDATE of 0 on the connection", PROTOCOL_ERROR, C, frame(WINDOW_UPDATE, 0, 0, bytes(0, 0, 0, 0))),
            arguments("WINDOW_UPDATE of 0 on a stream", PROTOCOL_ERROR, 7, frame(WINDOW_UPDATE, 0, 7, bytes(0x80, 0, 0, 0))),
            // CONTINUATION and header blocks, section 4.3, 6.10
            arguments("CONTINUATION without HEADERS", PROTOCOL_ERROR, C, frame(CONTINUATION, EH, 1, GET)),
            arguments("DATA inside a header block", PROTOCOL_ERROR, C,
                    concat(frame(HEADERS, 0, 1, GET), frame(DATA, 0, 1, bytes('a')))),
            arguments("PING inside a header block", PROTOCOL_ERROR, C,
                    concat(frame(HEADERS, 0, 1, GET), frame(PING, 0, 0, new byte[8]))),
            arguments("unknown frame type inside a header block", PROTOCOL_ERROR, C,
                    concat(frame(HEADERS, 0, 1, GET), frame(0x42, 0, 0))),
            arguments("CONTINUATION of another stream", PROTOCOL_ERROR, C,
                    concat(frame(HEADERS, 0, 1, GET), frame(CONTINUATION, EH, 3))),
            arguments("HEADERS inside a header block", PROTOCOL_ERROR, C,
                    concat(frame(HEADERS, 0, 1, GET), frame(HEADERS, EH, 3, GET))),
            arguments("header block of 17 frames", ENHANCE_YOUR_CALM, C, continuationFlood(16)),
            arguments("header block larger than 64 KiB", ENHANCE_YOUR_CALM, C, concat(frame(HEADERS, 0, 1, GET),
                    frame(CONTINUATION, 0, 1, new byte[16384]), frame(CONTINUATION, 0, 1, new byte[16384]),
                    frame(CONTINUATION, 0, 1, new byte[16384]), frame(CONTINUATION, 0, 1, new byte[16384])))
        );
    }

    /** HEADERS without END_HEADERS and {@code n} empty CONTINUATION frames, none ending the block. */
    static byte[] continuationFlood(int n) {
        byte[][] parts = new byte[n + 1][];
        parts[0] = frame(HEADERS, 0, 1, GET);
        for (int i = 1; i <= n; i++) {
            parts[i] = frame(CONTINUATION, 0, 1);
        }
        return concat(parts);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void malformedFrameIsReportedWithItsCodeAndScope(String what, ErrorCode code, int stream, byte[] wire) {
        for (int piece : new int[] {1, 100_000}) {
            H2Exception e = catchThrowableOfType(H2Exception.class, () -> H2Wire.readAll(
                    H2Wire.serverReader(concat(H2Wire.EMPTY_SETTINGS, wire), piece)));
            assertThat(e).as("%s, read in pieces of %d", what, piece).isNotNull();
            assertThat(e.code()).as(what).isEqualTo(code);
            assertThat(e.streamId()).as(what + ": scope").isEqualTo(stream);
            assertThat(e.isConnectionError()).isEqualTo(stream == 0);
        }
    }

    static Stream<Arguments> hpack() {
        return Stream.of(
            arguments("indexed field with index 0", "80", "index 0"),
            arguments("index past the end of the static table with an empty dynamic table", "be", "past the end"),
            arguments("literal name index past the tables", "7e 01 61", "past the end"),
            arguments("integer above 2^31-1", "3f ff ff ff ff 0f", "above 2^31-1"),
            arguments("integer with 6 continuation bytes", "3f 80 80 80 80 80 00", "5 continuation bytes"),
            arguments("integer cut off by the end of the block", "ff 80", "cut off"),
            arguments("string longer than the rest of the block", "40 05 61 62", "longer than the rest"),
            arguments("literal without its name string", "40", "cut off"),
            arguments("literal without its value string", "00 01 61", "cut off"),
            arguments("Huffman string holding EOS", "00 01 61 84 ff ff ff ff", "EOS"),
            arguments("Huffman padding longer than 7 bits", "00 01 61 82 1f ff", "padding"),
            arguments("Huffman padding not of ones", "00 01 61 81 18", "padding"),
            arguments("size update after a field", "82 20", "after the first field"),
            arguments("size update above SETTINGS_HEADER_TABLE_SIZE", "3f e2 1f", "exceeds"),
            arguments("size update of 2^31", "3f e1 ff ff ff 07", "above 2^31-1")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hpack")
    void malformedHpackBlockIsACompressionError(String what, String block, String rule) {
        byte[] b = hex(block);
        H2Exception e = catchThrowableOfType(H2Exception.class,
                () -> new HpackDecoder(Settings.UNLIMITED).decode(b, 0, b.length, new FieldList()));
        assertThat(e).as(what).isNotNull();
        assertThat(e.code()).as(what).isEqualTo(COMPRESSION_ERROR);
        assertThat(e.isConnectionError()).as(what).isTrue();
        assertThat(e.getMessage()).as(what).contains(rule);
    }
}
