package io.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.FieldList;
import io.hourglass.internal.h2.Frame;
import io.hourglass.internal.h2.Settings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Conformance, h2spec's "generic" group: what every HTTP/2 endpoint must accept (RFC 9113 sections 3 to 6,
 * RFC 7541's representations), one test per h2spec case.
 */
class H2SpecGenericTest extends H2SpecSupport {
    byte[] priority(int dependency, boolean exclusive, int weight) {
        byte[] d = H2TestClient.int32(dependency | (exclusive ? 0x8000_0000 : 0));
        return concat(d, bytes(weight - 1));
    }

    @Test
    @DisplayName("generic/1/1 Sends a client connection preface")
    void acceptsTheClientPreface() throws Exception {
        connect().preface().settings();
        H2TestClient.Ev e = c.next();
        assertThat(e.type()).isEqualTo(Frame.SETTINGS);
        assertThat(e.ack()).isFalse();
    }

    @Test
    @DisplayName("generic/2/1 Sends a PRIORITY frame on idle stream")
    void priorityOnIdleStream() throws Exception {
        handshake().frame(Frame.PRIORITY, 0, 1, priority(0, false, 16));
        assertAlive();
    }

    @Test
    @DisplayName("generic/2/2 Sends a WINDOW_UPDATE frame on half-closed (remote) stream")
    void windowUpdateOnHalfClosedRemote() throws Exception {
        handshake(Settings.INITIAL_WINDOW_SIZE, 0).headers(1, common(), true);
        c.windowUpdate(1, 1);
        assertData(1, 1);
    }

    @Test
    @DisplayName("generic/2/3 Sends a PRIORITY frame on half-closed (remote) stream")
    void priorityOnHalfClosedRemote() throws Exception {
        handshake(Settings.INITIAL_WINDOW_SIZE, 0).headers(1, common(), true);
        c.frame(Frame.PRIORITY, 0, 1, priority(0, false, 16));
        c.windowUpdate(1, 1);
        assertData(1, 1);
    }

    @Test
    @DisplayName("generic/2/4 Sends a RST_STREAM frame on half-closed (remote) stream")
    void rstOnHalfClosedRemote() throws Exception {
        handshake(Settings.INITIAL_WINDOW_SIZE, 0).headers(1, common(), true);
        c.rst(1, ErrorCode.CANCEL);
        assertAlive();
    }

    @Test
    @DisplayName("generic/2/5 Sends a PRIORITY frame on closed stream")
    void priorityOnClosedStream() throws Exception {
        handshake().headers(1, common(), true);
        assertResponse(1);
        c.frame(Frame.PRIORITY, 0, 1, priority(0, false, 16));
        assertAlive();
    }

    @Test
    @DisplayName("generic/3.1/1 Sends a DATA frame")
    void dataFrame() throws Exception {
        handshake().headers(1, common("POST"), false);
        c.data(1, "test".getBytes(), true);
        assertThat(assertResponse(1).text()).isEqualTo("received 4\n");
    }

    @Test
    @DisplayName("generic/3.1/2 Sends multiple DATA frames")
    void multipleDataFrames() throws Exception {
        handshake().headers(1, common("POST"), false);
        c.data(1, "test".getBytes(), false);
        c.data(1, "test".getBytes(), true);
        assertThat(assertResponse(1).text()).isEqualTo("received 8\n");
    }

    @Test
    @DisplayName("generic/3.1/3 Sends a DATA frame with padding")
    void dataWithPadding() throws Exception {
        handshake().headers(1, common("POST"), false);
        c.frame(Frame.DATA, Frame.FLAG_END_STREAM | Frame.FLAG_PADDED, 1, concat(bytes(8), "test".getBytes(), new byte[8]));
        assertThat(assertResponse(1).text()).isEqualTo("received 4\n");
    }

    @Test
    @DisplayName("generic/3.2/1 Sends a HEADERS frame")
    void headersFrame() throws Exception {
        handshake().headers(1, common(), true);
        assertResponse(1);
    }

