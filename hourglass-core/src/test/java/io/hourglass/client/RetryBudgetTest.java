package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The per-origin retry budget, on time given as a parameter (no clock, no sleeping). */
class RetryBudgetTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 123_456_789_000L; // any instant: only differences count

    @Test
    void retriesAreAShareOfTheCallsUnderLoad() {
        RetryBudget b = new RetryBudget(20, 1, 10 * SECOND);
        long now = T0;
        int allowed = 0;
        // 100 calls a second for 10 s, every one of them failing and asking for a retry: the stuck upstream
        for (int i = 0; i < 1000; i++) {
            now += SECOND / 100;
            b.called(now);
            if (b.tryRetry(now)) {
                allowed++;
            }
        }
        assertThat(allowed).isEqualTo(200); // exactly 20 %, the floor (1 a second) adds nothing on top
    }

    @Test
    void theFloorDoesNotAddToTheShareAtTheStart() {
        RetryBudget b = new RetryBudget(20, 3, 10 * SECOND);
        long now = T0;
        int allowed = 0;
        // 50 calls a second for 10 s, each asking for two retries: at most 20 %, also in the first second
        for (int i = 0; i < 500; i++) {
            now += SECOND / 50;
            b.called(now);
            for (int k = 0; k < 2; k++) {
                if (b.tryRetry(now)) {
                    allowed++;
                }
            }
        }
        assertThat(allowed).isBetween(100, 102);
    }

    @Test
    void aQuietClientStillGetsTheFloor() {
        RetryBudget b = new RetryBudget(20, 2, 10 * SECOND);
        b.called(T0);
        int allowed = 0;
        while (b.tryRetry(T0)) {
            allowed++;
        }
        assertThat(allowed).isEqualTo(2); // 2 a second, though 20 % of one call is none
        assertThat(b.tryRetry(T0 + SECOND)).isTrue(); // the next second has its own two
        assertThat(b.tryRetry(T0 + SECOND)).isTrue();
        assertThat(b.tryRetry(T0 + SECOND)).isFalse();
    }

    @Test
    void noFloorAndNoCallsMeansNoRetries() {
        RetryBudget b = new RetryBudget(20, 0, 10 * SECOND);
        assertThat(b.tryRetry(T0)).isFalse();
        for (int i = 0; i < 4; i++) {
            b.called(T0);
        }
        assertThat(b.tryRetry(T0)).isFalse(); // 20 % of 4 is 0.8: not a whole retry
        b.called(T0);
        assertThat(b.tryRetry(T0)).isTrue();  // 20 % of 5
        assertThat(b.tryRetry(T0)).isFalse();
    }

    @Test
    void theWindowSlidesAndForgetsOldCallsAndRetries() {
        RetryBudget b = new RetryBudget(50, 0, 10 * SECOND);
        for (int i = 0; i < 10; i++) {
            b.called(T0);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(b.tryRetry(T0)).isTrue();
        }
        assertThat(b.tryRetry(T0)).isFalse();
        // 9.9 s later the calls and retries are still in the window
        assertThat(b.tryRetry(T0 + 9 * SECOND + 900_000_000L)).isFalse();
        // once the window has passed them, both are gone: a call buys a retry again, half of two calls one
        long later = T0 + 10 * SECOND;
        assertThat(b.tryRetry(later)).isFalse();
        b.called(later);
        b.called(later);
        assertThat(b.tryRetry(later)).isTrue();
        assertThat(b.tryRetry(later)).isFalse();
    }

    @Test
    void retriesSpentLongAgoDoNotCountButRecentOnesDo() {
        RetryBudget b = new RetryBudget(100, 0, 10 * SECOND);
        b.called(T0);
        assertThat(b.tryRetry(T0)).isTrue();
        long mid = T0 + 5 * SECOND;
        b.called(mid);
        assertThat(b.tryRetry(mid)).isTrue();   // 2 calls, 1 retry so far: the second fits
        assertThat(b.tryRetry(mid)).isFalse();  // 2 calls, 2 retries
        long later = T0 + 10 * SECOND + 1;      // the first bucket (a call and a retry) has left the window
        assertThat(b.tryRetry(later)).isFalse(); // 1 call, 1 retry
        b.called(later);
        assertThat(b.tryRetry(later)).isTrue();
    }

    @Test
    void aLongSilenceEmptiesTheWholeWindow() {
        RetryBudget b = new RetryBudget(20, 0, 10 * SECOND);
        for (int i = 0; i < 100; i++) {
            b.called(T0);
        }
        assertThat(b.tryRetry(T0 + 3600 * SECOND)).isFalse();
    }

    @Test
    void aClockReadALittleEarlierByAnotherThreadIsTheSameBucket() {
        RetryBudget b = new RetryBudget(100, 0, 10 * SECOND);
        b.called(T0 + SECOND);
        assertThat(b.tryRetry(T0 + SECOND - 5)).isTrue();
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new RetryBudget(-1, 0, SECOND)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryBudget(20, -1, SECOND)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryBudget(20, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
