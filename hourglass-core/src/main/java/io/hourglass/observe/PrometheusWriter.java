package io.hourglass.observe;

import java.math.BigDecimal;
import java.util.List;

/**
 * Formats the Prometheus text exposition format 0.0.4 into a buffer.
 *
 * <p>Escaping follows the format: HELP text escapes backslash and line feed; label values escape backslash,
 * double quote and line feed. Numbers print as integers when integral, {@code +Inf}, {@code -Inf} and
 * {@code NaN} for the special values, and otherwise in plain decimal notation where it is short.
 */
final class PrometheusWriter {
    private final StringBuilder out;

    PrometheusWriter(StringBuilder out) {
        this.out = out;
    }

    void header(String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ');
        escapeHelp(help, out);
        out.append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    void sample(String name, List<String> labelNames, List<String> labelValues, long value) {
        start(name, labelNames, labelValues, null, null);
        out.append(value).append('\n');
    }

    void sample(String name, List<String> labelNames, List<String> labelValues, double value) {
        start(name, labelNames, labelValues, null, null);
        out.append(formatDouble(value)).append('\n');
    }

    /** A sample with one extra label after the family's labels (a histogram's {@code le}). */
    void sample(String name, List<String> labelNames, List<String> labelValues, String extraLabel,
            String extraValue, long value) {
        start(name, labelNames, labelValues, extraLabel, extraValue);
        out.append(value).append('\n');
    }

    private void start(String name, List<String> labelNames, List<String> labelValues, String extraLabel,
            String extraValue) {
        out.append(name);
        if (labelNames.isEmpty() && extraLabel == null) {
            out.append(' ');
            return;
        }
        out.append('{');
        for (int i = 0; i < labelNames.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            label(labelNames.get(i), labelValues.get(i));
        }
        if (extraLabel != null) {
            if (!labelNames.isEmpty()) {
                out.append(',');
            }
            label(extraLabel, extraValue);
        }
        out.append("} ");
    }

    private void label(String name, String value) {
        out.append(name).append("=\"");
        escapeLabelValue(value, out);
        out.append('"');
    }

    static void escapeHelp(String s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    static void escapeLabelValue(String s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    /**
     * {@code 1}, {@code 0.25}, {@code 1.0E-9}, {@code +Inf}: integral values without a fraction, plain
     * decimals between 1e-6 and 1e15, Java's scientific notation outside (which Prometheus parses).
     */
    static String formatDouble(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        double abs = Math.abs(v);
        if (v == Math.rint(v) && abs < 1e15) {
            return Long.toString((long) v);
        }
        if (abs >= 1e-6 && abs < 1e15) {
            return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
        }
        return Double.toString(v);
    }
}
