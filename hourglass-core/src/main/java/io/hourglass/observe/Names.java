package io.hourglass.observe;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Prometheus naming rules, checked at registration so a bad name fails where it is written. */
final class Names {
    private Names() {}

    /** Metric names: {@code [a-zA-Z_:][a-zA-Z0-9_:]*}. */
    static String checkMetricName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("metric name is null");
        }
        if (name.isEmpty() || !isNameStart(name.charAt(0), true) || !allNameChars(name, true)) {
            throw new IllegalArgumentException("invalid metric name \"" + name
                    + "\": must match [a-zA-Z_:][a-zA-Z0-9_:]*");
        }
        return name;
    }

    /**
     * Label names: {@code [a-zA-Z_][a-zA-Z0-9_]*}, not starting with {@code __} (reserved for Prometheus),
     * no duplicates, and not in {@code reserved} (histograms reserve {@code le}).
     */
    static List<String> checkLabelNames(String metric, String[] labelNames, Set<String> reserved) {
        if (labelNames == null) {
            throw new IllegalArgumentException("label names of " + metric + " are null");
        }
        Set<String> seen = new HashSet<>();
        for (String label : labelNames) {
            if (label == null || label.isEmpty() || !isNameStart(label.charAt(0), false)
                    || !allNameChars(label, false)) {
                throw new IllegalArgumentException("invalid label name \"" + label + "\" on metric " + metric
                        + ": must match [a-zA-Z_][a-zA-Z0-9_]*");
            }
            if (label.startsWith("__")) {
                throw new IllegalArgumentException("invalid label name \"" + label + "\" on metric " + metric
                        + ": names starting with __ are reserved");
            }
            if (reserved.contains(label)) {
                throw new IllegalArgumentException("invalid label name \"" + label + "\" on metric " + metric
                        + ": reserved for this metric type");
            }
            if (!seen.add(label)) {
                throw new IllegalArgumentException("duplicate label name \"" + label + "\" on metric " + metric);
            }
        }
        return List.of(labelNames);
    }

    static String checkHelp(String metric, String help) {
        if (help == null) {
            throw new IllegalArgumentException("help text of " + metric + " is null");
        }
        return help;
    }

    private static boolean isNameStart(char c, boolean colonAllowed) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colonAllowed && c == ':');
    }

    private static boolean allNameChars(String s, boolean colonAllowed) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isNameStart(c, colonAllowed) && !(c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }
}
