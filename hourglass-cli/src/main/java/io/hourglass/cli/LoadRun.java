package io.hourglass.cli;

import io.hourglass.client.Client;
import io.hourglass.client.ClientConfig;
import io.hourglass.client.ClientException;
import io.hourglass.client.ClientRequest;
import io.hourglass.client.ClientResponse;
import io.hourglass.client.EventListener;
import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A load run with the Hourglass client: open loop (calls start at a fixed rate whether or not earlier ones
 * finished; latency counts from the planned start, so a stall is not hidden), or closed loop (C callers back
 * to back until N calls are done). Every run is bounded in count and time.
 *
 * <p>Calls come in one class ({@code hourglass load}: every call to one URL) or two ({@code lab storm
 * --slow-share}: a share of the calls to a slow path, the rest to a fast one), each counted apart in a
 * {@link Tally}: sent, got a connection, gave up waiting for the pool, request written, answered, timeouts by
 * phase, errors by kind, latency. The run owns its client, whose event listener tells which calls got a
 * connection and which requests were written.
 */
final class LoadRun implements AutoCloseable {
    // Bytes of a response body read at a time and dropped: a closed loop's caller keeps one array for all its calls
    // (one per call cost the generator 6-9 % of its CPU per call in the benchmark peer that copied it: round 8), and
    // an open loop's calls, each on a thread of its own, take one from a pool and give it back: the pool holds at
    // most SINKS_KEPT arrays (more calls in flight than that make the rest anew), so it never holds more than a run
    // needs at its peak.
    private static final int SINK = 8192;
    private static final int SINKS_KEPT = 1024;
    private final ArrayBlockingQueue<byte[]> sinks = new ArrayBlockingQueue<>(SINKS_KEPT);

    /** What the listener saw of the call running on this thread (each call runs on its own thread). */
    private static final class Mark {
        boolean acquired;
        boolean written;
    }

    private static final ThreadLocal<Mark> MARK = new ThreadLocal<>();

    private static final EventListener MARKER = new EventListener() {
        @Override
        public void poolAcquired(ClientRequest request, long connectionId, boolean reused, long waitedNanos) {
            Mark m = MARK.get();
            if (m != null) m.acquired = true;
        }

        @Override
        public void requestWritten(ClientRequest request, long connectionId) {
            Mark m = MARK.get();
            if (m != null) m.written = true;
        }
    };

    /** One class of calls and what happened to them. */
    static final class Tally {
        final String name;
        final ClientRequest request; // immutable: one for every call of the class
        private final long[] latenciesNanos;
        private final AtomicInteger latencyCount = new AtomicInteger();
        private final AtomicLongArray byClass = new AtomicLongArray(6);
        private final Map<Phase, LongAdder> timeouts = new EnumMap<>(Phase.class);
        private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong acquired = new AtomicLong();
        private final AtomicLong written = new AtomicLong();

        Tally(String name, ClientRequest request, int maxCalls) {
            this.name = name;
            this.request = request;
            this.latenciesNanos = new long[Math.max(1, maxCalls)];
            for (Phase p : Phase.values()) {
                timeouts.put(p, new LongAdder());
            }
        }

        long sent() {
            return sent.get();
        }

        /** Calls that got a connection (pooled or new), whatever happened next. */
        long acquired() {
            return acquired.get();
        }

        /** Calls that waited for the pool and gave up (timeout phase pool-wait): nothing reached the upstream. */
        long poolGaveUp() {
            return timeouts.get(Phase.POOL_WAIT).sum();
        }

        /** Requests written to a connection in full: delivered to the upstream's socket. */
        long written() {
            return written.get();
        }

        /** Calls that got a response (any status). */
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

        private void answered(int status, long latencyNanos) {
            byClass.incrementAndGet(Math.min(5, Math.max(1, status / 100)));
            int k = latencyCount.getAndIncrement();
            if (k < latenciesNanos.length) {
                latenciesNanos[k] = latencyNanos;
            }
        }
    }

    private final Client client;
    private final List<Tally> tallies;
    private final double firstShare;  // percent of calls in the first tally when there are two
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final AtomicReference<String> firstTlsError = new AtomicReference<>();
    // Written and read by the thread that runs the loop (which also calls the progress callback), then read
    // after the loop returns.
    private long startNanos;
    private long sendEndNanos;
    private long elapsedNanos;
    private int leftInFlight;

    /** One class of calls, all GET {@code uri}. */
    LoadRun(ClientConfig cfg, URI uri, int maxCalls) {
        this(cfg, ClientRequest.builder("GET", uri).build(), maxCalls);
    }

    /** One class of calls, all {@code request}. */
    LoadRun(ClientConfig cfg, ClientRequest request, int maxCalls) {
        this.client = client(cfg);
        this.tallies = List.of(new Tally("all", request, maxCalls));
        this.firstShare = 100;
    }

    /**
     * The run's client: a load generator measures the exchange it was asked for, so it follows no redirect and
     * asks for no compression (as before the client could), and it listens for the marks.
     */
    private static Client client(ClientConfig cfg) {
        return new Client(cfg.toBuilder().listener(MARKER).followRedirects(false).transparentGzip(false).build());
    }

