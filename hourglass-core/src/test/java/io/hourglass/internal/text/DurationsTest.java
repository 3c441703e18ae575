package io.hourglass.internal.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go duration syntax, as time.ParseDuration and Duration.String read and write it. */
class DurationsTest {

    @ParameterizedTest(name = "{0} = {1}ns")
    @CsvSource({
        "250ms, 250000000",
        "1.5s, 1500000000",
        "2m, 120000000000",
        "1m30s, 90000000000",
        "1h, 3600000000000",
        "1h30m, 5400000000000",
        "2h45m30.5s, 9930500000000",
        "0, 0",
        "0s, 0",
        "0ms, 0",
        "500us, 500000",
        "500\u00b5s, 500000",
        "500\u03bcs, 500000",
        "100ns, 100",
        "0.5ms, 500000",
        ".5s, 500000000",
        "1.s, 1000000000",
        "1s500ms, 1500000000",
        "1.0000000005s, 1000000001",
        "90s, 90000000000",
    })
    void parsesGoDurations(String text, long nanos) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "5", "-1s", "+1s", "1x", "s", "ms", "1.2.3s", ".s", "1 s", "1s ", " 1s", "1S", "1sec",
            "1m30", "1d", "10000000h"})
    void rejectsMalformedDurations(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(text.isEmpty() ? "empty" : "\"" + text + "\"");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> Durations.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void missingUnitMessageSuggestsOne() {
        assertThatThrownBy(() -> Durations.parse("30"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing unit")
                .hasMessageContaining("250ms");
    }

    @ParameterizedTest(name = "{0}ns -> {1}")
    @CsvSource({
        "0, 0s",
        "1, 1ns",
        "999, 999ns",
        "1500, 1.5\u00b5s",
        "250000000, 250ms",
        "1500000000, 1.5s",
        "1000000000, 1s",
        "59000000000, 59s",
        "60000000000, 1m0s",
        "90000000000, 1m30s",
        "120000000000, 2m0s",
        "3600000000000, 1h0m0s",
        "5400000000000, 1h30m0s",
        "3723500000000, 1h2m3.5s",
        "9930500000000, 2h45m30.5s",
    })
    void formatsLikeGo(long nanos, String text) {
        assertThat(Durations.format(Duration.ofNanos(nanos))).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0}ns -> {1}")
    @CsvSource({
        "999999999, 999.999ms",
        "999999, 999.999\u00b5s",
        "59999900000, 59.999s",
        "119999900000, 1m59.999s",
        "3599999999999, 59m59.999s",
    })
    void formatNeverRoundsUpIntoTheNextUnit(long nanos, String text) {
        // Go prints every digit; three decimals are enough here, but rounding 999.9999 up gives "1000ms"
        // or "1m60s", which no reader expects
        assertThat(Durations.format(Duration.ofNanos(nanos))).isEqualTo(text);
    }

    @Test
    void formatsNullAsNone() {
        assertThat(Durations.format(null)).isEqualTo("none");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0s", "1ns", "250ms", "1.5s", "1m30s", "2h45m30.5s", "1.5\u00b5s"})
    void formatReadsBackAsTheSameDuration(String text) {
        Duration d = Durations.parse(text);

        assertThat(Durations.format(d)).isEqualTo(text);
        assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }
}
