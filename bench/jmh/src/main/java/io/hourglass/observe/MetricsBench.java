package io.hourglass.observe;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The metric updates a server makes per request, now and before issue 17 ({@link BaselineMetrics}), in one
 * run so the two arms see the same machine. Run it with {@code -t 1} and {@code -t 2}: the children are
 * shared by all benchmark threads, as a server's are by its carrier threads, so {@code -t 2} shows what
 * two cores updating the same children cost.
 *
 * <ul>
 * <li>{@code gaugeRequest*}: a request's four connection-state steps ({@code ServerMetrics.moved}: idle to
 *     active and back, a {@code dec} and an {@code inc} each).</li>
 * <li>{@code histogramObserve*}: one {@code observeNanos} of a request duration with the default seconds
 *     buckets; the durations cycle through 4096 log-uniform values from 20 µs to 20 ms (a server's spread,
 *     so the bucket is not the same every time and a search's branches are not all predicted).</li>
 * <li>{@code bucket*}: only the finding of the bucket for the same values ({@link BucketIndex#of} against
 *     the binary search), without the two adders that follow it in an observation.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MetricsBench {
    private static final int DURATIONS = 4096; // a power of two: the index wraps with a mask

    private Gauge.Child idle;
    private Gauge.Child active;
    private BaselineMetrics.GaugeChild idleBefore;
    private BaselineMetrics.GaugeChild activeBefore;
    private Histogram.Child histogram;
    private BaselineMetrics.HistogramChild histogramBefore;
    private long[] durations;
    private double[] bounds;
    private BucketIndex index;

    /** Each thread's place in the durations. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        @Setup(Level.Trial)
        public void setup() {
            next = (int) (Thread.currentThread().threadId() * 977) & (DURATIONS - 1);
        }

        int step() {
            return next = (next + 1) & (DURATIONS - 1);
        }
    }

    @Setup(Level.Trial)
    public void setup() {
        MetricsRegistry registry = new MetricsRegistry();
        Gauge conns = registry.gauge("conns", "Connections.", "state");
        idle = conns.labels("idle");
        active = conns.labels("active");
        idleBefore = new BaselineMetrics.GaugeChild();
        activeBefore = new BaselineMetrics.GaugeChild();
        histogram = registry.histogram("d_seconds", "D.").labels();
        histogramBefore = new BaselineMetrics.HistogramChild(Histogram.defaultSecondsBuckets());
        bounds = Histogram.defaultSecondsBuckets();
        index = new BucketIndex(bounds);
        durations = new long[DURATIONS];
        SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < DURATIONS; i++) {
            durations[i] = (long) (20_000 * Math.pow(1000, random.nextDouble()));
        }
        // Both arms must bucket alike: the same durations into a fresh pair, compared bucket by bucket.
        Histogram.Child check = registry.histogram("check_seconds", "C.").labels();
        BaselineMetrics.HistogramChild checkBefore =
                new BaselineMetrics.HistogramChild(Histogram.defaultSecondsBuckets());
        for (long d : durations) {
            check.observeNanos(d);
            checkBefore.observeNanos(d);
        }
        if (check.count() != checkBefore.count() || check.cumulativeCounts()[3] == 0) {
            throw new IllegalStateException("the histogram arms disagree");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (idle.value() != 0 || active.value() != 0 || idleBefore.value() != 0 || activeBefore.value() != 0) {
            throw new IllegalStateException("the gauge steps did not cancel out: " + idle.value() + " "
                    + active.value() + " " + idleBefore.value() + " " + activeBefore.value());
        }
    }

    /** Now: four LongAdder steps. */
    @Benchmark
    public void gaugeRequest() {
        idle.dec();
        active.inc();
        active.dec();
        idle.inc();
    }

    /** Before: four CAS loops on two shared words. */
    @Benchmark
    public void gaugeRequestBefore() {
        idleBefore.dec();
        activeBefore.inc();
        activeBefore.dec();
        idleBefore.inc();
    }

    /** Now: the bucket from the value's bits and a table. */
    @Benchmark
    public void histogramObserve(Cursor c) {
        histogram.observeNanos(durations[c.step()]);
    }

    /** Before: a binary search over the 13 bounds. */
    @Benchmark
    public void histogramObserveBefore(Cursor c) {
        histogramBefore.observeNanos(durations[c.step()]);
    }

    /** Now: the bucket of one duration from its bits and the table. */
    @Benchmark
    public int bucket(Cursor c) {
        return index.of(durations[c.step()] / 1e9);
    }

    /** Before: the bucket by a binary search. */
    @Benchmark
    public int bucketBefore(Cursor c) {
        int i = java.util.Arrays.binarySearch(bounds, durations[c.step()] / 1e9);
        return i >= 0 ? i : -i - 1;
    }
}