    /**
     * Two classes: {@code slowPercent} % of the calls to {@code slow} (named "slow"), spread evenly, the rest
     * to {@code fast} (named "fast").
     */
    LoadRun(ClientConfig cfg, URI slow, URI fast, double slowPercent, int maxCalls) {
        this.client = client(cfg);
        int slowCalls = (int) Math.min(maxCalls, Math.ceil(maxCalls * slowPercent / 100));
        this.tallies = List.of(new Tally("slow", ClientRequest.builder("GET", slow).build(), slowCalls),
                new Tally("fast", ClientRequest.builder("GET", fast).build(), maxCalls - slowCalls));
        this.firstShare = slowPercent;
    }

    Client client() {
        return client;
    }

    /** The message of the first TLS failure, or null when there was none. */
    String firstTlsError() {
        return firstTlsError.get();
    }

    @Override
    public void close() {
        client.close();
    }

    /**
     * The class of call {@code i}: call i is in the first class when the running count of first-class calls,
     * {@code floor((i + 1) * share / 100)}, steps up at i. So 10 % puts calls 9, 19, 29, ... in it: evenly
     * spread, and the same every run.
     */
    private Tally classOf(long i) {
        if (tallies.size() == 1) {
            return tallies.get(0);
        }
        boolean first = Math.floor((i + 1) * firstShare / 100) > Math.floor(i * firstShare / 100);
        return tallies.get(first ? 0 : 1);
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
            Tally t = classOf(i);
            sent.incrementAndGet();
            track(inFlight.incrementAndGet());
            lastStart = System.nanoTime();
            Thread.ofVirtual().start(() -> {
                byte[] pooled = sinks.poll();
                byte[] sink = pooled != null ? pooled : new byte[SINK];
                try {
                    one(t, at, sink);
                } finally {
                    inFlight.decrementAndGet();
                    sinks.offer(sink); // dropped when the pool is full
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
                byte[] sink = new byte[SINK]; // the caller's own, for every call it makes
                long ticket;
                while ((ticket = tickets.getAndDecrement()) > 0 && System.nanoTime() - end < 0) {
                    sent.incrementAndGet();
                    track(inFlight.incrementAndGet());
                    try {
                        one(classOf(n - ticket), System.nanoTime(), sink);
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

    /** {@code sink}: where the body is read to and dropped, a buffer of {@link #SINK} bytes. */
    private void one(Tally t, long plannedStart, byte[] sink) {
        Mark mark = new Mark();
        MARK.set(mark);
        t.sent.incrementAndGet();
        try (ClientResponse r = client.send(t.request)) {
            try (InputStream in = r.body()) {
                while (in.read(sink) >= 0) { /* discard */ }
            }
            t.answered(r.status(), System.nanoTime() - plannedStart);
        } catch (HttpTimeoutException e) {
            t.timeouts.get(e.phase()).increment();
        } catch (ClientException e) {
            t.errors.computeIfAbsent(e.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'), k -> new LongAdder()).increment();
            if (e.kind() == ClientException.Kind.TLS) {
                firstTlsError.compareAndSet(null, e.getMessage()); // the same cause every time, as a rule: say it once
            }
        } catch (IOException | RuntimeException e) {
            t.errors.computeIfAbsent("other", k -> new LongAdder()).increment();
        } finally {
            MARK.remove();
            if (mark.acquired) t.acquired.incrementAndGet();
            if (mark.written) t.written.incrementAndGet();
        }
    }

    // ---- results: totals over the classes, and each class ----

    List<Tally> tallies() {
        return tallies;
    }

    /** The class named {@code name} ("all", "slow" or "fast"), or null. */
    Tally tally(String name) {
        for (Tally t : tallies) {
            if (t.name.equals(name)) return t;
        }
        return null;
    }

    long sent() {
        return sent.get();
    }

    int inFlight() {
        return inFlight.get();
    }

    private long sum(java.util.function.ToLongFunction<Tally> f) {
        long s = 0;
        for (Tally t : tallies) s += f.applyAsLong(t);
        return s;
    }

    long completed() {
        return sum(Tally::completed);
    }

    long acquired() {
        return sum(Tally::acquired);
    }

    long poolGaveUp() {
        return sum(Tally::poolGaveUp);
    }

    long written() {
        return sum(Tally::written);
    }

    long timeoutsTotal() {
        return sum(Tally::timeoutsTotal);
    }

    long errorsTotal() {
        return sum(Tally::errorsTotal);
    }

    Map<String, Long> timeoutsByPhase() {
        return merge(Tally::timeoutsByPhase);
    }

    Map<String, Long> errorsByKind() {
        return merge(Tally::errorsByKind);
    }

    Map<String, Long> completedByClass() {
        return merge(Tally::completedByClass);
    }

    private Map<String, Long> merge(java.util.function.Function<Tally, Map<String, Long>> f) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Tally t : tallies) {
            f.apply(t).forEach((k, v) -> m.merge(k, v, Long::sum));
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

    /** Whether any call of the only class ("all") completed, so that latency percentiles exist. */
    boolean hasLatencies() {
        return tallies.get(0).hasLatencies();
    }

    /** Latency percentile in milliseconds over completed calls of the only class ("all"); 0 when none. */
    double latencyMillis(double percentile) {
        return tallies.get(0).latencyMillis(percentile);
    }

    Client.Stats clientStats() {
        return client.stats();
    }
}
