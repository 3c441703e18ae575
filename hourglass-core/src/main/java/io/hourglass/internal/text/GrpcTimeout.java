package io.hourglass.internal.text;

/**
 * The grpc-timeout syntax for a relative deadline, which Hourglass uses in its {@code Request-Timeout} header
 * too: one to eight ASCII digits and a unit, {@code H} hours, {@code M} minutes, {@code S} seconds, {@code m}
 * milliseconds, {@code u} microseconds, {@code n} nanoseconds ("PROTOCOL-HTTP2.md" of gRPC: TimeoutValue is at
 * most 8 digits). Relative rather than absolute, so that the two ends' clocks need not agree.
 */
public final class GrpcTimeout {
    /** The largest value of eight digits. */
    private static final long MAX_VALUE = 99_999_999L;
    private static final char[] UNITS = {'n', 'u', 'm', 'S', 'M', 'H'};
    private static final long[] UNIT_NANOS = {1L, 1_000L, 1_000_000L, 1_000_000_000L, 60_000_000_000L,
        3_600_000_000_000L};

    private GrpcTimeout() {}

    /**
     * Parses a value such as {@code 250m} or {@code 2S}. Surrounding spaces and tabs (optional whitespace
     * around a field value, RFC 9110 section 5.5) are allowed; anything else that is not the syntax is not.
     *
     * @param value the field value, or null
     * @return the timeout in nanoseconds (zero is allowed, and saturates at {@link Long#MAX_VALUE} for the few
     *     hour values that overflow), or -1 when the value is absent or not in the syntax
     */
    public static long parse(String value) {
        if (value == null) {
            return -1;
        }
        int start = 0;
        int end = value.length();
        while (start < end && isOws(value.charAt(start))) start++;
        while (end > start && isOws(value.charAt(end - 1))) end--;
        int digits = end - start - 1;
        if (digits < 1 || digits > 8) {
            return -1;
        }
        long n = 0;
        for (int i = start; i < end - 1; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        char unit = value.charAt(end - 1);
        for (int u = 0; u < UNITS.length; u++) {
            if (UNITS[u] == unit) {
                long per = UNIT_NANOS[u];
                return n > Long.MAX_VALUE / per ? Long.MAX_VALUE : n * per;
            }
        }
        return -1;
    }

    /**
     * Formats a timeout in the finest unit whose value fits in eight digits, rounding down so the receiver
     * never gets more time than there is: 250 ms is {@code 250000u}, 3 s is {@code 3000000u}, 10 s is
     * {@code 10000m}.
     *
     * @param nanos the timeout in nanoseconds, at least 0
     * @return the field value
     */
    public static String format(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("negative timeout: " + nanos + "ns");
        }
        for (int u = 0; u < UNITS.length; u++) {
            long v = nanos / UNIT_NANOS[u];
            if (v <= MAX_VALUE) {
                return Long.toString(v) + UNITS[u];
            }
        }
        return MAX_VALUE + "H"; // past 11 000 years: the most the syntax holds
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }
}
