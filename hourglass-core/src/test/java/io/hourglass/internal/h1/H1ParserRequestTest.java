package io.hourglass.internal.h1;

import static io.hourglass.internal.h1.Wire.buffer;
import static io.hourglass.internal.h1.Wire.request;
import static io.hourglass.internal.h1.Wire.rest;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Valid request heads: bytes in, RequestHead out. */
class H1ParserRequestTest {

    @Test
    void parsesGetWithHost() throws IOException {
        RequestHead h = request(buffer("GET /a/b?c=d HTTP/1.1\r\nHost: example.com\r\n\r\n"));

        assertThat(h.method).isEqualTo("GET");
        assertThat(h.target).isEqualTo("/a/b?c=d");
        assertThat(h.version).isEqualTo(11);
        assertThat(h.headers.first("host")).isEqualTo("example.com");
        assertThat(h.contentLength).isZero();
        assertThat(h.chunked).isFalse();
        assertThat(h.keepAlive).isTrue();
        assertThat(h.expectContinue).isFalse();
        assertThat(h.headBytes).isEqualTo(44);
    }

    @Test
    void keepsUncommonMethodAndAbsoluteFormTarget() throws IOException {
        RequestHead h = request(buffer("PROPFIND http://example.com:8080/x HTTP/1.1\r\nHost: example.com:8080\r\n\r\n"));

        assertThat(h.method).isEqualTo("PROPFIND");
        assertThat(h.target).isEqualTo("http://example.com:8080/x");
    }

    /**
     * Field names are case-insensitive (RFC 9110 section 5.1): the framing is the same whether a name comes in a
     * spelling the parser knows (Host, host), which it notes while parsing, or in another (HOST), which it has
     * to look up (issue 17: the one-pass path must not differ from the look-ups).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = { // fields separated by "; "
        "Host: a; Content-Length: 5                      | 5  | false | true  | false",
        "HOST: a; CONTENT-LENGTH: 5                      | 5  | false | true  | false",
        "host: a; content-length: 5; X-Other: 1       | 5  | false | true  | false",
        "Host: a; Transfer-Encoding: chunked             | -1 | true  | true  | false",
        "Host: a; TRANSFER-ENCODING: chunked             | -1 | true  | true  | false",
        "Host: a; Connection: close                      | 0  | false | false | false",
        "Host: a; connection: keep-alive, close          | 0  | false | false | false",
        "Host: a; CONNECTION: close                      | 0  | false | false | false",
        "Host: a; Content-Length: 1; Expect: 100-continue | 1 | false | true | true",
        "Host: a; Content-Length: 1; EXPECT: 100-continue | 1 | false | true | true"})
    void framingIsTheSameWhateverTheSpellingOfTheNames(String fields, long length, boolean chunked, boolean keepAlive,
            boolean expect) throws IOException {
        RequestHead h = request(buffer("POST /a HTTP/1.1\r\n" + fields.strip().replace("; ", "\r\n") + "\r\n\r\n"));

        assertThat(h.contentLength).isEqualTo(length);
        assertThat(h.chunked).isEqualTo(chunked);
        assertThat(h.keepAlive).isEqualTo(keepAlive);
        assertThat(h.expectContinue).isEqualTo(expect);
    }

    /**
     * RFC 9110 section 2.5: a recipient SHOULD process a message of a higher minor version as if it were in the
     * highest minor version of that major version it conforms to, so HTTP/1.2 and HTTP/1.9 are HTTP/1.1 here,
     * with HTTP/1.1's rules (persistent by default, Host required). They got 505 (the differential against Go).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HTTP/1.2", "HTTP/1.9"})
    void processesAHigherHttp1MinorVersionAsHttp11(String version) throws IOException {
        RequestHead h = request(buffer("GET /a " + version + "\r\nHost: h\r\n\r\n", 1));

        assertThat(h.version).isEqualTo(11);
        assertThat(h.keepAlive).isTrue();
        H1Exception noHost = org.assertj.core.api.Assertions.catchThrowableOfType(H1Exception.class,
                () -> request(buffer("GET /a " + version + "\r\n\r\n")));
        assertThat(noHost.status()).as("Host is required, as in HTTP/1.1").isEqualTo(400);
    }

    /**
     * RFC 9112 section 3.2.2: a server that receives an absolute-form target MUST ignore the received Host and
     * use the target's authority, so the Host a handler reads is the target's (the differential against Go: a
     * handler used to see the received one). The received Host is still checked (section 3.2).
     */
    @ParameterizedTest(name = "{0} with Host: {1}")
    @CsvSource({
        "'GET http://a/x HTTP/1.1', b, a",
        "'GET http://a:8080/x?q HTTP/1.1', a, a:8080",
        "'GET HTTPS://[::1]:8443?q HTTP/1.1', h, [::1]:8443",
        "'OPTIONS http://a.example HTTP/1.1', a.example, a.example",
        "'GET http://a/x HTTP/1.0', , a"})
    void anAbsoluteFormTargetsAuthorityIsTheHost(String line, String received, String host) throws IOException {
        String field = received == null ? "" : "X-Before: 1\r\nHost: " + received + "\r\nX-After: 2\r\n";
        RequestHead h = request(buffer(line + "\r\n" + field + "\r\n"));

        assertThat(h.headers.first("Host")).isEqualTo(host);
        assertThat(h.headers.count("Host")).isEqualTo(1);
        assertThat(h.headers.size()).isEqualTo(received == null ? 1 : 3);
    }

