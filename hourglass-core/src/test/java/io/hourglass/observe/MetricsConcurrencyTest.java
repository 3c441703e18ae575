package io.hourglass.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class MetricsConcurrencyTest {
    private static final int THREADS = 16;
    private static final int PER_THREAD = 50_000;

    @Test
    void concurrentIncrementsOnACachedChildAreNotLost() throws Exception {
        MetricsRegistry registry = new MetricsRegistry();
        Counter.Child child = registry.counter("c_total", "C.").labels();
        Gauge.Child gauge = registry.gauge("g", "G.").labels();
        Histogram.Child hist = registry.histogram("h_seconds", "H.", new double[] {0.5}).labels();

        runConcurrently(t -> {
            for (int i = 0; i < PER_THREAD; i++) {
                child.inc();
                gauge.inc();
                hist.observe((i & 1) == 0 ? 0.1 : 0.9);
            }
        });

        long total = (long) THREADS * PER_THREAD;
        assertThat(child.value()).isEqualTo(total);
        assertThat(gauge.value()).isEqualTo((double) total);
        assertThat(hist.cumulativeCounts()).containsExactly(total / 2, total);
        assertThat(registry.toPrometheusText()).contains("c_total " + total + "\n", "g " + total + "\n");
    }

    @Test
    void concurrentLookupsOfTheSameLabelsShareOneChild() throws Exception {
        MetricsRegistry registry = new MetricsRegistry();
        runConcurrently(t -> {
            // Every thread registers the family and looks children up itself: nothing may be lost.
            Counter c = registry.counter("lookups_total", "L.", "host");
            for (int i = 0; i < PER_THREAD / 10; i++) {
                c.labels("h" + (i % 4)).inc();
                c.labels("shared").add(2);
            }
        });
        Counter c = registry.counter("lookups_total", "L.", "host");
        long perHost = (long) THREADS * (PER_THREAD / 10) / 4;
        for (int h = 0; h < 4; h++) {
            assertThat(c.labels("h" + h).value()).isEqualTo(perHost);
        }
        assertThat(c.labels("shared").value()).isEqualTo(2L * THREADS * (PER_THREAD / 10));
    }

    @Test
    void writingWhileUpdatingNeverFails() throws Exception {
        MetricsRegistry registry = new MetricsRegistry();
        Counter c = registry.counter("w_total", "W.", "k");
        runConcurrently(t -> {
            for (int i = 0; i < 2_000; i++) {
                if (t == 0) {
                    assertThat(registry.toPrometheusText()).startsWith("# HELP w_total W.\n");
                } else {
                    c.labels("k" + (i % 50)).inc();
                }
            }
        });
        assertThat(registry.toPrometheusText().lines().filter(l -> l.startsWith("w_total{"))).hasSize(50);
    }

    private interface Body {
        void run(int thread) throws Exception;
    }

    private static void runConcurrently(Body body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    body.run(thread);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
