package io.hourglass.internal.h2;

import static io.hourglass.internal.h2.Frame.CONTINUATION;
import static io.hourglass.internal.h2.Frame.DATA;
import static io.hourglass.internal.h2.Frame.FLAG_ACK;
import static io.hourglass.internal.h2.Frame.FLAG_END_HEADERS;
import static io.hourglass.internal.h2.Frame.FLAG_END_STREAM;
import static io.hourglass.internal.h2.Frame.FLAG_PADDED;
import static io.hourglass.internal.h2.Frame.FLAG_PRIORITY;
import static io.hourglass.internal.h2.Frame.HEADERS;
import static io.hourglass.internal.h2.H2Wire.bytes;
import static io.hourglass.internal.h2.H2Wire.concat;
import static io.hourglass.internal.h2.H2Wire.frame;
import static io.hourglass.internal.h2.H2Wire.hex;
import static io.hourglass.internal.h2.H2Wire.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.EOFException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Well-formed frames in, one callback each; the reader's state rules (preface, header blocks, EOF). */
class FrameReaderTest {
    private static final byte[] GET = hex("82 86 84 41 8c f1e3 c2e5 f23a 6ba0 ab90 f4ff"); // RFC 7541 C.4.1
    private static final String GET_FIELDS = "[:method=GET, :scheme=http, :path=/, :authority=www.example.com]";

    @Test
    void dataFrameIsReportedWithItsPayloadAndFlowControlledLength() throws Exception {
        assertThat(readAll(frame(DATA, FLAG_END_STREAM, 1, bytes('h', 'i'))))
                .containsExactly("DATA 1 'hi' END_STREAM fc=2");
    }

    @Test
    void paddingIsRemovedFromDataButCountsForFlowControl() throws Exception {
        assertThat(readAll(frame(DATA, FLAG_PADDED, 1, bytes(3, 'h', 'i', 0, 0, 0))))
                .containsExactly("DATA 1 'hi' fc=6");
    }

    @Test
    void dataMayBeAllPadding() throws Exception {
        assertThat(readAll(frame(DATA, FLAG_PADDED, 1, bytes(2, 0, 0)))).containsExactly("DATA 1 '' fc=3");
    }

    @Test
    void headersFrameIsDecoded() throws Exception {
        assertThat(readAll(frame(HEADERS, FLAG_END_HEADERS | FLAG_END_STREAM, 1, GET)))
                .containsExactly("HEADERS 1 " + GET_FIELDS + " END_STREAM");
    }

    @Test
    void headersWithPaddingAndPriorityAreDecoded() throws Exception {
        byte[] payload = concat(bytes(2), bytes(0x80, 0, 0, 0, 255), GET, bytes(0, 0));
        assertThat(readAll(frame(HEADERS, FLAG_END_HEADERS | FLAG_PADDED | FLAG_PRIORITY, 1, payload)))
                .containsExactly("HEADERS 1 " + GET_FIELDS);
    }

    @Test
    void headerBlockSplitOverContinuationFramesIsReportedOnceWhole() throws Exception {
        byte[] a = java.util.Arrays.copyOfRange(GET, 0, 5);
        byte[] b = java.util.Arrays.copyOfRange(GET, 5, 6);
        byte[] c = java.util.Arrays.copyOfRange(GET, 6, GET.length);
        assertThat(readAll(frame(HEADERS, FLAG_END_STREAM, 1, a), frame(CONTINUATION, 0, 1, b),
                frame(CONTINUATION, 0, 1), frame(CONTINUATION, FLAG_END_HEADERS, 1, c)))
                .containsExactly("HEADERS 1 " + GET_FIELDS + " END_STREAM");
    }

    @Test
    void headerBlockStreamIdIsSetOnlyWhileABlockIsOpen() throws Exception {
        FrameReader r = H2Wire.serverReader(concat(H2Wire.EMPTY_SETTINGS, frame(HEADERS, 0, 5, GET),
                frame(CONTINUATION, FLAG_END_HEADERS, 5)), 1000);
        H2Wire.Recorder rec = new H2Wire.Recorder();
        r.readFrame(rec);
        assertThat(r.headerBlockStreamId()).isZero();
        r.readFrame(rec);
        assertThat(r.headerBlockStreamId()).isEqualTo(5);
        r.readFrame(rec);
        assertThat(r.headerBlockStreamId()).isZero();
        assertThat(rec.events).last().asString().startsWith("HEADERS 5");
    }

