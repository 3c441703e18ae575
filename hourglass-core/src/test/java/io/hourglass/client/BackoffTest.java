package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Jittered exponential backoff and Retry-After. */
class BackoffTest {
    private static final long MS = 1_000_000L;

    @Test
    void theCeilingDoublesUpToTheMaximum() {
        Backoff b = new Backoff(25 * MS, 250 * MS);
        assertThat(b.ceiling(1)).isEqualTo(25 * MS);
        assertThat(b.ceiling(2)).isEqualTo(50 * MS);
        assertThat(b.ceiling(3)).isEqualTo(100 * MS);
        assertThat(b.ceiling(4)).isEqualTo(200 * MS);
        assertThat(b.ceiling(5)).isEqualTo(250 * MS);
        assertThat(b.ceiling(500)).isEqualTo(250 * MS);
    }

    @Test
    void delaysAreSpreadOverTheWholeRange() {
        Backoff b = new Backoff(25 * MS, 250 * MS);
        SplittableRandom r = new SplittableRandom(42);
        long min = Long.MAX_VALUE;
        long max = 0;
        long sum = 0;
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            long d = b.delayNanos(3, r);
            assertThat(d).isBetween(0L, 100 * MS);
            min = Math.min(min, d);
            max = Math.max(max, d);
            sum += d;
        }
        // full jitter: uniform on [0, 100 ms]; callers that failed together come back apart
        assertThat(min).isLessThan(2 * MS);
        assertThat(max).isGreaterThan(98 * MS);
        assertThat(sum / n).isBetween(45 * MS, 55 * MS);
    }

    @Test
    void noBaseMeansNoWait() {
        assertThat(new Backoff(0, 0).delayNanos(3, new SplittableRandom(1))).isZero();
    }

    @Test
    void retryAfterInSeconds() {
        assertThat(Backoff.retryAfterNanos("2", 0)).isEqualTo(2_000 * MS);
        assertThat(Backoff.retryAfterNanos(" 0 ", 0)).isZero();
        assertThat(Backoff.retryAfterNanos("99999999999999999999", 0)).isEqualTo((1L << 32) * 1_000 * MS);
    }

    @Test
    void retryAfterAsADate() {
        long now = ZonedDateTime.of(2026, 12, 6, 10, 0, 0, 0, ZoneOffset.UTC).toInstant().toEpochMilli();
        String in3s = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.of(2026, 12, 6, 10, 0, 3, 0, ZoneOffset.UTC));
        assertThat(Backoff.retryAfterNanos(in3s, now)).isEqualTo(3_000 * MS);
        assertThat(Backoff.retryAfterNanos("Sun, 06 Dec 2026 09:59:00 GMT", now)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "1.5", "-1", "2s", "Sun, 99 Dec 2026 09:59:00 GMT"})
    void invalidRetryAfterIsIgnored(String v) {
        assertThat(Backoff.retryAfterNanos(v, 0)).isEqualTo(-1);
    }

    @Test
    void absentRetryAfterIsIgnored() {
        assertThat(Backoff.retryAfterNanos(null, 0)).isEqualTo(-1);
    }
}
