package io.hourglass.observe;

import java.util.List;

/**
 * What the registry needs from a metric family: its identity, the names of its samples, and a writer.
 * Package-private so that none of this shows in the public types that extend it.
 */
abstract class Family {
    final String name;
    final String help;
    final List<String> labelNames;

    Family(String name, String help, List<String> labelNames) {
        this.name = name;
        this.help = help;
        this.labelNames = labelNames;
    }

    /** The Prometheus type word: counter, gauge or histogram. */
    abstract String type();

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
}
