package io.hourglass.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HistogramTest {
    private final MetricsRegistry registry = new MetricsRegistry();

    @Test
    void bucketsAreCumulativeAndBoundsInclusive() {
        Histogram.Child h = registry.histogram("d_seconds", "D.", new double[] {0.1, 0.5, 1}).labels();
        h.observe(0.05); // <= 0.1
        h.observe(0.1); // == bound: still the 0.1 bucket
        h.observe(0.3); // <= 0.5
        h.observe(1.0); // <= 1
        h.observe(7); // +Inf only

        assertThat(h.cumulativeCounts()).containsExactly(2, 3, 4, 5);
        assertThat(h.count()).isEqualTo(5);
        assertThat(h.sum()).isCloseTo(8.45, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(registry.toPrometheusText()).isEqualTo("""
                # HELP d_seconds D.
                # TYPE d_seconds histogram
                d_seconds_bucket{le="0.1"} 2
                d_seconds_bucket{le="0.5"} 3
                d_seconds_bucket{le="1"} 4
                d_seconds_bucket{le="+Inf"} 5
                d_seconds_sum 8.45
                d_seconds_count 5
                """);
    }

    @Test
    void labelledHistogramPutsLeLast() {
        Histogram h = registry.histogram("hourglass_server_request_duration_seconds", "Request duration.",
                new double[] {0.01, 1}, "method");
        h.labels("GET").observeNanos(2_000_000); // 2 ms
        h.labels("POST").observeNanos(3_000_000_000L); // 3 s

        assertThat(registry.toPrometheusText()).isEqualTo("""
                # HELP hourglass_server_request_duration_seconds Request duration.
                # TYPE hourglass_server_request_duration_seconds histogram
                hourglass_server_request_duration_seconds_bucket{method="GET",le="0.01"} 1
                hourglass_server_request_duration_seconds_bucket{method="GET",le="1"} 1
                hourglass_server_request_duration_seconds_bucket{method="GET",le="+Inf"} 1
                hourglass_server_request_duration_seconds_sum{method="GET"} 0.002
                hourglass_server_request_duration_seconds_count{method="GET"} 1
                hourglass_server_request_duration_seconds_bucket{method="POST",le="0.01"} 0
                hourglass_server_request_duration_seconds_bucket{method="POST",le="1"} 0
                hourglass_server_request_duration_seconds_bucket{method="POST",le="+Inf"} 1
                hourglass_server_request_duration_seconds_sum{method="POST"} 3
                hourglass_server_request_duration_seconds_count{method="POST"} 1
                """);
    }

    @Test
    void defaultBucketsSpanOneMillisecondToTenSeconds() {
        Histogram h = registry.histogram("x_seconds", "X.");
        assertThat(h.bucketBounds())
                .containsExactly(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);
        assertThat(registry.toPrometheusText())
                .contains("x_seconds_bucket{le=\"0.001\"} 0\n", "x_seconds_bucket{le=\"0.0025\"} 0\n",
                        "x_seconds_bucket{le=\"10\"} 0\n", "x_seconds_bucket{le=\"+Inf\"} 0\n",
                        "x_seconds_sum 0\n", "x_seconds_count 0\n");
        // The caller's copy cannot change the family.
        h.bucketBounds()[0] = 99;
        assertThat(h.bucketBounds()[0]).isEqualTo(0.001);
    }

    @Test
    void everyValueLandsInExactlyOneBucket() {
        double[] bounds = {0.001, 0.01, 0.1, 1};
        Histogram.Child h = registry.histogram("e_seconds", "E.", bounds).labels();
        long[] expected = new long[bounds.length + 1];
        for (int i = 0; i <= 2000; i++) {
            double v = i * 0.001; // 0 .. 2 s in 1 ms steps, hitting every bound exactly
            h.observe(v);
            int bucket = bounds.length;
            for (int b = 0; b < bounds.length; b++) {
                if (v <= bounds[b]) {
                    bucket = b;
                    break;
                }
            }
            expected[bucket]++;
        }
        long running = 0;
        long[] cumulative = h.cumulativeCounts();
        for (int i = 0; i < expected.length; i++) {
            running += expected[i];
            assertThat(cumulative[i]).as("bucket %d", i).isEqualTo(running);
        }
        assertThat(h.count()).isEqualTo(2001);
    }

    @Test
    void negativeValuesGoToTheFirstBucketAndNanToInf() {
        Histogram.Child h = registry.histogram("n_seconds", "N.", new double[] {1, 2}).labels();
        h.observe(-5);
        h.observe(Double.NaN);
        assertThat(h.cumulativeCounts()).containsExactly(1, 1, 2);
        assertThat(h.sum()).isNaN();
    }

    @Test
    void badBoundsAreRefused() {
        assertThatThrownBy(() -> registry.histogram("a", "A.", new double[] {}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
        assertThatThrownBy(() -> registry.histogram("b", "B.", new double[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("strictly");
        assertThatThrownBy(() -> registry.histogram("c", "C.", new double[] {2, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("strictly");
        assertThatThrownBy(() -> registry.histogram("d", "D.", new double[] {1, Double.POSITIVE_INFINITY}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("implicit");
        assertThatThrownBy(() -> registry.histogram("e", "E.", new double[] {Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }

    @Test
    void boundsArrayIsCopiedAtRegistration() {
        double[] bounds = {1, 2};
        Histogram h = registry.histogram("copy_seconds", "C.", bounds);
        bounds[0] = 0.5;
        assertThat(h.bucketBounds()).containsExactly(1, 2);
    }
}