    @ParameterizedTest(name = "fragments of {0}")
    @ValueSource(ints = {1, 2, 3, 7, 4096})
    void ignoresEmptyLinesBeforeRequestLine(int fragment) throws IOException {
        // RFC 9112 section 2.2: a server SHOULD ignore at least one empty line before the request-line
        InBuffer in = buffer("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", fragment);
        RequestHead h = request(in);

        assertThat(h.method).isEqualTo("GET");
        assertThat(h.target).isEqualTo("/");
        assertThat(in.available()).isZero();
    }

    @ParameterizedTest(name = "fragments of {0}")
    @ValueSource(ints = {1, 2, 4096})
    void emptyLinesThenEndOfStreamIsACleanEnd(int fragment) throws IOException {
        assertThat(Wire.parser().awaitHead(buffer("\r\n\r\n", fragment), null)).isEqualTo(-1);
        assertThat(Wire.parser().awaitHead(buffer("", fragment), null)).isEqualTo(-1);
    }

    @ParameterizedTest(name = "fragments of {0}")
    @ValueSource(ints = {1, 4096})
    void firstByteCallbackRunsOnceAndNotForLeadingEmptyLines(int fragment) throws IOException {
        Wire.Fragments src = new Wire.Fragments(Wire.bytes("\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"), fragment);
        InBuffer in = buffer(src);
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger servedAtCall = new AtomicInteger(-1);

        Wire.parser().awaitHead(in, () -> {
            calls.incrementAndGet();
            servedAtCall.set(src.served());
        });

        assertThat(calls).hasValue(1);
        if (fragment == 1) {
            assertThat(servedAtCall).hasValue(3); // "\r\n" then "G"
        }
    }

    @Test
    void acceptsHttp10WithoutHost() throws IOException {
        RequestHead h = request(buffer("GET / HTTP/1.0\r\n\r\n"));

        assertThat(h.version).isEqualTo(10);
        assertThat(h.headers.isEmpty()).isTrue();
    }

    @ParameterizedTest(name = "{0} with Connection: [{1}] -> keep-alive {2}")
    @CsvSource(delimiter = '|', value = {
        "HTTP/1.1 |                  | true",
        "HTTP/1.1 | close            | false",
        "HTTP/1.1 | Close            | false",
        "HTTP/1.1 | keep-alive       | true",
        "HTTP/1.1 | upgrade, close   | false",
        "HTTP/1.1 | closed           | true",
        "HTTP/1.0 |                  | false",
        "HTTP/1.0 | keep-alive       | true",
        "HTTP/1.0 | Keep-Alive       | true",
        "HTTP/1.0 | close            | false",
        "HTTP/1.0 | keep-alive, close | false",
    })
    void derivesKeepAliveFromVersionAndConnection(String version, String connection, boolean keepAlive)
            throws IOException {
        String conn = connection == null ? "" : "Connection: " + connection + "\r\n";
        RequestHead h = request(buffer("GET / " + version + "\r\nHost: h\r\n" + conn + "\r\n"));

        assertThat(h.keepAlive).isEqualTo(keepAlive);
    }

    @Test
    void detectsExpectContinue() throws IOException {
        RequestHead h = request(buffer(
                "PUT /f HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\nExpect: 100-Continue\r\n\r\n"));

        assertThat(h.expectContinue).isTrue();
        assertThat(h.contentLength).isEqualTo(10);
    }

