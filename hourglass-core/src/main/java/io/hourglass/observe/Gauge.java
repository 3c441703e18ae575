package io.hourglass.observe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A gauge family: a value per list of label values that can go up and down, such as connections open now.
 *
 * <p>A gauge gets its values in one of two ways, fixed when it is registered:
 * <ul>
 * <li><b>Set</b> ({@link MetricsRegistry#gauge(String, String, String...)}): the code that knows the value
 *     updates a {@link Child}, found with {@link #labels}. Children start at 0. As with {@link Counter},
 *     {@link #labels} allocates a small key each call; cache the child.</li>
 * <li><b>Computed</b> ({@link MetricsRegistry#gauge(String, String, java.util.function.DoubleSupplier)} and
 *     {@link MetricsRegistry#gauges}): a callback computes the samples each time the gauge is read, at every
 *     scrape and every call of {@link #samples()}; the label values may change from one read to the next
 *     (TCP connections by peer, say). {@link #isComputed()} tells; such a gauge has no children.</li>
 * </ul>
 * Thread-safe.
 */
public final class Gauge extends Family {
    private final Children<Child> children; // null when computed
    private final Supplier<? extends Map<List<String>, ? extends Number>> callback; // null when set

    Gauge(String name, String help, List<String> labelNames) {
        super(name, help, labelNames);
        this.children = new Children<>(name, labelNames, values -> new Child());
        this.callback = null;
    }

    private Gauge(String name, String help, List<String> labelNames,
            Supplier<? extends Map<List<String>, ? extends Number>> callback) {
        super(name, help, labelNames);
        this.children = null;
        this.callback = callback;
    }

    /** A computed gauge: {@code callback} returns label values (one per label name, in order) to value. */
    static Gauge computed(String name, String help, List<String> labelNames,
            Supplier<? extends Map<List<String>, ? extends Number>> callback) {
        return new Gauge(name, help, labelNames, callback);
    }

    /** {@return true if a callback computes this gauge's samples when read, false if code sets its children} */
    public boolean isComputed() {
        return callback != null;
    }

    /**
     * The child for these label values, one per label name in registration order, created at 0 on first use.
     * The same values always return the same child.
     *
     * @param values the label values, one per label name, none null
     * @return the live child, to keep and update
     * @throws IllegalArgumentException if the number of values differs from the number of label names, or a
     *     value is null
     * @throws IllegalStateException if the gauge {@linkplain #isComputed() is computed}: it has no children
     */
    public Child labels(String... values) {
        if (children == null) {
            throw new IllegalStateException("gauge " + name + " is computed by its callback; it has no children "
                    + "to set");
        }
        return children.get(values);
    }

    /**
     * The children that exist now, by their label values (one per label name, in order), sorted as a scrape
     * writes them. The map is a snapshot, unmodifiable; the children in it are the live ones, so a reader
     * may keep one and read its value later. Children made after the call are not in it. Empty for a
     * {@linkplain #isComputed() computed} gauge: read its {@link #samples()}.
     *
     * @return the children by label values
     */
    public Map<List<String>, Child> children() {
        return children == null ? Map.of() : children.snapshot();
    }

    /**
     * The values now, by label values (one per label name, in order), sorted as a scrape writes them;
     * unmodifiable. For a set gauge, the children's values at some moment during the call. For a computed
     * gauge, the callback runs now on the calling thread, and the entries it returned with a null value are
     * left out; it may be slow (reading {@code /proc}, say), so read as often as a scrape would, not per
     * request.
     *
     * @return the samples by label values
     * @throws IllegalStateException if the callback returned label values of the wrong size, or a null one
     * @throws RuntimeException from the callback
     */
    public Map<List<String>, Number> samples() {
        if (children != null) {
            Map<List<String>, Number> out = new LinkedHashMap<>();
            for (Map.Entry<List<String>, Child> e : children.sorted()) {
                out.put(e.getKey(), e.getValue().value());
            }
            return Collections.unmodifiableMap(out);
        }
        return computedSamples();
    }

    private Map<List<String>, Number> computedSamples() {
        Map<List<String>, ? extends Number> now = callback.get();
        List<Map.Entry<List<String>, Number>> entries = new ArrayList<>();
        if (now != null) {
            for (Map.Entry<List<String>, ? extends Number> e : now.entrySet()) {
                List<String> values = e.getKey();
                if (values == null || values.size() != labelNames.size() || hasNull(values)) {
                    throw new IllegalStateException("callback of gauge " + name + " returned label values "
                            + values + " for labels " + labelNames);
                }
                if (e.getValue() != null) {
                    entries.add(Map.entry(List.copyOf(values), e.getValue()));
                }
            }
        }
        entries.sort(Map.Entry.comparingByKey(Children.byValues()));
        Map<List<String>, Number> out = new LinkedHashMap<>();
        for (Map.Entry<List<String>, Number> e : entries) {
            out.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(out);
    }

    private static boolean hasNull(List<String> values) {
        for (String v : values) {
            if (v == null) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String type() {
        return "gauge";
    }

    /** Callbacks cannot be compared, so a computed gauge conflicts with any second registration of its name. */
    @Override
    boolean sameDefinition(Family other) {
        return other instanceof Gauge g && !isComputed() && !g.isComputed() && g.labelNames.equals(labelNames);
    }

    @Override
    void write(PrometheusWriter out) {
        if (children != null) {
            out.header(name, help, "gauge");
            for (Map.Entry<List<String>, Child> e : children.sorted()) {
                out.sample(name, labelNames, e.getKey(), e.getValue().value());
            }
            return;
        }
        Map<List<String>, Number> now = computedSamples(); // before the header: a failing callback writes nothing
        out.header(name, help, "gauge");
        for (Map.Entry<List<String>, Number> e : now.entrySet()) {
            Number v = e.getValue();
            if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
                out.sample(name, labelNames, e.getKey(), v.longValue());
            } else {
                out.sample(name, labelNames, e.getKey(), v.doubleValue());
            }
        }
    }

    /**
     * One gauge value, a double. Updates are lock-free compare-and-set loops on the value's bits and do not
     * allocate; under heavy contention on one child they retry.
     */
    public static final class Child {
        private final AtomicLong bits = new AtomicLong(Double.doubleToRawLongBits(0.0));

        Child() {}

        /**
         * Replaces the value.
         *
         * @param value the new value
         */
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

        /**
         * Adds {@code delta}.
         *
         * @param delta the amount to add, which may be negative
         */
        public void add(double delta) {
            long prev;
            long next;
            do {
                prev = bits.get();
                next = Double.doubleToRawLongBits(Double.longBitsToDouble(prev) + delta);
            } while (!bits.compareAndSet(prev, next));
        }

        /** {@return the current value} */
        public double value() {
            return Double.longBitsToDouble(bits.get());
        }
    }
}
