package io.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.FieldList;
import io.hourglass.internal.h2.Frame;
import io.hourglass.internal.h2.Settings;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Conformance, h2spec's "http2" group, RFC 9113 sections 3.4 to 5.5: the preface, frame format and size, header
 * compression errors, stream states and identifiers, concurrency, dependencies, error handling and extensions.
 * One test per h2spec case.
 */
class H2SpecConnectionTest extends H2SpecSupport {

    /** A stream error or a connection error with {@code code}: RFC 9113 section 5.1 allows either here. */
    void assertStreamOrConnectionError(int stream, ErrorCode... codes) throws Exception {
        while (true) {
            H2TestClient.Ev e = c.next();
            assertThat(e.type()).as("an error, not the end without GOAWAY").isNotEqualTo(H2TestClient.CLOSED);
            if (e.type() == Frame.RST_STREAM || e.type() == Frame.GOAWAY) {
                assertThat(Arrays.stream(codes).mapToInt(x -> x.code).boxed().toList()).contains(e.code());
                if (e.type() == Frame.RST_STREAM) {
                    assertThat(e.stream()).isEqualTo(stream);
                }
                return;
            }
        }
    }

    @Test
    @DisplayName("http2/3.5/1 Sends client connection preface")
    void serverPrefaceIsSettingsFirst() throws Exception {
        connect().preface().settings();
        H2TestClient.Ev first = c.next();
        assertThat(first.type()).isEqualTo(Frame.SETTINGS);
        assertThat(first.ack()).isFalse();
    }

    @Test
    @DisplayName("http2/3.5/2 Sends invalid connection preface")
    void invalidPrefaceClosesTheConnection() throws Exception {
        connect().raw("INVALID CONNECTION PREFACE\r\n\r\n".getBytes());
        assertThat(c.closedWithin(Duration.ofSeconds(3))).isTrue();
    }

    @Test
    @DisplayName("http2/4.1/1 Sends a frame with unknown type")
    void unknownFrameTypeIsIgnored() throws Exception {
        handshake().frame(0x16, 0, 0, "unknown".getBytes());
        assertAlive();
    }

    @Test
    @DisplayName("http2/4.1/2 Sends a frame with undefined flag")
    void undefinedFlagIsIgnored() throws Exception {
        handshake().frame(Frame.PING, 0x16, 0, new byte[8]);
        H2TestClient.Ev e = c.expect(Frame.PING);
        assertThat(e.ack()).isTrue();
        assertThat(e.ping()).isZero();
    }

    @Test
    @DisplayName("http2/4.1/3 Sends a frame with reserved field bit")
    void reservedBitIsIgnored() throws Exception {
        handshake();
        c.frame(Frame.HEADERS, Frame.FLAG_END_STREAM | Frame.FLAG_END_HEADERS, 0x8000_0001, block(common()));
        assertResponse(1);
    }

    @Test
    @DisplayName("http2/4.2/1 Sends a DATA frame with 2^14 octets in length")
    void dataOfTheMaximumFrameSize() throws Exception {
        handshake().headers(1, common("POST"), false);
        c.data(1, new byte[16_384], true);
        assertThat(assertResponse(1).text()).isEqualTo("received 16384\n");
    }

