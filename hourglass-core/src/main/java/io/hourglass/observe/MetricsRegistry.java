package io.hourglass.observe;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * A set of metric families, written out together in the Prometheus text format.
 *
 * <p><b>Registration.</b> Each family has a name that matches {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, a help text,
 * and label names that match {@code [a-zA-Z_][a-zA-Z0-9_]*} and do not start with {@code __}. A bad name throws
 * {@link IllegalArgumentException} naming it. Registering a name again with the same type, the same label
 * names in the same order (and, for histograms, the same bucket bounds) returns the family already there,
 * keeping the first help text, so independent components may each ask for the family they share. Any other
 * reuse of a name throws {@link IllegalArgumentException}, as does a name that collides with a sample another
 * family writes (a histogram {@code x} writes {@code x_bucket}, {@code x_sum} and {@code x_count}).
 * Callback gauges can never be registered twice. Families stay registered for the life of the registry.
 *
 * <p><b>Updating.</b> Families hand out children per list of label values; children are created on first use
 * and never removed. Looking a child up allocates a small key, so hot paths look it up once and keep it; the
 * child's own updates neither lock nor allocate. Keep the number of distinct label values small.
 *
 * <p><b>Writing.</b> {@link #writePrometheus(Appendable)} writes format 0.0.4: families in registration order,
 * each with {@code # HELP} and {@code # TYPE} lines even if it has no children yet, then its samples sorted by
 * label values (compared as strings, first label first). The text is built in memory first and appended in one
 * call, so a callback that throws leaves {@code out} untouched.
 *
 * <p><b>Reading.</b> {@link #families()} lists the families, and each lists its children, for code that
 * exports them elsewhere (the {@code hourglass-micrometer} module does).
 *
 * <p>Thread-safe: registration, updates and writing may run concurrently. A write sees each child's value at
 * some moment during the write; it is not an atomic snapshot across children.
 */
public final class MetricsRegistry {
    /** The HTTP {@code Content-Type} of {@link #writePrometheus}'s output. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Family> families = new LinkedHashMap<>(); // guarded by lock
    private final Map<String, Family> sampleOwners = new HashMap<>(); // sample name -> family; guarded by lock

    /** An empty registry. */
    public MetricsRegistry() {}

    /**
     * Registers, or returns the already registered, counter family {@code name}.
     *
     * @param name must end in {@code _total}, e.g. {@code hourglass_timeouts_total}
     * @param help one line for {@code # HELP}
     * @param labelNames the label names, in the order {@link Counter#labels} takes values
     * @return the family, new or already registered
     * @throws IllegalArgumentException for a bad name, or a name already used differently
     */
    public Counter counter(String name, String help, String... labelNames) {
        Names.checkMetricName(name);
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("counter name \"" + name + "\" must end in _total");
        }
        return register(new Counter(name, Names.checkHelp(name, help),
                Names.checkLabelNames(name, labelNames, Set.of())), Counter.class);
    }

    /**
     * Registers, or returns the already registered, gauge family {@code name}, whose children code sets.
     *
     * @param name the metric name, {@code [a-zA-Z_:][a-zA-Z0-9_:]*}
     * @param help one line for {@code # HELP}
     * @param labelNames the label names, in the order {@link Gauge#labels} takes values
     * @return the family, new or already registered
     * @throws IllegalArgumentException for a bad name, or a name already used differently
     */
    public Gauge gauge(String name, String help, String... labelNames) {
        Names.checkMetricName(name);
        return register(new Gauge(name, Names.checkHelp(name, help),
                Names.checkLabelNames(name, labelNames, Set.of())), Gauge.class);
    }

    /**
     * Registers a gauge without labels whose value is {@code value.getAsDouble()} at each write. The supplier
     * runs on the writing thread; it should be quick and must not call back into this registry. The gauge
     * {@linkplain Gauge#isComputed() is computed}.
     *
     * @param name the metric name, {@code [a-zA-Z_:][a-zA-Z0-9_:]*}
     * @param help one line for {@code # HELP}
     * @param value gives the value at each write
     * @throws IllegalArgumentException for a bad name, or a name already registered (by any call)
     */
    public void gauge(String name, String help, DoubleSupplier value) {
        Names.checkMetricName(name);
        if (value == null) {
            throw new IllegalArgumentException("callback of gauge " + name + " is null");
        }
        register(Gauge.computed(name, Names.checkHelp(name, help), List.of(),
                () -> Map.of(List.of(), value.getAsDouble())), Gauge.class);
    }

    /**
     * Registers a gauge family whose children and values are computed at each write: {@code samples} returns a
     * map from label values (one per label name, in order) to the value. Entries with a null value are skipped.
     * Use this for sets of label values that change between scrapes, such as TCP connections by peer. The
     * supplier runs on the writing thread and must not call back into this registry. The gauge
     * {@linkplain Gauge#isComputed() is computed}.
     *
     * @param name the metric name, {@code [a-zA-Z_:][a-zA-Z0-9_:]*}
     * @param help one line for {@code # HELP}
     * @param labelNames the label names, in the order the keys of the samples give values
     * @param samples gives the samples at each write
     * @throws IllegalArgumentException for a bad name, or a name already registered (by any call)
     * @throws IllegalStateException at write time, if the supplier returns a key of the wrong size
     */
    public void gauges(String name, String help, List<String> labelNames,
            Supplier<? extends Map<List<String>, ? extends Number>> samples) {
        Names.checkMetricName(name);
        if (samples == null) {
            throw new IllegalArgumentException("callback of gauge " + name + " is null");
        }
        List<String> labels = Names.checkLabelNames(name,
                labelNames == null ? null : labelNames.toArray(String[]::new), Set.of());
        register(Gauge.computed(name, Names.checkHelp(name, help), labels, samples), Gauge.class);
    }

    /**
     * Registers, or returns the already registered, histogram family {@code name} with the default bounds,
     * {@link Histogram#defaultSecondsBuckets()}.
     *
     * @param name the metric name, {@code [a-zA-Z_:][a-zA-Z0-9_:]*}
     * @param help one line for {@code # HELP}
     * @param labelNames the label names, in the order {@link Histogram#labels} takes values; not {@code le}
     * @return the family, new or already registered
     * @throws IllegalArgumentException for a bad name, a label named {@code le}, or a name already used
     *     differently
     */
    public Histogram histogram(String name, String help, String... labelNames) {
        return histogram(name, help, Histogram.defaultSecondsBuckets(), labelNames);
    }

    /**
     * Registers, or returns the already registered, histogram family {@code name}.
     *
     * @param name the metric name, {@code [a-zA-Z_:][a-zA-Z0-9_:]*}
     * @param help one line for {@code # HELP}
     * @param bucketBounds upper bounds, finite and strictly increasing; {@code +Inf} is added implicitly. Copied.
     * @param labelNames the label names, in the order {@link Histogram#labels} takes values; not {@code le}
     * @return the family, new or already registered
     * @throws IllegalArgumentException for a bad name or bounds, a label named {@code le}, or a name already
     *     used differently
     */
    public Histogram histogram(String name, String help, double[] bucketBounds, String... labelNames) {
        Names.checkMetricName(name);
        double[] bounds = Histogram.checkBounds(name, bucketBounds);
        return register(new Histogram(name, Names.checkHelp(name, help),
                Names.checkLabelNames(name, labelNames, Histogram.reservedLabels()), bounds), Histogram.class);
    }

    /**
     * The families registered so far, in registration order: a snapshot of the list, unmodifiable, holding the
     * live families. This is the read side for exporters to other metrics systems; switch over the sealed
     * {@link Family} to tell a {@link Counter}, {@link Gauge} or {@link Histogram} apart, then read their
     * {@code children()}, or, for a gauge that {@linkplain Gauge#isComputed() is computed}, its
     * {@link Gauge#samples()}. Families registered later are not in the list; none is ever removed.
     *
     * @return the families, in registration order
     */
    public List<Family> families() {
        lock.lock();
        try {
            return List.copyOf(families.values());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes every family in the Prometheus text format 0.0.4 (see the class comment for the order).
     *
     * @param out where the text goes, in one {@code append}
     * @throws IOException from {@code out}
     * @throws RuntimeException from a callback gauge, in which case nothing was appended
     */
    public void writePrometheus(Appendable out) throws IOException {
        out.append(toPrometheusText());
    }

    /**
     * {@return what {@link #writePrometheus} would write, as a string}
     *
     * @throws RuntimeException from a callback gauge
     */
    public String toPrometheusText() {
        List<Family> snapshot;
        lock.lock();
        try {
            snapshot = new ArrayList<>(families.values());
        } finally {
            lock.unlock();
        }
        StringBuilder sb = new StringBuilder(256 * snapshot.size());
        PrometheusWriter w = new PrometheusWriter(sb);
        for (Family f : snapshot) {
            f.write(w);
        }
        return sb.toString();
    }

    private <F extends Family> F register(F candidate, Class<F> type) {
        lock.lock();
        try {
            Family existing = families.get(candidate.name);
            if (existing != null) {
                if (type.isInstance(existing) && existing.sameDefinition(candidate)) {
                    return type.cast(existing);
                }
                throw new IllegalArgumentException("metric " + candidate.name + " is already registered as "
                        + existing.describe() + "; cannot register " + candidate.describe());
            }
            for (String sample : candidate.sampleNames()) {
                Family owner = sampleOwners.get(sample);
                if (owner != null) {
                    throw new IllegalArgumentException("metric " + candidate.name + " would write samples named "
                            + sample + ", which " + owner.describe() + " already writes");
                }
            }
            families.put(candidate.name, candidate);
            for (String sample : candidate.sampleNames()) {
                sampleOwners.put(sample, candidate);
            }
            return candidate;
        } finally {
            lock.unlock();
        }
    }
}
