package io.hourglass.cli;

import io.hourglass.client.Client;
import io.hourglass.client.ClientConfig;
import io.hourglass.client.Protocol;
import io.hourglass.client.TimeoutPolicy;
import io.hourglass.internal.tcp.ProcNetTcp;
import io.hourglass.internal.tcp.TcpSnapshot;
import io.hourglass.internal.tcp.TcpState;
import io.hourglass.internal.text.Durations;
import io.hourglass.server.Http2Config;
import io.hourglass.server.Router;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hourglass lab storm}: the incident of docs/BACKGROUND on one machine. A slow upstream (an Hourglass
 * server whose handler waits {@code --delay}, ignoring cancellation like a stuck handler) is driven by the
 * Hourglass client at a fixed rate with a timeout shorter than the delay, once per timeout policy, while the
 * TCP states of both sides are sampled from /proc. Prints a side-by-side table and writes an HTML report.
 */
@Command(name = "storm",
        description = {"Reproduces the connection storm: CLOSE vs DRAIN on a slow upstream.",
            "",
            "A slow upstream (its handler takes --delay) is driven by the Hourglass client with a timeout shorter "
                    + "than that delay, once with the CLOSE policy (what Go and most clients do) and once with "
                    + "DRAIN (Hourglass's default), while the TCP states of both sides are sampled every 200 ms. "
                    + "Each policy gets its own upstream port, so one run's TIME_WAIT sockets do not count in the "
                    + "other's. With --slow-share, only that share of the calls goes to the slow path; the rest, "
                    + "the healthy calls, go to --fast-path.",
            "",
            "With --protocol h2 the client speaks HTTP/2 to the upstream (h2c with prior knowledge): one connection "
                    + "for the whole run, a timed-out call resets its stream (RST_STREAM) instead of closing or draining "
                    + "a connection, and the upstream runs at most its SETTINGS_MAX_CONCURRENT_STREAMS handlers at once "
                    + "for the connection, whoever reset the streams.",
            "",
            "Prints a table and writes an HTML report with charts (one file, no script, nothing fetched). Takes "
                    + "about a minute with the defaults. Linux only: reads /proc/net/tcp."},
        footer = {"", "Examples:",
            "  hourglass lab storm",
            "  hourglass lab storm --rate 100 --duration 30s --delay 3s --timeout 500ms",
            "  hourglass lab storm --policy close --naive-upstream   # CLOSE_WAIT as Go's",
            "  hourglass lab storm --slow-share 10 --rate 200   # 10 % slow, 90 % /hello",
            "  hourglass lab storm --protocol h2   # resets instead of drains, one connection",
            "  hourglass lab storm --protocol h2 --naive-upstream  # Go's: work piles up"},
        mixinStandardHelpOptions = true)
final class LabStorm implements Callable<Integer> {
    @Option(names = "--rate", paramLabel = "N", description = "Calls per second (default 50).")
    double rate = 50;

    @Option(names = "--duration", paramLabel = "DUR", converter = DurationConverter.class,
            description = "Load time per policy (default 20s).")
    Duration duration = Duration.ofSeconds(20);

    @Option(names = "--delay", paramLabel = "DUR", converter = DurationConverter.class,
            description = "How long the upstream's handler takes (default 5s).")
    Duration delay = Duration.ofSeconds(5);

