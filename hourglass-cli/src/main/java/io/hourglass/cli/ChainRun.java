package io.hourglass.cli;

import io.hourglass.client.Client;
import io.hourglass.client.ClientConfig;
import io.hourglass.client.ClientRequest;
import io.hourglass.client.ClientResponse;
import io.hourglass.http.Deadline;
import io.hourglass.http.HttpTimeoutException;
import io.hourglass.observe.MetricsRegistry;
import io.hourglass.server.Handler;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * One variant of {@code hourglass lab chain}: three Hourglass servers A, B and C on loopback in this JVM, A's
 * handler calling B and B's calling C with a client of their own, C slow; callers send to A at a fixed rate
 * with a timeout. Every request carries the instant its caller gives up (a lab header, {@value #CALLER_DEADLINE},
 * a {@link System#nanoTime()} value: one JVM, one clock), which A and B copy onto their calls, so that C can
 * tell, for each request it works on, how much of that work came after its caller had gone.
 */
final class ChainRun implements AutoCloseable {
    /** The lab's header: when the original caller gives up, as a nanoTime instant of this JVM. */
    static final String CALLER_DEADLINE = "X-Lab-Caller-Deadline";

    /**
     * What C did with one request that reached its handler: when it ran, when its caller gave up, and C's own
     * deadline ({@code Long.MAX_VALUE} for none), all {@link System#nanoTime()} instants.
     */
    record Work(long start, long end, long callerDeadline, long ownDeadline) {
        /** Handler time after the caller had given up. */
        long wastedNanos() {
            return Math.max(0, end - Math.max(start, callerDeadline));
        }
    }

    /** One sample over time: C's handlers running, and what C and the callers had counted so far. */
    record Sample(double t, int cRunning, long cReceived, long callersSent, long opened)
            implements StormChart.Timed {}

    private final LabChain.Variant variant;
    private final LabChain lab;
    private final Server a;
    private final Server b;
    private final Server c;
    private final Client clientA; // A's client, calling B
    private final Client clientB; // B's client, calling C
    private final Client callers;
    private final AtomicInteger cRunning = new AtomicInteger();
    private final AtomicInteger cPeak = new AtomicInteger();
    private final AtomicLong cHandled = new AtomicLong();
    private final ConcurrentLinkedQueue<Work> work = new ConcurrentLinkedQueue<>();
    private final LongAdder sent = new LongAdder();
    private final LongAdder ok = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final List<Sample> samples = new ArrayList<>(); // guarded by itself
    private double sendingSeconds;

    ChainRun(LabChain lab, LabChain.Variant variant) throws IOException {
        this.lab = lab;
        this.variant = variant;
        ServerConfig.Builder sc = ServerConfig.builder().host("127.0.0.1").port(0).maxConnections(100_000)
                .shutdownTimeout(Duration.ofSeconds(1)).honourDeadlines(variant.propagate());
        c = Server.start(sc.build(), this::slow, new MetricsRegistry());
        clientB = new Client(lab.hopClient(variant, true));
        b = Server.start(sc.build(), forward(clientB, c.url() + "/work"), new MetricsRegistry());
        clientA = new Client(lab.hopClient(variant, false));
        a = Server.start(sc.build(), forward(clientA, b.url() + "/work"), new MetricsRegistry());
        callers = new Client(lab.callerClient(variant));
    }

    /** C: works for {@code --delay}, stopping when its request is cancelled (its deadline, or its client gone). */
    private void slow(io.hourglass.server.Request req, io.hourglass.server.Response res) throws IOException {
        long start = System.nanoTime();
        long own = Deadline.current().map(Deadline::nanoTime).orElse(Long.MAX_VALUE); // C's own deadline
        cHandled.incrementAndGet();
        cPeak.accumulateAndGet(cRunning.incrementAndGet(), Math::max);
        try {
            long end = start + lab.delay.toNanos();
            long left;
            while ((left = end - System.nanoTime()) > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(left));
                } catch (InterruptedException e) {
                    return; // cancelled: the server answers for us
                }
            }
            res.send("done\n");
        } finally {
            cRunning.decrementAndGet();
            work.add(new Work(start, System.nanoTime(), callerDeadline(req), own));
        }
    }

    private static long callerDeadline(io.hourglass.server.Request req) {
        String v = req.header(CALLER_DEADLINE);
        try {
            return v == null ? Long.MAX_VALUE : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** A and B: call the next hop and answer with what it said, or 504 on a timeout, 502 on another failure. */
    private static Handler forward(Client client, String next) {
        URI uri = URI.create(next);
        return (req, res) -> {
            ClientRequest.Builder r = ClientRequest.builder("GET", uri);
            String d = req.header(CALLER_DEADLINE);
            if (d != null) {
                r.header(CALLER_DEADLINE, d);
            }
            try (ClientResponse up = client.send(r.build())) {
                byte[] body = up.body().readAllBytes();
                res.status(up.status()).send(body);
            } catch (HttpTimeoutException e) {
                res.status(504).send("upstream: " + e.getMessage() + "\n");
            } catch (IOException e) {
                if (req.isCancelled()) {
                    throw e; // our own deadline or client: the server answers
                }
                res.status(502).send("upstream: " + e.getMessage() + "\n");
            }
        };
    }

    /** Sends at the lab's rate for its duration, then waits for C's last handlers; samples all along. */
    void run(Progress progress) throws InterruptedException {
        long t0 = System.nanoTime();
        Thread sampler = Thread.ofVirtual().start(() -> sample(t0));
        URI target = URI.create(a.url() + "/work");
        long timeoutNanos = lab.timeout.toNanos();
        long interval = (long) (1e9 / lab.rate);
        long total = (long) Math.floor(lab.rate * lab.duration.toNanos() / 1e9);
        List<Thread> calls = new ArrayList<>();
        for (long i = 0; i < total; i++) {
            long planned = t0 + i * interval;
            long wait;
            while ((wait = planned - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            calls.add(Thread.ofVirtual().start(() -> call(target, System.nanoTime() + timeoutNanos)));
            if (i % 50 == 0) {
                progress.update(progressLine(t0));
            }
        }
        sendingSeconds = (System.nanoTime() - t0) / 1e9;
        for (Thread t : calls) {
            t.join();
        }
        // the tail: C's handlers for callers long gone (the waste this lab is about) run on after the load
        long until = System.nanoTime() + lab.delay.toNanos() + 2_000_000_000L;
        while (cRunning.get() > 0 && System.nanoTime() - until < 0) {
            Thread.sleep(100);
            progress.update(progressLine(t0));
        }
        Thread.sleep(300);
        sampler.interrupt();
        sampler.join(2000);
    }

    private void call(URI target, long callerDeadline) {
        sent.increment();
        ClientRequest r = ClientRequest.builder("GET", target).header(CALLER_DEADLINE, Long.toString(callerDeadline))
                .build();
        try {
            int status = variant.propagate()
                    ? Deadline.atNanoTime(callerDeadline).call(() -> send(r)) // the caller's deadline travels
                    : send(r);
            if (status == 200) {
                ok.increment();
            } else {
                failed.increment();
            }
        } catch (HttpTimeoutException e) {
            timedOut.increment();
        } catch (Exception e) {
            failed.increment();
        }
    }

    private int send(ClientRequest r) throws IOException {
        try (ClientResponse resp = callers.send(r)) {
            resp.body().readAllBytes();
            return resp.status();
        }
    }

    private void sample(long t0) {
        while (!Thread.currentThread().isInterrupted()) {
            Sample s = new Sample((System.nanoTime() - t0) / 1e9, cRunning.get(), cReceived(), sent.sum(),
                    connectionsOpened());
            synchronized (samples) {
                samples.add(s);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private String progressLine(long t0) {
        return String.format(java.util.Locale.ROOT, "[%s] %4.0fs  callers sent %d ok %d timed out %d  |  C received %d "
                        + "running %d", variant.name(), (System.nanoTime() - t0) / 1e9, sent.sum(), ok.sum(),
                timedOut.sum(), cReceived(), cRunning.get());
    }

    // ---- what the run measured ----

    LabChain.Variant variant() {
        return variant;
    }

    /** Requests that reached C: its handler ran, or C refused them as past their deadline (504, no handler). */
    long cReceived() {
        return cHandled.get() + cRejected();
    }

    long cHandled() {
        return cHandled.get();
    }

    /** C's 504s for requests whose deadline had passed on arrival. */
    long cRejected() {
        return counter(c.metrics(), "hourglass_server_deadlines_received_total", "expired");
    }

    /** B's and A's 504s for requests whose deadline had passed on arrival. */
    long abRejected() {
        return counter(a.metrics(), "hourglass_server_deadlines_received_total", "expired")
                + counter(b.metrics(), "hourglass_server_deadlines_received_total", "expired");
    }

    int cPeak() {
        return cPeak.get();
    }

    long sent() {
        return sent.sum();
    }

    long ok() {
        return ok.sum();
    }

    long timedOut() {
        return timedOut.sum();
    }

    long failed() {
        return failed.sum();
    }

    double sendingSeconds() {
        return sendingSeconds;
    }

    List<Work> work() {
        return List.copyOf(work);
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** Connections opened by the callers (to A), A (to B) and B (to C). */
    long[] opened() {
        return new long[] {callers.stats().opened(), clientA.stats().opened(), clientB.stats().opened()};
    }

    private long connectionsOpened() {
        long n = 0;
        for (long o : opened()) n += o;
        return n;
    }

    Client.Stats hopStats(int hop) {
        return (hop == 0 ? callers : hop == 1 ? clientA : clientB).stats();
    }

    private static long counter(MetricsRegistry registry, String family, String label) {
        for (io.hourglass.observe.Family f : registry.families()) {
            if (!(f instanceof io.hourglass.observe.Counter counter) || !counter.name().equals(family)) {
                continue;
            }
            for (var e : counter.children().entrySet()) {
                if (e.getKey().contains(label)) {
                    return e.getValue().value();
                }
            }
        }
        return 0;
    }

    @Override
    public void close() {
        callers.close();
        clientA.close();
        clientB.close();
        a.shutdown();
        b.shutdown();
        c.shutdown();
    }
}
