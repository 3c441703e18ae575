package io.hourglass.observe;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A histogram family: per list of label values, counts of observations in buckets with fixed upper bounds,
 * plus their sum and count. Meant for durations in seconds and sizes in bytes.
 *
 * <p>An observation {@code v} falls in the first bucket whose upper bound {@code b} satisfies
 * {@code v <= b} (bounds are inclusive, as Prometheus's {@code le} says), or in the implicit {@code +Inf}
 * bucket above the last bound. The text format writes, for each child, one {@code <name>_bucket} sample per
 * bound with the <em>cumulative</em> count of observations {@code <= le}, then {@code le="+Inf"} (equal to
 * the count), {@code <name>_sum} and {@code <name>_count}.
 *
 * <p>Get one from {@link MetricsRegistry#histogram(String, String, double[], String...)}; the default
 * bounds are {@link #defaultSecondsBuckets()}. As with {@link Counter}, cache the child that
 * {@link #labels} returns. Thread-safe.
 */
public final class Histogram extends Family {
    private static final double[] DEFAULT_SECONDS =
            {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final double[] bounds;
    private final BucketIndex index; // finds an observation's bucket; shared by the children
    private final List<String> leValues; // formatted once: bounds, then +Inf
    private final Children<Child> children;

    Histogram(String name, String help, List<String> labelNames, double[] bounds) {
        super(name, help, labelNames);
        this.bounds = bounds;
        this.index = new BucketIndex(bounds);
        String[] le = new String[bounds.length + 1];
        for (int i = 0; i < bounds.length; i++) {
            le[i] = PrometheusWriter.formatDouble(bounds[i]);
        }
        le[bounds.length] = "+Inf";
        this.leValues = List.of(le);
        this.children = new Children<>(name, labelNames, values -> new Child(this.index, bounds.length));
    }

    /**
     * The default upper bounds for latencies in seconds, from 1 ms to 10 s:
     * 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10.
     *
     * @return the bounds, a fresh copy
     */
    public static double[] defaultSecondsBuckets() {
        return DEFAULT_SECONDS.clone();
    }

    /**
     * Checks and copies bucket bounds: at least one, all finite, strictly increasing. {@code +Inf} is implicit
     * and must not be given.
     */
    static double[] checkBounds(String metric, double[] bounds) {
        if (bounds == null || bounds.length == 0) {
            throw new IllegalArgumentException("histogram " + metric + " needs at least one bucket bound");
        }
        double[] copy = bounds.clone();
        for (int i = 0; i < copy.length; i++) {
            if (!Double.isFinite(copy[i])) {
                throw new IllegalArgumentException("histogram " + metric + ": bucket bound " + copy[i]
                        + " is not finite (+Inf is implicit)");
            }
            if (i > 0 && !(copy[i] > copy[i - 1])) {
                throw new IllegalArgumentException("histogram " + metric + ": bucket bounds must increase strictly, "
                        + copy[i - 1] + " then " + copy[i]);
            }
        }
        return copy;
    }

    static Set<String> reservedLabels() {
        return Set.of("le");
    }

    /**
     * The child for these label values, one per label name in registration order, created empty on first use.
     * The same values always return the same child.
     *
     * @param values the label values, one per label name, none null
     * @return the live child, to keep and update
     * @throws IllegalArgumentException if the number of values differs from the number of label names, or a
     *     value is null
     */
    public Child labels(String... values) {
        return children.get(values);
    }

    /** {@return the upper bounds of the buckets, without the implicit {@code +Inf}; a fresh copy} */
    public double[] bucketBounds() {
        return bounds.clone();
    }

    /**
     * The children that exist now, by their label values (one per label name, in order), sorted as a scrape
     * writes them. The map is a snapshot, unmodifiable; the children in it are the live ones, so a reader
     * may keep one and read its value later. Children made after the call are not in it.
     *
     * @return the children by label values
     */
    public Map<List<String>, Child> children() {
        return children.snapshot();
    }

    @Override
    public String type() {
        return "histogram";
    }

    @Override
    List<String> sampleNames() {
        return List.of(name + "_bucket", name + "_sum", name + "_count");
    }

    @Override
    boolean sameDefinition(Family other) {
        return other instanceof Histogram h && h.labelNames.equals(labelNames) && Arrays.equals(h.bounds, bounds);
    }

    @Override
    void write(PrometheusWriter out) {
        out.header(name, help, "histogram");
        String bucket = name + "_bucket";
        for (Map.Entry<List<String>, Child> e : children.sorted()) {
            long[] cumulative = e.getValue().cumulativeCounts();
            for (int i = 0; i < cumulative.length; i++) {
                out.sample(bucket, labelNames, e.getKey(), "le", leValues.get(i), cumulative[i]);
            }
            out.sample(name + "_sum", labelNames, e.getKey(), e.getValue().sum());
            out.sample(name + "_count", labelNames, e.getKey(), cumulative[cumulative.length - 1]);
        }
    }

    /**
     * One histogram. {@link #observe} is lock-free and allocation-free: the bucket found from the value's
     * bits and a small table (no search over the bounds), and two {@link LongAdder}/{@link DoubleAdder} updates.
     *
     * <p>Reads taken while observations are under way may see an observation in the counts but not yet in
     * the sum; the count always equals the {@code +Inf} bucket because both come from the same counters.
     */
    public static final class Child {
        private final BucketIndex index; // shared with the family
        private final LongAdder[] counts; // per bucket, not cumulative; last is +Inf
        private final DoubleAdder sum = new DoubleAdder();

        Child(BucketIndex index, int nBounds) {
            this.index = index;
            this.counts = new LongAdder[nBounds + 1];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        /**
         * Records one value. NaN lands in the {@code +Inf} bucket and makes the sum NaN; negative values land
         * in the first bucket.
         *
         * @param value the observation, in the family's unit (seconds for {@code _seconds})
         */
        public void observe(double value) {
            counts[index.of(value)].increment();
            sum.add(value);
        }

        /**
         * Records a duration given in nanoseconds (e.g. from {@link System#nanoTime()}) as seconds.
         *
         * @param nanos the duration in nanoseconds
         */
        public void observeNanos(long nanos) {
            observe(nanos / 1e9);
        }

        /** {@return the number of observations} */
        public long count() {
            long n = 0;
            for (LongAdder c : counts) {
                n += c.sum();
            }
            return n;
        }

        /** {@return the sum of all observed values} */
        public double sum() {
            return sum.sum();
        }

        /**
         * Cumulative counts: element {@code i} is the number of observations {@code <= bound[i]}; the last
         * element, one past the bounds, is the {@code +Inf} bucket and equals the count of this snapshot.
         *
         * @return the counts, a fresh array of {@code bucketBounds().length + 1} elements
         */
        public long[] cumulativeCounts() {
            long[] out = new long[counts.length];
            long running = 0;
            for (int i = 0; i < counts.length; i++) {
                running += counts[i].sum();
                out[i] = running;
            }
            return out;
        }
    }
}
