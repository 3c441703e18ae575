package io.hourglass.cli;

import io.hourglass.client.ClientConfig;
import io.hourglass.internal.text.Durations;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hourglass lab chain}: deadlines that travel and retries that cannot storm (issue 14), measured on a
 * chain of three Hourglass servers, A -> B -> C, with C slow. Callers send to A at a fixed rate with a timeout;
 * each variant runs the same load with deadline propagation on or off and retries off, naive, or within the
 * budget. Prints a side-by-side table and writes an HTML report.
 *
 * <p>All in one JVM, on loopback: the waste this lab measures is C's handler time after the original caller
 * gave up, which needs the caller's deadline and C's work on one clock; separate processes would compare wall
 * clocks of different processes (and report back through files) for no gain, since they would share the same
 * two cores anyway. Every hop is still a real HTTP/1.1 connection with its own server, client and pool.
 */
@Command(name = "chain",
        description = {"Deadlines that travel and retry budgets: A -> B -> C, with C slow.",
            "",
            "Three Hourglass servers on loopback: callers send to A with a timeout (--timeout); A's handler calls B, "
                    + "B's calls C, each with a client of its own (--hop-timeout); C's handler takes --delay. The same "
                    + "load runs once per variant: deadline propagation off or on (the callers' remaining time sent "
                    + "along, and every server's handler bounded by it), retries by B (the hop in front of C) off, "
                    + "naive (--attempts per call, a per-try timeout, no budget) or within the retry budget (20 % of "
                    + "calls). The table and the HTML "
                    + "report show the work C did for callers that had already given up, C's concurrency, the requests "
                    + "C got per caller request (retry amplification) and the connections opened."},
        footer = {"", "Examples:",
            "  hourglass lab chain",
            "  hourglass lab chain --variants off,propagate --delay 3s",
            "  hourglass lab chain --variants naive,budget --rate 100 --duration 20s"},
        mixinStandardHelpOptions = true)
final class LabChain implements Callable<Integer> {
    /** The retry settings of a variant: none, naive (attempts without a budget), or within the budget. */
    enum Retries { OFF, NAIVE, BUDGET }

