package io.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.FieldList;
import io.hourglass.internal.h2.Frame;
import io.hourglass.internal.h2.Settings;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Conformance, h2spec's "http2" group, RFC 9113 section 6: each frame type's rules, SETTINGS synchronization,
 * flow control (windows, their limits, negative windows after a SETTINGS change) and CONTINUATION. One test per
 * h2spec case.
 */
class H2SpecFramesTest extends H2SpecSupport {
    static final int EH = Frame.FLAG_END_HEADERS;
    static final int ES = Frame.FLAG_END_STREAM;

    static byte[] setting(int id, long value) {
        return concat(bytes(id >>> 8, id), H2TestClient.int32((int) value));
    }

    void settingsAcked() throws Exception {
        while (!c.expect(Frame.SETTINGS).ack()) {
            // the server's own SETTINGS would come only once, first
        }
    }

    @Test
    @DisplayName("http2/6.1/1 Sends a DATA frame with 0x0 stream identifier")
    void dataOnStreamZero() throws Exception {
        handshake().frame(Frame.DATA, ES, 0, "test".getBytes());
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/6.1/2 Sends a DATA frame on the stream that is not in \"open\" or \"half-closed (local)\" state")
    void dataOnHalfClosedRemote() throws Exception {
        handshake(Settings.INITIAL_WINDOW_SIZE, 0).headers(1, common(), true);
        c.expect(Frame.HEADERS);
        c.data(1, "test".getBytes(), true);
        assertStreamError(1, ErrorCode.STREAM_CLOSED);
    }

