package io.hourglass.observe;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A counter family: a value per list of label values that only goes up, from 0, for the life of the
 * registry (a process restart resets it, which Prometheus's {@code rate()} expects).
 *
 * <p>Get one from {@link MetricsRegistry#counter}. Its name ends in {@code _total} and is written as is,
 * with {@code # TYPE <name> counter}.
 *
 * <p>{@link #labels} finds or creates the child for some label values; it allocates a small key each call,
 * so look children up once and keep them:
 * <pre>{@code
 * Counter.Child opened = registry.counter("hourglass_client_connections_opened_total",
 *         "Connections the client opened.", "host").labels("example.com");
 * opened.inc(); // no allocation, no lock
 * }</pre>
 * Thread-safe.
 */
public final class Counter extends Family {
    private final Children<Child> children;

    Counter(String name, String help, List<String> labelNames) {
        super(name, help, labelNames);
        this.children = new Children<>(name, labelNames, values -> new Child());
    }

    /**
     * The child for these label values, one per label name in registration order, created at 0 on first use.
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
        return "counter";
    }

    @Override
    boolean sameDefinition(Family other) {
        return other instanceof Counter c && c.labelNames.equals(labelNames);
    }

    @Override
    void write(PrometheusWriter out) {
        out.header(name, help, "counter");
        for (Map.Entry<List<String>, Child> e : children.sorted()) {
            out.sample(name, labelNames, e.getKey(), e.getValue().value());
        }
    }

    /** One counter value. Updates are lock-free and allocation-free ({@link LongAdder}). */
    public static final class Child {
        private final LongAdder value = new LongAdder();

        Child() {}

        /** Adds 1. */
        public void inc() {
            value.increment();
        }

        /**
         * Adds {@code n}.
         *
         * @param n the amount, 0 or more
         * @throws IllegalArgumentException if {@code n} is negative: counters never go down
         */
        public void add(long n) {
            if (n < 0) {
                throw new IllegalArgumentException("counter increment must not be negative: " + n);
            }
            value.add(n);
        }

        /** {@return the sum of all increments so far; exact once concurrent updates have returned} */
        public long value() {
            return value.sum();
        }
    }
}