    @Test
    void controlFramesAreReported() throws Exception {
        List<String> events = readAll(
                frame(Frame.PRIORITY, 0, 3, bytes(0x80, 0, 0, 1, 9)),
                frame(Frame.RST_STREAM, 0, 3, bytes(0, 0, 0, 8)),
                frame(Frame.SETTINGS, 0, 0, bytes(0, 3, 0, 0, 0, 100, 0, 0x42, 0, 0, 0, 1)),
                frame(Frame.SETTINGS, FLAG_ACK, 0),
                frame(Frame.PING, 0, 0, bytes(1, 2, 3, 4, 5, 6, 7, 8)),
                frame(Frame.PING, FLAG_ACK, 0, bytes(0, 0, 0, 0, 0, 0, 0, 9)),
                frame(Frame.GOAWAY, 0, 0, bytes(0x80, 0, 0, 7, 0, 0, 0, 0xb, 'b', 'y', 'e')),
                frame(Frame.WINDOW_UPDATE, 0, 0, bytes(0x80, 0, 1, 0)),
                frame(Frame.WINDOW_UPDATE, 0, 3, bytes(0x7f, 0xff, 0xff, 0xff)));
        assertThat(events).containsExactly(
                "PRIORITY 3 dep=1 exclusive weight=10",
                "RST_STREAM 3 CANCEL",
                "SETTINGS [3=100, 66=1]",
                "SETTINGS ACK",
                "PING 102030405060708",
                "PING 9 ACK",
                "GOAWAY last=7 ENHANCE_YOUR_CALM 'bye'",
                "WINDOW_UPDATE 0 +256",
                "WINDOW_UPDATE 3 +2147483647");
    }

    @Test
    void unknownErrorCodesAreHandedOverAsTheyCame() throws Exception {
        assertThat(readAll(frame(Frame.RST_STREAM, 0, 3, bytes(0, 0, 0x10, 0))))
                .containsExactly("RST_STREAM 3 0x1000");
    }

    @Test
    void unknownFrameTypesAndFlagsAreIgnored() throws Exception {
        assertThat(readAll(frame(0xfa, 0xff, 1, bytes(1, 2, 3)), frame(DATA, 0xf6, 1, bytes('x'))))
                .containsExactly("UNKNOWN type=250 stream=1 length=3", "DATA 1 'x' fc=1");
    }

    @Test
    void reservedBitOfTheStreamIdIsIgnored() throws Exception {
        assertThat(readAll(frame(DATA, 0, 0x8000_0001, bytes('x')))).containsExactly("DATA 1 'x' fc=1");
    }

    @Test
    void readingGoesOnAfterAStreamError() throws Exception {
        FrameReader r = H2Wire.serverReader(concat(H2Wire.EMPTY_SETTINGS,
                frame(HEADERS, FLAG_END_HEADERS | FLAG_PRIORITY, 3, concat(bytes(0, 0, 0, 3, 15), GET)),
                frame(HEADERS, FLAG_END_HEADERS, 5, hex("be"))), 3); // index 62: the entry stream 3 added
        H2Wire.Recorder rec = new H2Wire.Recorder();
        r.readFrame(rec);
        H2Exception e = catchThrowableOfType(H2Exception.class, () -> r.readFrame(rec));
        assertThat(e.streamId()).isEqualTo(3);
        r.readFrame(rec);
        assertThat(rec.events).containsExactly("SETTINGS []", "HEADERS 5 [:authority=www.example.com]");
    }

    @Test
    void streamErrorOfASplitHeaderBlockComesAfterTheWholeBlockIsDecoded() throws Exception {
        byte[] head = concat(bytes(0, 0, 0, 3, 15), java.util.Arrays.copyOfRange(GET, 0, 4));
        FrameReader r = H2Wire.serverReader(concat(H2Wire.EMPTY_SETTINGS,
                frame(HEADERS, FLAG_PRIORITY, 3, head),
                frame(CONTINUATION, FLAG_END_HEADERS, 3, java.util.Arrays.copyOfRange(GET, 4, GET.length)),
                frame(HEADERS, FLAG_END_HEADERS, 5, hex("be"))), 2);
        H2Wire.Recorder rec = new H2Wire.Recorder();
        r.readFrame(rec);
        r.readFrame(rec); // HEADERS: the error waits for the block's end
        H2Exception e = catchThrowableOfType(H2Exception.class, () -> r.readFrame(rec));
        assertThat(e.streamId()).isEqualTo(3);
        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        r.readFrame(rec);
        assertThat(rec.events).containsExactly("SETTINGS []", "HEADERS 5 [:authority=www.example.com]");
    }

    @Test
    void largeFramesAreReadOnceTheLimitIsRaised() throws Exception {
        byte[] big = new byte[100_000];
        big[99_999] = 'z';
        FrameReader r = H2Wire.serverReader(concat(H2Wire.EMPTY_SETTINGS, frame(DATA, 0, 1, big)), 8192);
        r.maxFrameSize(1 << 17);
        H2Wire.Recorder rec = new H2Wire.Recorder();
        r.readFrame(rec);
        r.readFrame(rec);
        assertThat(rec.events.get(1)).endsWith("z' fc=100000");
    }

