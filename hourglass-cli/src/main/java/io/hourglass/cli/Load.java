package io.hourglass.cli;

import io.hourglass.client.ClientConfig;
import io.hourglass.client.ClientRequest;
import io.hourglass.client.RequestBody;
import io.hourglass.client.TimeoutPolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hourglass load}: an open-loop (or closed-loop) load generator on the Hourglass client. */
@Command(name = "load",
        description = {"Drives a URL and reports timeouts, connection churn and latency.",
            "",
            "Open loop (the default): --rate calls per second for --duration, each started on schedule whether "
                    + "or not earlier calls have finished, so a slow server cannot slow the load down; latency "
                    + "counts from the planned start. Closed loop: -n calls by --concurrency callers, each starting "
                    + "its next call when the last one ends.",
            "",
            "Prints requests sent and the send rate achieved while sending, then the wait for the calls still in "
                    + "flight; completed calls by status class, timeouts by phase, errors by kind, calls that got a "
                    + "connection or gave up waiting for the pool, requests written, connections opened, reused and "
                    + "drained, HTTP/2 streams, resets by side, pings and GOAWAYs (with --http2 or "
                    + "--http2-prior-knowledge), and latency percentiles of completed calls (n/a when none completed). "
                    + "--json prints the same as one JSON object.",
            "",
            "While it runs, a progress line on stderr is rewritten in place when stderr is a terminal; otherwise "
                    + "a plain line is written every 5 seconds."},
        footer = {"", "Examples:",
            "  hourglass load http://127.0.0.1:8080/hello -n 100000 --concurrency 64",
            "  hourglass load 'http://127.0.0.1:8080/sleep?d=5s' \\",
            "      --rate 50 --duration 30s --timeout 1s --policy close",
            "  hourglass load 'http://127.0.0.1:8080/sleep?d=5s' --http2-prior-knowledge \\",
            "      --rate 50 --duration 30s --timeout 1s"},
        mixinStandardHelpOptions = true)
