package io.hourglass.cli;

import io.hourglass.internal.tcp.ProcNetTcp;
import io.hourglass.internal.tcp.TcpMetrics;
import io.hourglass.internal.tcp.TcpSnapshot;
import io.hourglass.internal.tcp.TcpState;
import io.hourglass.internal.text.Durations;
import io.hourglass.observe.MetricsRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code hourglass tcpstat}: counts this host's TCP sockets by state from {@code /proc/net/tcp} and
 * {@code /proc/net/tcp6}, the numbers {@code ss -tan} shows, optionally by peer or local port, once or every
 * {@code --watch} interval (redrawn in place on a terminal, appended as plain text to a file or a pipe), as a
 * table or in the Prometheus text format. Linux only: elsewhere it prints one line and exits 2.
 */
@Command(name = "tcpstat",
        description = {"Counts TCP sockets by state, as ss -tan shows them (Linux).",
            "",
            "Reads /proc/net/tcp and /proc/net/tcp6. States use ss's names: ESTAB, SYN-SENT, FIN-WAIT-2, "
                    + "TIME-WAIT, CLOSE-WAIT, LISTEN, ..."},
        footer = {"", "Examples:",
            "  hourglass tcpstat --port 8080",
            "  hourglass tcpstat --port 8080 --by peer --watch 1s",
            "  hourglass tcpstat --prometheus"},
        mixinStandardHelpOptions = true)
final class Tcpstat implements Callable<Integer> {
    /** How rows are grouped under each state. */
    enum By {
        STATE, PEER, PORT;

        static final class Converter implements ITypeConverter<By> {
            @Override
            public By convert(String value) {
                return switch (value) {
                    case "state" -> STATE;
                    case "peer" -> PEER;
                    case "port" -> PORT;
                    default -> throw new TypeConversionException("expected state, peer or port, got '" + value + "'");
                };
            }
        }
    }

    /** Where snapshots come from: /proc in production, fixtures in tests. */
    @FunctionalInterface
    interface Source {
        TcpSnapshot read() throws IOException;
    }

    @Option(names = "--port", paramLabel = "P",
            description = "Only sockets whose local or remote port is P (ss: sport = :P or dport = :P).")
    Integer port;

    @Option(names = "--by", paramLabel = "state|peer|port", converter = By.Converter.class,
            description = "Rows per state (default), per state and remote host, or per state and local port.")
    By by;

    @Option(names = "--top", paramLabel = "N", defaultValue = "20",
            description = "With --by peer or --prometheus: the N hosts with the most sockets; with --by port: the N "
                    + "local ports with the most. The rest count as 'other' (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--watch", paramLabel = "DUR", converter = DurationConverter.class,
            description = "Redraw every DUR (Go syntax: 200ms, 1s, 1m30s) until Ctrl-C; to a file or a pipe, "
                    + "append a frame every DUR instead, without escape codes.")
    Duration watch;

    @Option(names = "--prometheus",
            description = "Print hourglass_tcp_connections{state,peer} in the Prometheus text format instead.")
    boolean prometheus;

    @Spec
    CommandSpec spec;

    private final BooleanSupplier supported;
    private final Source source;
    private final long maxFrames;
    private final boolean redraw;

    Tcpstat() {
        this(ProcNetTcp::isSupported, ProcNetTcp::snapshot, Long.MAX_VALUE, Terminal.detect().stdoutIsTerminal());
    }

    /**
     * For tests: a fake platform check and source, a cap on the number of {@code --watch} frames, and whether
     * stdout is a terminal (frames redrawn in place) or a file or pipe (frames appended, no escape codes).
     */
    Tcpstat(BooleanSupplier supported, Source source, long maxFrames, boolean redraw) {
        this.supported = supported;
        this.source = source;
        this.maxFrames = maxFrames;
        this.redraw = redraw;
    }

