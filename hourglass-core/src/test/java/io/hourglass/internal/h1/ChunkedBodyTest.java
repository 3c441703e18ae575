package io.hourglass.internal.h1;

import static io.hourglass.internal.h1.Wire.buffer;
import static io.hourglass.internal.h1.Wire.readAll;
import static io.hourglass.internal.h1.Wire.rest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.EOFException;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Chunked bodies (RFC 9112 section 7.1) read from an InBuffer. */
class ChunkedBodyTest {

    private static BodyIn chunked(String wire, int... fragments) {
        return BodyIn.chunked(buffer(wire, fragments), Wire.parser());
    }

    @ParameterizedTest(name = "fragments of {0}")
    @ValueSource(ints = {1, 2, 3, 7, 4096})
    void readsSimpleChunkedBody(int fragment) throws IOException {
        BodyIn body = chunked("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", fragment);

        assertThat(readAll(body)).isEqualTo("hello world");
        assertThat(body.isComplete()).isTrue();
        assertThat(body.delivered()).isEqualTo(11);
        assertThat(body.trailers().isEmpty()).isTrue();
        assertThat(body.read()).isEqualTo(-1);
    }

    @Test
    void readsEmptyChunkedBody() throws IOException {
        BodyIn body = chunked("0\r\n\r\n");

        assertThat(body.isComplete()).isFalse();
        assertThat(body.read()).isEqualTo(-1);
        assertThat(body.isComplete()).isTrue();
        assertThat(body.delivered()).isZero();
    }

    @ParameterizedTest(name = "fragments of {0}")
    @ValueSource(ints = {1, 4096})
    void ignoresChunkExtensions(int fragment) throws IOException {
        BodyIn body = chunked("5;name=value\r\nhello\r\n"
                + "3 ; a=b ;c\r\nabc\r\n"
                + "2;q=\"x;y\\\"z\"\r\nde\r\n"
                + "1\t;t\r\nf\r\n"
                + "0;last\r\n\r\n", fragment);

        assertThat(readAll(body)).isEqualTo("helloabcdef");
        assertThat(body.isComplete()).isTrue();
    }

    @Test
    void acceptsWhitespaceAfterSizeWithoutExtension() throws IOException {
        assertThat(readAll(chunked("5 \t\r\nhello\r\n0 \r\n\r\n"))).isEqualTo("hello");
    }

    @ParameterizedTest(name = "fragments of {0}")
    @ValueSource(ints = {1, 5, 4096})
    void readsTrailers(int fragment) throws IOException {
        BodyIn body = chunked("3\r\nabc\r\n0\r\nX-Checksum: 900150983cd24fb0\r\nx-other:  two words \r\n\r\n", fragment);

        assertThat(body.trailers().isEmpty()).isTrue();
        assertThat(readAll(body)).isEqualTo("abc");
        assertThat(body.trailers().size()).isEqualTo(2);
        assertThat(body.trailers().first("x-checksum")).isEqualTo("900150983cd24fb0");
        assertThat(body.trailers().name(1)).isEqualTo("x-other");
        assertThat(body.trailers().value(1)).isEqualTo("two words");
    }

    @ParameterizedTest(name = "size {0}")
    @ValueSource(strings = {"A", "a", "00A", "0000000000000a", "0000000000000000000000a", "00000000000000a"})
    void readsHexSizesInEitherCaseWithLeadingZeros(String size) throws IOException {
        BodyIn body = chunked(size + "\r\n0123456789\r\n0\r\n\r\n");

        assertThat(readAll(body)).isEqualTo("0123456789");
    }

    @Test
    void readsMixedCaseHexSize() throws IOException {
        String data = "x".repeat(0xaB);
        BodyIn body = chunked("aB\r\n" + data + "\r\n0\r\n\r\n", 1);

        assertThat(readAll(body)).isEqualTo(data);
    }

    @Test
    void readsLargeChunkDirectlyAndLeavesPipelinedRequest() throws IOException {
        // a read larger than the buffer goes straight from the source to the caller; it must stop at the chunk
        String data = "d".repeat(10_000);
        String next = "GET /next HTTP/1.1\r\nHost: h\r\n\r\n";
        InBuffer in = buffer("2710\r\n" + data + "\r\n0\r\n\r\n" + next, 3000);
        BodyIn body = BodyIn.chunked(in, Wire.parser());

        byte[] b = new byte[64 * 1024];
        StringBuilder sb = new StringBuilder();
        int n;
        while ((n = body.read(b, 0, b.length)) >= 0) {
            sb.append(Wire.text(b, 0, n));
        }

        assertThat(sb.toString()).isEqualTo(data);
        assertThat(next).startsWith(rest(in));
        assertThat(Wire.request(in).target).isEqualTo("/next");
    }

    @ParameterizedTest(name = "fragments of {0}")
    @ValueSource(ints = {1, 4096})
    void leavesPipelinedRequestInBufferAfterChunkedBody(int fragment) throws IOException {
        String next = "GET /next HTTP/1.1\r\nHost: h\r\n\r\n";
        InBuffer in = buffer("POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\nwiki\r\n0\r\nX-T: 1\r\n\r\n" + next, fragment);
        H1Parser p = Wire.parser();
        RequestHead first = Wire.request(p, in);
        assertThat(first.chunked).isTrue();

        BodyIn body = BodyIn.chunked(in, p);
        assertThat(readAll(body)).isEqualTo("wiki");
        assertThat(body.trailers().first("X-T")).isEqualTo("1");

        if (fragment == 4096) {
            assertThat(rest(in)).isEqualTo(next);
        } else {
            assertThat(next).startsWith(rest(in));
        }
        assertThat(Wire.request(p, in).target).isEqualTo("/next");
    }

