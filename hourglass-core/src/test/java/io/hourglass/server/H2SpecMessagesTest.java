package io.hourglass.server;

import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.FieldList;
import io.hourglass.internal.h2.Frame;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Conformance, h2spec's "http2" group, RFC 9113 sections 7 and 8: error codes a receiver does not know, and
 * HTTP message exchanges: malformed requests (section 8.1.1) are stream errors PROTOCOL_ERROR; server push is
 * refused. One test per h2spec case.
 */
class H2SpecMessagesTest extends H2SpecSupport {

    /** Sends a request with exactly {@code f} as its fields and expects a stream error PROTOCOL_ERROR. */
    void malformed(FieldList f) throws Exception {
        handshake().headers(1, f, true);
        assertStreamError(1, ErrorCode.PROTOCOL_ERROR);
    }

    FieldList fields(String... nameValue) {
        FieldList f = new FieldList();
        for (int i = 0; i < nameValue.length; i += 2) {
            f.add(nameValue[i], nameValue[i + 1]);
        }
        return f;
    }

    String authority() {
        return "127.0.0.1:" + server.port();
    }

    @Test
    @DisplayName("http2/7/1 Sends a GOAWAY frame with unknown error code")
    void goAwayWithAnUnknownCode() throws Exception {
        handshake().frame(Frame.GOAWAY, 0, 0, concat(H2TestClient.int32(0), H2TestClient.int32(0xff)));
        // Nothing special: the server winds down as after any GOAWAY of a client, with NO_ERROR.
        H2TestClient.Ev e = c.goAway();
        if (e.type() == Frame.GOAWAY) {
            org.assertj.core.api.Assertions.assertThat(e.code()).isEqualTo(ErrorCode.NO_ERROR.code);
        }
    }

    @Test
    @DisplayName("http2/7/2 Sends a RST_STREAM frame with unknown error code")
    void rstWithAnUnknownCode() throws Exception {
        handshake().headers(1, common("POST"), false);
        c.frame(Frame.RST_STREAM, 0, 1, H2TestClient.int32(0xff));
        assertAlive();
    }

    @Test
    @DisplayName("http2/8.1/1 Sends a second HEADERS frame without the END_STREAM flag")
    void secondHeadersWithoutEndStream() throws Exception {
        handshake().headers(1, common("POST"), false);
        c.headers(1, fields("x-test", "ok"), false);
        assertStreamError(1, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/8.1.2/1 Sends a HEADERS frame that contains the header field name in uppercase letters")
    void uppercaseFieldName() throws Exception {
        malformed(common().add("X-TEST", "ok"));
    }

    @Test
    @DisplayName("http2/8.1.2.1/1 Sends a HEADERS frame that contains a unknown pseudo-header field")
    void unknownPseudoHeader() throws Exception {
        malformed(fields(":method", "GET", ":scheme", "http", ":path", "/", ":authority", authority(), ":test", "ok"));
    }

    @Test
    @DisplayName("http2/8.1.2.1/2 Sends a HEADERS frame that contains the pseudo-header field defined for response")
    void responsePseudoHeaderInARequest() throws Exception {
        malformed(fields(":method", "GET", ":scheme", "http", ":path", "/", ":authority", authority(), ":status", "200"));
    }

    @Test
    @DisplayName("http2/8.1.2.1/3 Sends a HEADERS frame that contains a pseudo-header field as trailers")
    void pseudoHeaderInTrailers() throws Exception {
        handshake().headers(1, common("POST"), false);
        c.data(1, "test".getBytes(), false);
        c.headers(1, fields(":method", "POST"), true);
        assertStreamError(1, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/8.1.2.1/4 Sends a HEADERS frame that contains a pseudo-header field that appears in a header block after a regular header field")
    void pseudoHeaderAfterARegularField() throws Exception {
        malformed(fields(":method", "GET", ":scheme", "http", ":path", "/", "x-test", "ok", ":authority", authority()));
    }

    @Test
    @DisplayName("http2/8.1.2.2/1 Sends a HEADERS frame that contains the connection-specific header field")
    void connectionSpecificField() throws Exception {
        malformed(common().add("connection", "keep-alive"));
    }

    @Test
    @DisplayName("http2/8.1.2.2/2 Sends a HEADERS frame that contains the TE header field with any value other than \"trailers\"")
    void teOtherThanTrailers() throws Exception {
        malformed(common().add("te", "trailers, deflate"));
    }

    @Test
    @DisplayName("http2/8.1.2.3/1 Sends a HEADERS frame with empty \":path\" pseudo-header field")
    void emptyPath() throws Exception {
        malformed(fields(":method", "GET", ":scheme", "http", ":path", "", ":authority", authority()));
    }

    @Test
    @DisplayName("http2/8.1.2.3/2 Sends a HEADERS frame that omits \":method\" pseudo-header field")
    void noMethod() throws Exception {
        malformed(fields(":scheme", "http", ":path", "/", ":authority", authority()));
    }

    @Test
    @DisplayName("http2/8.1.2.3/3 Sends a HEADERS frame that omits \":scheme\" pseudo-header field")
    void noScheme() throws Exception {
        malformed(fields(":method", "GET", ":path", "/", ":authority", authority()));
    }

    @Test
    @DisplayName("http2/8.1.2.3/4 Sends a HEADERS frame that omits \":path\" pseudo-header field")
    void noPath() throws Exception {
        malformed(fields(":method", "GET", ":scheme", "http", ":authority", authority()));
    }

    @Test
    @DisplayName("http2/8.1.2.3/5 Sends a HEADERS frame with duplicated \":method\" pseudo-header field")
    void duplicateMethod() throws Exception {
        malformed(fields(":method", "GET", ":method", "GET", ":scheme", "http", ":path", "/", ":authority", authority()));
    }

    @Test
    @DisplayName("http2/8.1.2.3/6 Sends a HEADERS frame with duplicated \":scheme\" pseudo-header field")
    void duplicateScheme() throws Exception {
        malformed(fields(":method", "GET", ":scheme", "http", ":scheme", "http", ":path", "/", ":authority", authority()));
    }

    @Test
    @DisplayName("http2/8.1.2.3/7 Sends a HEADERS frame with duplicated \":path\" pseudo-header field")
    void duplicatePath() throws Exception {
        malformed(fields(":method", "GET", ":scheme", "http", ":path", "/", ":path", "/", ":authority", authority()));
    }

    @Test
    @DisplayName("http2/8.1.2.6/1 Sends a HEADERS frame with the \"content-length\" header field which does not equal the DATA frame payload length")
    void contentLengthAgainstOneDataFrame() throws Exception {
        handshake().headers(1, common("POST").add("content-length", "1"), false);
        c.data(1, "test".getBytes(), true);
        assertStreamError(1, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/8.1.2.6/2 Sends a HEADERS frame with the \"content-length\" header field which does not equal the sum of the multiple DATA frames payload length")
    void contentLengthAgainstSeveralDataFrames() throws Exception {
        handshake().headers(1, common("POST").add("content-length", "1"), false);
        c.data(1, "test".getBytes(), false);
        c.data(1, "test".getBytes(), true);
        assertStreamError(1, ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    @DisplayName("http2/8.2/1 Sends a PUSH_PROMISE frame")
    void pushPromiseFromAClient() throws Exception {
        handshake().headers(1, common("POST"), false);
        c.frame(Frame.PUSH_PROMISE, Frame.FLAG_END_HEADERS, 1, concat(H2TestClient.int32(2), block(common())));
        assertConnectionError(ErrorCode.PROTOCOL_ERROR);
    }
}