    @Test
    @DisplayName("http2/6.1/3 Sends a DATA frame with invalid pad length")
    void dataWithInvalidPadLength() throws Exception {
        handshake().headers(1, common("POST"), false);
        c.frame(Frame.DATA, ES | Frame.FLAG_PADDED, 1, concat(bytes(6), "test".getBytes()));
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/6.2/1 Sends a HEADERS frame without the END_HEADERS flag, and a PRIORITY frame")
    void headersWithoutEndHeadersThenPriority() throws Exception {
        handshake().frame(Frame.HEADERS, ES, 1, block(common()));
        c.frame(Frame.PRIORITY, 0, 1, bytes(0, 0, 0, 0, 15));
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/6.2/2 Sends a HEADERS frame to another stream while sending a HEADERS frame")
    void headersOfAnotherStreamWhileAHeaderBlockIsOpen() throws Exception {
        handshake();
        byte[] b = block(common());
        c.frame(Frame.HEADERS, ES, 1, b);
        c.frame(Frame.HEADERS, ES | EH, 3, b);
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/6.2/3 Sends a HEADERS frame with 0x0 stream identifier")
    void headersOnStreamZero() throws Exception {
        handshake().frame(Frame.HEADERS, ES | EH, 0, block(common()));
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/6.2/4 Sends a HEADERS frame with invalid pad length")
    void headersWithInvalidPadLength() throws Exception {
        handshake();
        byte[] b = block(common());
        c.frame(Frame.HEADERS, ES | EH | Frame.FLAG_PADDED, 1, concat(bytes(b.length + 1), b));
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/6.3/1 Sends a PRIORITY frame with 0x0 stream identifier")
    void priorityOnStreamZero() throws Exception {
        handshake().frame(Frame.PRIORITY, 0, 0, bytes(0, 0, 0, 0, 15));
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/6.3/2 Sends a PRIORITY frame with a length other than 5 octets")
    void priorityOfTheWrongLength() throws Exception {
        handshake().headers(1, common("POST"), false);
        c.frame(Frame.PRIORITY, 0, 1, bytes(0, 0, 0, 0, 15, 0));
        assertStreamError(1, ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    @DisplayName("http2/6.4/1 Sends a RST_STREAM frame with 0x0 stream identifier")
    void rstOnStreamZero() throws Exception {
        handshake().frame(Frame.RST_STREAM, 0, 0, H2TestClient.int32(ErrorCode.CANCEL.code));
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/6.4/2 Sends a RST_STREAM frame on a idle stream")
    void rstOnIdleStream() throws Exception {
        handshake().rst(1, ErrorCode.CANCEL);
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/6.4/3 Sends a RST_STREAM frame with a length other than 4 octets")
    void rstOfTheWrongLength() throws Exception {
        handshake().headers(1, common("POST"), false);
        c.frame(Frame.RST_STREAM, 0, 1, bytes(0, 0, 0, 8, 0));
        assertConnectionError(ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    @DisplayName("http2/6.5/1 Sends a SETTINGS frame with ACK flag and payload")
    void settingsAckWithPayload() throws Exception {
        handshake().frame(Frame.SETTINGS, Frame.FLAG_ACK, 0, setting(Settings.ENABLE_PUSH, 0));
        assertConnectionError(ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    @DisplayName("http2/6.5/2 Sends a SETTINGS frame with a stream identifier other than 0x0")
    void settingsOnAStream() throws Exception {
        handshake().frame(Frame.SETTINGS, 0, 1, setting(Settings.ENABLE_PUSH, 0));
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/6.5/3 Sends a SETTINGS frame with a length other than a multiple of 6 octets")
    void settingsOfTheWrongLength() throws Exception {
        handshake().frame(Frame.SETTINGS, 0, 0, bytes(0, 2, 0, 0, 0));
        assertConnectionError(ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    @DisplayName("http2/6.5.2/1 SETTINGS_ENABLE_PUSH (0x2): Sends the value other than 0 or 1")
    void enablePushOfTwo() throws Exception {
        handshake().frame(Frame.SETTINGS, 0, 0, setting(Settings.ENABLE_PUSH, 2));
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/6.5.2/2 SETTINGS_INITIAL_WINDOW_SIZE (0x4): Sends the value above the maximum flow control window size")
    void initialWindowTooLarge() throws Exception {
        handshake().frame(Frame.SETTINGS, 0, 0, setting(Settings.INITIAL_WINDOW_SIZE, 1L << 31));
        assertConnectionError(ErrorCode.FLOW_CONTROL_ERROR);
    }

    @Test
    @DisplayName("http2/6.5.2/3 SETTINGS_MAX_FRAME_SIZE (0x5): Sends the value below the initial value")
    void maxFrameSizeTooSmall() throws Exception {
        handshake().frame(Frame.SETTINGS, 0, 0, setting(Settings.MAX_FRAME_SIZE, 16_383));
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/6.5.2/4 SETTINGS_MAX_FRAME_SIZE (0x5): Sends the value above the maximum allowed frame size")
    void maxFrameSizeTooLarge() throws Exception {
        handshake().frame(Frame.SETTINGS, 0, 0, setting(Settings.MAX_FRAME_SIZE, 1 << 24));
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/6.5.2/5 Sends a SETTINGS frame with unknown identifier")
    void unknownSettingIsIgnored() throws Exception {
        handshake().frame(Frame.SETTINGS, 0, 0, setting(0xff, 1));
        settingsAcked();
        assertAlive();
    }

    @Test
    @DisplayName("http2/6.5.3/1 Sends multiple values of SETTINGS_INITIAL_WINDOW_SIZE")
    void settingsAppliedInOrder() throws Exception {
        handshake().frame(Frame.SETTINGS, 0, 0, concat(setting(Settings.INITIAL_WINDOW_SIZE, 100),
                setting(Settings.INITIAL_WINDOW_SIZE, 1)));
        settingsAcked();
        c.headers(1, common(), true);
        assertData(1, 1);
    }

    @Test
    @DisplayName("http2/6.5.3/2 Sends a SETTINGS frame without ACK flag")
    void settingsAreAcknowledged() throws Exception {
        handshake().settings(Settings.ENABLE_PUSH, 0);
        settingsAcked();
    }

    @Test
    @DisplayName("http2/6.7/1 Sends a PING frame")
    void pingIsAnswered() throws Exception {
        handshake().frame(Frame.PING, 0, 0, "hgping!!".getBytes());
        H2TestClient.Ev e = c.expect(Frame.PING);
        assertThat(e.ack()).isTrue();
        assertThat(e.ping()).isEqualTo(0x686770696e672121L); // "hgping!!"
    }

    @Test
    @DisplayName("http2/6.7/2 Sends a PING frame with ACK")
    void pingAckIsNotAnswered() throws Exception {
        handshake().frame(Frame.PING, Frame.FLAG_ACK, 0, bytes(1, 1, 1, 1, 1, 1, 1, 1));
        c.ping(2);
        H2TestClient.Ev e = c.expect(Frame.PING);
        assertThat(e.ping()).as("the first PING back answers our second one").isEqualTo(2);
    }

    @Test
    @DisplayName("http2/6.7/3 Sends a PING frame with a stream identifier field value other than 0x0")
    void pingOnAStream() throws Exception {
        handshake().frame(Frame.PING, 0, 1, new byte[8]);
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/6.7/4 Sends a PING frame with a length field value other than 8")
    void pingOfTheWrongLength() throws Exception {
        handshake().frame(Frame.PING, 0, 0, new byte[6]);
        assertConnectionError(ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    @DisplayName("http2/6.8/1 Sends a GOAWAY frame with a stream identifier other than 0x0")
    void goAwayOnAStream() throws Exception {
        handshake().frame(Frame.GOAWAY, 0, 1, concat(H2TestClient.int32(0), H2TestClient.int32(0)));
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/6.9/1 Sends a WINDOW_UPDATE frame with a flow control window increment of 0")
    void windowUpdateOfZeroOnTheConnection() throws Exception {
        handshake().windowUpdate(0, 0);
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/6.9/2 Sends a WINDOW_UPDATE frame with a flow control window increment of 0 on a stream")
    void windowUpdateOfZeroOnAStream() throws Exception {
        handshake().headers(1, common("POST"), false);
        c.windowUpdate(1, 0);
        assertStreamError(1, ErrorCode.PROTOCOL_ERROR); // a stream error in RFC 9113 (section 6.9)
    }

    @Test
    @DisplayName("http2/6.9/3 Sends a WINDOW_UPDATE frame with a length other than 4 octets")
    void windowUpdateOfTheWrongLength() throws Exception {
        handshake().frame(Frame.WINDOW_UPDATE, 0, 0, bytes(0, 0, 0, 1, 0));
        assertConnectionError(ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    @DisplayName("http2/6.9.1/1 Sends SETTINGS frame to set the initial window size to 1 and sends HEADERS frame")
    void dataWithinAWindowOfOne() throws Exception {
        handshake().settings(Settings.INITIAL_WINDOW_SIZE, 1);
        settingsAcked();
        c.headers(1, common(), true);
        assertData(1, 1);
    }

    @Test
    @DisplayName("http2/6.9.1/2 Sends multiple WINDOW_UPDATE frames increasing the flow control window to above 2^31-1")
    void connectionWindowOverflow() throws Exception {
        handshake().windowUpdate(0, Integer.MAX_VALUE);
        c.windowUpdate(0, Integer.MAX_VALUE);
        assertConnectionError(ErrorCode.FLOW_CONTROL_ERROR);
    }

    @Test
    @DisplayName("http2/6.9.1/3 Sends multiple WINDOW_UPDATE frames increasing the flow control window to above 2^31-1 on a stream")
    void streamWindowOverflow() throws Exception {
        handshake().headers(1, common("POST"), false);
        c.windowUpdate(1, Integer.MAX_VALUE);
        c.windowUpdate(1, Integer.MAX_VALUE);
        assertStreamError(1, ErrorCode.FLOW_CONTROL_ERROR);
    }

    @Test
    @DisplayName("http2/6.9.2/1 Changes SETTINGS_INITIAL_WINDOW_SIZE after sending HEADERS frame")
    void initialWindowChangeMovesOpenStreams() throws Exception {
        handshake().settings(Settings.INITIAL_WINDOW_SIZE, 0);
        settingsAcked();
        c.headers(1, common(), true);
        c.expect(Frame.HEADERS);
        c.settings(Settings.INITIAL_WINDOW_SIZE, 1);
        assertData(1, 1);
    }

    @Test
    @DisplayName("http2/6.9.2/2 Sends a SETTINGS frame for window size to be negative")
    void negativeWindow() throws Exception {
        handshake().settings(Settings.INITIAL_WINDOW_SIZE, 3);
        settingsAcked();
        c.headers(1, common(), true);
        assertData(1, 3);
        c.settings(Settings.INITIAL_WINDOW_SIZE, 2); // the stream's window goes to -1
        settingsAcked();
        c.windowUpdate(1, 2);                          // and back to 1
        assertData(1, 1);
    }

    @Test
    @DisplayName("http2/6.9.2/3 Sends a SETTINGS_INITIAL_WINDOW_SIZE settings with an exceeded maximum window size value")
    void initialWindowOverTheMaximum() throws Exception {
        handshake().frame(Frame.SETTINGS, 0, 0, setting(Settings.INITIAL_WINDOW_SIZE, 0x8000_0000L));
        assertConnectionError(ErrorCode.FLOW_CONTROL_ERROR);
    }

    // ---- 6.10 CONTINUATION ----

    byte[][] thirds() {
        byte[] b = block(common().add("x-dummy1", "a".repeat(60)).add("x-dummy2", "b".repeat(60)));
        int t = b.length / 3;
        return new byte[][] {Arrays.copyOf(b, t), Arrays.copyOfRange(b, t, 2 * t), Arrays.copyOfRange(b, 2 * t, b.length)};
    }

    @Test
    @DisplayName("http2/6.10/1 Sends multiple CONTINUATION frames preceded by a HEADERS frame")
    void continuationsAfterHeaders() throws Exception {
        handshake();
        byte[][] p = thirds();
        c.frame(Frame.HEADERS, ES, 1, p[0]);
        c.frame(Frame.CONTINUATION, 0, 1, p[1]);
        c.frame(Frame.CONTINUATION, EH, 1, p[2]);
        assertResponse(1);
    }

    @Test
    @DisplayName("http2/6.10/2 Sends a CONTINUATION frame followed by any frame other than CONTINUATION")
    void continuationThenData() throws Exception {
        handshake();
        byte[][] p = thirds();
        c.frame(Frame.HEADERS, 0, 1, p[0]);
        c.frame(Frame.CONTINUATION, 0, 1, p[1]);
        c.data(1, "test".getBytes(), true);
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/6.10/3 Sends a CONTINUATION frame with 0x0 stream identifier")
    void continuationOnStreamZero() throws Exception {
        handshake();
        byte[][] p = thirds();
        c.frame(Frame.HEADERS, ES, 1, p[0]);
        c.frame(Frame.CONTINUATION, EH, 0, p[1]);
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/6.10/4 Sends a CONTINUATION frame preceded by a HEADERS frame with END_HEADERS flag")
    void continuationAfterEndHeaders() throws Exception {
        handshake().headers(1, common("POST"), false);
        c.frame(Frame.CONTINUATION, EH, 1, block(new FieldList().add("x-dummy", "1")));
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/6.10/5 Sends a CONTINUATION frame preceded by a CONTINUATION frame with END_HEADERS flag")
    void continuationAfterAContinuationWithEndHeaders() throws Exception {
        handshake();
        byte[][] p = thirds();
        c.frame(Frame.HEADERS, 0, 1, p[0]);
        c.frame(Frame.CONTINUATION, EH, 1, concat(p[1], p[2]));
        c.frame(Frame.CONTINUATION, EH, 1, block(new FieldList().add("x-dummy", "1")));
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/6.10/6 Sends a CONTINUATION frame preceded by a DATA frame")
    void continuationAfterData() throws Exception {
        handshake().headers(1, common("POST"), false);
        c.data(1, "test".getBytes(), false);
        c.frame(Frame.CONTINUATION, EH, 1, block(new FieldList().add("x-dummy", "1")));
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }
}
