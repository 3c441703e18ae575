package io.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Range fields, entity-tag lists and HTTP-dates, without a socket. */
class ByteRangesTest {

    static String decide(String field, long size) {
        ByteRanges.Decision d = ByteRanges.decide(field, size);
        if (d.ignore()) return "200";
        if (d.unsatisfiable()) return "416";
        return d.ranges().stream().map(r -> r.first() + "-" + r.last()).collect(Collectors.joining(" "));
    }

    @ParameterizedTest(name = "Range: {0} of {1} bytes -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            bytes=0-99          | 1000 | 0-99
            bytes=0-            | 1000 | 0-999
            bytes=-100          | 1000 | 900-999
            bytes=-5000         | 1000 | 0-999
            bytes=990-2000      | 1000 | 990-999
            bytes=0-0,-1        | 1000 | 0-0 999-999
            bytes= 1-2 , 5-6    | 1000 | 1-2 5-6
            Bytes=1-2           | 1000 | 1-2
            bytes=0-1,,3-4      | 1000 | 0-1 3-4
            bytes=1000-         | 1000 | 416
            bytes=1000-1005     | 1000 | 416
            bytes=-0            | 1000 | 416
            bytes=2000-,5-6     | 1000 | 5-6
            bytes=0-            | 0    | 416
            bytes=-5            | 0    | 200
            items=0-5           | 1000 | 200
            bytes=5-3           | 1000 | 200
            bytes=abc           | 1000 | 200
            bytes=-             | 1000 | 200
            bytes=1-2-3         | 1000 | 200
            bytes=              | 1000 | 200
            bytes=0-999,0-999   | 1000 | 200
            bytes=+1-2          | 1000 | 200
            """)
    void rangesAreDecidedAsRfc9110Says(String field, long size, String expected) {
        assertThat(decide(field, size)).isEqualTo(expected);
    }

    @Test
    void moreThanTheLimitOfRangesIsServedWhole() {
        StringBuilder b = new StringBuilder("bytes=");
        for (int i = 0; i <= ByteRanges.MAX_RANGES; i++) {
            b.append(i == 0 ? "" : ",").append(i * 2).append('-').append(i * 2);
        }
        assertThat(decide(b.toString(), 1000)).isEqualTo("200");
        assertThat(decide(b.substring(0, b.lastIndexOf(",")), 1000)).doesNotContain("200");
    }

    @Test
    void theMultipartLengthIsTheLengthOfTheBody() {
        var ranges = ByteRanges.decide("bytes=0-9,20-29", 100).ranges();
        String boundary = "b0";
        long expected = ByteRanges.partHead(boundary, "text/plain", ranges.get(0), 100, true).length + 10
                + ByteRanges.partHead(boundary, "text/plain", ranges.get(1), 100, false).length + 10
                + ByteRanges.closing(boundary).length;
        assertThat(ByteRanges.multipartLength(boundary, "text/plain", ranges, 100)).isEqualTo(expected);
        assertThat(new String(ByteRanges.partHead(boundary, "text/plain", ranges.get(1), 100, false)))
                .isEqualTo("\r\n--b0\r\nContent-Type: text/plain\r\nContent-Range: bytes 20-29/100\r\n\r\n");
    }

    @ParameterizedTest(name = "{0} vs {1}, strong={2}: {3}")
    @CsvSource(delimiter = '|', textBlock = """
            "a"              | "a"    | true  | true
            W/"a"            | "a"    | true  | false
            W/"a"            | "a"    | false | true
            "b", "a"         | "a"    | true  | true
            *                | "a"    | true  | true
            "a               | "a"    | false | false
            a                | "a"    | false | false
            "a" "b"          | "a"    | false | false
            """)
    void entityTagsCompareStronglyOrWeakly(String field, String etag, boolean strong, boolean expected) {
        assertThat(Preconditions.matches(field, etag, strong)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Sun, 06 Nov 1994 08:49:37 GMT   | 784111777
            Sunday, 06-Nov-94 08:49:37 GMT  | 784111777
            Sun Nov  6 08:49:37 1994        | 784111777
            Sun Nov 16 08:49:37 1994        | 784975777
            """)
    void theThreeDateFormatsParse(String date, long epoch) {
        assertThat(Preconditions.parseDate(date)).isEqualTo(epoch);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            yesterday
            Sun, 06 Nov 1994 08:49:37 CET
            Sun, 06 Foo 1994 08:49:37 GMT
            Sun, 36 Nov 1994 08:49:37 GMT
            Sun, 06 Nov 1994 08-49-37 GMT
            1994-11-06T08:49:37Z
            """)
    void anythingElseIsNotADate(String date) {
        assertThat(Preconditions.parseDate(date)).isEqualTo(Preconditions.NO_DATE);
    }

    @Test
    void datesFormatAsImfFixdate() {
        assertThat(Preconditions.formatDate(784111777)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    }
}
