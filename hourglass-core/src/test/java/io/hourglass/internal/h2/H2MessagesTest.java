package io.hourglass.internal.h2;

import static io.hourglass.internal.h2.HpackAppendixCTest.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.hourglass.http.Headers;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 9113 section 8.2-8.3: malformed messages are stream errors; mapping to and from Headers. */
class H2MessagesTest {
    private static final String[] GET = {":method", "GET", ":scheme", "https", ":path", "/a", ":authority", "example.com"};

    private static FieldList get(String... more) {
        FieldList f = list(GET);
        for (int i = 0; i < more.length; i += 2) {
            f.add(more[i], more[i + 1]);
        }
        return f;
    }

    static Stream<Arguments> malformedRequests() {
        return Stream.of(
            arguments("uppercase field name", get("Accept", "*/*")),
            arguments("field name with a space", get("x a", "1")),
            arguments("empty field name", get("", "1")),
            arguments("connection field", get("connection", "keep-alive")),
            arguments("keep-alive field", get("keep-alive", "timeout=5")),
            arguments("proxy-connection field", get("proxy-connection", "close")),
            arguments("transfer-encoding field", get("transfer-encoding", "chunked")),
            arguments("upgrade field", get("upgrade", "h2c")),
            arguments("te other than trailers", get("te", "gzip")),
            arguments("value with CR", get("x-a", "a\rb")),
            arguments("value with LF", get("x-a", "a\nb")),
            arguments("value with NUL", get("x-a", "a\0b")),
            arguments("value with another control", get("x-a", "a\u0001b")),
            arguments("value with leading space", get("x-a", " a")),
            arguments("value with trailing tab", get("x-a", "a\t")),
            arguments("pseudo-header after a regular field", get("x-a", "1", ":method", "GET")),
            arguments("unknown pseudo-header", get().add(":protocol", "websocket")),
            arguments("response pseudo-header in a request", list(":status", "200", ":method", "GET", ":scheme", "http", ":path", "/")),
            arguments("repeated :method", list(":method", "GET", ":method", "GET", ":scheme", "http", ":path", "/")),
            arguments("repeated :path", list(":method", "GET", ":scheme", "http", ":path", "/", ":path", "/")),
            arguments("no :method", list(":scheme", "http", ":path", "/")),
            arguments("no :scheme", list(":method", "GET", ":path", "/")),
            arguments("no :path", list(":method", "GET", ":scheme", "http")),
            arguments("empty :path", list(":method", "GET", ":scheme", "http", ":path", "")),
            arguments(":path not starting with /", list(":method", "GET", ":scheme", "http", ":path", "a/b")),
            arguments(":path * for GET", list(":method", "GET", ":scheme", "http", ":path", "*")),
            arguments(":path with a fragment", list(":method", "GET", ":scheme", "http", ":path", "/a#b")),
            arguments(":path with a space", list(":method", "GET", ":scheme", "http", ":path", "/a b")),
            arguments(":method not a token", list(":method", "G T", ":scheme", "http", ":path", "/")),
            arguments(":authority with userinfo", list(":method", "GET", ":scheme", "http", ":path", "/", ":authority", "u@h")),
            arguments("CONNECT without :authority", list(":method", "CONNECT")),
            arguments("CONNECT with :path", list(":method", "CONNECT", ":authority", "h:443", ":path", "/")),
            arguments("CONNECT with :scheme", list(":method", "CONNECT", ":authority", "h:443", ":scheme", "https")),
            arguments("Host differing from :authority", get("host", "other.example")),
            arguments("content-length not a number", get("content-length", "12a")),
            arguments("content-length negative", get("content-length", "-1")),
            arguments("two differing content-length fields", get("content-length", "1", "content-length", "2"))
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void malformedRequestIsAStreamProtocolError(String what, FieldList fields) {
        H2Exception e = catchThrowableOfType(H2Exception.class, () -> H2Messages.request(7, fields));
        assertThat(e).as(what).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(e.streamId()).isEqualTo(7);
        assertThat(e.getMessage()).contains("malformed");
    }

    static Stream<Arguments> malformedResponses() {
        return Stream.of(
            arguments("no :status", list("content-type", "text/plain")),
            arguments(":status not first", list("x-a", "1", ":status", "200")),
            arguments("request pseudo-header", list(":status", "200", ":path", "/")),
            arguments("two :status", list(":status", "200", ":status", "200")),
            arguments(":status of two digits", list(":status", "20")),
            arguments(":status with a letter", list(":status", "2x0")),
            arguments(":status 099", list(":status", "099")),
            arguments(":status 600", list(":status", "600")),
            arguments(":status 101", list(":status", "101")),
            arguments("connection field", list(":status", "200", "connection", "close")),
            arguments("uppercase name", list(":status", "200", "Server", "x"))
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedResponses")
    void malformedResponseIsAStreamProtocolError(String what, FieldList fields) {
        H2Exception e = catchThrowableOfType(H2Exception.class, () -> H2Messages.response(9, fields));
        assertThat(e).as(what).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(e.streamId()).isEqualTo(9);
    }

    @Test
    void trailersWithAPseudoHeaderAreMalformed() {
        H2Exception e = catchThrowableOfType(H2Exception.class,
                () -> H2Messages.trailers(3, list("grpc-status", "0", ":status", "200")));
        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(e.streamId()).isEqualTo(3);
        assertThat(catchThrowableOfType(H2Exception.class, () -> H2Messages.trailers(3, list(":path", "/")))).isNotNull();
    }

    @Test
    void requestMapsToHeadersWithHostFromAuthorityAndCookiesJoined() throws Exception {
        H2RequestHead r = H2Messages.request(1, get("cookie", "a=1", "accept", "*/*", "cookie", "b=2", "te", "trailers",
                "content-length", "5"));
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.scheme()).isEqualTo("https");
        assertThat(r.path()).isEqualTo("/a");
        assertThat(r.authority()).isEqualTo("example.com");
        assertThat(r.contentLength()).isEqualTo(5);
        assertThat(r.headers().toString()).isEqualTo(
                "host: example.com\naccept: */*\nte: trailers\ncontent-length: 5\ncookie: a=1; b=2\n");
    }

    @Test
    void requestKeepsItsOwnMatchingHost() throws Exception {
        H2RequestHead r = H2Messages.request(1, get("host", "Example.COM"));
        assertThat(r.headers().all("host")).containsExactly("Example.COM");
    }

    @Test
    void requestWithoutAuthorityOrHostIsAccepted() throws Exception {
        H2RequestHead r = H2Messages.request(1, list(":method", "GET", ":scheme", "http", ":path", "/"));
        assertThat(r.authority()).isNull();
        assertThat(r.headers().isEmpty()).isTrue();
        assertThat(r.contentLength()).isEqualTo(-1);
    }

    @Test
    void connectAndAsteriskOptionsAreAccepted() throws Exception {
        H2RequestHead c = H2Messages.request(1, list(":method", "CONNECT", ":authority", "h:443"));
        assertThat(c.scheme()).isNull();
        assertThat(c.path()).isNull();
        assertThat(H2Messages.request(3, list(":method", "OPTIONS", ":scheme", "http", ":path", "*")).path()).isEqualTo("*");
    }

    @Test
    void obsTextAndInnerWhitespaceInValuesAreAccepted() throws Exception {
        H2RequestHead r = H2Messages.request(1, get("x-a", "caf\u00e9 \t au lait"));
        assertThat(r.headers().first("x-a")).isEqualTo("caf\u00e9 \t au lait");
    }

    @Test
    void interimAndFinalResponsesMap() throws Exception {
        assertThat(H2Messages.response(1, list(":status", "103", "link", "</s.css>")).interim()).isTrue();
        H2ResponseHead r = H2Messages.response(1, list(":status", "404", "content-length", "0", "set-cookie", "a=1",
                "set-cookie", "b=2"));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.interim()).isFalse();
        assertThat(r.contentLength()).isZero();
        assertThat(r.headers().all("set-cookie")).containsExactly("a=1", "b=2");
    }

    @Test
    void overLimitListCannotBeMapped() throws Exception {
        FieldList f = new FieldList();
        new HpackDecoder(10).decode(new byte[] {(byte) 0x82}, 0, 1, f);
        assertThatThrownBy(() -> H2Messages.request(1, f)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requestFieldsDropConnectionSpecificFieldsAndLowercaseNames() {
        Headers h = new Headers().add("Host", "example.com").add("Connection", "keep-alive, X-Hop")
                .add("Keep-Alive", "timeout=5").add("Transfer-Encoding", "chunked").add("Upgrade", "h2c")
                .add("Proxy-Connection", "close").add("X-Hop", "1").add("TE", "trailers, deflate")
                .add("Accept", "  */*  ").add("Cookie", "a=1; b=2;;c=3");
        FieldList out = new FieldList();
        H2Messages.requestFields("GET", "https", null, "/x?y", h, out);
        assertThat(H2Wire.Recorder.fields(out)).isEqualTo("[:method=GET, :scheme=https, :authority=example.com, :path=/x?y, "
                + "te=trailers, accept=*/*, cookie=a=1, cookie=b=2, cookie=c=3]");
    }

    @Test
    void connectRequestFieldsHaveOnlyMethodAndAuthority() {
        FieldList out = new FieldList();
        H2Messages.requestFields("CONNECT", "https", "h:443", "/", new Headers(), out);
        assertThat(H2Wire.Recorder.fields(out)).isEqualTo("[:method=CONNECT, :authority=h:443]");
    }

    @Test
    void teWithoutTrailersIsNotSent() {
        FieldList out = new FieldList();
        H2Messages.requestFields("GET", "http", "h", "/", new Headers().add("TE", "gzip"), out);
        assertThat(H2Wire.Recorder.fields(out)).isEqualTo("[:method=GET, :scheme=http, :authority=h, :path=/]");
    }

    @Test
    void responseAndTrailerFieldsMapBackToTheSameHeaders() throws Exception {
        Headers h = new Headers().add("Content-Type", "text/plain").add("Set-Cookie", "a=1; Path=/").add("Set-Cookie", "b=2");
        FieldList out = new FieldList();
        H2Messages.responseFields(200, h, out);
        assertThat(H2Messages.response(1, out).headers().toString())
                .isEqualTo("content-type: text/plain\nset-cookie: a=1; Path=/\nset-cookie: b=2\n");
        H2Messages.trailerFields(new Headers().add("Grpc-Status", "0"), out);
        assertThat(H2Messages.trailers(1, out).toString()).isEqualTo("grpc-status: 0\n");
    }

    @Test
    void statusesHttp2CannotCarryAreRefusedOnSend() {
        FieldList out = new FieldList();
        assertThatThrownBy(() -> H2Messages.responseFields(101, new Headers(), out)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> H2Messages.responseFields(99, new Headers(), out)).isInstanceOf(IllegalArgumentException.class);
    }
}