    @Test
    @DisplayName("generic/3.2/2 Sends a HEADERS frame with padding")
    void headersWithPadding() throws Exception {
        handshake();
        byte[] b = block(common());
        c.frame(Frame.HEADERS, Frame.FLAG_END_STREAM | Frame.FLAG_END_HEADERS | Frame.FLAG_PADDED, 1,
                concat(bytes(8), b, new byte[8]));
        assertResponse(1);
    }

    @Test
    @DisplayName("generic/3.2/3 Sends a HEADERS frame with priority")
    void headersWithPriority() throws Exception {
        handshake();
        byte[] b = block(common());
        c.frame(Frame.HEADERS, Frame.FLAG_END_STREAM | Frame.FLAG_END_HEADERS | Frame.FLAG_PRIORITY, 1,
                concat(priority(0, false, 255), b));
        assertResponse(1);
    }

    @Test
    @DisplayName("generic/3.3/1 Sends a PRIORITY frame with priority 1")
    void priorityWeight1() throws Exception {
        handshake().frame(Frame.PRIORITY, 0, 1, priority(0, false, 1));
        assertAlive();
    }

    @Test
    @DisplayName("generic/3.3/2 Sends a PRIORITY frame with priority 256")
    void priorityWeight256() throws Exception {
        handshake().frame(Frame.PRIORITY, 0, 1, priority(0, false, 256));
        assertAlive();
    }

    @Test
    @DisplayName("generic/3.3/3 Sends a PRIORITY frame with stream dependency")
    void priorityWithDependency() throws Exception {
        handshake().frame(Frame.PRIORITY, 0, 3, priority(1, false, 16));
        assertAlive();
    }

    @Test
    @DisplayName("generic/3.3/4 Sends a PRIORITY frame with exclusive")
    void priorityExclusive() throws Exception {
        handshake().frame(Frame.PRIORITY, 0, 3, priority(1, true, 16));
        assertAlive();
    }

    @Test
    @DisplayName("generic/3.3/5 Sends a PRIORITY frame for an idle stream, then send a HEADER frame for a lower stream ID")
    void priorityForIdleThenLowerHeaders() throws Exception {
        handshake().frame(Frame.PRIORITY, 0, 5, priority(0, false, 16));
        c.headers(3, common(), true); // PRIORITY does not open a stream: 3 is still new
        assertResponse(3);
    }

    @Test
    @DisplayName("generic/3.4/1 Sends a RST_STREAM frame")
    void rstStream() throws Exception {
        handshake().headers(1, common("POST"), false);
        c.rst(1, ErrorCode.CANCEL);
        assertAlive();
    }

    @Test
    @DisplayName("generic/3.5/1 Sends a SETTINGS frame")
    void settingsFrame() throws Exception {
        handshake().settings(Settings.ENABLE_PUSH, 0);
        H2TestClient.Ev ack = c.expect(Frame.SETTINGS);
        while (!ack.ack()) {
            ack = c.expect(Frame.SETTINGS);
        }
        assertThat(ack.ack()).isTrue();
    }

    @Test
    @DisplayName("generic/3.7/1 Sends a PING frame")
    void pingFrame() throws Exception {
        handshake();
        assertAlive();
    }

    @Test
    @DisplayName("generic/3.8/1 Sends a GOAWAY frame")
    void goAwayFrame() throws Exception {
        handshake().goAway(0, ErrorCode.NO_ERROR);
        // The client will open nothing more: the server may close, and must not see it as an error.
        H2TestClient.Ev e = c.goAway();
        if (e.type() == Frame.GOAWAY) {
            assertThat(e.code()).isEqualTo(ErrorCode.NO_ERROR.code);
        }
    }

    @Test
    @DisplayName("generic/3.9/1 Sends a WINDOW_UPDATE frame with stream ID 0")
    void windowUpdateOnTheConnection() throws Exception {
        handshake().windowUpdate(0, 1);
        assertAlive();
    }