    @Option(names = "--timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "Client total timeout per call (default 1s).")
    Duration timeout = Duration.ofSeconds(1);

    @Option(names = "--policy", paramLabel = "close|drain|both",
            description = "Which HTTP/1.1 timeout policies to run (default both); HTTP/2 has none.")
    String policy;

    @Option(names = "--protocol", paramLabel = "h1|h2",
            description = "HTTP/1.1 (default; one run per --policy) or HTTP/2 (one run: streams reset on timeout).")
    String protocol = "h1";

    @Option(names = "--max-conns-per-host", paramLabel = "N", description = "Client pool cap (default 64).")
    int maxConns = 64;

    @Option(names = "--honour-cancel", description = "The upstream's handler stops when its request is cancelled.")
    boolean honourCancel;

    @Option(names = "--naive-upstream",
            description = "The upstream does not watch for departed clients (like Go's net/http): its sockets stay "
                    + "in CLOSE_WAIT, and the client's in FIN_WAIT2, until each handler returns. With --protocol h2: "
                    + "a reset frees the stream's slot but the work behind it runs on (as Go's server), so the "
                    + "upstream's running work piles up past SETTINGS_MAX_CONCURRENT_STREAMS.")
    boolean naive;

    @Option(names = "--slow-share", paramLabel = "P",
            description = "Percent of the calls that go to the slow path (default 100); the rest go to --fast-path.")
    double slowShare = 100;

    @Option(names = "--fast-path", paramLabel = "PATH",
            description = "Where the other calls go, on the same upstream, which serves hourglass serve's demo routes "
                    + "there (default /hello; e.g. '/sleep?d=20ms').")
    String fastPath = "/hello";

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the report (default lab-out).")
    Path outDir = Path.of("lab-out");

    /** The upstream's slow path; every other path is served by {@link Serve#routes()}. */
    static final String SLOW_PATH = "/slow";

    private final PrintStream out;
    private final PrintStream err;
    private final Terminal terminal;

    LabStorm() {
        this(System.out, System.err, Terminal.detect());
    }

    LabStorm(PrintStream out, PrintStream err, Terminal terminal) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    /** One sample of both sides' TCP states for the upstream's port. */
    record Sample(double t, int clientEstab, int clientFinWait2, int clientTimeWait, int clientOther,
            int serverEstab, int serverCloseWait, long opened, int draining, int upstreamInFlight)
            implements StormChart.Timed {}

    /**
     * One policy's run. {@code slowReceived} and {@code fastReceived} count the requests the upstream's handlers
     * got on each path: what reached the upstream, whatever the client did with them.
     */
    record Result(TimeoutPolicy policy, int port, LoadRun run, Client.Stats stats, List<Sample> samples,
            int upstreamPeak, long slowReceived, long fastReceived, boolean h2) {
        Result(TimeoutPolicy policy, int port, LoadRun run, Client.Stats stats, List<Sample> samples, int upstreamPeak,
                long slowReceived, long fastReceived) {
            this(policy, port, run, stats, samples, upstreamPeak, slowReceived, fastReceived, false);
        }

        int peak(java.util.function.ToIntFunction<Sample> f) {
            return samples.stream().mapToInt(f).max().orElse(0);
        }

        /** The run's name in tables and charts: the policy over HTTP/1.1, HTTP/2 otherwise. */
        String label() {
            return h2 ? "HTTP/2" : policy.name();
        }
    }

    @Override
    public Integer call() throws Exception {
        boolean h2 = switch (protocol.toLowerCase(Locale.ROOT)) {
            case "h1" -> false;
            case "h2" -> true;
            default -> throw new Cli.UsageException("--protocol must be h1 or h2, got '" + protocol + "'");
        };
        if (h2 && policy != null) {
            throw new Cli.UsageException("--policy is HTTP/1.1's: over HTTP/2 a timed-out call resets its stream");
        }
        List<TimeoutPolicy> policies = h2 ? List.of(TimeoutPolicy.DRAIN) : switch (policy == null ? "both" : policy.toLowerCase(Locale.ROOT)) {
            case "both" -> List.of(TimeoutPolicy.CLOSE, TimeoutPolicy.DRAIN);
            case "close" -> List.of(TimeoutPolicy.CLOSE);
            case "drain" -> List.of(TimeoutPolicy.DRAIN);
            default -> throw new Cli.UsageException("--policy must be close, drain or both, got '" + policy + "'");
        };
        this.h2 = h2;
        if (rate <= 0 || rate > 5000) throw new Cli.UsageException("--rate must be between 0 and 5000, got " + rate);
        if (duration.isZero() || duration.compareTo(Duration.ofMinutes(30)) > 0) {
            throw new Cli.UsageException("--duration must be more than 0 and at most 30m");
        }
        if (timeout.isZero()) throw new Cli.UsageException("--timeout must be more than 0 (the storm needs a timeout)");
        if (delay.compareTo(Duration.ofMinutes(5)) > 0) throw new Cli.UsageException("--delay must be at most 5m");
        if (maxConns < 1) throw new Cli.UsageException("--max-conns-per-host must be at least 1");
        if (!(slowShare >= 0 && slowShare <= 100)) {
            throw new Cli.UsageException("--slow-share must be a percentage from 0 to 100, got " + fmt(slowShare));
        }
        if (!fastPath.startsWith("/") || fastPath.startsWith(SLOW_PATH + "?") || fastPath.equals(SLOW_PATH)
                || fastPath.chars().anyMatch(ch -> ch <= ' ' || ch >= 0x7f)) {
            throw new Cli.UsageException("--fast-path must be a path such as /hello or '/sleep?d=20ms' (not " + SLOW_PATH
                    + ", no spaces), got '" + fastPath + "'");
        }
        if (!ProcNetTcp.isSupported()) {
            throw new Cli.UsageException("the lab samples TCP states from /proc/net/tcp, which this system does not have (Linux only)");
        }
        out.printf(Locale.ROOT, "storm%s: %s calls/s for %s, upstream delay %s, client timeout %s, max %d connections per host%s%s%n",
                h2 ? " over HTTP/2" : "", fmt(rate), Durations.format(duration), Durations.format(delay), Durations.format(timeout), maxConns,
                naive ? ", naive upstream" : "", slowShare == 100 ? "" : ", " + fmt(slowShare) + " % slow, the rest to " + fastPath);
        out.println(expectation());
        out.flush();
        List<Result> results = new ArrayList<>();
        for (TimeoutPolicy p : policies) {
            results.add(runOne(p));
        }
        out.println();
        out.print(table(results));
        Path report = writeReport(results);
        out.println();
        out.println("report: " + report.toAbsolutePath());
        out.flush();
        return Cli.OK;
    }

    /**
     * What the arithmetic of docs/design.md predicts. All calls slow: CLOSE opens one connection per call, DRAIN
     * at most min(cap, rate x delay). With healthy calls too, DRAIN gives a healthy call the slot of a draining
     * connection when the pool is full, so past the cap it closes about one connection per second for each
     * slow call the pool has no room to drain: slow/s - (cap - slow/s x timeout) / (delay - timeout).
     */
    String expectation() {
        double slowRate = rate * slowShare / 100;
        if (h2) {
            return String.format(Locale.ROOT, "expected over HTTP/2: 1 connection; ~%d streams reset by the client (one "
                    + "per slow call); %s", (long) (slowRate * duration.toSeconds()), naive
                    ? String.format(Locale.ROOT, "the naive upstream's running work piling up to ~%d (rate x delay)",
                            (long) Math.min(slowRate * duration.toSeconds(), slowRate * delay.toNanos() / 1e9))
                    : "the upstream's running handlers at most its SETTINGS_MAX_CONCURRENT_STREAMS");
        }
        double d = delay.toNanos() / 1e9;
        double t = timeout.toNanos() / 1e9;
        long slowCalls = (long) (slowRate * duration.toSeconds());
        if (slowShare == 100) {
            return String.format(Locale.ROOT, "expected under CLOSE: ~%d new connections; under DRAIN: at most %d",
                    (long) (rate * duration.toSeconds()), Math.min(maxConns, (long) Math.ceil(rate * d)));
        }
        if (d <= t || slowRate * d <= maxConns) {
            return String.format(Locale.ROOT, "expected under CLOSE: ~%d new connections (one per slow call); "
                    + "under DRAIN: about %d (slow calls in flight over one delay)", slowCalls,
                    Math.max(1, Math.min(maxConns, (long) Math.ceil(slowRate * Math.max(d, t)))));
        }
        double closedPerSecond = Math.max(0, slowRate - Math.max(0, maxConns - slowRate * t) / (d - t));
        return String.format(Locale.ROOT, "expected under CLOSE: ~%d new connections (one per slow call); under DRAIN: "
                        + "about %d (the cap of %d, then ~%.1f/s: the pool cannot drain every slow call)",
                slowCalls, Math.min(slowCalls, maxConns + (long) (closedPerSecond * duration.toSeconds())), maxConns,
                closedPerSecond);
    }

    private boolean h2;

    /**
     * The slow upstream's work: sleeps for its delay; false when it was interrupted (the client left, or the
     * run ended) and it honours cancellation. One that ignores it sleeps on, as a naive handler would.
     */
    private static boolean sleepOut(long delayNanos, boolean honourCancel) {
        long end = System.nanoTime() + delayNanos;
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            try {
                Thread.sleep(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                if (honourCancel) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private Result runOne(TimeoutPolicy p) throws IOException, InterruptedException {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        AtomicLong slowReceived = new AtomicLong();
        AtomicLong fastReceived = new AtomicLong();
        long delayNanos = delay.toNanos();
        Router fast = Serve.routes();
        // The client's resets are the workload here, not an attack: no limit on them (the default, 1000 in
        // 10 s against Rapid Reset, would end the run's one connection with GOAWAY past 100 slow calls a second).
        Http2Config upstreamH2 = Http2Config.builder().resetLimits(0, 1000, Duration.ofSeconds(10)).build();
        Server up = Server.start(ServerConfig.builder().host("127.0.0.1").port(0).http2(upstreamH2)
                .handlerTimeout(Duration.ZERO).writeTimeout(Duration.ZERO).maxConnections(100_000)
                .watchClientDisconnect(!naive).shutdownTimeout(Duration.ofSeconds(1)).build(), (req, res) -> {
                    if (!req.path().equals(SLOW_PATH)) {
                        fastReceived.incrementAndGet();
                        fast.handle(req, res);
                        return;
                    }
                    slowReceived.incrementAndGet();
                    if (h2 && naive) {
                        naiveH2(res, inFlight, peak, delayNanos);
                        return;
                    }
                    peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    try {
                        if (sleepOut(delayNanos, honourCancel)) {
                            res.send("late\n");
                        }
                    } finally {
                        inFlight.decrementAndGet();
                    }
                });
        int port = up.port();
        // Sockets to this port number that exist before the run are not the client's: another process's
        // server had the number before (a test suite's, say) and its clients' sockets sit in TIME_WAIT for 60 s.
        // Bound to a port we now hold, every later socket to it is ours; these are left out of the counts.
        // TIME_WAIT an earlier owner of the port number left: not this run's
        Set<Integer> foreign = ProcNetTcp.snapshot().withRemotePort(port).timeWaitLocalPorts();
        ClientConfig cfg = ClientConfig.builder().timeout(timeout).timeoutPolicy(p).maxConnsPerHost(maxConns)
                .maxIdlePerHost(maxConns).protocols(h2 ? Protocol.H2_PRIOR_KNOWLEDGE : Protocol.HTTP_1_1).build();
        List<Sample> samples = new ArrayList<>();
        String label = h2 ? "http/2" : p.name().toLowerCase(Locale.ROOT);
        Progress progress = new Progress(err, terminal);
        long total = (long) Math.floor(rate * duration.toNanos() / 1e9);
        String base = "http://127.0.0.1:" + port;
        try (LoadRun run = new LoadRun(cfg, URI.create(base + SLOW_PATH), URI.create(base + fastPath), slowShare,
                (int) Math.min(total, 10_000_000))) {
            Client client = run.client();
            long t0 = System.nanoTime();
            Thread sampler = Thread.ofVirtual().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        Sample s = sample(port, foreign, t0, client, inFlight.get());
                        synchronized (samples) {
                            samples.add(s);
                        }
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    } catch (IOException e) {
                        // /proc raced with a socket change: skip this sample
                    }
                }
            });
            run.openLoop(rate, duration, 100_000, timeout.plusSeconds(2), r -> progress(progress, label, r, samples));
            // Keep sampling the tail until the upstream's handlers and the drains are done.
            long until = System.nanoTime() + delayNanos + 3_000_000_000L;
            while (System.nanoTime() - until < 0 && (inFlight.get() > 0 || client.stats().draining() > 0)) {
                Thread.sleep(200);
                progress(progress, label, run, samples);
            }
            Thread.sleep(400);
            sampler.interrupt();
            sampler.join(2000);
            progress.clear();
            return new Result(p, port, run, client.stats(), List.copyOf(samples), peak.get(), slowReceived.get(),
                    fastReceived.get(), h2);
        } finally {
            up.shutdown();
        }
    }