final class Load implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "URL", description = "http:// or https:// URL to call.")
    String url;

    @Option(names = {"-X", "--request"}, paramLabel = "METHOD", description = "Method (default GET, or POST with --data).")
    String method;

    @Option(names = {"-H", "--header"}, paramLabel = "'Name: value'", description = "Request header (repeatable).")
    List<String> headers = new ArrayList<>();

    @Option(names = {"-d", "--data"}, paramLabel = "DATA", description = "Request body of every call; @FILE reads a "
            + "file as it is.")
    String data;

    @Option(names = {"--ca-file", "--cacert"}, paramLabel = "FILE", description = "PEM CA certificates to trust for "
            + "https, in addition to the JDK's.")
    Path caFile;

    @Option(names = {"-k", "--insecure"}, description = "Trust any server certificate and host name.")
    boolean insecure;

    @Option(names = "--rate", paramLabel = "N", description = "Calls per second (open loop).")
    Double rate;

    @Option(names = "--duration", paramLabel = "DUR", converter = DurationConverter.class,
            description = "How long to keep starting calls (open loop).")
    Duration duration;

    @Option(names = "-n", paramLabel = "N", description = "Total calls (closed loop).")
    Long count;

    @Option(names = "--concurrency", paramLabel = "C", description = "Callers back to back (closed loop; default 1).")
    Integer concurrency;

    @Option(names = "--concurrency-limit", paramLabel = "N",
            description = "Open loop: most calls in flight; a call due while at the limit is skipped and counted (default 10000).")
    int concurrencyLimit = 10_000;

    @Option(names = "--timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "Client total timeout per call (default 60s).")
    Duration timeout;

    @Option(names = "--response-header-timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "Client response-header timeout (default 30s).")
    Duration responseHeaderTimeout;

    @Option(names = "--policy", paramLabel = "close|drain", description = "Timeout policy (default drain).")
    String policy = "drain";

    @Option(names = "--max-conns-per-host", paramLabel = "N", description = "Pool cap per origin (default 64).")
    Integer maxConns;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Mixin
    ProtocolOptions protocol = new ProtocolOptions();

    private final PrintStream out;
    private final PrintStream err;
    private final Terminal terminal;

    Load() {
        this(System.out, System.err, Terminal.detect());
    }

    Load(PrintStream out, PrintStream err, Terminal terminal) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    static TimeoutPolicy policy(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "close" -> TimeoutPolicy.CLOSE;
            case "drain" -> TimeoutPolicy.DRAIN;
            default -> throw new Cli.UsageException("--policy must be close or drain, got '" + s + "'");
        };
    }

    @Override
    public Integer call() throws Exception {
        boolean open = rate != null || duration != null;
        boolean closed = count != null || concurrency != null;
        if (open == closed) {
            throw new Cli.UsageException("give either --rate and --duration (open loop) or -n and --concurrency (closed loop)");
        }
        if (open && (rate == null || duration == null)) {
            throw new Cli.UsageException(rate == null ? "--duration needs --rate" : "--rate needs --duration");
        }
        if (open && (rate <= 0 || rate > 1_000_000)) {
            throw new Cli.UsageException("--rate must be between 0 and 1000000, got " + rate);
        }
        if (open && (duration.isZero() || duration.compareTo(Duration.ofHours(24)) > 0)) {
            throw new Cli.UsageException("--duration must be more than 0 and at most 24h");
        }
        if (closed && (count == null || count < 1 || count > 100_000_000)) {
            throw new Cli.UsageException("-n must be between 1 and 100000000");
        }
        int conc = concurrency == null ? 1 : concurrency;
        if (conc < 1 || conc > 10_000) {
            throw new Cli.UsageException("--concurrency must be between 1 and 10000, got " + conc);
        }
        if (concurrencyLimit < 1) {
            throw new Cli.UsageException("--concurrency-limit must be at least 1");
        }
        ClientRequest request = request();
        ClientConfig.Builder cb = ClientConfig.builder().timeoutPolicy(policy(policy)).protocols(protocol.protocols());
        if (caFile != null) {
            if (!Files.isReadable(caFile)) {
                throw new Cli.UsageException("cannot read --ca-file " + caFile);
            }
            cb.trustedCaFile(caFile);
        }
        if (insecure) {
            cb.sslContext(Insecure.context());
        }
        if (timeout != null) cb.timeout(timeout);
        if (responseHeaderTimeout != null) cb.responseHeaderTimeout(responseHeaderTimeout);
        if (maxConns != null) {
            if (maxConns < 1) throw new Cli.UsageException("--max-conns-per-host must be at least 1");
            cb.maxConnsPerHost(maxConns).maxIdlePerHost(maxConns);
        } else if (closed) {
            cb.maxConnsPerHost(Math.max(64, conc)).maxIdlePerHost(Math.max(64, conc));
        }
        // idle connections are bounded by the cap and the idle timeout (see ClientConfig.maxIdlePerHost)
        ClientConfig cfg = cb.build();
        long calls = open ? (long) Math.floor(rate * duration.toNanos() / 1e9) : count;
        try (LoadRun run = new LoadRun(cfg, request, (int) Math.min(calls, 20_000_000))) {
            Progress progress = new Progress(err, terminal);
            Consumer<LoadRun> onProgress = r -> {
                if (!json) progress.update(progressLine(r));
            };
            if (open) {
                Duration grace = cfg.timeout().isZero() ? Duration.ofSeconds(60) : cfg.timeout().plusSeconds(5);
                run.openLoop(rate, duration, concurrencyLimit, grace, onProgress);
            } else {
                run.closedLoop(count, conc, Duration.ofHours(1), onProgress);
            }
            progress.clear();
            out.print(json ? json(run) : table(run, open ? rate : null));
            out.flush();
            if (run.firstTlsError() != null && !json) {
                err.println("hourglass load: TLS failures, the first: " + run.firstTlsError());
                err.flush();
            }
        }
        return Cli.OK;
    }

    /** Every call's request: the method, headers and body of the flags. */
    private ClientRequest request() {
        byte[] body = null;
        if (data != null) {
            try {
                body = data.startsWith("@") ? Files.readAllBytes(Path.of(data.substring(1)))
                        : data.getBytes(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new Cli.UsageException("cannot read --data file " + data.substring(1) + ": " + e.getMessage());
            }
        }
        ClientRequest.Builder rb;
        try {
            rb = ClientRequest.builder("GET", url);
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException("URL: " + e.getMessage());
        }
        try {
            rb.method(method != null ? method : body != null ? "POST" : "GET");
            for (String h : headers) {
                int c = h.indexOf(':');
                if (c <= 0) {
                    throw new Cli.UsageException("-H must be 'Name: value', got '" + h + "'");
                }
                rb.header(h.substring(0, c).trim(), h.substring(c + 1).trim());
            }
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException(e.getMessage());
        }
        if (body != null) {
            rb.body(RequestBody.of(body)); // bytes: every call sends them again
        }
        return rb.build();
    }

    static String progressLine(LoadRun r) {
        var s = r.clientStats();
        return String.format(Locale.ROOT, "load %3.0fs  sent %d  done %d  timeouts %d  errors %d  in flight %d"
                        + "  conns opened %d reused %d",
                r.secondsSoFar(), r.sent(), r.completed(), r.timeoutsTotal(), r.errorsTotal(), r.inFlight(),
                s.opened(), s.reused());
    }

    /**
     * The summary. The send rate is over the sending window only, so an open loop that kept its schedule shows
     * its target rate; the wait for the calls still in flight when sending stopped is on its own line.
     */
    static String table(LoadRun r, Double targetRate) {
        var s = r.clientStats();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "requests sent        %d in %.1fs: %.1f/s%s%n", r.sent(), r.sendingSeconds(),
                r.sendRate(), targetRate == null ? "" : " (target " + number(targetRate) + "/s)"));
        if (targetRate != null) {
            b.append(String.format(Locale.ROOT, "then waited          %.1fs for the calls still in flight%s%n", r.tailSeconds(),
                    r.leftInFlight() == 0 ? "" : "; gave up on " + r.leftInFlight() + " (counted nowhere below)"));
        }
        if (r.skipped() > 0) b.append(String.format(Locale.ROOT, "skipped (limit)      %d%n", r.skipped()));
        b.append("completed            ").append(join(r.completedByClass())).append('\n');
        b.append("timeouts             ").append(r.timeoutsByPhase().isEmpty() ? "0" : join(r.timeoutsByPhase())).append('\n');
        b.append("errors               ").append(r.errorsByKind().isEmpty() ? "0" : join(r.errorsByKind())).append('\n');
        b.append(String.format(Locale.ROOT, "pool                 got a connection %d  gave up waiting for one %d%n",
                r.acquired(), r.poolGaveUp()));
        b.append(String.format(Locale.ROOT, "requests written     %d (delivered to the upstream)%n", r.written()));
        b.append(String.format(Locale.ROOT, "connections          opened %d  reused %d  drained %d (back to pool %d, closed %d)  closed %d%n",
                s.opened(), s.reused(), s.drainedReused() + s.drainedClosed(), s.drainedReused(), s.drainedClosed(), s.closed()));
        if (s.drainsStarted() > 0) {
            b.append(String.format(Locale.ROOT, "drains               started %d  back to pool %d  preempted %d  abandoned %d  "
                            + "other closes %d  draining now %d%n", s.drainsStarted(), s.drainedReused(), s.drainsPreempted(),
                    s.drainsAbandoned(), s.drainedClosed() - s.drainsPreempted() - s.drainsAbandoned(), s.draining()));
        }
        if (s.h2StreamsOpened() > 0) {
            b.append(String.format(Locale.ROOT, "http2                streams %d  resets sent %d received %d  pings sent %d "
                            + "acked %d timed out %d  goaways %d%n", s.h2StreamsOpened(), s.h2ResetsSent(),
                    s.h2ResetsReceived(), s.h2PingsSent(), s.h2PingsAcked(), s.h2PingTimeouts(), s.h2GoAways()));
        }
        b.append("latency (completed) ");
        for (int p : PERCENTILES) {
            b.append(' ').append(p == 100 ? "max" : "p" + p).append(' ')
                    .append(r.hasLatencies() ? String.format(Locale.ROOT, "%.1fms", r.latencyMillis(p)) : "n/a").append(' ');
        }
        b.setLength(b.length() - 1);
        return b.append('\n').toString();
    }

    private static final int[] PERCENTILES = {50, 90, 99, 100};

    private static String number(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static String join(Map<String, Long> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(k).append(' ').append(v).append("  "));
        return b.toString().trim();
    }

    static String json(LoadRun r) {
        var s = r.clientStats();
        return "{\"sent\":" + r.sent()
                + ",\"skipped\":" + r.skipped()
                + ",\"elapsed_s\":" + String.format(Locale.ROOT, "%.3f", r.elapsedSeconds())
                + ",\"send_s\":" + String.format(Locale.ROOT, "%.3f", r.sendingSeconds())
                + ",\"send_rate\":" + String.format(Locale.ROOT, "%.1f", r.sendRate())
                + ",\"tail_s\":" + String.format(Locale.ROOT, "%.3f", r.tailSeconds())
                + ",\"left_in_flight\":" + r.leftInFlight()
                + ",\"completed\":" + obj(r.completedByClass())
                + ",\"timeouts\":" + obj(r.timeoutsByPhase())
                + ",\"errors\":" + obj(r.errorsByKind())
                + ",\"pool\":{\"acquired\":" + r.acquired() + ",\"gave_up\":" + r.poolGaveUp() + "}"
                + ",\"written\":" + r.written()
                + ",\"connections\":{\"opened\":" + s.opened() + ",\"reused\":" + s.reused()
                + ",\"drained\":" + (s.drainedReused() + s.drainedClosed()) + ",\"drained_reused\":" + s.drainedReused()
                + ",\"drained_closed\":" + s.drainedClosed() + ",\"closed\":" + s.closed()
                + ",\"drains_started\":" + s.drainsStarted() + ",\"drained_preempted\":" + s.drainsPreempted()
                + ",\"drained_abandoned\":" + s.drainsAbandoned() + "}"
                + ",\"http2\":{\"streams_opened\":" + s.h2StreamsOpened() + ",\"resets_sent\":" + s.h2ResetsSent()
                + ",\"resets_received\":" + s.h2ResetsReceived() + ",\"pings_sent\":" + s.h2PingsSent()
                + ",\"pings_acked\":" + s.h2PingsAcked() + ",\"ping_timeouts\":" + s.h2PingTimeouts()
                + ",\"goaways\":" + s.h2GoAways() + "}"
                + ",\"latency_ms\":{" + latencyJson(r) + "}"
                + ",\"peak_in_flight\":" + r.peakInFlight()
                + "}\n";
    }

    /** Percentiles of completed calls; null when none completed (a 0 would read as instant). */
    private static String latencyJson(LoadRun r) {
        StringBuilder b = new StringBuilder();
        for (int p : PERCENTILES) {
            if (b.length() > 0) b.append(',');
            b.append('"').append(p == 100 ? "max" : "p" + p).append("\":")
                    .append(r.hasLatencies() ? String.format(Locale.ROOT, "%.3f", r.latencyMillis(p)) : "null");
        }
        return b.toString();
    }

    private static String obj(Map<String, Long> m) {
        StringBuilder b = new StringBuilder("{");
        m.forEach((k, v) -> {
            if (b.length() > 1) b.append(',');
            b.append('"').append(k).append("\":").append(v);
        });
        return b.append('}').toString();
    }
}