    @Test
    @DisplayName("generic/3.9/2 Sends a WINDOW_UPDATE frame with stream ID 1")
    void windowUpdateOnAStream() throws Exception {
        handshake().headers(1, common("POST"), false);
        c.windowUpdate(1, 1);
        assertAlive();
    }

    @Test
    @DisplayName("generic/3.10/1 Sends a CONTINUATION frame")
    void continuationFrame() throws Exception {
        handshake();
        byte[] b = block(common());
        c.frame(Frame.HEADERS, Frame.FLAG_END_STREAM, 1, java.util.Arrays.copyOf(b, 2));
        c.frame(Frame.CONTINUATION, Frame.FLAG_END_HEADERS, 1, java.util.Arrays.copyOfRange(b, 2, b.length));
        assertResponse(1);
    }

    @Test
    @DisplayName("generic/3.10/2 Sends multiple CONTINUATION frames")
    void multipleContinuationFrames() throws Exception {
        handshake();
        byte[] b = block(common().add("x-dummy1", "a".repeat(100)).add("x-dummy2", "b".repeat(100)));
        int third = b.length / 3;
        c.frame(Frame.HEADERS, Frame.FLAG_END_STREAM, 1, java.util.Arrays.copyOf(b, third));
        c.frame(Frame.CONTINUATION, 0, 1, java.util.Arrays.copyOfRange(b, third, 2 * third));
        c.frame(Frame.CONTINUATION, Frame.FLAG_END_HEADERS, 1, java.util.Arrays.copyOfRange(b, 2 * third, b.length));
        assertResponse(1);
    }

    @Test
    @DisplayName("generic/4/1 Sends a GET request")
    void getRequest() throws Exception {
        handshake().headers(1, common(), true);
        assertThat(assertResponse(1).body()).isEqualTo(HELLO);
    }

