package io.hourglass.internal.h1;

import static io.hourglass.internal.h1.Wire.buffer;
import static io.hourglass.internal.h1.Wire.readAll;
import static io.hourglass.internal.h1.Wire.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Response heads for the client side: status line, framing (RFC 9112 section 6.3), 502 on nonsense. */
class H1ParserResponseTest {

    @ParameterizedTest(name = "fragments of {0}")
    @ValueSource(ints = {1, 2, 4096})
    void parsesStatusLineAndHeaders(int fragment) throws IOException {
        InBuffer in = buffer("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello", fragment);
        ResponseHead h = response(in, "GET");

        assertThat(h.version).isEqualTo(11);
        assertThat(h.status).isEqualTo(200);
        assertThat(h.reason).isEqualTo("OK");
        assertThat(h.headers.first("content-type")).isEqualTo("text/plain");
        assertThat(h.contentLength).isEqualTo(5);
        assertThat(h.chunked).isFalse();
        assertThat(h.keepAlive).isTrue();
        assertThat(h.headBytes).isEqualTo(64);
        assertThat(readAll(BodyIn.length(in, h.contentLength))).isEqualTo("hello");
    }

    @ParameterizedTest(name = "[{0}] -> {1} [{2}]")
    @CsvSource(delimiter = '|', value = {
        "HTTP/1.1 404 Not Found           | 404 | Not Found",
        "HTTP/1.1 200                     | 200 | ''",
        "'HTTP/1.1 200 '                  | 200 | ''",
        "'HTTP/1.1 500  Two  spaces '     | 500 | ' Two  spaces '",
        "HTTP/1.1 418 I'm a teapot        | 418 | I'm a teapot",
        "HTTP/1.0 302 Found               | 302 | Found",
        "HTTP/1.1 599 Custom              | 599 | Custom",
        "HTTP/1.1 100 Continue            | 100 | Continue",
    })
    void parsesStatusLineVariants(String statusLine, int status, String reason) throws IOException {
        ResponseHead h = response(buffer(statusLine + "\r\nContent-Length: 0\r\n\r\n"), "GET");

        assertThat(h.status).isEqualTo(status);
        assertThat(h.reason).isEqualTo(reason);
    }

    /** RFC 9110 section 2.5: a higher HTTP/1 minor version is processed as HTTP/1.1, on responses too. */
    @Test
    void processesAHigherHttp1MinorVersionAsHttp11() throws IOException {
        ResponseHead h = response(buffer("HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n"), "GET");

        assertThat(h.version).isEqualTo(11);
        assertThat(h.keepAlive).isTrue();
    }

