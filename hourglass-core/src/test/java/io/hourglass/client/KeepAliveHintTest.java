package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading a server's {@code Keep-Alive: timeout=N} and the reuse window it gives. */
class KeepAliveHintTest {

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            timeout=5                | 5
            timeout=5, max=100       | 5
            max=100, timeout=120     | 120
            Timeout = 7              | 7
            timeout="3"              | 3
            timeout=0                | 0
            max=100                  | -1
            timeout=                 | -1
            timeout=-1               | -1
            timeout=1.5              | -1
            timeout=soon             | -1
            timeout=9999999999       | -1
            timeouts=5               | -1
            ''                       | -1
            """)
    void readsTheTimeoutParameter(String value, long seconds) {
        assertThat(KeepAliveHint.timeoutSeconds(value)).isEqualTo(seconds);
    }

    @Test
    void noFieldNoHint() {
        assertThat(KeepAliveHint.timeoutSeconds(null)).isEqualTo(-1);
    }

    @Test
    void theWindowEndsAMarginBeforeTheServerCloses() {
        assertThat(KeepAliveHint.reuseWindowNanos(0)).isZero();
        assertThat(KeepAliveHint.reuseWindowNanos(1)).isEqualTo(750_000_000L);  // a quarter
        assertThat(KeepAliveHint.reuseWindowNanos(2)).isEqualTo(1_500_000_000L);
        assertThat(KeepAliveHint.reuseWindowNanos(5)).isEqualTo(4_000_000_000L); // at most a second
        assertThat(KeepAliveHint.reuseWindowNanos(120)).isEqualTo(119_000_000_000L);
    }
}