    @Test
    void ignoresExpectContinueFromHttp10() throws IOException {
        // RFC 9110 section 10.1.1: a server MUST ignore 100-continue in an HTTP/1.0 request
        RequestHead h = request(buffer("PUT /f HTTP/1.0\r\nContent-Length: 1\r\nExpect: 100-continue\r\n\r\n"));

        assertThat(h.expectContinue).isFalse();
    }

    @Test
    void keepsFieldNameCaseAndTrimsOptionalWhitespace() throws IOException {
        RequestHead h = request(buffer("GET / HTTP/1.1\r\nhOsT:h\r\nX-Custom-NAME: \t a  b \t \r\nX-Empty:   \r\n\r\n"));

        assertThat(h.headers.name(0)).isEqualTo("hOsT");
        assertThat(h.headers.value(0)).isEqualTo("h");
        assertThat(h.headers.name(1)).isEqualTo("X-Custom-NAME");
        assertThat(h.headers.value(1)).isEqualTo("a  b");
        assertThat(h.headers.first("x-custom-name")).isEqualTo("a  b");
        assertThat(h.headers.first("X-EMPTY")).isEmpty();
    }

    @Test
    void keepsRepeatedFieldsInOrder() throws IOException {
        RequestHead h = request(buffer(
                "GET / HTTP/1.1\r\nAccept: a\r\nHost: h\r\nAccept: b\r\naccept: c\r\n\r\n"));

        assertThat(h.headers.all("Accept")).containsExactly("a", "b", "c");
        assertThat(h.headers.size()).isEqualTo(4);
        assertThat(h.headers.name(2)).isEqualTo("Accept");
    }

    @Test
    void keepsObsTextInValues() throws IOException {
        RequestHead h = request(buffer("GET / HTTP/1.1\r\nHost: h\r\nX-Latin: caf\u00e9\r\n\r\n"));

        assertThat(h.headers.first("X-Latin")).isEqualTo("caf\u00e9");
    }

    @ParameterizedTest(name = "Content-Length: {0}")
    @ValueSource(strings = {"5, 5", "5,5", "5 ,5,  5"})
    void acceptsListOfIdenticalContentLengths(String value) throws IOException {
        RequestHead h = request(buffer("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: " + value + "\r\n\r\nhello"));

        assertThat(h.contentLength).isEqualTo(5);
        assertThat(h.chunked).isFalse();
    }

    @Test
    void acceptsRepeatedIdenticalContentLengthFields() throws IOException {
        RequestHead h = request(buffer("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n"));

        assertThat(h.contentLength).isEqualTo(5);
    }

    @Test
    void acceptsLargestEighteenDigitContentLength() throws IOException {
        RequestHead h = request(buffer("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 999999999999999999\r\n\r\n"));

        assertThat(h.contentLength).isEqualTo(999_999_999_999_999_999L);
    }

    @ParameterizedTest(name = "Transfer-Encoding: {0}")
    @ValueSource(strings = {"chunked", "Chunked", "CHUNKED", " chunked "})
    void detectsChunkedFraming(String value) throws IOException {
        RequestHead h = request(buffer("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: " + value + "\r\n\r\n"));

        assertThat(h.chunked).isTrue();
        assertThat(h.contentLength).isEqualTo(-1);
    }

    @ParameterizedTest(name = "fragments of {0}")
    @ValueSource(ints = {1, 2, 3, 5, 13, 100})
    void parsesHeadSplitAcrossManyReads(int fragment) throws IOException {
        String wire = "POST /upload HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t\r\n"
                + "Content-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc";
        Wire.Fragments src = new Wire.Fragments(Wire.bytes(wire), fragment);
        InBuffer in = buffer(src);
        RequestHead h = request(in);

        assertThat(h.method).isEqualTo("POST");
        assertThat(h.target).isEqualTo("/upload");
        assertThat(h.headers.size()).isEqualTo(4);
        assertThat(h.headers.first("Content-Type")).isEqualTo("text/plain");
        assertThat(h.contentLength).isEqualTo(3);
        if (fragment == 1) {
            assertThat(src.reads()).isEqualTo(wire.length() - 3); // not a byte of the body read yet
        }
    }

