package io.hourglass.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** A cached child's updates must not allocate: they run on every request. */
class HotPathAllocationTest {
    private static final int CALLS = 200_000;

    @Test
    void cachedChildrenUpdateWithoutAllocating() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported(), "needs per-thread allocation counters (HotSpot)");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        mx.setThreadAllocatedMemoryEnabled(true);

        MetricsRegistry registry = new MetricsRegistry();
        Counter.Child counter = registry.counter("c_total", "C.", "k").labels("v");
        Gauge.Child gauge = registry.gauge("g", "G.", "k").labels("v");
        Histogram.Child histogram = registry.histogram("h_seconds", "H.", "k").labels("v");
        Runnable updates = () -> {
            for (int i = 0; i < CALLS; i++) {
                counter.inc();
                counter.add(2);
                gauge.inc();
                gauge.set(i);
                histogram.observe(i * 1e-5);
                histogram.observeNanos(i);
            }
        };
        updates.run(); // warm up: class loading and JIT happen here, not in the measured run

        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        updates.run();
        long allocated = mx.getThreadAllocatedBytes(tid) - before;

        // 1.2 million updates; a single allocation per call would be megabytes. Allow a little for the JIT.
        assertThat(allocated).as("bytes allocated by %d updates", 6 * CALLS).isLessThan(16 * 1024);
    }
}
