/**
 * Metrics for Hourglass: counters, gauges and histograms in a {@link io.hourglass.observe.MetricsRegistry},
 * written out in the Prometheus text exposition format 0.0.4.
 *
 * <p>Names follow Prometheus conventions: snake case, a unit suffix ({@code _seconds}, {@code _bytes}),
 * {@code _total} on counters, and labels whose set of values stays small (a host, a state, a phase; never a
 * URL, a request id or a client port).
 *
 * <p>The hot path is a cached child: look a child up once with {@code labels(...)}, keep it in a field, and
 * call {@code inc()} or {@code observe(...)} on it. Those calls do not allocate.
 */
package io.hourglass.observe;
