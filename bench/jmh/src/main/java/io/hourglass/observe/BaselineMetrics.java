package io.hourglass.observe;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The metric children as they were before issue 17 (commit 533c8a2), kept here only as the "before" arm of
 * {@link MetricsBench}, so that both arms run in one JMH run on the same machine state: a gauge child whose
 * every update is a compare-and-set loop on one word, and a histogram child that finds its bucket by a binary
 * search over the bounds. Not used by any code outside the benchmark.
 */
final class BaselineMetrics {
    private BaselineMetrics() {}

    /** Gauge.Child before: a double in an AtomicLong, every step a CAS loop. */
    static final class GaugeChild {
        private final AtomicLong bits = new AtomicLong(Double.doubleToRawLongBits(0.0));

        void inc() {
            add(1.0);
        }

        void dec() {
            add(-1.0);
        }

        void add(double delta) {
            long prev;
            long next;
            do {
                prev = bits.get();
                next = Double.doubleToRawLongBits(Double.longBitsToDouble(prev) + delta);
            } while (!bits.compareAndSet(prev, next));
        }

        double value() {
            return Double.longBitsToDouble(bits.get());
        }
    }

    /** Histogram.Child before: binary search, then a LongAdder and a DoubleAdder. */
    static final class HistogramChild {
        private final double[] bounds;
        private final LongAdder[] counts;
        private final DoubleAdder sum = new DoubleAdder();

        HistogramChild(double[] bounds) {
            this.bounds = bounds;
            this.counts = new LongAdder[bounds.length + 1];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observeNanos(long nanos) {
            double value = nanos / 1e9;
            int i = Arrays.binarySearch(bounds, value);
            counts[i >= 0 ? i : -i - 1].increment();
            sum.add(value);
        }

        long count() {
            long n = 0;
            for (LongAdder c : counts) {
                n += c.sum();
            }
            return n;
        }
    }
}