    @Test
    @DisplayName("generic/4/2 Sends a HEAD request")
    void headRequest() throws Exception {
        handshake().headers(1, common("HEAD"), true);
        H2TestClient.Response r = assertResponse(1);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers()).containsEntry("content-length", "13");
    }

    @Test
    @DisplayName("generic/4/3 Sends a POST request")
    void postRequest() throws Exception {
        handshake().headers(1, common("POST").add("content-length", "4"), false);
        c.data(1, "test".getBytes(), true);
        assertThat(assertResponse(1).text()).isEqualTo("received 4\n");
    }

    @Test
    @DisplayName("generic/4/4 Sends a POST request with trailers")
    void postWithTrailers() throws Exception {
        handshake().headers(1, common("POST").add("trailer", "x-test"), false);
        c.data(1, "test".getBytes(), false);
        c.headers(1, new FieldList().add("x-test", "ok"), true);
        assertThat(assertResponse(1).text()).isEqualTo("received 4\n");
    }

    // ---- generic/5: HPACK representations (RFC 7541 section 6), each must be accepted ----

    /** Sends the request's pseudo-header fields as indexed or literal, then {@code rest} as the test's field. */
    void sendWith(byte[] rest) throws Exception {
        handshake();
        FieldList f = common();
        byte[] b = concat(block(f), rest);
        c.frame(Frame.HEADERS, Frame.FLAG_END_STREAM | Frame.FLAG_END_HEADERS, 1, b);
        assertResponse(1);
    }

    static byte[] str(String s) {
        return concat(bytes(s.length()), s.getBytes());
    }

    @Test
    @DisplayName("generic/5/1 Sends a indexed header field representation")
    void indexedField() throws Exception {
        sendWith(bytes(0x80 | 16)); // static 16: accept-encoding: gzip, deflate
    }

    @Test
    @DisplayName("generic/5/2 Sends a literal header field with incremental indexing - indexed name")
    void incrementalIndexedName() throws Exception {
        sendWith(concat(bytes(0x40 | 58), str("hg"))); // static 58: user-agent
    }

    @Test
    @DisplayName("generic/5/3 Sends a literal header field with incremental indexing - indexed name (with Huffman coding)")
    void incrementalIndexedNameHuffman() throws Exception {
        sendWith(concat(bytes(0x40 | 58), HpackBytes.huffman("no-cache")));
    }

    @Test
    @DisplayName("generic/5/4 Sends a literal header field with incremental indexing - new name")
    void incrementalNewName() throws Exception {
        sendWith(concat(bytes(0x40), str("x-test"), str("ok")));
    }

    @Test
    @DisplayName("generic/5/5 Sends a literal header field with incremental indexing - new name (with Huffman coding)")
    void incrementalNewNameHuffman() throws Exception {
        sendWith(concat(bytes(0x40), HpackBytes.huffman("custom-key"), HpackBytes.huffman("custom-value")));
    }

    @Test
    @DisplayName("generic/5/6 Sends a literal header field without indexing - indexed name")
    void withoutIndexingIndexedName() throws Exception {
        sendWith(concat(bytes(0x0f, 58 - 15), str("hg"))); // index 58 (user-agent) needs the 4-bit prefix's extension
    }

    @Test
    @DisplayName("generic/5/7 Sends a literal header field without indexing - indexed name (huffman encoded)")
    void withoutIndexingIndexedNameHuffman() throws Exception {
        sendWith(concat(bytes(0x0f, 58 - 15), HpackBytes.huffman("no-cache")));
    }

    @Test
    @DisplayName("generic/5/8 Sends a literal header field without indexing - new name")
    void withoutIndexingNewName() throws Exception {
        sendWith(concat(bytes(0x00), str("x-test"), str("ok")));
    }

    @Test
    @DisplayName("generic/5/9 Sends a literal header field without indexing - new name (huffman encoded)")
    void withoutIndexingNewNameHuffman() throws Exception {
        sendWith(concat(bytes(0x00), HpackBytes.huffman("custom-key"), HpackBytes.huffman("custom-value")));
    }

    @Test
    @DisplayName("generic/5/10 Sends a literal header field never indexed - indexed name")
    void neverIndexedIndexedName() throws Exception {
        sendWith(concat(bytes(0x1f, 58 - 15), str("hg")));
    }

    @Test
    @DisplayName("generic/5/11 Sends a literal header field never indexed - indexed name (huffman encoded)")
    void neverIndexedIndexedNameHuffman() throws Exception {
        sendWith(concat(bytes(0x1f, 58 - 15), HpackBytes.huffman("no-cache")));
    }

    @Test
    @DisplayName("generic/5/12 Sends a literal header field never indexed - new name")
    void neverIndexedNewName() throws Exception {
        sendWith(concat(bytes(0x10), str("x-test"), str("ok")));
    }

    @Test
    @DisplayName("generic/5/13 Sends a literal header field never indexed - new name (huffman encoded)")
    void neverIndexedNewNameHuffman() throws Exception {
        sendWith(concat(bytes(0x10), HpackBytes.huffman("custom-key"), HpackBytes.huffman("custom-value")));
    }

    @Test
    @DisplayName("generic/5/14 Sends a dynamic table size update")
    void dynamicTableSizeUpdate() throws Exception {
        handshake();
        c.frame(Frame.HEADERS, Frame.FLAG_END_STREAM | Frame.FLAG_END_HEADERS, 1,
                concat(bytes(0x3f, 0xe1, 0x1f), block(common()))); // size 4096, at the start of the block
        assertResponse(1);
    }

    @Test
    @DisplayName("generic/5/15 Sends multiple dynamic table size update")
    void multipleDynamicTableSizeUpdates() throws Exception {
        handshake();
        c.frame(Frame.HEADERS, Frame.FLAG_END_STREAM | Frame.FLAG_END_HEADERS, 1,
                concat(bytes(0x20), bytes(0x3f, 0xe1, 0x1f), block(common()))); // 0, then 4096
        assertResponse(1);
    }
}
