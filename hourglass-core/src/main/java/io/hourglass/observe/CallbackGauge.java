package io.hourglass.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** A gauge family whose samples a callback computes at each scrape. */
final class CallbackGauge extends Family {
    private final Supplier<? extends Map<List<String>, ? extends Number>> samples;

    CallbackGauge(String name, String help, List<String> labelNames,
            Supplier<? extends Map<List<String>, ? extends Number>> samples) {
        super(name, help, labelNames);
        this.samples = samples;
    }

    @Override
    String type() {
        return "gauge";
    }

    /** Callbacks cannot be compared, so a second registration under the name always conflicts. */
    @Override
    boolean sameDefinition(Family other) {
        return false;
    }

    @Override
    void write(PrometheusWriter out) {
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
        out.header(name, help, "gauge");
        for (Map.Entry<List<String>, Number> e : entries) {
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
