package io.hourglass.cli;

import io.hourglass.client.Client;
import io.hourglass.client.ClientException;
import io.hourglass.client.ClientRequest;
import io.hourglass.client.ClientResponse;
import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A load run with the Hourglass client: open loop (calls start at a fixed rate whether or not earlier ones
 * finished; latency counts from the planned start, so a stall is not hidden), or closed loop (C callers back
 * to back until N calls are done). Every run is bounded in count and time.
 */
final class LoadRun {
    private final Client client;
    private final ClientRequest request; // immutable: one for every call
    private final long[] latenciesNanos;
    private final AtomicInteger latencyCount = new AtomicInteger();
    private final AtomicLongArray byClass = new AtomicLongArray(6);
    private final Map<Phase, LongAdder> timeouts = new EnumMap<>(Phase.class);
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    // Written and read by the thread that runs the loop (which also calls the progress callback), then read
    // after the loop returns.
    private long startNanos;
    private long sendEndNanos;
    private long elapsedNanos;
    private int leftInFlight;

    LoadRun(Client client, URI uri, int maxCalls) {
        this.client = client;
        this.request = ClientRequest.builder("GET", uri).build();
        this.latenciesNanos = new long[Math.max(1, maxCalls)];
        for (Phase p : Phase.values()) {
            timeouts.put(p, new LongAdder());
        }
    }

    /** Open loop: {@code rate} calls per second for {@code duration}, at most {@code limit} in flight. */
    void openLoop(double rate, Duration duration, int limit, Duration grace, Consumer<LoadRun> progress) {
        long total = (long) Math.floor(rate * duration.toNanos() / 1e9);
        long start = System.nanoTime();
        startNanos = start;
        long interval = (long) (1e9 / rate);
        long nextReport = start + 1_000_000_000L;
        long lastStart = start - interval;
        for (long i = 0; i < total; i++) {
            long at = start + i * interval;
            long wait;
            while ((wait = at - System.nanoTime()) > 0) {
                LockSupport.parkNanos(Math.min(wait, 50_000_000L));
                if (System.nanoTime() - nextReport >= 0) {
                    progress.accept(this);
                    nextReport += 1_000_000_000L;
                }
            }
            if (inFlight.get() >= limit) {
                skipped.incrementAndGet();
                continue;
            }
            sent.incrementAndGet();
            track(inFlight.incrementAndGet());
            lastStart = System.nanoTime();
            Thread.ofVirtual().start(() -> {
                try {
                    one(at);
                } finally {
                    inFlight.decrementAndGet();
                }
            });
        }
        // The sending window ends with the schedule (one interval per call), or later if the last call
        // started late: the generator fell behind, and the send rate shows it.
        sendEndNanos = Math.max(start + total * interval, lastStart + interval);
        awaitInFlight(grace, progress);
        elapsedNanos = System.nanoTime() - start;
        leftInFlight = inFlight.get();
    }