    @Test
    void parsesHeadThatGrowsTheBufferAndCrossesACompaction() throws IOException {
        String big = "x".repeat(6000);
        String first = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n";
        String second = "GET /2 HTTP/1.1\r\nHost: h\r\nX-Big: " + big + "\r\n\r\n";
        InBuffer in = new InBuffer(new Wire.Fragments(Wire.bytes(first + second), 1000), 64, Wire.MAX_HEAD + 4096);
        H1Parser p = Wire.parser();

        assertThat(request(p, in).target).isEqualTo("/1");
        RequestHead h = request(p, in);

        assertThat(h.target).isEqualTo("/2");
        assertThat(h.headers.first("X-Big")).isEqualTo(big);
    }

    @ParameterizedTest(name = "fragments of {0}")
    @ValueSource(ints = {1, 4, 4096})
    void leavesPipelinedRequestUntouchedAfterHeadAndBody(int fragment) throws IOException {
        String second = "GET /second HTTP/1.1\r\nHost: h\r\n\r\n";
        InBuffer in = buffer("POST /first HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello" + second, fragment);
        H1Parser p = Wire.parser();

        RequestHead first = request(p, in);
        BodyIn body = BodyIn.length(in, first.contentLength);
        assertThat(Wire.readAll(body)).isEqualTo("hello");

        if (fragment == 4096) {
            assertThat(rest(in)).isEqualTo(second);
        } else {
            assertThat(second).startsWith(rest(in));
        }
        RequestHead next = request(p, in);
        assertThat(next.target).isEqualTo("/second");
        assertThat(in.available()).isZero();
    }

    @Test
    void reusedHeadIsResetBetweenRequests() throws IOException {
        H1Parser p = Wire.parser();
        RequestHead h = new RequestHead();
        byte[] a = Wire.bytes("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n");
        byte[] b = Wire.bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n");

        p.parseRequest(a, 0, a.length, h);
        p.parseRequest(b, 0, b.length, h);

        assertThat(h.chunked).isFalse();
        assertThat(h.expectContinue).isFalse();
        assertThat(h.contentLength).isZero();
        assertThat(h.headers.size()).isEqualTo(1);
    }

    @Test
    void acceptsHeadOfExactlyTheLimit() throws IOException {
        String start = "GET / HTTP/1.1\r\nHost: h\r\nX: ";
        String head = start + "v".repeat(200 - start.length() - 4) + "\r\n\r\n";
        assertThat(head).hasSize(200);

        RequestHead h = request(new H1Parser(200, 10), buffer(head, 1));

        assertThat(h.headBytes).isEqualTo(200);
    }

    /** RFC 9112 section 3.2 with RFC 3986's host syntax: every valid form of Host is taken (issue 9). */
    @ParameterizedTest(name = "Host: [{0}]")
    @ValueSource(strings = {"", "example.com", "example.com:8080", "EXAMPLE.com", "127.0.0.1", "127.0.0.1:80",
        "localhost:", "a-b_c~d.e", "xn--bcher-kva.example", "a%20b", "!$&'()*+,;=", "[::1]", "[::1]:8080",
        "[2001:db8::ff00:42:8329]", "[2001:db8:0:0:0:ff00:42:8329]", "[::]", "[1::]", "[::ffff:192.0.2.1]",
        "[1:2:3:4:5:6:1.2.3.4]", "[v1.fe80::a+en1]", "[V7.x]:1"})
    void acceptsEveryValidHost(String host) throws IOException {
        RequestHead h = request(buffer("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n"));

        assertThat(h.headers.first("Host")).isEqualTo(host);
    }

    /** The four forms of request-target (RFC 9112 section 3.2), each with the method it belongs to. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = ' ', value = {
        "GET /", "GET /a/b?c=d&e", "GET //x", "GET /?", "GET /a:b@c!$&'()*+,;=~%20",
        "GET http://example.com", "GET http://example.com/x?y", "GET HTTPS://example.com:443/x",
        "GET http://[::1]:8080/x", "GET http://h?q", "OPTIONS *", "CONNECT example.com:443",
        "CONNECT [::1]:443", "CONNECT 127.0.0.1:8443"})
    void acceptsEachFormOfRequestTarget(String method, String target) throws IOException {
        RequestHead h = request(buffer(method + " " + target + " HTTP/1.1\r\nHost: h\r\n\r\n"));

        assertThat(h.method).isEqualTo(method);
        assertThat(h.target).isEqualTo(target);
    }
}
