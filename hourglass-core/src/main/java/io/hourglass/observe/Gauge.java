package io.hourglass.observe;

import io.hourglass.internal.GaugeAccess;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
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
    static {
        // Parts of a child's value computed at read time, for the server's connection states (see GaugeAccess);
        // lent through a package that is not exported.
        GaugeAccess.install(Child::attach);
    }

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
     * One gauge value, a double. Updates are lock-free and do not allocate. Whole-number steps
     * ({@link #inc}, {@link #dec}, {@link #add} of a whole number) go to a {@link LongAdder}, which spreads
     * updates from threads on different cores over separate cells instead of making them take turns on one
     * word: a client moves its connection-state gauges on every call from every caller's thread. (A server's
     * connection states are a part computed when the value is read, not steps: see GaugeAccess.)
     * {@link #set} and fractional {@link #add}s change a separate base value; the value is the base plus the
     * steps made since the last {@link #set}. So whole numbers up to 2<sup>53</sup> stay exact, and a value
     * set to a fraction reads back exactly until a step moves it, as before.
     *
     * <p>{@link #set} and reads of the value are the rare operations (a scrape, a gauge that is only set):
     * they pair base and step count under a small sequence lock that {@link #inc}, {@link #dec} and
     * {@link #add} never touch. A step that runs while a {@link #set} is under way counts on either side of it.
     */
    public static final class Child {
        /** Steps above this size go to the base: a double holds every whole number up to 2^53 exactly. */
        private static final long WHOLE_LIMIT = 1L << 53;

        private final AtomicLong base = new AtomicLong(Double.doubleToRawLongBits(0.0)); // set, plus fractions
        private final LongAdder steps = new LongAdder(); // whole-number steps since the child was made
        // volatile: read by value() on any thread; written only by set() while it holds the odd version
        private volatile long stepsAtSet;
        private final AtomicInteger version = new AtomicInteger(); // sequence lock: odd while set() writes
        private static final LongSupplier[] NO_PARTS = {};
        // Parts added by their owners and computed at each read (GaugeAccess). Copy-on-write under the child's
        // monitor, which only attach and detach take (a server's start and stop, never the request path);
        // volatile so that a read sees the array of the last attach or detach.
        private volatile LongSupplier[] parts = NO_PARTS;

        Child() {}

        /**
         * Replaces the value.
         *
         * @param value the new value
         */
        public void set(double value) {
            int v;
            while (((v = version.get()) & 1) != 0 || !version.compareAndSet(v, v + 1)) {
                Thread.onSpinWait(); // another set() is between its two writes: a few instructions
            }
            stepsAtSet = steps.sum();
            base.set(Double.doubleToRawLongBits(value));
            version.set(v + 2);
        }

        /** Adds 1. */
        public void inc() {
            steps.increment();
        }

        /** Subtracts 1. */
        public void dec() {
            steps.decrement();
        }

        /**
         * Adds {@code delta}.
         *
         * @param delta the amount to add, which may be negative
         */
        public void add(double delta) {
            long whole = (long) delta;
            if (whole == delta && Math.abs(whole) <= WHOLE_LIMIT) {
                steps.add(whole);
                return;
            }
            long prev;
            long next;
            do {
                prev = base.get();
                next = Double.doubleToRawLongBits(Double.longBitsToDouble(prev) + delta);
            } while (!base.compareAndSet(prev, next));
        }

        /** {@return the current value} */
        public double value() {
            while (true) {
                int v = version.get();
                if ((v & 1) == 0) {
                    long s = steps.sum() - stepsAtSet;
                    double b = Double.longBitsToDouble(base.get());
                    if (version.get() == v) {
                        s += computedParts();
                        return s == 0 ? b : b + s;
                    }
                }
                Thread.onSpinWait(); // a set() is between its two writes
            }
        }

        private long computedParts() {
            long sum = 0;
            for (LongSupplier p : parts) {
                sum += p.getAsLong();
            }
            return sum;
        }

        /** Adds {@code part} to the value until the returned action runs (GaugeAccess: not public API). */
        private Runnable attach(LongSupplier part) {
            synchronized (this) {
                LongSupplier[] a = java.util.Arrays.copyOf(parts, parts.length + 1);
                a[a.length - 1] = part;
                parts = a;
            }
            return () -> detach(part);
        }

        private void detach(LongSupplier part) {
            synchronized (this) {
                LongSupplier[] a = parts;
                for (int i = 0; i < a.length; i++) {
                    if (a[i] == part) {
                        LongSupplier[] b = new LongSupplier[a.length - 1];
                        System.arraycopy(a, 0, b, 0, i);
                        System.arraycopy(a, i + 1, b, i, a.length - i - 1);
                        parts = b;
                        return;
                    }
                }
            }
        }
    }
}
