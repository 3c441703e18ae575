package io.hourglass.client;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.random.RandomGenerator;

/**
 * How long to wait before a retry: exponential backoff with full jitter (a uniformly random wait between zero
 * and {@code min(max, base * 2^(retry-1))}, as Envoy and gRPC do: callers that failed together do not come
 * back together), or what the server asked for in {@code Retry-After} on a 503 or 429 (RFC 9110 section
 * 10.2.3), whichever is longer. Stateless; time is a parameter.
 */
final class Backoff {
    private final long baseNanos;
    private final long maxNanos;

    /**
     * A backoff.
     *
     * @param baseNanos the first retry's longest wait, at least 0
     * @param maxNanos the longest wait of any retry, at least {@code baseNanos}
     */
    Backoff(long baseNanos, long maxNanos) {
        if (baseNanos < 0 || maxNanos < baseNanos) {
            throw new IllegalArgumentException("bad backoff: base " + baseNanos + "ns, max " + maxNanos + "ns");
        }
        this.baseNanos = baseNanos;
        this.maxNanos = maxNanos;
    }

    /**
     * The wait before a retry.
     *
     * @param retry which retry, 1 for the first (the second attempt)
     * @param random where the jitter comes from
     * @return nanoseconds, from 0 to {@code min(max, base * 2^(retry-1))}
     */
    long delayNanos(int retry, RandomGenerator random) {
        long cap = ceiling(retry);
        return cap == 0 ? 0 : random.nextLong(cap + 1);
    }

    /** The longest wait before the given retry: {@code min(max, base * 2^(retry-1))}. */
    long ceiling(int retry) {
        int shift = Math.max(0, retry - 1);
        if (baseNanos == 0) {
            return 0;
        }
        if (shift >= 62 || baseNanos > maxNanos >> shift) {
            return maxNanos;
        }
        return Math.min(maxNanos, baseNanos << shift);
    }

    /**
     * The wait a {@code Retry-After} value asks for (RFC 9110 section 10.2.3): a number of seconds, or an
     * HTTP-date from which the time until then is taken.
     *
     * @param value the field's value, or null
     * @param nowEpochMillis the wall clock now, for the date form
     * @return nanoseconds to wait (0 for a date in the past), or -1 when absent or not a valid value
     */
    static long retryAfterNanos(String value, long nowEpochMillis) {
        if (value == null) {
            return -1;
        }
        String v = value.strip();
        if (v.isEmpty()) {
            return -1;
        }
        if (Character.isDigit(v.charAt(0))) {
            long seconds = 0;
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                seconds = Math.min(seconds * 10 + (c - '0'), 1L << 32); // past 136 years: as good as never
            }
            return seconds * 1_000_000_000L;
        }
        try {
            // IMF-fixdate and the obsolete RFC 1123 forms; rare in Retry-After, so the JDK's formatter (which
            // loads locale data on first use) is good enough here
            long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
            return Math.max(0, at - nowEpochMillis) * 1_000_000L;
        } catch (DateTimeParseException e) {
            return -1;
        }
    }
}