    /** One column: whether deadlines propagate, and how the hops retry. */
    record Variant(String name, boolean propagate, Retries retries) {
        static Variant parse(String s) {
            return switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "off" -> new Variant("off", false, Retries.OFF);
                case "propagate" -> new Variant("propagate", true, Retries.OFF);
                case "naive" -> new Variant("naive", false, Retries.NAIVE);
                case "budget" -> new Variant("budget", false, Retries.BUDGET);
                case "naive+propagate" -> new Variant("naive+propagate", true, Retries.NAIVE);
                case "all", "budget+propagate" -> new Variant("budget+propagate", true, Retries.BUDGET);
                default -> throw new Cli.UsageException("--variants takes off, propagate, naive, budget, naive+propagate "
                        + "and budget+propagate, comma-separated; got '" + s.strip() + "'");
            };
        }
    }

    @Option(names = "--rate", paramLabel = "N", description = "Caller requests per second (default 50).")
    double rate = 50;

    @Option(names = "--duration", paramLabel = "DUR", converter = DurationConverter.class,
            description = "Load time per variant (default 10s).")
    Duration duration = Duration.ofSeconds(10);

    @Option(names = "--timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "The callers' timeout (default 1s).")
    Duration timeout = Duration.ofSeconds(1);

    @Option(names = "--delay", paramLabel = "DUR", converter = DurationConverter.class,
            description = "How long C's handler takes; it stops when cancelled (default 5s: stuck, for the callers).")
    Duration delay = Duration.ofSeconds(5);

    @Option(names = "--hop-timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "A's and B's own client timeout, as services set them on their own (default 5s).")
    Duration hopTimeout = Duration.ofSeconds(5);

    @Option(names = "--attempts", paramLabel = "N", description = "Attempts per call when retrying (default 3).")
    int attempts = 3;

    @Option(names = "--per-try-timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "Each attempt's timeout when retrying (default 300ms).")
    Duration perTryTimeout = Duration.ofMillis(300);

    @Option(names = "--budget-floor", paramLabel = "N",
            description = "Retries per second B may make whatever its calls, in the budget variants (default 3, the "
                    + "client's; it matters only while B makes fewer than 15 calls a second).")
    int budgetFloor = 3;

    @Option(names = "--variants", paramLabel = "LIST", split = ",",
            description = "Which variants to run, in order (default off,propagate,naive,budget).")
    List<String> variants = List.of("off", "propagate", "naive", "budget");

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the report (default lab-out).")
    Path outDir = Path.of("lab-out");

    private final PrintStream out;
    private final PrintStream err;
    private final Terminal terminal;

    LabChain() {
        this(System.out, System.err, Terminal.detect());
    }

    LabChain(PrintStream out, PrintStream err, Terminal terminal) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    /** One variant's measurements, taken from its run. */
    record Result(Variant variant, ChainRun run, ChainStats stats) {}

    private final List<Result> results = new ArrayList<>();

    /** {@return the results of the last {@link #call()}, in the order run} */
    List<Result> results() {
        return List.copyOf(results);
    }

    @Override
    public Integer call() throws Exception {
        List<Variant> vs = new ArrayList<>();
        for (String v : variants) vs.add(Variant.parse(v));
        if (vs.isEmpty()) throw new Cli.UsageException("--variants must name at least one variant");
        if (rate <= 0 || rate > 2000) throw new Cli.UsageException("--rate must be between 0 and 2000, got " + rate);
        if (duration.isZero() || duration.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new Cli.UsageException("--duration must be more than 0 and at most 10m");
        }
        if (timeout.isZero()) throw new Cli.UsageException("--timeout must be more than 0");
        if (hopTimeout.isZero()) throw new Cli.UsageException("--hop-timeout must be more than 0");
        if (delay.compareTo(Duration.ofMinutes(2)) > 0) throw new Cli.UsageException("--delay must be at most 2m");
        if (attempts < 1 || attempts > 10) throw new Cli.UsageException("--attempts must be from 1 to 10, got " + attempts);
        if (perTryTimeout.isZero()) throw new Cli.UsageException("--per-try-timeout must be more than 0");
        if (budgetFloor < 0) throw new Cli.UsageException("--budget-floor must not be negative, got " + budgetFloor);
        out.println("chain: " + settings());
        out.flush();
        results.clear();
        for (Variant v : vs) {
            results.add(runOne(v));
        }
        out.println();
        out.print(ChainReport.table(results));
        Path report = writeReport(results);
        out.println();
        out.println("report: " + report.toAbsolutePath());
        out.flush();
        return Cli.OK;
    }

    Result runOne(Variant v) throws IOException, InterruptedException {
        Progress progress = new Progress(err, terminal);
        try (ChainRun run = new ChainRun(this, v)) {
            run.run(progress);
            progress.clear();
            return new Result(v, run, ChainStats.of(run, this));
        }
    }

    /**
     * The client of A (calling B) or of B (calling C): its own timeout; bounded by the handler's deadline and
     * forwarding it when the variant propagates; B's retries as the variant says (A does not retry, so the
     * requests C gets per caller request are B's amplification, which the budget bounds by 1.2). Naive retries
     * have a budget too large to bind (1000 % of calls: every call may make all its attempts).
     */
    ClientConfig hopClient(Variant v, boolean retrying) {
        ClientConfig.Builder b = ClientConfig.builder().timeout(hopTimeout).maxConnsPerHost(10_000)
                .maxIdlePerHost(10_000).inheritDeadline(v.propagate()).tcpStateMetrics(false);
        if (retrying && v.retries() != Retries.OFF) {
            b.maxAttempts(attempts).perTryTimeout(perTryTimeout)
                    .retryBudgetPercent(v.retries() == Retries.NAIVE ? 1000 : 20)
                    .retryBudgetFloor(v.retries() == Retries.NAIVE ? 1_000_000 : budgetFloor);
        }
        return b.build();
    }

    /**
     * The callers' client: the callers' timeout. When the variant propagates each caller runs its call under a
     * deadline of that timeout ({@code Deadline.after(timeout).call(...)}), so the client sends it to A.
     */
    ClientConfig callerClient(Variant v) {
        return ClientConfig.builder().timeout(timeout).maxConnsPerHost(10_000).maxIdlePerHost(10_000)
                .inheritDeadline(v.propagate()).tcpStateMetrics(false).build();
    }

    /** The server reserve a received deadline loses at each hop: C's waste is tolerated up to one of these. */
    Duration reserve() {
        return io.hourglass.server.ServerConfig.defaults().deadlineReserve();
    }

    String settings() {
        return String.format(Locale.ROOT, "%s caller requests/s for %s, callers' timeout %s; A and B call on with "
                        + "their own %s timeout; C's handler takes %s (stops when cancelled); B retrying: %d attempts, "
                        + "%s per try, budget 20 %% of calls or %d/s",
                fmt(rate), Durations.format(duration), Durations.format(timeout), Durations.format(hopTimeout),
                Durations.format(delay), attempts, Durations.format(perTryTimeout), budgetFloor);
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private Path writeReport(List<Result> results) throws IOException {
        Files.createDirectories(outDir);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path file = outDir.resolve("chain-" + stamp + ".html");
        Files.writeString(file, ChainReport.html(results, this));
        return file;
    }
}
