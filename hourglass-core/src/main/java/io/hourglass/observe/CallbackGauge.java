package io.hourglass.observe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A gauge family whose samples a callback computes each time it is read: at every scrape, and at every call
 * of {@link #samples()}. Made by {@link MetricsRegistry#gauge(String, String, java.util.function.DoubleSupplier)}
 * (no labels, one sample) and {@link MetricsRegistry#gauges} (label values that may change from one read to
 * the next, such as TCP connections by peer). Its {@link #type()} is {@code gauge}.
 */
public final class CallbackGauge extends Family {
    private final Supplier<? extends Map<List<String>, ? extends Number>> samples;

    CallbackGauge(String name, String help, List<String> labelNames,
            Supplier<? extends Map<List<String>, ? extends Number>> samples) {
        super(name, help, labelNames);
        this.samples = samples;
    }

    @Override
    public String type() {
        return "gauge";
    }

    /**
     * Runs the callback now and returns its samples: label values (one per label name, in order) to value,
     * sorted as a scrape writes them, without the entries whose value was null. Unmodifiable. The callback
     * runs on the calling thread; it may be slow (reading {@code /proc}, say), so read as often as a scrape
     * would, not per request.
     *
     * @throws IllegalStateException if the callback returned label values of the wrong size, or a null one
     * @throws RuntimeException from the callback
     */
    public Map<List<String>, Number> samples() {
        Map<List<String>, ? extends Number> now = samples.get();
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

    /** Callbacks cannot be compared, so a second registration under the name always conflicts. */
    @Override
    boolean sameDefinition(Family other) {
        return false;
    }

    @Override
    void write(PrometheusWriter out) {
        Map<List<String>, Number> now = samples(); // before the header: a failing callback writes nothing
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

    private static boolean hasNull(List<String> values) {
        for (String v : values) {
            if (v == null) {
                return true;
            }
        }
        return false;
    }
}