    /**
     * A naive HTTP/2 upstream, as Go's net/http server behaves: a client's RST_STREAM ends the stream and frees
     * its slot under SETTINGS_MAX_CONCURRENT_STREAMS, but the work behind it goes on (Go cancels the request's
     * context; a handler that does not watch it runs to its end). Modelled with the work on a thread of its own
     * that the handler waits for: the reset interrupts the handler, which returns and frees the slot, while the
     * work keeps running and counting. The running work piles up to about rate x delay.
     */
    private static void naiveH2(io.hourglass.server.Response res, AtomicInteger inFlight, AtomicInteger peak,
            long delayNanos) throws IOException {
        peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        Thread work = Thread.ofVirtual().start(() -> {
            try {
                sleepOut(delayNanos, false);
            } finally {
                inFlight.decrementAndGet();
            }
        });
        try {
            work.join();
        } catch (InterruptedException e) {
            return; // the stream was reset: the handler leaves, its work does not
        }
        res.send("late\n");
    }

    private static Sample sample(int port, Set<Integer> foreign, long t0, Client client, int upstreamInFlight)
            throws IOException {
        TcpSnapshot all = ProcNetTcp.snapshot();
        TcpSnapshot clientSide = all.withRemotePort(port).withoutTimeWait(foreign);
        TcpSnapshot serverSide = all.withLocalPort(port).filter(s -> s.state() != TcpState.LISTEN);
        int estab = clientSide.count(TcpState.ESTABLISHED);
        int fw2 = clientSide.count(TcpState.FIN_WAIT2);
        int tw = clientSide.count(TcpState.TIME_WAIT);
        int other = clientSide.size() - estab - fw2 - tw;
        return new Sample((System.nanoTime() - t0) / 1e9, estab, fw2, tw, other,
                serverSide.count(TcpState.ESTABLISHED), serverSide.count(TcpState.CLOSE_WAIT),
                client.stats().opened(), (int) client.stats().draining(), upstreamInFlight);
    }

