package io.hourglass.internal.h1;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The seed corpus of each fuzz target: every malformed case of the codec's rejection tables
 * ({@link H1ParserRejectTest}, {@link ChunkedBodyTest}, {@link H1ParserResponseTest}), so a new rejection
 * case becomes a seed, plus valid messages of each kind. The files under
 * {@code src/test/resources/io/hourglass/internal/h1/<Target>Inputs/} are written from here
 * ({@link FuzzSeedsTest} checks they match; {@code scripts/fuzz.sh --write-seeds} rewrites them).
 */
final class FuzzSeeds {
    private FuzzSeeds() {}

    /** Seeds of each target class, by file name. */
    static Map<Class<?>, Map<String, byte[]>> all() {
        Map<Class<?>, Map<String, byte[]>> all = new LinkedHashMap<>();
        all.put(RequestFuzzTest.class, requests());
        all.put(ChunkedFuzzTest.class, chunked());
        all.put(ResponseFuzzTest.class, responses());
        return all;
    }

    private static final String CHUNKED_POST = "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    private static final String CHUNKED_200 = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

    static Map<String, byte[]> requests() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        put(m, "valid-get", "GET /a/b?c=d HTTP/1.1\r\nHost: example.com\r\n\r\n");
        put(m, "valid-post-length", "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello");
        put(m, "valid-post-chunked-trailers",
                CHUNKED_POST + "5;e=1\r\nhello\r\n1A\r\n" + "z".repeat(26) + "\r\n0\r\nX-T: 1\r\n\r\n");
        put(m, "valid-pipelined", "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
                + "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                + CHUNKED_POST + "3\r\nabc\r\n0\r\n\r\n"
                + "GET /4 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /never HTTP/1.1\r\n\r\n");
        put(m, "valid-http10-keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n");
        put(m, "valid-leading-crlf", "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n");
        put(m, "valid-expect-continue",
                "PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok");
        put(m, "valid-absolute-form", "OPTIONS http://h:8080/x?y HTTP/1.1\r\nHost: h:8080\r\n\r\n");
        put(m, "valid-identical-lengths", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 2\r\n\r\nok");
        put(m, "valid-many-fields", "GET / HTTP/1.1\r\nHost: h\r\n" + "X-F: v\r\n".repeat(99) + "\r\n");
        cases(m, "reject-", H1ParserRejectTest.rejected(), 2);
        try (Stream<Arguments> chunks = ChunkedBodyTest.malformed()) {
            chunks.forEach(a -> put(m, "reject-chunked-" + slug(a.get()[0]), CHUNKED_POST + a.get()[1]));
        }
        return m;
    }

    static Map<String, byte[]> chunked() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        put(m, "valid-simple", "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        put(m, "valid-extensions", "5;name=value\r\nhello\r\n3 ; a=b ;c\r\nabc\r\n2;q=\"x;y\\\"z\"\r\nde\r\n0;last\r\n\r\n");
        put(m, "valid-trailers", "3\r\nabc\r\n0\r\nX-Checksum: 900150983cd24fb0\r\nx-other:  two words \r\n\r\n");
        put(m, "valid-hex-case", "aB\r\n" + "x".repeat(0xab) + "\r\n00A\r\n0123456789\r\n0\r\n\r\n");
        put(m, "valid-then-next-request", "4\r\nwiki\r\n0\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n");
        cases(m, "reject-", ChunkedBodyTest.malformed(), 1);
        return m;
    }

    static Map<String, byte[]> responses() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        put(m, "valid-length", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
        put(m, "valid-chunked-trailers", CHUNKED_200 + "3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n");
        put(m, "valid-until-close", "HTTP/1.0 200 OK\r\n\r\nthe rest, until the server closes");
        put(m, "valid-interim-then-final",
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
        put(m, "valid-keep-alive-sequence", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                + "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n"
                + "HTTP/1.1 404 Not Found\r\nContent-Length: 7, 7\r\nConnection: close\r\n\r\nmissing");
        put(m, "valid-reason-obs-text", "HTTP/1.1 200 tr\u00e8s\tbien\r\nContent-Length: 0\r\n\r\n");
        cases(m, "reject-", H1ParserResponseTest.malformed(), 1);
        try (Stream<Arguments> chunks = ChunkedBodyTest.malformed()) {
            chunks.forEach(a -> put(m, "reject-chunked-" + slug(a.get()[0]), CHUNKED_200 + a.get()[1]));
        }
        return m;
    }

    private static void cases(Map<String, byte[]> m, String prefix, Stream<Arguments> table, int wireIndex) {
        try (table) {
            table.forEach(a -> put(m, prefix + slug(a.get()[0]), (String) a.get()[wireIndex]));
        }
    }

    private static void put(Map<String, byte[]> m, String name, String wire) {
        if (m.put(name, wire.getBytes(StandardCharsets.ISO_8859_1)) != null) {
            throw new IllegalStateException("two seeds named " + name);
        }
    }

    /** A file name from a case's description: lower case, runs of other characters as one '-'. */
    static String slug(Object what) {
        return what.toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("^-|-$", "");
    }
}
