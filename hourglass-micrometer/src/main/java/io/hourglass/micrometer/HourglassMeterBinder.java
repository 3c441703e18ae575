package io.hourglass.micrometer;

import io.hourglass.observe.Counter;
import io.hourglass.observe.Family;
import io.hourglass.observe.Gauge;
import io.hourglass.observe.Histogram;
import io.hourglass.observe.MetricsRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Shows the meters of an Hourglass {@link MetricsRegistry} in a Micrometer {@link MeterRegistry}, for
 * applications that publish through Micrometer rather than scraping Hourglass's own Prometheus text.
 *
 * <pre>{@code
 * Server server = Server.start(config, handler);
 * new HourglassMeterBinder(server.metrics()).bindTo(meterRegistry);
 * }</pre>
 *
 * <p><b>Nothing is copied.</b> Every Micrometer meter is a function meter that reads the Hourglass value when
 * Micrometer publishes, so the two always agree and Hourglass's request path does no extra work.
 *
 * <p><b>How each kind maps</b> (one Micrometer meter per Hourglass child; labels become tags):
 * <table>
 * <caption>Hourglass kinds and the Micrometer meters that show them</caption>
 * <tr><th>Hourglass</th><th>Micrometer</th><th>name</th></tr>
 * <tr><td>{@link Counter}</td><td>{@link FunctionCounter} of {@link Counter.Child#value()}</td>
 *     <td>{@code _total} dropped: {@code hourglass.server.requests}</td></tr>
 * <tr><td>{@link Gauge}, set</td><td>{@link io.micrometer.core.instrument.Gauge} of {@link Gauge.Child#value()}</td>
 *     <td>{@code hourglass.server.connections}</td></tr>
 * <tr><td>{@link Histogram} named {@code *_seconds}</td><td>{@link FunctionTimer}: count and total time, in
 *     seconds</td><td>{@code _seconds} dropped (Micrometer adds the base unit):
 *     {@code hourglass.server.request.duration}</td></tr>
 * <tr><td>any other {@link Histogram}</td><td>two {@link FunctionCounter}s, {@code <name>.count} and
 *     {@code <name>.sum}</td><td>{@code <name>.count}, {@code <name>.sum}</td></tr>
 * <tr><td>{@link Gauge}, computed</td><td>one {@link io.micrometer.core.instrument.Gauge} per label set
 *     present when bound; the callback runs at most once a second for all of them</td>
 *     <td>{@code hourglass.client.connections}</td></tr>
 * </table>
 * Underscores become dots, Micrometer's own convention; its Prometheus registry turns the names back into the
 * Hourglass ones ({@code hourglass_server_requests_total}, {@code hourglass_server_request_duration_seconds_count}).
 *
 * <p><b>What does not cross over, honestly:</b>
 * <ul>
 * <li>Histogram buckets. A {@link FunctionTimer} has a count and a sum, hence a mean, but no percentiles: a
 *     Micrometer timer computes those from its own recordings, and cannot take pre-aggregated buckets. For
 *     the bucket counts, use {@link #withBucketCounters()}: each bucket becomes a {@link FunctionCounter}
 *     {@code <name>.buckets} tagged {@code le} (cumulative, as in Prometheus), from which a backend that
 *     understands {@code le} can estimate quantiles. Or scrape Hourglass's Prometheus text.</li>
 * <li>Computed gauges whose label sets change, such as {@code hourglass_tcp_connections{state,peer}}: a
 *     Micrometer gauge is fixed, so the binder makes one per label set that the callback returned when
 *     {@link #bindTo} ran. A label set missing from a later read reads {@code NaN} (most registries then skip
 *     it); one that appears later is shown after the next {@link #bindTo}. The values of one family come from
 *     one run of the callback, reused for a second, so a publish that reads all of them (TCP states read
 *     {@code /proc/net/tcp}) runs it once.</li>
 * <li>Children made after {@link #bindTo}. Hourglass makes a child the first time a label value is seen (a
 *     new client host, say). Call {@link #bindTo} again, for instance on a schedule: meters already bound are
 *     found again by Micrometer, not duplicated, and the new children are added. The server makes all of its
 *     children when it starts, so binding after {@code Server.start} shows all of them.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class HourglassMeterBinder implements MeterBinder {
    private static final long SAMPLES_REUSED_NANOS = 1_000_000_000L;

    private final MetricsRegistry source;
    private final boolean bucketCounters;
    private final long samplesReusedNanos;
    private final Map<Gauge, Samples> samples = new ConcurrentHashMap<>(); // computed gauges only

    /**
     * A binder for {@code source}'s meters, without bucket counters.
     *
     * @param source the Hourglass registry to show, e.g. {@code server.metrics()}
     */
    public HourglassMeterBinder(MetricsRegistry source) {
        this(source, false, SAMPLES_REUSED_NANOS);
    }

    HourglassMeterBinder(MetricsRegistry source, boolean bucketCounters, long samplesReusedNanos) {
        this.source = Objects.requireNonNull(source, "source");
        this.bucketCounters = bucketCounters;
        this.samplesReusedNanos = samplesReusedNanos;
    }

    /**
     * A binder that also shows each histogram bucket as a {@link FunctionCounter} named
     * {@code <name>.buckets}, tagged {@code le} with the bucket's upper bound as Prometheus writes it
     * ({@code 0.25}, {@code +Inf}); its value is the cumulative count of observations at or below the bound.
     *
     * @return a new binder of the same source, with bucket counters
     */
    public HourglassMeterBinder withBucketCounters() {
        return new HourglassMeterBinder(source, true, samplesReusedNanos);
    }

    /**
     * Registers a meter in {@code meters} for every child that exists now in the source registry. Calling it
     * again binds the children made since and leaves the others as they are.
     */
    @Override
    public void bindTo(MeterRegistry meters) {
        Objects.requireNonNull(meters, "meters");
        for (Family family : source.families()) {
            switch (family) {
                case Counter c -> c.children().forEach((values, child) -> bindCounter(meters, c, values, child));
                case Gauge g when g.isComputed() -> bindComputedGauge(meters, g);
                case Gauge g -> g.children().forEach((values, child) -> bindGauge(meters, g, values, child));
                case Histogram h -> h.children().forEach((values, child) -> bindHistogram(meters, h, values, child));
            }
        }
    }

    private static void bindCounter(MeterRegistry meters, Counter family, List<String> values, Counter.Child child) {
        FunctionCounter.builder(meterName(family), child, Counter.Child::value)
                .description(family.help())
                .tags(tags(family, values))
                .register(meters);
    }

    private static void bindGauge(MeterRegistry meters, Gauge family, List<String> values, Gauge.Child child) {
        io.micrometer.core.instrument.Gauge.builder(meterName(family), child, Gauge.Child::value)
                .description(family.help())
                .tags(tags(family, values))
                .strongReference(true)
                .register(meters);
    }

    private void bindHistogram(MeterRegistry meters, Histogram family, List<String> values, Histogram.Child child) {
        String name = meterName(family);
        List<Tag> tags = tags(family, values);
        if (isSeconds(family)) {
            FunctionTimer.builder(name, child, Histogram.Child::count, Histogram.Child::sum, TimeUnit.SECONDS)
                    .description(family.help())
                    .tags(tags)
                    .register(meters);
        } else {
            FunctionCounter.builder(name + ".count", child, Histogram.Child::count)
                    .description(family.help() + " (number of observations)")
                    .tags(tags)
                    .register(meters);
            FunctionCounter.builder(name + ".sum", child, Histogram.Child::sum)
                    .description(family.help() + " (sum of observations)")
                    .tags(tags)
                    .register(meters);
        }
        if (bucketCounters) {
            double[] bounds = family.bucketBounds();
            for (int i = 0; i <= bounds.length; i++) {
                int bucket = i;
                String le = i < bounds.length ? le(bounds[i]) : "+Inf";
                List<Tag> withLe = new ArrayList<>(tags);
                withLe.add(Tag.of("le", le));
                FunctionCounter.builder(name + ".buckets", child, c -> c.cumulativeCounts()[bucket])
                        .description(family.help() + " (cumulative count of observations <= le)")
                        .tags(withLe)
                        .register(meters);
            }
        }
    }

    private void bindComputedGauge(MeterRegistry meters, Gauge family) {
        Samples memo = samples.computeIfAbsent(family, f -> new Samples(f, samplesReusedNanos));
        Map<List<String>, Number> now;
        try {
            now = memo.read();
        } catch (RuntimeException e) {
            return; // e.g. /proc/net/tcp unreadable: the other families are still bound
        }
        String name = meterName(family);
        for (List<String> values : now.keySet()) {
            io.micrometer.core.instrument.Gauge.builder(name, memo, m -> m.value(values))
                    .description(family.help())
                    .tags(tags(family, values))
                    .strongReference(true)
                    .register(meters);
        }
    }

    /** The latest samples of one computed gauge family, reused for a short while so a publish runs it once. */
    private static final class Samples {
        private record Taken(long atNanos, Map<List<String>, Number> values) {}

        private final Gauge family;
        private final long reuseNanos;
        private volatile Taken last; // replaced whole; two readers racing may both run the callback, harmlessly

        Samples(Gauge family, long reuseNanos) {
            this.family = family;
            this.reuseNanos = reuseNanos;
        }

        Map<List<String>, Number> read() {
            Taken t = last;
            long now = System.nanoTime();
            if (t == null || now - t.atNanos() >= reuseNanos) {
                t = new Taken(now, family.samples());
                last = t;
            }
            return t.values();
        }

        double value(List<String> labelValues) {
            Number v = read().get(labelValues);
            return v == null ? Double.NaN : v.doubleValue();
        }
    }

    /**
     * The Micrometer name of a family: the Prometheus name with the suffix Micrometer adds itself removed
     * ({@code _total} of a counter, {@code _seconds} of a timer), and dots for underscores.
     */
    static String meterName(Family family) {
        String n = family.name();
        if (family instanceof Counter && n.endsWith("_total")) {
            n = n.substring(0, n.length() - "_total".length());
        } else if (family instanceof Histogram h && isSeconds(h)) {
            n = n.substring(0, n.length() - "_seconds".length());
        }
        return n.replace('_', '.');
    }

    private static boolean isSeconds(Histogram h) {
        return h.name().endsWith("_seconds") && h.name().length() > "_seconds".length();
    }

    private static List<Tag> tags(Family family, List<String> values) {
        List<String> names = family.labelNames();
        List<Tag> tags = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            tags.add(Tag.of(names.get(i), values.get(i)));
        }
        return tags;
    }

    /** A bucket bound as Hourglass's Prometheus text writes {@code le}: {@code 1}, {@code 0.25}, {@code 0.0001}. */
    static String le(double bound) {
        return BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString();
    }
}
