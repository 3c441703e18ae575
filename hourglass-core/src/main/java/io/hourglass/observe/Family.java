package io.hourglass.observe;

import java.util.List;

/**
 * A metric family: a name, a help text, label names, and one value (a child) per list of label values.
 *
 * <p>Families are made by {@link MetricsRegistry}'s registration methods and listed by
 * {@link MetricsRegistry#families()}. There are three kinds, and a reader (an exporter to another metrics
 * system, say) tells them apart with a {@code switch} over this sealed type: {@link Counter}, {@link Gauge} and
 * {@link Histogram} list their children with {@code children()}, except a gauge that
 * {@linkplain Gauge#isComputed() is computed}, whose callback gives its {@link Gauge#samples()} when read.
 */
public abstract sealed class Family permits Counter, Gauge, Histogram {
    final String name;
    final String help;
    final List<String> labelNames;

    Family(String name, String help, List<String> labelNames) {
        this.name = name;
        this.help = help;
        this.labelNames = labelNames;
    }

    /**
     * {@return the metric name, as registered (a histogram's samples add {@code _bucket}, {@code _sum} and
     * {@code _count})}
     */
    public final String name() {
        return name;
    }

    /** {@return the help text of the first registration} */
    public final String help() {
        return help;
    }

    /** {@return the label names given at registration, in order; unmodifiable} */
    public final List<String> labelNames() {
        return labelNames;
    }

    /**
     * {@return the Prometheus type word, as {@code # TYPE} writes it: {@code counter}, {@code gauge} or
     * {@code histogram}}
     */
    public abstract String type();

    /** Every sample name this family writes (a histogram writes three), so collisions can be refused. */
    List<String> sampleNames() {
        return List.of(name);
    }

    /**
     * True if registering {@code other} under the same name should return this family instead of failing.
     * Help text is not compared: the first registration's help is kept.
     */
    abstract boolean sameDefinition(Family other);

    /** Appends HELP, TYPE and every sample. May run concurrently with updates. */
    abstract void write(PrometheusWriter out);

    /** For error messages: {@code counter foo_total{a,b}}. */
    String describe() {
        return type() + " " + name + (labelNames.isEmpty() ? "" : "{" + String.join(",", labelNames) + "}");
    }

    @Override
    public String toString() {
        return describe();
    }
}