    @Test
    void keepsTabAndObsTextInReason() throws IOException {
        ResponseHead h = response(buffer("HTTP/1.1 200 tr\u00e8s\tbien\r\nContent-Length: 0\r\n\r\n"), "GET");

        assertThat(h.reason).isEqualTo("tr\u00e8s\tbien");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "HEAD, 200",
        "GET, 204",
        "GET, 304",
        "GET, 100",
        "GET, 101",
        "HEAD, 404",
    })
    void bodylessResponsesHaveNoBodyWhateverTheirHeadersSay(String method, int status) throws IOException {
        ResponseHead h = response(buffer("HTTP/1.1 " + status + " X\r\nContent-Length: 100\r\n\r\n"), method);

        assertThat(h.contentLength).isZero();
        assertThat(h.chunked).isFalse();
        assertThat(h.keepAlive).isTrue();
    }

    @Test
    void bodylessResponseIgnoresTransferEncodingToo() throws IOException {
        ResponseHead h = response(buffer("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n"), "GET");

        assertThat(h.contentLength).isZero();
        assertThat(h.chunked).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HTTP/1.1", "HTTP/1.0"})
    void responseWithoutLengthIsReadUntilClose(String version) throws IOException {
        InBuffer in = buffer(version + " 200 OK\r\nContent-Type: text/plain\r\n\r\nthe rest, until the server closes", 3);
        ResponseHead h = response(in, "GET");

        assertThat(h.contentLength).isEqualTo(ResponseHead.UNTIL_CLOSE);
        assertThat(h.chunked).isFalse();
        assertThat(h.keepAlive).isFalse();
        assertThat(readAll(BodyIn.untilClose(in))).isEqualTo("the rest, until the server closes");
    }

    @Test
    void detectsChunkedResponse() throws IOException {
        InBuffer in = buffer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 1);
        ResponseHead h = response(in, "POST");

        assertThat(h.chunked).isTrue();
        assertThat(h.contentLength).isEqualTo(-1);
        assertThat(h.keepAlive).isTrue();
        assertThat(readAll(BodyIn.chunked(in, Wire.parser()))).isEqualTo("abc");
    }

    @Test
    void acceptsIdenticalContentLengths() throws IOException {
        ResponseHead h = response(buffer("HTTP/1.1 200 OK\r\nContent-Length: 7, 7\r\nContent-Length: 7\r\n\r\n"), "GET");

        assertThat(h.contentLength).isEqualTo(7);
    }

    @ParameterizedTest(name = "{0} with Connection: [{1}] -> keep-alive {2}")
    @CsvSource(delimiter = '|', value = {
        "HTTP/1.1 |                   | true",
        "HTTP/1.1 | close             | false",
        "HTTP/1.1 | CLOSE             | false",
        "HTTP/1.0 |                   | false",
        "HTTP/1.0 | keep-alive        | true",
        "HTTP/1.0 | keep-alive, close | false",
    })
    void derivesKeepAliveFromVersionAndConnection(String version, String connection, boolean keepAlive)
            throws IOException {
        String conn = connection == null ? "" : "Connection: " + connection + "\r\n";
        ResponseHead h = response(buffer(version + " 200 OK\r\nContent-Length: 0\r\n" + conn + "\r\n"), "GET");

        assertThat(h.keepAlive).isEqualTo(keepAlive);
    }

    @Test
    void reusedHeadIsResetBetweenResponses() throws IOException {
        H1Parser p = Wire.parser();
        ResponseHead h = new ResponseHead();
        byte[] a = Wire.bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX: 1\r\n\r\n");
        byte[] b = Wire.bytes("HTTP/1.1 204\r\n\r\n");

        p.parseResponse(a, 0, a.length, "GET", h);
        p.parseResponse(b, 0, b.length, "GET", h);

        assertThat(h.status).isEqualTo(204);
        assertThat(h.reason).isEmpty();
        assertThat(h.chunked).isFalse();
        assertThat(h.headers.isEmpty()).isTrue();
    }

    @ParameterizedTest(name = "{0} in fragments of {1}")
    @CsvSource({
        "every line, 4096", "every line, 1",
        "the status line only, 4096", "the status line only, 1",
        "the fields only, 4096", "the fields only, 1",
        "the final empty line only, 4096", "the final empty line only, 1",
        "leading empty lines, 4096", "leading empty lines, 1",
    })
    void toleratesBareLfLineEndsInAResponseHead(String where, int fragment) throws IOException {
        // RFC 9112 section 2.2: a recipient MAY recognize a single LF as a line terminator (issue 13)
        String wire = switch (where) {
            case "every line" -> "HTTP/1.1 200 OK\nContent-Length: 5\nX-A: a\n\nhello";
            case "the status line only" -> "HTTP/1.1 200 OK\nContent-Length: 5\r\nX-A: a\r\n\r\nhello";
            case "the fields only" -> "HTTP/1.1 200 OK\r\nContent-Length: 5\nX-A: a\n\r\nhello";
            case "the final empty line only" -> "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: a\r\n\nhello";
            default -> "\n\r\n\nHTTP/1.1 200 OK\nContent-Length: 5\nX-A: a\n\nhello";
        };
        InBuffer in = buffer(wire, fragment);
        ResponseHead h = response(in, "GET");

        assertThat(h.status).isEqualTo(200);
        assertThat(h.reason).isEqualTo("OK");
        assertThat(h.headers.first("X-A")).isEqualTo("a");
        assertThat(h.contentLength).isEqualTo(5);
        assertThat(readAll(BodyIn.length(in, h.contentLength))).isEqualTo("hello");
    }

    @Test
    void theServersParserStaysStrictAboutBareLf() {
        H1Exception e = catchThrowableOfType(H1Exception.class, () -> {
            H1Parser strict = Wire.parser();
            InBuffer in = buffer("HTTP/1.1 200 OK\nContent-Length: 0\n\n");
            strict.awaitHead(in, null);
        });
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("bare LF");
    }

    static Stream<Arguments> malformed() {
        String ok = "\r\nContent-Length: 0\r\n\r\n";
        String head = "HTTP/1.1 200 OK\r\n";
        return Stream.of(
            arguments("two-digit status", "HTTP/1.1 20 OK" + ok),
            arguments("four-digit status", "HTTP/1.1 2000 OK" + ok),
            arguments("non-numeric status", "HTTP/1.1 abc OK" + ok),
            arguments("status below 100", "HTTP/1.1 099 Low" + ok),
            arguments("status 000", "HTTP/1.1 000" + ok),
            arguments("version alone", "HTTP/1.1" + ok),
            arguments("version and space alone", "HTTP/1.1 " + ok),
            arguments("double space before status", "HTTP/1.1  200 OK" + ok),
            arguments("tab before status", "HTTP/1.1\t200 OK" + ok),
            arguments("tab before reason", "HTTP/1.1 200\tOK" + ok),
            arguments("HTTP/2.0", "HTTP/2.0 200 OK" + ok),
            arguments("HTTX/1.1", "HTTX/1.1 200 OK" + ok),
            arguments("ICY instead of HTTP", "ICY 200 OK" + ok),
            arguments("control character in reason", "HTTP/1.1 200 O\u0001K" + ok),
            arguments("DEL in reason", "HTTP/1.1 200 O\u007fK" + ok),
            arguments("NUL in reason", "HTTP/1.1 200 O\0K" + ok),
            arguments("CR alone in reason", "HTTP/1.1 200 O\rK" + ok),
            arguments("CR alone in status code", "HTTP/1.1 2\r0 OK" + ok),
            arguments("Content-Length with Transfer-Encoding",
                    head + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"),
            arguments("differing Content-Lengths", head + "Content-Length: 3\r\nContent-Length: 4\r\n\r\n"),
            arguments("malformed Content-Length", head + "Content-Length: +3\r\n\r\n"),
            arguments("Transfer-Encoding: gzip", head + "Transfer-Encoding: gzip\r\n\r\n"),
            arguments("Transfer-Encoding: chunked, chunked", head + "Transfer-Encoding: chunked, chunked\r\n\r\n"),
            arguments("obs-fold", head + "Content-Length: 0\r\nX: a\r\n b\r\n\r\n"),
            arguments("whitespace before colon", head + "Content-Length : 0\r\n\r\n"),
            arguments("NUL in a field value", head + "X: a\0b\r\nContent-Length: 0\r\n\r\n"),
            arguments("more fields than the count limit",
                    head + "X: v\r\n".repeat(Wire.MAX_HEADERS) + "Content-Length: 0\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformedResponseWith502(String what, String wire) {
        for (int fragment : new int[] {Integer.MAX_VALUE, 1}) {
            H1Exception e = catchThrowableOfType(H1Exception.class, () -> response(buffer(wire, fragment), "GET"));

            assertThat(e).as("%s in fragments of %d", what, fragment).isNotNull();
            assertThat(e.status()).as("%s: %s", what, e.getMessage()).isEqualTo(502);
        }
    }
}
