package io.hourglass.observe;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gauge family: a value per list of label values that can go up and down, such as connections open now.
 * Children start at 0.
 *
 * <p>Get one from {@link MetricsRegistry#gauge(String, String, String...)}. For a value computed when
 * scraped, see {@link MetricsRegistry#gauge(String, String, java.util.function.DoubleSupplier)} and
 * {@link MetricsRegistry#gauges}.
 *
 * <p>As with {@link Counter}, {@link #labels} allocates a small key each call; cache the child. Thread-safe.
 */
public final class Gauge extends Family {
    private final Children<Child> children;

    Gauge(String name, String help, List<String> labelNames) {
        super(name, help, labelNames);
        this.children = new Children<>(name, labelNames, values -> new Child());
    }

    /**
     * The child for these label values, one per label name in registration order, created at 0 on first use.
     * The same values always return the same child.
     *
     * @throws IllegalArgumentException if the number of values differs from the number of label names, or a
     *     value is null
     */
    public Child labels(String... values) {
        return children.get(values);
    }

    /**
     * The children that exist now, by their label values (one per label name, in order), sorted as a scrape
     * writes them. The map is a snapshot, unmodifiable; the children in it are the live ones, so a reader
     * may keep one and read its value later. Children made after the call are not in it.
     */
    public Map<List<String>, Child> children() {
        return children.snapshot();
    }

    @Override
    public String type() {
        return "gauge";
    }

    @Override
    boolean sameDefinition(Family other) {
        return other instanceof Gauge g && g.labelNames.equals(labelNames);
    }

    @Override
    void write(PrometheusWriter out) {
        out.header(name, help, "gauge");
        for (Map.Entry<List<String>, Child> e : children.sorted()) {
            out.sample(name, labelNames, e.getKey(), e.getValue().value());
        }
    }

    /**
     * One gauge value, a double. Updates are lock-free compare-and-set loops on the value's bits and do not
     * allocate; under heavy contention on one child they retry.
     */
    public static final class Child {
        private final AtomicLong bits = new AtomicLong(Double.doubleToRawLongBits(0.0));

        Child() {}

        /** Replaces the value. */
        public void set(double value) {
            bits.set(Double.doubleToRawLongBits(value));
        }

        /** Adds 1. */
        public void inc() {
            add(1.0);
        }

        /** Subtracts 1. */
        public void dec() {
            add(-1.0);
        }

        /** Adds {@code delta}, which may be negative. */
        public void add(double delta) {
            long prev;
            long next;
            do {
                prev = bits.get();
                next = Double.doubleToRawLongBits(Double.longBitsToDouble(prev) + delta);
            } while (!bits.compareAndSet(prev, next));
        }

        /** The current value. */
        public double value() {
            return Double.longBitsToDouble(bits.get());
        }
    }
}
