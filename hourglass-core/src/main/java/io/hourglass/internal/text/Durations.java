package io.hourglass.internal.text;

import java.time.Duration;

/**
 * Go's duration syntax ({@code 300ms}, {@code 1.5s}, {@code 2m}, {@code 1h30m}), for configuration, the CLI
 * and messages.
 */
public final class Durations {
    /**
     * The longest timeout that takes effect: 100 years. The API accepts any non-negative {@link Duration}
     * (up to about 292 billion years); a longer one counts as this, so that a deadline stays a
     * {@link System#nanoTime()} instant without overflow (those compare by subtraction, which holds for
     * spans below 292 years).
     */
    public static final Duration MAX = Duration.ofDays(36_500);
    private static final long MAX_NANOS = MAX.toNanos();

    private Durations() {}

    /** {@return {@code d} in nanoseconds, clamped to {@link #MAX}} */
    public static long nanos(Duration d) {
        return d.compareTo(MAX) >= 0 ? MAX_NANOS : d.toNanos();
    }

    /** {@return the nanoseconds from now until {@code at}, clamped to plus or minus {@link #MAX}} */
    public static long nanosUntil(java.time.Instant at) {
        Duration left = Duration.between(java.time.Instant.now(), at);
        return left.isNegative() ? -nanos(left.negated()) : nanos(left);
    }

    /**
     * Parses a Go duration: a sequence of decimal numbers, each with an optional fraction and a unit
     * ({@code ns us µs ms s m h}), such as {@code 250ms}, {@code 1.5s}, {@code 1m30s}; {@code 0} alone is
     * zero. Negative durations are rejected.
     *
     * @throws IllegalArgumentException with a message that quotes the input
     */
    public static Duration parse(String s) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        int i = 0;
        int n = s.length();
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            throw new IllegalArgumentException("invalid duration \"" + s + "\": must not be signed");
        }
        java.math.BigDecimal total = java.math.BigDecimal.ZERO;
        while (i < n) {
            int start = i;
            while (i < n && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
            if (start == i) {
                throw bad(s);
            }
            java.math.BigDecimal num;
            try {
                num = new java.math.BigDecimal(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw bad(s);
            }
            int us = i;
            while (i < n && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') i++;
            String unit = s.substring(us, i);
            long nanos = switch (unit) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                case "" -> throw new IllegalArgumentException("invalid duration \"" + s + "\": missing unit (use ms, s, m or h, e.g. 250ms)");
                default -> throw new IllegalArgumentException("invalid duration \"" + s + "\": unknown unit \"" + unit + "\"");
            };
            total = total.add(num.multiply(java.math.BigDecimal.valueOf(nanos)));
        }
        try {
            return Duration.ofNanos(total.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("invalid duration \"" + s + "\": too large");
        }
    }

    private static IllegalArgumentException bad(String s) {
        return new IllegalArgumentException("invalid duration \"" + s + "\" (expected e.g. 250ms, 1.5s, 2m, 1m30s)");
    }

    /**
     * Checks a configuration duration: not null, not negative ({@link Duration#ZERO} means "disabled").
     *
     * @throws IllegalArgumentException naming the field
     */
    public static Duration requireNonNegative(String field, Duration d) {
        if (d == null) {
            throw new IllegalArgumentException(field + " must not be null (Duration.ZERO disables it)");
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException(field + " must not be negative (Duration.ZERO disables it), got " + d);
        }
        return d;
    }

    /** Formats like Go: {@code 1.5s}, {@code 250ms}, {@code 2m0s}, {@code 0s}. */
    public static String format(Duration d) {
        if (d == null) {
            return "none";
        }
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        if (nanos < 1_000) {
            return nanos + "ns";
        }
        if (nanos < 1_000_000) {
            return trim(nanos, 1_000L) + "µs";
        }
        if (nanos < 1_000_000_000) {
            return trim(nanos, 1_000_000L) + "ms";
        }
        long totalSeconds = nanos / 1_000_000_000L;
        if (totalSeconds < 60) {
            return trim(nanos, 1_000_000_000L) + "s";
        }
        long h = totalSeconds / 3600;
        long m = (totalSeconds % 3600) / 60;
        return (h > 0 ? h + "h" : "") + m + "m" + trim(nanos % 60_000_000_000L, 1_000_000_000L) + "s";
    }

    /**
     * {@code nanos / unit} with at most three decimals, truncated: rounding would turn 999.9996ms into
     * "1000ms" and 119.9996s into "1m60s".
     */
    private static String trim(long nanos, long unit) {
        long whole = nanos / unit;
        long thousandths = nanos % unit * 1000 / unit;
        if (thousandths == 0) {
            return Long.toString(whole);
        }
        String frac = String.format(java.util.Locale.ROOT, "%03d", thousandths).replaceAll("0+$", "");
        return whole + "." + frac;
    }
}
