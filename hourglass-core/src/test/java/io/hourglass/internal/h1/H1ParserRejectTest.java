package io.hourglass.internal.h1;

import static io.hourglass.internal.h1.Wire.buffer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed or ambiguous requests: each must fail with an {@link H1Exception} carrying the status the server
 * answers, whether the bytes arrive at once or one at a time.
 */
class H1ParserRejectTest {
    private static final String GET = "GET / HTTP/1.1\r\nHost: h\r\n";
    private static final String POST = "POST / HTTP/1.1\r\nHost: h\r\n";

    static Stream<Arguments> rejected() {
        return Stream.of(
            // framing (RFC 9112 section 6)
            arguments("Content-Length with Transfer-Encoding", 400,
                    POST + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"),
            arguments("Transfer-Encoding before Content-Length", 400,
                    POST + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"),
            arguments("Content-Length with a plus sign", 400, POST + "Content-Length: +3\r\n\r\n"),
            arguments("Content-Length list of differing values", 400, POST + "Content-Length: 3,4\r\n\r\n"),
            arguments("negative Content-Length", 400, POST + "Content-Length: -1\r\n\r\n"),
            arguments("Content-Length with trailing junk", 400, POST + "Content-Length:  3 x\r\n\r\n"),
            arguments("non-numeric Content-Length", 400, POST + "Content-Length: abc\r\n\r\n"),
            arguments("hex Content-Length", 400, POST + "Content-Length: 0x10\r\n\r\n"),
            arguments("decimal-point Content-Length", 400, POST + "Content-Length: 3.0\r\n\r\n"),
            arguments("empty Content-Length", 400, POST + "Content-Length: \r\n\r\n"),
            arguments("Content-Length list with an empty element", 400, POST + "Content-Length: 3,\r\n\r\n"),
            arguments("19-digit Content-Length", 400, POST + "Content-Length: 1000000000000000000\r\n\r\n"),
            arguments("Content-Length overflowing a long", 400,
                    POST + "Content-Length: 99999999999999999999999\r\n\r\n"),
            arguments("two different Content-Length fields", 400,
                    POST + "Content-Length: 3\r\nContent-Length: 4\r\n\r\n"),
            // the same in spellings the parser does not know by heart (it notes known ones while parsing)
            arguments("Content-Length and Transfer-Encoding spelled CONTENT-LENGTH and transfer-encoding", 400,
                    POST + "CONTENT-LENGTH: 3\r\ntransfer-encoding: chunked\r\n\r\n"),
            arguments("Transfer-Encoding spelled TRANSFER-ENCODING after Content-Length", 400,
                    POST + "Content-Length: 3\r\nTRANSFER-ENCODING: chunked\r\n\r\n"),
            arguments("a second Host spelled HOST", 400, "GET / HTTP/1.1\r\nHost: a\r\nHOST: b\r\n\r\n"),
            arguments("a second Host after one spelled host", 400, "GET / HTTP/1.1\r\nhost: a\r\nHost: a\r\n\r\n"),
            arguments("an invalid Host spelled HOST", 400, "GET / HTTP/1.1\r\nHOST: a b\r\n\r\n"),
            arguments("Transfer-Encoding: gzip", 400, POST + "Transfer-Encoding: gzip\r\n\r\n"),
            // chunked final, an unimplemented coding before it: 501 (RFC 9112 section 6.1 SHOULD), never a body
            arguments("Transfer-Encoding: gzip, chunked", 501, POST + "Transfer-Encoding: gzip, chunked\r\n\r\n"),
            arguments("Transfer-Encoding: gzip then a chunked field", 501,
                    POST + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"),
            arguments("Transfer-Encoding: identity, chunked", 501, POST + "Transfer-Encoding: identity, chunked\r\n\r\n"),
            arguments("Transfer-Encoding: x;p=\"q\", chunked", 501, POST + "Transfer-Encoding: x;p=\"q\", chunked\r\n\r\n"),
            arguments("Transfer-Encoding: a coding that is not a token, then chunked", 400,
                    POST + "Transfer-Encoding: g(zip), chunked\r\n\r\n"),
            arguments("Transfer-Encoding: chunked, gzip, chunked", 400,
                    POST + "Transfer-Encoding: chunked, gzip, chunked\r\n\r\n"),
            arguments("Transfer-Encoding: chunked, gzip", 400, POST + "Transfer-Encoding: chunked, gzip\r\n\r\n"),
            arguments("Transfer-Encoding: chunked, chunked", 400,
                    POST + "Transfer-Encoding: chunked, chunked\r\n\r\n"),
            arguments("two Transfer-Encoding: chunked fields", 400,
                    POST + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"),
            arguments("Transfer-Encoding: identity", 400, POST + "Transfer-Encoding: identity\r\n\r\n"),
            arguments("empty Transfer-Encoding", 400, POST + "Transfer-Encoding: \r\n\r\n"),
            arguments("Transfer-Encoding with a parameter", 400, POST + "Transfer-Encoding: chunked;q=1\r\n\r\n"),
            arguments("Transfer-Encoding in HTTP/1.0", 400,
                    "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"),
            // field syntax (RFC 9112 section 5)
            arguments("obs-fold with a space", 400, GET + "X-A: a\r\n b\r\n\r\n"),
            arguments("obs-fold with a tab", 400, GET + "X-A: a\r\n\tb\r\n\r\n"),
            arguments("first field line folded", 400, "GET / HTTP/1.1\r\n Host: h\r\n\r\n"),
            arguments("space between field name and colon", 400, "GET / HTTP/1.1\r\nHost : h\r\n\r\n"),
            arguments("tab between field name and colon", 400, "GET / HTTP/1.1\r\nHost\t: h\r\n\r\n"),
            arguments("field line without a colon", 400, GET + "NoColon\r\n\r\n"),
            arguments("empty field name", 400, GET + ": v\r\n\r\n"),
            arguments("field name with a non-token character", 400, GET + "X(y): v\r\n\r\n"),
            arguments("field name with a non-ASCII character", 400, GET + "X-caf\u00e9: v\r\n\r\n"),
            arguments("CR alone inside a value", 400, GET + "X-A: a\rb\r\n\r\n"),
            arguments("CR alone ending a value", 400, GET + "X-A: a\r\r\n\r\n"),
            arguments("final empty line ended by CR CR LF", 400, GET + "\r\r\n"),
            arguments("final empty line a bare CR", 400, GET + "\rX"),
            arguments("LF inside a value", 400, GET + "X-A: a\nb\r\n\r\n"),
            arguments("NUL inside a value", 400, GET + "X-A: a\0b\r\n\r\n"),
            arguments("control character inside a value", 400, GET + "X-A: a\u0001b\r\n\r\n"),
            arguments("DEL inside a value", 400, GET + "X-A: a\u007fb\r\n\r\n"),
            arguments("bare LF line endings", 400, "GET / HTTP/1.1\nHost: h\n\n"),
            arguments("bare LF ending the request line", 400, "GET / HTTP/1.1\nHost: h\r\n\r\n"),
            arguments("bare LF ending a field line", 400, GET + "X-A: a\n\r\n"),
            arguments("bare LF as the final empty line", 400, GET + "\n"),
            arguments("bare LF before the request line", 400, "\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"),
            // Host (RFC 9112 section 3.2)
            arguments("HTTP/1.1 without Host", 400, "GET / HTTP/1.1\r\n\r\n"),
            arguments("two Host fields", 400, GET + "Host: other\r\n\r\n"),
            arguments("two Host fields in HTTP/1.0", 400, "GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n"),
            arguments("Host with a space and a slash", 400, "GET / HTTP/1.1\r\nHost: a b/c\r\n\r\n"),
            arguments("Host of at signs", 400, "GET / HTTP/1.1\r\nHost: @@@\r\n\r\n"),
            arguments("Host with userinfo", 400, "GET / HTTP/1.1\r\nHost: user@h\r\n\r\n"),
            arguments("Host with a path", 400, "GET / HTTP/1.1\r\nHost: h/x\r\n\r\n"),
            arguments("Host with a query", 400, "GET / HTTP/1.1\r\nHost: h?x\r\n\r\n"),
            arguments("Host with a non-digit port", 400, "GET / HTTP/1.1\r\nHost: h:8a\r\n\r\n"),
            arguments("Host with two ports", 400, "GET / HTTP/1.1\r\nHost: h:1:2\r\n\r\n"),
            arguments("Host with a bad percent-encoding", 400, "GET / HTTP/1.1\r\nHost: h%zz\r\n\r\n"),
            arguments("Host with a non-ASCII byte", 400, "GET / HTTP/1.1\r\nHost: caf\u00e9\r\n\r\n"),
            arguments("Host IPv6 not closed", 400, "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n"),
            arguments("Host IPv6 with a non-hex group", 400, "GET / HTTP/1.1\r\nHost: [::g]\r\n\r\n"),
            arguments("Host IPv6 with nine groups", 400, "GET / HTTP/1.1\r\nHost: [1:2:3:4:5:6:7:8:9]\r\n\r\n"),
            arguments("Host IPv6 with two double colons", 400, "GET / HTTP/1.1\r\nHost: [1::2::3]\r\n\r\n"),
            arguments("Host IPv6 with junk after the bracket", 400, "GET / HTTP/1.1\r\nHost: [::1]x\r\n\r\n"),
            arguments("Host IPv6 with a zone", 400, "GET / HTTP/1.1\r\nHost: [fe80::1%25eth0]\r\n\r\n"),
            arguments("Host IPv6 ending in a single colon", 400, "GET / HTTP/1.1\r\nHost: [1:2:3:4:5:6:7:]\r\n\r\n"),
            arguments("Host IPv4 in IPv6 out of range", 400, "GET / HTTP/1.1\r\nHost: [::ffff:1.2.3.256]\r\n\r\n"),
            arguments("Host bare IPv6", 400, "GET / HTTP/1.1\r\nHost: ::1\r\n\r\n"),
            arguments("bad Host in HTTP/1.0", 400, "GET / HTTP/1.0\r\nHost: a b\r\n\r\n"),
            // request-target (RFC 9112 section 3.2)
            arguments("target without a leading slash", 400, "GET hello HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("target that is only a query", 400, "GET ?a=b HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("target with a fragment", 400, "GET /hello#frag HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("target with an empty fragment", 400, "GET /hello# HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("fragment in the query", 400, "GET /a?b#c HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("asterisk target for GET", 400, "GET * HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("absolute target with another scheme", 400, "GET ftp://h/x HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("absolute target without an authority", 400, "GET http:/x HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("absolute target with userinfo", 400, "GET http://u:p@h/x HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("absolute target with a bad host", 400, "GET http://a%/x HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("absolute target with a fragment", 400, "GET http://h/x#y HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("CONNECT to a path", 400, "CONNECT /x HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("CONNECT without a port", 400, "CONNECT h HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("CONNECT with an empty port", 400, "CONNECT h: HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("authority target for GET", 400, "GET h:80 HTTP/1.1\r\nHost: h\r\n\r\n"),
            // request line (RFC 9112 section 3)
            arguments("request line with 2 parts", 400, "GET /\r\nHost: h\r\n\r\n"),
            arguments("request line with 2 parts and no target", 400, "GET HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("request line with 4 parts", 400, "GET / HTTP/1.1 x\r\nHost: h\r\n\r\n"),
            arguments("request line with a double space", 400, "GET  / HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("request line with a double space before the version", 400,
                    "GET /  HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("request line with a leading space", 400, " GET / HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("request line with a trailing space", 400, "GET / HTTP/1.1 \r\nHost: h\r\n\r\n"),
            arguments("request line separated by tabs", 400, "GET\t/\tHTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("empty request line after a lone CR", 400, "\rGET / HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("method with a non-token character", 400, "G@T / HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("control character in target", 400, "GET /a\u0001b HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("DEL in target", 400, "GET /a\u007fb HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("NUL in target", 400, "GET /a\0b HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("non-ASCII byte in target", 400, "GET /caf\u00e9 HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("HTTP/2.0", 505, "GET / HTTP/2.0\r\nHost: h\r\n\r\n"),
            arguments("HTTP/3.0", 505, "GET / HTTP/3.0\r\nHost: h\r\n\r\n"),
            arguments("HTTP/0.9", 505, "GET / HTTP/0.9\r\nHost: h\r\n\r\n"),
            arguments("HTTX/1.1", 400, "GET / HTTX/1.1\r\nHost: h\r\n\r\n"),
            arguments("lower-case http/1.1", 400, "GET / http/1.1\r\nHost: h\r\n\r\n"),
            arguments("HTTP/1.10", 400, "GET / HTTP/1.10\r\nHost: h\r\n\r\n"),
            arguments("HTTP/1", 400, "GET / HTTP/1\r\nHost: h\r\n\r\n"),
            // limits
            arguments("request line longer than the head limit", 414,
                    "GET /" + "a".repeat(Wire.MAX_HEAD) + " HTTP/1.1\r\nHost: h\r\n\r\n"),
            arguments("request line that never ends within the head limit", 414,
                    "GET /" + "a".repeat(Wire.MAX_HEAD + 100)),
            arguments("head larger than the limit", 431, GET + "X-Big: " + "a".repeat(Wire.MAX_HEAD) + "\r\n\r\n"),
            arguments("head one byte over the limit", 431,
                    GET + "X-Big: " + "a".repeat(Wire.MAX_HEAD - GET.length() - 11 + 1) + "\r\n\r\n"),
            arguments("more fields than the count limit", 431, GET + manyFields(Wire.MAX_HEADERS) + "\r\n"));
    }

    private static String manyFields(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("X-").append(i).append(": v\r\n");
        }
        return sb.toString();
    }

    /**
     * A request line that can never become a valid request (no version: an HTTP/0.9-style line) is rejected as
     * soon as its CRLF is there, without waiting for a header that will not come (issue 9: it used to wait for
     * the read-header timeout and answer 408). The source fails the test if the parser reads past the line.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"GET /hello", "GET", "GET /a b c", "GET  /a HTTP/1.1",
        "GET /a HTTP/1.1 ", "GET /a HTTX/1.1", "GET /a HTTP/2.0"})
    void rejectsABadRequestLineBeforeTheHeaderArrives(String line) {
        byte[] wire = Wire.bytes(line + "\r\n");
        int[] pos = {0};
        InBuffer in = buffer((b, off, len) -> {
            if (pos[0] == wire.length) {
                throw new AssertionError("read past the request line: the parser waited for a header");
            }
            int n = Math.min(len, wire.length - pos[0]);
            System.arraycopy(wire, pos[0], b, off, n);
            pos[0] += n;
            return n;
        });

        H1Exception e = catchThrowableOfType(H1Exception.class, () -> Wire.parser().awaitRequestHead(in, null));

        assertThat(e).as(line).isNotNull();
        assertThat(e.status()).isEqualTo(line.endsWith("HTTP/2.0") ? 505 : 400);
    }

    /**
     * A CR not followed by LF can never end a line (RFC 9112 section 2.2), so it is rejected as soon as the byte
     * after it is there: a head whose final empty line is {@code CR CR LF} used to wait for a blank line that
     * would never come, and got 408 after the read-header timeout (the differential against Go). The source
     * fails the test if the parser reads past the bytes given.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {GET + "\r\r\n", GET + "\rX", "GET / HTTP/1.1\rHost: h",
        "\rGET / HTTP/1.1", GET + "X-A: a\r\r\n"})
    void rejectsACrWithoutLfAsSoonAsTheNextByteIsThere(String wire) {
        for (int fragment : new int[] {Integer.MAX_VALUE, 1}) {
            byte[] bytes = Wire.bytes(wire);
            int[] pos = {0};
            InBuffer in = buffer((b, off, len) -> {
                if (pos[0] == bytes.length) {
                    throw new AssertionError("read past the bare CR: the parser waited for more");
                }
                int n = Math.min(Math.min(len, fragment), bytes.length - pos[0]);
                System.arraycopy(bytes, pos[0], b, off, n);
                pos[0] += n;
                return n;
            });

            H1Exception e = catchThrowableOfType(H1Exception.class, () -> Wire.parser().awaitRequestHead(in, null));

            assertThat(e).as("%s in fragments of %d", wire, fragment).isNotNull();
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains("CR not followed by LF");
        }
    }

    @org.junit.jupiter.api.Test
    void limitErrorsSayWhichLimit() {
        H1Exception big = catchThrowableOfType(H1Exception.class, () -> Wire.request(
                buffer(GET + "X-Big: " + "a".repeat(Wire.MAX_HEAD) + "\r\n\r\n")));
        H1Exception many = catchThrowableOfType(H1Exception.class, () -> Wire.request(
                buffer(GET + manyFields(Wire.MAX_HEADERS) + "\r\n")));
        H1Exception longTarget = catchThrowableOfType(H1Exception.class, () -> Wire.request(
                buffer("GET /" + "a".repeat(Wire.MAX_HEAD) + " HTTP/1.1\r\nHost: h\r\n\r\n")));
        H1Exception framing = catchThrowableOfType(H1Exception.class, () -> Wire.request(
                buffer(POST + "Content-Length: x\r\n\r\n")));

        assertThat(big.limit()).isEqualTo(H1Exception.Limit.HEAD_BYTES);
        assertThat(longTarget.status()).isEqualTo(414);
        assertThat(longTarget.limit()).isEqualTo(H1Exception.Limit.TARGET_BYTES);
        assertThat(many.limit()).isEqualTo(H1Exception.Limit.FIELD_COUNT);
        assertThat(framing.limit()).isNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("rejected")
    void rejectsRequest(String what, int status, String wire) {
        for (int fragment : new int[] {Integer.MAX_VALUE, 1}) {
            H1Exception e = catchThrowableOfType(H1Exception.class, () -> Wire.request(buffer(wire, fragment)));

            assertThat(e).as("%s in fragments of %d", what, fragment).isNotNull();
            assertThat(e.status()).as("%s in fragments of %d: %s", what, fragment, e.getMessage()).isEqualTo(status);
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("rejected")
    void rejectsRequestEvenWhenPipelinedBehindAValidOne(String what, int status, String wire) throws Exception {
        InBuffer in = buffer("GET /ok HTTP/1.1\r\nHost: h\r\n\r\n" + wire, 1);
        H1Parser p = Wire.parser();
        assertThat(Wire.request(p, in).target).isEqualTo("/ok");

        H1Exception e = catchThrowableOfType(H1Exception.class, () -> Wire.request(p, in));

        assertThat(e).as(what).isNotNull();
        assertThat(e.status()).as(what).isEqualTo(status);
    }
}