    @Test
    void cleanEndBetweenFramesReturnsFalse() throws Exception {
        FrameReader r = H2Wire.serverReader(H2Wire.EMPTY_SETTINGS, 4);
        H2Wire.Recorder rec = new H2Wire.Recorder();
        assertThat(r.readFrame(rec)).isTrue();
        assertThat(r.readFrame(rec)).isFalse();
    }

    @Test
    void endInsideAFrameIsAnEofException() {
        byte[] cut = java.util.Arrays.copyOf(frame(DATA, 0, 1, bytes(1, 2, 3)), 10);
        assertThatThrownBy(() -> readAll(cut)).isInstanceOf(EOFException.class).hasMessageContaining("DATA frame");
        assertThatThrownBy(() -> readAll(bytes(0, 0))).isInstanceOf(EOFException.class).hasMessageContaining("frame header");
    }

    @Test
    void endInsideAHeaderBlockIsAnEofException() {
        assertThatThrownBy(() -> readAll(frame(HEADERS, 0, 1, GET))).isInstanceOf(EOFException.class)
                .hasMessageContaining("header block");
    }

    @Test
    void firstFrameMustBeSettings() {
        H2Exception e = catchThrowableOfType(H2Exception.class,
                () -> H2Wire.readAll(H2Wire.serverReader(frame(Frame.PING, 0, 0, new byte[8]), 100)));
        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(e.isConnectionError()).isTrue();
    }

    @Test
    void firstFrameMustNotBeASettingsAck() {
        H2Exception e = catchThrowableOfType(H2Exception.class,
                () -> H2Wire.readAll(H2Wire.serverReader(frame(Frame.SETTINGS, FLAG_ACK, 0), 100)));
        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void serverReadsTheClientPreface() throws Exception {
        FrameReader r = H2Wire.serverReader(concat(Frame.preface(), H2Wire.EMPTY_SETTINGS), 5);
        r.readPreface();
        assertThat(H2Wire.readAll(r)).isEmpty();
    }

    @Test
    void wrongPrefaceIsAProtocolErrorAsSoonAsAByteDiffers() {
        // Only "PRX" is sent, then the source would block: the mismatch must be found without more bytes.
        FrameReader r = H2Wire.serverReader("PRX".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 100);
        H2Exception e = catchThrowableOfType(H2Exception.class, r::readPreface);
        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(e.isConnectionError()).isTrue();
    }

    @Test
    void http11RequestIsNotAPreface() {
        FrameReader r = H2Wire.serverReader("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 100);
        assertThat(catchThrowableOfType(H2Exception.class, r::readPreface).code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(Frame.isPrefaceStart("PRI * HTTP/2.0\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 16)).isTrue();
        assertThat(Frame.isPrefaceStart("GET / HTTP/1.1".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 3)).isFalse();
    }

    @Test
    void clientRejectsEnablePushFromAServer() {
        FrameReader r = FrameReader.forClient(H2Wire.input(frame(Frame.SETTINGS, 0, 0, bytes(0, 2, 0, 0, 0, 1)), 100),
                new HpackDecoder(Settings.UNLIMITED));
        H2Exception e = catchThrowableOfType(H2Exception.class, () -> H2Wire.readAll(r));
        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void clientWithPushEnabledReceivesPushPromise() throws Exception {
        FrameReader r = FrameReader.forClient(H2Wire.input(concat(H2Wire.EMPTY_SETTINGS,
                frame(Frame.PUSH_PROMISE, FLAG_PADDED, 1, concat(bytes(1), bytes(0, 0, 0, 2), GET, bytes(0))),
                frame(CONTINUATION, FLAG_END_HEADERS, 1)), 9), new HpackDecoder(Settings.UNLIMITED));
        r.pushEnabled(true);
        assertThat(H2Wire.readAll(r)).containsExactly("PUSH_PROMISE 1 promised=2 " + GET_FIELDS);
    }

    @Test
    void clientWithoutPushRejectsPushPromiseAndEvenStreams() {
        for (byte[] f : new byte[][] {frame(Frame.PUSH_PROMISE, FLAG_END_HEADERS, 1, concat(bytes(0, 0, 0, 2), GET)),
                frame(HEADERS, FLAG_END_HEADERS, 2, GET)}) {
            FrameReader r = FrameReader.forClient(H2Wire.input(concat(H2Wire.EMPTY_SETTINGS, f), 100),
                    new HpackDecoder(Settings.UNLIMITED));
            assertThat(catchThrowableOfType(H2Exception.class, () -> H2Wire.readAll(r)).code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        }
    }
}