    /** Closed loop: {@code concurrency} callers back to back until {@code n} calls are done (or {@code cap} passed). */
    void closedLoop(long n, int concurrency, Duration cap, Consumer<LoadRun> progress) {
        long start = System.nanoTime();
        startNanos = start;
        long end = start + cap.toNanos();
        AtomicLong tickets = new AtomicLong(n);
        Thread[] workers = new Thread[concurrency];
        for (int w = 0; w < concurrency; w++) {
            workers[w] = Thread.ofVirtual().start(() -> {
                while (tickets.getAndDecrement() > 0 && System.nanoTime() - end < 0) {
                    sent.incrementAndGet();
                    track(inFlight.incrementAndGet());
                    try {
                        one(System.nanoTime());
                    } finally {
                        inFlight.decrementAndGet();
                    }
                }
            });
        }
        long nextReport = start + 1_000_000_000L;
        for (Thread t : workers) {
            while (t.isAlive()) {
                try {
                    t.join(Duration.ofMillis(200));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (System.nanoTime() - nextReport >= 0) {
                    progress.accept(this);
                    nextReport += 1_000_000_000L;
                }
            }
        }
        elapsedNanos = System.nanoTime() - start;
        sendEndNanos = start + elapsedNanos; // callers send until the end: no separate wait for the last calls
    }

    private void track(int now) {
        peakInFlight.accumulateAndGet(now, Math::max);
    }

    private void awaitInFlight(Duration grace, Consumer<LoadRun> progress) {
        long until = System.nanoTime() + grace.toNanos();
        long nextReport = System.nanoTime() + 1_000_000_000L;
        while (inFlight.get() > 0 && System.nanoTime() - until < 0) {
            LockSupport.parkNanos(20_000_000L);
            if (System.nanoTime() - nextReport >= 0) {
                progress.accept(this);
                nextReport += 1_000_000_000L;
            }
        }
    }

    private void one(long plannedStart) {
        byte[] sink = new byte[8192];
        try (ClientResponse r = client.send(request)) {
            try (InputStream in = r.body()) {
                while (in.read(sink) >= 0) { /* discard */ }
            }
            byClass.incrementAndGet(Math.min(5, Math.max(1, r.status() / 100)));
            int k = latencyCount.getAndIncrement();
            if (k < latenciesNanos.length) {
                latenciesNanos[k] = System.nanoTime() - plannedStart;
            }
        } catch (HttpTimeoutException e) {
            timeouts.get(e.phase()).increment();
        } catch (ClientException e) {
            errors.computeIfAbsent(e.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'), k -> new LongAdder()).increment();
        } catch (IOException | RuntimeException e) {
            errors.computeIfAbsent("other", k -> new LongAdder()).increment();
        }
    }

    // ---- results ----

    long sent() {
        return sent.get();
    }

    int inFlight() {
        return inFlight.get();
    }

    long completed() {
        long s = 0;
        for (int i = 1; i <= 5; i++) s += byClass.get(i);
        return s;
    }

    long timeoutsTotal() {
        long s = 0;
        for (LongAdder a : timeouts.values()) s += a.sum();
        return s;
    }

    long errorsTotal() {
        long s = 0;
        for (LongAdder a : errors.values()) s += a.sum();
        return s;
    }

    Map<String, Long> timeoutsByPhase() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (var e : timeouts.entrySet()) {
            if (e.getValue().sum() > 0) m.put(e.getKey().label(), e.getValue().sum());
        }
        return m;
    }

    Map<String, Long> errorsByKind() {
        Map<String, Long> m = new LinkedHashMap<>();
        errors.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> m.put(e.getKey(), e.getValue().sum()));
        return m;
    }

    Map<String, Long> completedByClass() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 1; i <= 5; i++) {
            m.put(i + "xx", byClass.get(i));
        }
        return m;
    }

    long skipped() {
        return skipped.get();
    }

    int peakInFlight() {
        return peakInFlight.get();
    }

    /** Whole run: from the first call's start until the last call ended (or the wait for it gave up). */
    double elapsedSeconds() {
        return elapsedNanos / 1e9;
    }

    /** Seconds since the run started, for progress lines (called by the callback, on the loop's thread). */
    double secondsSoFar() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /**
     * The sending window, in seconds: open loop, from the start to the end of the schedule (one interval per
     * planned call), or to one interval after the last call started if that was later (the generator fell
     * behind); closed loop, the whole run. The achieved send rate is {@link #sent()} over this.
     */
    double sendingSeconds() {
        return (sendEndNanos - startNanos) / 1e9;
    }

    /** Calls per second over the sending window. */
    double sendRate() {
        return sent() / Math.max(1e-3, sendingSeconds());
    }

    /** Seconds spent after the sending window waiting for calls still in flight (0 for a closed loop). */
    double tailSeconds() {
        return Math.max(0, elapsedNanos - (sendEndNanos - startNanos)) / 1e9;
    }

    /** Calls still in flight when the run stopped waiting for them (the grace passed); not counted anywhere else. */
    int leftInFlight() {
        return leftInFlight;
    }

    /** Whether any call completed (with any status), so that latency percentiles exist. */
    boolean hasLatencies() {
        return latencyCount.get() > 0;
    }

    /** Latency percentile in milliseconds over completed calls (0 when none: see {@link #hasLatencies()}). */
    double latencyMillis(double percentile) {
        int n = Math.min(latencyCount.get(), latenciesNanos.length);
        if (n == 0) return 0;
        long[] copy = Arrays.copyOf(latenciesNanos, n);
        Arrays.sort(copy);
        int idx = (int) Math.ceil(percentile / 100.0 * n) - 1;
        return copy[Math.max(0, Math.min(n - 1, idx))] / 1e6;
    }

    Client.Stats clientStats() {
        return client.stats();
    }
}