    @Override
    public Integer call() throws IOException {
        validate();
        if (!supported.getAsBoolean()) {
            throw new Cli.UsageException("needs Linux: reads /proc/net/tcp, which this system ("
                    + System.getProperty("os.name") + ") does not have");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (watch == null) {
            out.print(render(read()));
            out.flush();
            return Cli.OK;
        }
        // On a terminal: clear once; then each frame homes the cursor, overwrites, and erases what a longer
        // previous frame left (end of each line, then below): no flicker from clearing the whole screen every
        // time. To a file or a pipe: frames one after another, a blank line between, and no escape codes, so
        // that `tcpstat --watch 1s > log` or `| grep` reads as text.
        if (redraw) {
            out.print("\033[H\033[2J");
        }
        for (long frame = 0; frame < maxFrames; frame++) {
            if (frame > 0) {
                try {
                    Thread.sleep(watch);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                out.print(redraw ? "\033[H" : "\n");
            }
            String title = "Every " + Durations.format(watch) + ": hourglass tcpstat" + filterText() + "   "
                    + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "\n\n";
            String frameText = title + render(read());
            out.print(redraw ? frameText.replace("\n", "\033[K\n") + "\033[J" : frameText);
            out.flush();
        }
        return Cli.OK;
    }

    private void validate() {
        if (port != null && (port < 1 || port > 65535)) {
            throw new Cli.UsageException("--port must be 1 to 65535, got " + port);
        }
        if (top < 0) {
            throw new Cli.UsageException("--top must not be negative, got " + top);
        }
        if (watch != null && (watch.isZero() || watch.isNegative())) {
            throw new Cli.UsageException("--watch must be positive, got " + Durations.format(watch));
        }
        if (prometheus && by != null) {
            throw new Cli.UsageException("--by does not apply to --prometheus, which always counts by state and peer");
        }
    }

    private TcpSnapshot read() throws IOException {
        TcpSnapshot snap = source.read();
        return port == null ? snap : snap.withPort(port);
    }

    private String filterText() {
        return (port == null ? "" : " --port " + port)
                + (by == null ? "" : " --by " + by.name().toLowerCase(Locale.ROOT));
    }

    String render(TcpSnapshot snap) {
        if (prometheus) {
            MetricsRegistry registry = new MetricsRegistry();
            TcpMetrics.register(registry, () -> snap, top);
            return registry.toPrometheusText();
        }
        List<String[]> rows = new ArrayList<>();
        switch (by == null ? By.STATE : by) {
            case STATE -> snap.countByState().forEach((state, n) -> rows.add(row(state, null, n)));
            case PEER -> snap.countByStateAndPeer(TcpSnapshot.PeerKey.HOST, top).forEach((state, peers) ->
                    peers.forEach((peer, n) -> rows.add(row(state, peer, n))));
            case PORT -> byTopLocalPorts(snap, top).forEach((state, ports) ->
                    ports.forEach((p, n) -> rows.add(row(state, p, n))));
        }
        String keyHeader = by == By.PEER ? "PEER" : by == By.PORT ? "LOCAL-PORT" : null;
        return table(keyHeader, rows, snap.size());
    }

    /**
     * Per state, the {@code top} local ports with the most sockets over all states (ties: lower port first),
     * ascending, then {@code other} for the rest; client sockets' ephemeral ports would otherwise fill the
     * screen.
     */
    static Map<TcpState, Map<String, Integer>> byTopLocalPorts(TcpSnapshot snap, int top) {
        Map<TcpState, Map<Integer, Integer>> byPort = snap.countByStateAndLocalPort();
        Map<Integer, Integer> totals = new TreeMap<>();
        byPort.values().forEach(ports -> ports.forEach((p, n) -> totals.merge(p, n, Integer::sum)));
        Set<Integer> kept = new HashSet<>();
        totals.entrySet().stream()
                .sorted(Map.Entry.<Integer, Integer>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> kept.add(e.getKey()));
        Map<TcpState, Map<String, Integer>> out = new EnumMap<>(TcpState.class);
        byPort.forEach((state, ports) -> {
            Map<String, Integer> rows = new LinkedHashMap<>();
            int other = 0;
            for (Map.Entry<Integer, Integer> e : ports.entrySet()) {
                if (kept.contains(e.getKey())) {
                    rows.put(Integer.toString(e.getKey()), e.getValue());
                } else {
                    other += e.getValue();
                }
            }
            if (other > 0) {
                rows.put(TcpSnapshot.OTHER_PEERS, other);
            }
            out.put(state, rows);
        });
        return out;
    }

    private static String[] row(TcpState state, String key, int count) {
        return new String[] {state.ssName(), key, Integer.toString(count)};
    }

    /** Columns: state, then the key if any, then the count right-aligned; a TOTAL line at the end. */
    private static String table(String keyHeader, List<String[]> rows, int total) {
        int stateWidth = "CLOSE-WAIT".length();
        int keyWidth = keyHeader == null ? 0 : keyHeader.length();
        int countWidth = Math.max("COUNT".length(), Integer.toString(total).length());
        for (String[] r : rows) {
            stateWidth = Math.max(stateWidth, r[0].length());
            keyWidth = keyHeader == null ? 0 : Math.max(keyWidth, r[1].length());
        }
        StringBuilder sb = new StringBuilder();
        line(sb, stateWidth, keyHeader, keyWidth, countWidth, "STATE", keyHeader, "COUNT");
        for (String[] r : rows) {
            line(sb, stateWidth, keyHeader, keyWidth, countWidth, r[0], r[1], r[2]);
        }
        line(sb, stateWidth, keyHeader, keyWidth, countWidth, "TOTAL", "", Integer.toString(total));
        return sb.toString();
    }

    private static void line(StringBuilder sb, int stateWidth, String keyHeader, int keyWidth, int countWidth,
            String state, String key, String count) {
        sb.append(String.format(Locale.ROOT, "%-" + stateWidth + "s  ", state));
        if (keyHeader != null) {
            sb.append(String.format(Locale.ROOT, "%-" + keyWidth + "s  ", key));
        }
        sb.append(String.format(Locale.ROOT, "%" + countWidth + "s", count)).append('\n');
    }
}
