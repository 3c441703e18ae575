package io.hourglass.observe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The children of one family, one per distinct list of label values.
 *
 * <p>Lookups copy the values into an immutable list (the only allocation) and read a concurrent map; a child,
 * once created, lives as long as the registry, so callers may cache it.
 */
final class Children<C> {
    private static final Comparator<List<String>> BY_VALUES = (a, b) -> {
        for (int i = 0; i < a.size(); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    };

    private final String metric;
    private final List<String> labelNames;
    private final Function<List<String>, C> factory;
    private final ConcurrentHashMap<List<String>, C> byValues = new ConcurrentHashMap<>();
    private final C only; // the single child of a family without labels, else null

    Children(String metric, List<String> labelNames, Function<List<String>, C> factory) {
        this.metric = metric;
        this.labelNames = labelNames;
        this.factory = factory;
        if (labelNames.isEmpty()) {
            only = factory.apply(List.of());
            byValues.put(List.of(), only);
        } else {
            only = null;
        }
    }

    C get(String... values) {
        if (values == null || values.length != labelNames.size()) {
            throw new IllegalArgumentException(metric + " has labels " + labelNames + " but got "
                    + (values == null ? "null" : values.length + " value" + (values.length == 1 ? "" : "s")));
        }
        if (only != null) {
            return only;
        }
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                throw new IllegalArgumentException(metric + ": value of label " + labelNames.get(i) + " is null");
            }
        }
        List<String> key = List.of(values);
        C child = byValues.get(key);
        return child != null ? child : byValues.computeIfAbsent(key, factory);
    }

    /** Children sorted by label values, element by element; the order scrapes use. */
    List<Map.Entry<List<String>, C>> sorted() {
        List<Map.Entry<List<String>, C>> entries = new ArrayList<>(byValues.entrySet());
        entries.sort(Map.Entry.comparingByKey(BY_VALUES));
        return entries;
    }

    /** An unmodifiable copy of the children in {@link #sorted()} order. */
    Map<List<String>, C> snapshot() {
        Map<List<String>, C> out = new LinkedHashMap<>();
        for (Map.Entry<List<String>, C> e : sorted()) {
            out.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(out);
    }

    static Comparator<List<String>> byValues() {
        return BY_VALUES;
    }
}
