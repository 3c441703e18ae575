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
            arguments("Transfer-Encoding: gzip", 400, POST + "Transfer-Encoding: gzip\r\n\r\n"),
            arguments("Transfer-Encoding: gzip, chunked", 400, POST + "Transfer-Encoding: gzip, chunked\r\n\r\n"),
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
            arguments("HTTP/1.2", 505, "GET / HTTP/1.2\r\nHost: h\r\n\r\n"),
            arguments("HTTP/0.9", 505, "GET / HTTP/0.9\r\nHost: h\r\n\r\n"),
            arguments("HTTX/1.1", 400, "GET / HTTX/1.1\r\nHost: h\r\n\r\n"),
            arguments("lower-case http/1.1", 400, "GET / http/1.1\r\nHost: h\r\n\r\n"),
            arguments("HTTP/1.10", 400, "GET / HTTP/1.10\r\nHost: h\r\n\r\n"),
            arguments("HTTP/1", 400, "GET / HTTP/1\r\nHost: h\r\n\r\n"),
            // limits
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
