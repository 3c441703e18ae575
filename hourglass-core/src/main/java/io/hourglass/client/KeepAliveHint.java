package io.hourglass.client;

import io.hourglass.internal.text.Decimal;

/**
 * The {@code timeout} parameter of a response's {@code Keep-Alive} field ({@code Keep-Alive: timeout=5,
 * max=100}; RFC 2068 section 19.7.1.1, kept by Apache, nginx, Node and Hourglass's server): how many seconds
 * the server keeps an idle connection open. The pool stops reusing a connection a margin before that, so a
 * call never goes out on a connection the server is closing (golang/go#15508, okhttp#269).
 */
final class KeepAliveHint {
    private KeepAliveHint() {}

    /**
     * The timeout a field value announces.
     *
     * @param value the Keep-Alive field's value, or null
     * @return whole seconds, at least 0, or -1 when there is no valid {@code timeout} parameter
     */
    static long timeoutSeconds(String value) {
        if (value == null) {
            return -1;
        }
        int i = 0;
        int n = value.length();
        while (i < n) {
            int end = value.indexOf(',', i);
            if (end < 0) end = n;
            int eq = value.indexOf('=', i);
            if (eq > 0 && eq < end && value.substring(i, eq).strip().equalsIgnoreCase("timeout")) {
                return seconds(value.substring(eq + 1, end).strip());
            }
            i = end + 1;
        }
        return -1;
    }

    private static long seconds(String v) {
        if (v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"') {
            v = v.substring(1, v.length() - 1); // a quoted-string is allowed for a parameter value
        }
        return Decimal.parse(v, 9); // up to 31 years; anything longer is as good as no hint
    }

    /**
     * How long after a response ended the pool may still hand its connection to a call: the announced
     * timeout less a margin for the response's trip and the request's (a quarter of the timeout, at most one
     * second), so that the request reaches the server well before it closes the connection.
     *
     * @param seconds the announced timeout, at least 0
     * @return nanoseconds, 0 when the connection must not be reused at all
     */
    static long reuseWindowNanos(long seconds) {
        long t = seconds * 1_000_000_000L;
        long margin = Math.min(1_000_000_000L, t / 4);
        return Math.max(0, t - margin);
    }
}
