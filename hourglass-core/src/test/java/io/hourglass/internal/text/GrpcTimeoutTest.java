package io.hourglass.internal.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The grpc-timeout syntax that the deadline header uses: 1 to 8 digits and a unit. */
class GrpcTimeoutTest {

    @ParameterizedTest(name = "{0} = {1}ns")
    @CsvSource({
        "250m, 250000000",
        "2S, 2000000000",
        "1H, 3600000000000",
        "3M, 180000000000",
        "1500u, 1500000",
        "7n, 7",
        "0m, 0",
        "99999999n, 99999999",
        "00000001S, 1000000000",
        "' 5S\t', 5000000000",
    })
    void parsesTheUnits(String text, long nanos) {
        assertThat(GrpcTimeout.parse(text)).isEqualTo(nanos);
    }

    @ParameterizedTest(name = "\"{0}\" is not a timeout")
    @ValueSource(strings = {"", " ", "S", "m", "100", "123456789m", "1s", "1ms", "-1m", "+1m", "1.5S", "1 S",
        "1x", "1h", "0x10m", "١m"})
    void rejectsWhatIsNotTheSyntax(String text) {
        assertThat(GrpcTimeout.parse(text)).isEqualTo(-1);
    }

    @Test
    void absentIsNotATimeout() {
        assertThat(GrpcTimeout.parse(null)).isEqualTo(-1);
    }

    @Test
    void hoursThatOverflowSaturate() {
        assertThat(GrpcTimeout.parse("99999999H")).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest(name = "{0}ns = {1}")
    @CsvSource({
        "0, 0n",
        "7, 7n",
        "99999999, 99999999n",
        "100000000, 100000u",
        "250000000, 250000u",
        "250000999, 250000u",
        "3000000000, 3000000u",
        "10000000000, 10000000u",
        "100000000000, 100000m",
        "100000000000000, 100000S",
        "9223372036854775807, 2562047H",
    })
    void formatsInTheFinestUnitThatFitsRoundingDown(long nanos, String text) {
        assertThat(GrpcTimeout.format(nanos)).isEqualTo(text);
        assertThat(GrpcTimeout.parse(text)).isLessThanOrEqualTo(nanos).isGreaterThan(nanos - nanos / 1000 - 1);
    }

    @Test
    void aNegativeTimeoutCannotBeFormatted() {
        assertThatThrownBy(() -> GrpcTimeout.format(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
    }
}