    private static void progress(Progress progress, String label, LoadRun r, List<Sample> samples) {
        Sample last;
        synchronized (samples) {
            last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
        }
        var s = r.clientStats();
        progress.update(String.format(Locale.ROOT, "[%s] %4.0fs  sent %d  timeouts %d  conns opened %d reused %d drained %d"
                        + "  |  client ESTAB %d FIN_WAIT2 %d TIME_WAIT %d  server CLOSE_WAIT %d",
                label, last == null ? 0 : last.t(), r.sent(), r.timeoutsTotal(), s.opened(), s.reused(),
                s.drainedReused() + s.drainedClosed(),
                last == null ? 0 : last.clientEstab(), last == null ? 0 : last.clientFinWait2(),
                last == null ? 0 : last.clientTimeWait(), last == null ? 0 : last.serverCloseWait()));
    }

    /**
     * The results as rows: a label, then one cell per policy. The printed table and the HTML report both show
     * every row.
     */
    static List<List<String>> rows(List<Result> results) {
        String[] labels = {
            "requests sent", "completed (any status)", "timeouts", "other errors",
            "healthy calls answered", "healthy calls p99 latency",
            "calls that got a connection", "calls that gave up waiting for the pool",
            "requests the upstream received",
            "connections opened", "connections reused", "connections drained (back to pool / closed)",
            "drains preempted / abandoned",
            "HTTP/2 streams opened", "HTTP/2 streams reset (by client / by server)", "HTTP/2 pings (sent / acked)",
            "peak client FIN_WAIT2", "peak client TIME_WAIT", "peak client ESTABLISHED",
            "peak server CLOSE_WAIT", "upstream peak concurrency",
        };
        List<List<String>> cols = new ArrayList<>();
        for (Result r : results) {
            var s = r.stats();
            LoadRun.Tally fast = r.run().tally("fast");
            List<String> c = new ArrayList<>();
            c.add(String.valueOf(r.run().sent()));
            c.add(String.valueOf(r.run().completed()));
            c.add(withParts(r.run().timeoutsTotal(), r.run().timeoutsByPhase()));
            c.add(withParts(r.run().errorsTotal(), r.run().errorsByKind()));
            c.add(fast.sent() == 0 ? "n/a (no fast calls)" : healthy(fast));
            c.add(fast.completed() == 0 ? "n/a" : String.format(Locale.ROOT, "%.1fms", fast.latencyMillis(99)));
            c.add(String.valueOf(r.run().acquired()));
            c.add(String.valueOf(r.run().poolGaveUp()));
            c.add((r.slowReceived() + r.fastReceived()) + " (slow " + r.slowReceived() + ")");
            c.add(String.valueOf(s.opened()));
            c.add(String.valueOf(s.reused()));
            c.add((s.drainedReused() + s.drainedClosed()) + " (" + s.drainedReused() + " / " + s.drainedClosed() + ")");
            c.add(s.drainsPreempted() + " / " + s.drainsAbandoned());
            c.add(r.h2() ? String.valueOf(s.h2StreamsOpened()) : "n/a");
            c.add(r.h2() ? s.h2ResetsSent() + " / " + s.h2ResetsReceived() : "n/a");
            c.add(r.h2() ? s.h2PingsSent() + " / " + s.h2PingsAcked() : "n/a");
            c.add(String.valueOf(r.peak(Sample::clientFinWait2)));
            c.add(String.valueOf(r.peak(Sample::clientTimeWait)));
            c.add(String.valueOf(r.peak(Sample::clientEstab)));
            c.add(String.valueOf(r.peak(Sample::serverCloseWait)));
            c.add(String.valueOf(r.upstreamPeak()));
            cols.add(c);
        }
        return ReportTable.byRow(labels, cols);
    }