    @Test
    @DisplayName("http2/4.2/2 Sends a large size DATA frame that exceeds the SETTINGS_MAX_FRAME_SIZE")
    void dataOverTheMaximumFrameSize() throws Exception {
        handshake().headers(1, common("POST"), false);
        c.frame(Frame.DATA, 0, 1, new byte[16_385]);
        assertConnectionError(ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    @DisplayName("http2/4.2/3 Sends a large size HEADERS frame that exceeds the SETTINGS_MAX_FRAME_SIZE")
    void headersOverTheMaximumFrameSize() throws Exception {
        handshake();
        // The frame's size alone is the error: it is refused before its block is looked at.
        byte[] b = concat(block(common()), new byte[16_384]);
        c.frame(Frame.HEADERS, Frame.FLAG_END_STREAM | Frame.FLAG_END_HEADERS, 1, b);
        assertConnectionError(ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    @DisplayName("http2/4.3/1 Sends invalid header block fragment")
    void invalidHeaderBlock() throws Exception {
        handshake().frame(Frame.HEADERS, Frame.FLAG_END_STREAM | Frame.FLAG_END_HEADERS, 1, bytes(0x40));
        assertConnectionError(ErrorCode.COMPRESSION_ERROR);
    }

    @Test
    @DisplayName("http2/4.3/2 Sends a PRIORITY frame while sending the header blocks")
    void priorityInsideAHeaderBlock() throws Exception {
        handshake();
        byte[] b = block(common());
        c.frame(Frame.HEADERS, Frame.FLAG_END_STREAM, 1, b);
        c.frame(Frame.PRIORITY, 0, 1, bytes(0, 0, 0, 0, 15));
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/4.3/3 Sends a HEADERS frame to another stream while sending the header blocks")
    void headersOfAnotherStreamInsideAHeaderBlock() throws Exception {
        handshake();
        byte[] b = block(common());
        c.frame(Frame.HEADERS, Frame.FLAG_END_STREAM, 1, b);
        c.frame(Frame.HEADERS, Frame.FLAG_END_STREAM | Frame.FLAG_END_HEADERS, 3, b);
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/5.1/1 idle: Sends a DATA frame")
    void idleData() throws Exception {
        handshake().data(1, "test".getBytes(), true);
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/5.1/2 idle: Sends a RST_STREAM frame")
    void idleRst() throws Exception {
        handshake().rst(1, ErrorCode.CANCEL);
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/5.1/3 idle: Sends a WINDOW_UPDATE frame")
    void idleWindowUpdate() throws Exception {
        handshake().windowUpdate(1, 100);
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/5.1/4 idle: Sends a CONTINUATION frame")
    void idleContinuation() throws Exception {
        handshake().frame(Frame.CONTINUATION, Frame.FLAG_END_HEADERS, 1, block(common()));
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    /** A request whose response cannot finish (the stream window is 0), so the stream stays half-closed. */
    void halfClosedRemote() throws Exception {
        handshake(Settings.INITIAL_WINDOW_SIZE, 0).headers(1, common(), true);
        assertThat(c.expect(Frame.HEADERS).field(":status")).isEqualTo("200");
    }

    @Test
    @DisplayName("http2/5.1/5 half closed (remote): Sends a DATA frame")
    void halfClosedRemoteData() throws Exception {
        halfClosedRemote();
        c.data(1, "test".getBytes(), true);
        assertStreamError(1, ErrorCode.STREAM_CLOSED);
    }

    @Test
    @DisplayName("http2/5.1/6 half closed (remote): Sends a HEADERS frame")
    void halfClosedRemoteHeaders() throws Exception {
        halfClosedRemote();
        c.headers(1, common(), true);
        assertStreamError(1, ErrorCode.STREAM_CLOSED);
    }

    @Test
    @DisplayName("http2/5.1/7 half closed (remote): Sends a CONTINUATION frame")
    void halfClosedRemoteContinuation() throws Exception {
        halfClosedRemote();
        c.frame(Frame.CONTINUATION, Frame.FLAG_END_HEADERS, 1, block(new FieldList().add("x-dummy", "1")));
        assertConnectionError(ErrorCode.PROTOCOL_ERROR); // a CONTINUATION that follows no open block (6.10)
    }

    @Test
    @DisplayName("http2/5.1/8 closed: Sends a DATA frame after sending RST_STREAM frame")
    void closedByResetData() throws Exception {
        handshake().headers(1, common("POST"), false);
        c.rst(1, ErrorCode.CANCEL);
        c.data(1, "test".getBytes(), true);
        assertStreamError(1, ErrorCode.STREAM_CLOSED);
    }

    @Test
    @DisplayName("http2/5.1/9 closed: Sends a HEADERS frame after sending RST_STREAM frame")
    void closedByResetHeaders() throws Exception {
        handshake().headers(1, common("POST"), false);
        c.rst(1, ErrorCode.CANCEL);
        c.headers(1, common(), true);
        assertStreamOrConnectionError(1, ErrorCode.STREAM_CLOSED, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/5.1/10 closed: Sends a CONTINUATION frame after sending RST_STREAM frame")
    void closedByResetContinuation() throws Exception {
        handshake().headers(1, common("POST"), false);
        c.rst(1, ErrorCode.CANCEL);
        c.frame(Frame.CONTINUATION, Frame.FLAG_END_HEADERS, 1, block(new FieldList().add("x-dummy", "1")));
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/5.1/11 closed: Sends a DATA frame")
    void closedData() throws Exception {
        handshake().headers(1, common(), true);
        assertResponse(1);
        c.data(1, "test".getBytes(), true);
        assertStreamError(1, ErrorCode.STREAM_CLOSED);
    }

    @Test
    @DisplayName("http2/5.1/12 closed: Sends a HEADERS frame")
    void closedHeaders() throws Exception {
        handshake().headers(1, common(), true);
        assertResponse(1);
        c.headers(1, common(), true);
        assertConnectionError(ErrorCode.STREAM_CLOSED, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/5.1/13 closed: Sends a CONTINUATION frame")
    void closedContinuation() throws Exception {
        handshake().headers(1, common(), true);
        assertResponse(1);
        c.frame(Frame.CONTINUATION, Frame.FLAG_END_HEADERS, 1, block(new FieldList().add("x-dummy", "1")));
        assertConnectionError(ErrorCode.STREAM_CLOSED, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/5.1.1/1 Sends even-numbered stream identifier")
    void evenStreamId() throws Exception {
        handshake().headers(2, common(), true);
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/5.1.1/2 Sends stream identifier that is numerically smaller than previous")
    void decreasingStreamId() throws Exception {
        handshake().headers(5, common(), true);
        assertResponse(5);
        c.headers(3, common(), true);
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/5.1.2/1 Sends HEADERS frames that causes their advertised concurrent stream limit to be exceeded")
    void overTheConcurrentStreamLimit() throws Exception {
        handshake(Settings.INITIAL_WINDOW_SIZE, 0); // no response can end: every stream stays open
        long max = c.serverSettings.maxConcurrentStreams();
        assertThat(max).isEqualTo(100);
        for (int i = 0; i <= max; i++) {
            c.headers(1 + 2 * i, common(), true);
        }
        assertStreamError((int) (1 + 2 * max), ErrorCode.REFUSED_STREAM, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/5.3.1/1 Sends HEADERS frame that depends on itself")
    void headersDependingOnItself() throws Exception {
        handshake();
        c.frame(Frame.HEADERS, Frame.FLAG_END_STREAM | Frame.FLAG_END_HEADERS | Frame.FLAG_PRIORITY, 1,
                concat(bytes(0, 0, 0, 1, 15), block(common())));
        assertStreamError(1, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/5.3.1/2 Sends PRIORITY frame that depend on itself")
    void priorityDependingOnItself() throws Exception {
        handshake().frame(Frame.PRIORITY, 0, 1, bytes(0, 0, 0, 1, 15));
        assertStreamError(1, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/5.4.1/1 Sends an invalid PING frame for connection close")
    void invalidPingCloses() throws Exception {
        handshake().frame(Frame.PING, 0, 0, new byte[6]);
        assertThat(c.closedWithin(Duration.ofSeconds(3))).isTrue();
    }

    @Test
    @DisplayName("http2/5.4.1/2 Sends an invalid PING frame to receive GOAWAY frame")
    void invalidPingGetsGoAway() throws Exception {
        handshake().frame(Frame.PING, 0, 0, new byte[6]);
        assertConnectionError(ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    @DisplayName("http2/5.5/1 Sends an unknown extension frame")
    void unknownExtensionFrame() throws Exception {
        handshake().frame(0xff, 0, 0, "unknown".getBytes());
        assertAlive();
    }

    @Test
    @DisplayName("http2/5.5/2 Sends an unknown extension frame in the middle of a header block")
    void unknownFrameInsideAHeaderBlock() throws Exception {
        handshake();
        c.frame(Frame.HEADERS, Frame.FLAG_END_STREAM, 1, block(common()));
        c.frame(0xff, 0, 0, "unknown".getBytes());
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }
}
