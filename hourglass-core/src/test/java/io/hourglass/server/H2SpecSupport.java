package io.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.FieldList;
import io.hourglass.internal.h2.Frame;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared part of the conformance suite ({@code H2Spec*Test}): one server per test class, a raw-frame client
 * per test, and the verdicts RFC 9113 asks for. The cases are those h2spec has (its generic, hpack and http2
 * groups, one test per case, named by h2spec's section and number in the display name), written from RFC 9113
 * and RFC 7541; the checks are stricter than h2spec's where the server's answer is defined (the exact error
 * code, the stream it is on), since "connection closed" passes any of h2spec's checks.
 *
 * <p>The server answers any GET or HEAD with "hello, world\n" (13 bytes) and a POST with the number of body
 * bytes it read.
 */
abstract class H2SpecSupport {
    static final byte[] HELLO = "hello, world\n".getBytes();
    static Server server;
    H2TestClient c;

    @BeforeAll
    static void startServer() throws IOException {
        server = Server.start(ServerConfig.builder().port(0).shutdownTimeout(Duration.ofSeconds(1)).build(), (req, res) -> {
            if (req.method().equals("POST")) {
                res.send("received " + req.body().readAllBytes().length + "\n");
            } else {
                res.send(HELLO);
            }
        });
    }

    @AfterAll
    static void stopServer() {
        server.shutdown();
    }

    @AfterEach
    void closeClient() throws IOException {
        if (c != null) {
            c.close();
        }
    }

    /** A connection that has not sent its preface yet. */
    H2TestClient connect() throws IOException {
        c = new H2TestClient(server.port());
        return c;
    }

    /** A connection past the preface exchange, our SETTINGS acknowledged and theirs applied. */
    H2TestClient handshake(int... settings) throws Exception {
        connect().handshake(settings);
        H2DefencesTest.awaitAcked(c); // the server has our ACK, and we have seen its ACK of ours
        return c;
    }

    /** The request fields h2spec sends: GET / with :authority. */
    static FieldList common() {
        return common("GET");
    }

    static FieldList common(String method) {
        return new FieldList().add(":method", method).add(":scheme", "http").add(":path", "/")
                .add(":authority", "127.0.0.1:" + server.port());
    }

    /** One header block fragment, encoded with the client's encoder. */
    byte[] block(FieldList f) {
        return c.encode(f);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    // ---- verdicts ----

    /** The connection is still up and answers a PING with the same data. */
    void assertAlive() throws Exception {
        long data = 0x0102030405060708L;
        c.ping(data);
        while (true) {
            H2TestClient.Ev e = c.next();
            assertThat(e.type()).as("the connection should still be up").isNotEqualTo(H2TestClient.CLOSED);
            assertThat(e.type()).as("no GOAWAY expected: %s", e).isNotEqualTo(Frame.GOAWAY);
            if (e.type() == Frame.PING && e.ack() && e.ping() == data) {
                return;
            }
        }
    }

    /** RST_STREAM on {@code stream} with one of {@code codes}, the connection still up. */
    void assertStreamError(int stream, ErrorCode... codes) throws Exception {
        while (true) {
            H2TestClient.Ev e = c.next();
            assertThat(e.type()).as("a stream error, not %s", e).isNotIn(H2TestClient.CLOSED, Frame.GOAWAY);
            if (e.type() == Frame.RST_STREAM) {
                assertThat(e.stream()).as("the stream reset").isEqualTo(stream);
                assertThat(Arrays.stream(codes).mapToInt(x -> x.code).boxed().toList()).as("RST_STREAM code")
                        .contains(e.code());
                assertAlive();
                return;
            }
        }
    }

    /** GOAWAY with one of {@code codes}, then the connection closed. */
    void assertConnectionError(ErrorCode... codes) throws Exception {
        H2TestClient.Ev g = c.goAway();
        assertThat(g.type()).as("a GOAWAY before the close").isEqualTo(Frame.GOAWAY);
        assertThat(Arrays.stream(codes).mapToInt(x -> x.code).boxed().toList()).as("GOAWAY code, debug: %s",
                new String(g.data())).contains(g.code());
        assertThat(c.closedWithin(Duration.ofSeconds(3))).as("closed after the GOAWAY").isTrue();
    }

    /** The response on {@code stream} ends (END_STREAM), with a 2xx status. */
    H2TestClient.Response assertResponse(int stream) throws Exception {
        H2TestClient.Response r = c.response(stream);
        assertThat(r.status()).isBetween(200, 299);
        return r;
    }

    /** The next DATA frame on {@code stream}, its length checked. */
    void assertData(int stream, int length) throws Exception {
        while (true) {
            H2TestClient.Ev e = c.next();
            assertThat(e.type()).as("a DATA frame, not %s", e).isNotIn(H2TestClient.CLOSED, Frame.GOAWAY, Frame.RST_STREAM);
            if (e.type() == Frame.DATA && e.stream() == stream) {
                assertThat(e.data()).hasSize(length);
                return;
            }
        }
    }
}