    /** "0", or the total and its parts: "1000 (total 990, pool 10)". */
    private static String withParts(long total, java.util.Map<String, Long> parts) {
        if (parts.isEmpty()) {
            return "0";
        }
        StringBuilder b = new StringBuilder().append(total).append(" (");
        parts.forEach((k, v) -> b.append(k).append(' ').append(v).append(", "));
        b.setLength(b.length() - 2);
        return b.append(')').toString();
    }

    static String table(List<Result> results) {
        // columns 26 wide at least, wider when a cell needs it ("1000 (pool-wait 710, total 290)")
        return ReportTable.format("policy", results.stream().map(Result::label).toList(), rows(results), 26);
    }

    /** "2704 of 2704 (100.0 %)": fast calls answered (any status) of those sent. */
    static String healthy(LoadRun.Tally fast) {
        return String.format(Locale.ROOT, "%d of %d (%.1f %%)", fast.completed(), fast.sent(),
                100.0 * fast.completed() / Math.max(1, fast.sent()));
    }

    private Path writeReport(List<Result> results) throws IOException {
        Files.createDirectories(outDir);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path file = outDir.resolve("storm-" + stamp + ".html");
        Files.writeString(file, StormReport.html(results, this));
        return file;
    }

    String settings() {
        return String.format(Locale.ROOT, "%s%s calls/s for %s%s; upstream handler delay %s (%s cancellation%s); "
                        + "client timeout %s; max %d connections per host",
                h2 ? "HTTP/2 (h2c): " : "", fmt(rate), Durations.format(duration),
                slowShare == 100 ? "" : " (" + fmt(slowShare) + " % to the slow path, the rest to " + fastPath + ")",
                Durations.format(delay), honourCancel ? "honours" : "ignores",
                !naive ? "" : h2 ? ", naive upstream whose work outlives the reset stream" : ", naive upstream that keeps CLOSE_WAIT",
                Durations.format(timeout), maxConns);
    }
}