    @Test
    void availableCountsOnlyBufferedBytesOfTheCurrentChunk() throws IOException {
        BodyIn body = chunked("5\r\nhello\r\n0\r\n\r\n");

        assertThat(body.available()).isZero(); // size line not read yet
        assertThat(body.read()).isEqualTo('h');
        assertThat(body.available()).isEqualTo(4);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
            arguments("size line ended by a bare LF", "5\nhello\r\n0\r\n\r\n"),
            arguments("size line with CR not followed by LF", "5\rhello\r\n0\r\n\r\n"),
            arguments("extension ended by a bare LF", "5;a=b\nhello\r\n0\r\n\r\n"),
            arguments("non-hex size", "g\r\nhello\r\n0\r\n\r\n"),
            arguments("size with 0x prefix", "0x5\r\nhello\r\n0\r\n\r\n"),
            arguments("negative size", "-5\r\nhello\r\n0\r\n\r\n"),
            arguments("size with a plus sign", "+5\r\nhello\r\n0\r\n\r\n"),
            arguments("empty size", "\r\nhello\r\n0\r\n\r\n"),
            arguments("extension without a size", ";a=b\r\nhello\r\n0\r\n\r\n"),
            arguments("size led by whitespace", " 5\r\nhello\r\n0\r\n\r\n"),
            arguments("hex digit after whitespace in the size", "5 6\r\nhello\r\n0\r\n\r\n"),
            arguments("junk after whitespace in the size", "5 x\r\nhello\r\n0\r\n\r\n"),
            arguments("16 hex digits", "1000000000000000\r\nhello\r\n0\r\n\r\n"),
            arguments("size overflowing a long", "ffffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
            arguments("chunk data longer than its size", "5\r\nhelloX\r\n0\r\n\r\n"),
            arguments("chunk data not followed by CRLF", "5\r\nhello0\r\n\r\n"),
            arguments("chunk data followed by a bare LF", "5\r\nhello\n0\r\n\r\n"),
            arguments("chunk data followed by CR and no LF", "5\r\nhello\rX0\r\n\r\n"),
            arguments("control character in an extension", "5;a\u0001b\r\nhello\r\n0\r\n\r\n"),
            arguments("NUL in an extension", "5;a=\0\r\nhello\r\n0\r\n\r\n"),
            arguments("DEL in an extension", "5;\u007f\r\nhello\r\n0\r\n\r\n"),
            arguments("bare LF ending the last chunk", "0\n\r\n"),
            arguments("trailer ended by a bare LF", "0\r\nX: 1\n\r\n"),
            arguments("trailer section ended by a bare LF", "0\r\nX: 1\r\n\n"),
            arguments("folded trailer", "0\r\nX: 1\r\n 2\r\n\r\n"),
            arguments("trailer with whitespace before the colon", "0\r\nX : 1\r\n\r\n"),
            arguments("trailer with NUL in the value", "0\r\nX: a\0b\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformedChunkedBodyWith400(String what, String wire) {
        for (int fragment : new int[] {Integer.MAX_VALUE, 1}) {
            BodyIn body = chunked(wire, fragment);

            Throwable t = catchThrowable(() -> readAll(body));

            assertThat(t).as("%s in fragments of %d", what, fragment).isInstanceOf(H1Exception.class);
            assertThat(((H1Exception) t).status()).isEqualTo(400);
        }
    }

    @Test
    void aBodyBrokenByAFramingErrorFailsEveryLaterReadAndDrain() {
        // 16 hex digits fail after the 16th; parsing on from there would find "0" CRLF CRLF, a last chunk
        BodyIn body = chunked("ffffffffffffffff0\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n");

        assertThatThrownBy(() -> body.read(new byte[10], 0, 10)).isInstanceOf(H1Exception.class);

        assertThat(body.isBroken()).isTrue();
        assertThatThrownBy(() -> body.read(new byte[10], 0, 10)).isInstanceOf(H1Exception.class);
        assertThatThrownBy(() -> body.drain(1024)).isInstanceOf(H1Exception.class);
        assertThat(body.isComplete()).isFalse();
    }

    @Test
    void rejectsTrailersLargerThanTheHeadLimit() {
        BodyIn body = BodyIn.chunked(buffer("0\r\nX: " + "t".repeat(200) + "\r\n\r\n"), new H1Parser(100, 10));

        assertThatThrownBy(() -> readAll(body))
                .isInstanceOfSatisfying(H1Exception.class, e -> assertThat(e.status()).isEqualTo(431));
    }

    @Test
    void failsWithEndOfStreamWhenTruncatedAnywhere() {
        // every proper prefix of a valid body, trailers included, ends too soon: always EOFException, never
        // a 400 for what is only a connection that closed, never a quiet -1
        String wire = "5;e=1\r\nhello\r\n1A\r\n" + "z".repeat(26) + "\r\n0\r\nX-T: 1\r\n\r\n";
        for (int cut = 0; cut < wire.length(); cut++) {
            for (int fragment : new int[] {Integer.MAX_VALUE, 1}) {
                BodyIn body = chunked(wire.substring(0, cut), fragment);

                Throwable t = catchThrowable(() -> readAll(body));

                assertThat(t).as("cut at %d of %s in fragments of %d", cut, wire, fragment)
                        .isExactlyInstanceOf(EOFException.class);
            }
        }
    }
}
