package io.hourglass.bench;

import io.hourglass.net.Conn;
import io.hourglass.net.DeadlineExceededException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How late the deadline timer is, as a user sees it: N loopback TCP connections (accepted by a child JVM that
 * holds its ends open and silent), each with a virtual thread blocked in {@link Conn#read}; once all are
 * blocked, one thread sets their read deadlines, spread evenly over [from, to] after a common start, in
 * random order. Lateness = the instant the read threw {@link DeadlineExceededException}
 * minus its deadline: the timer's tick, the timer thread's wake-up, the input shutdown, the poller and the
 * virtual thread scheduler together. A read must never fail before its deadline (lateness >= 0) and every
 * one must fail with the timeout.
 *
 * <p>Variant {@code alarm} measures the timer alone: the same connections, {@link Conn#armAlarm} at the same
 * spread of instants, lateness = when the alarm action ran (on the timer thread) minus its instant.
 *
 * <p>Also reports the CPU time the timer thread used during each variant (its window plus the wait for the
 * last expiry). Prints one summary line per variant; writes {@code lateness.tsv} (one line per deadline) and
 * {@code summary.tsv} into the output directory. Exit status 1 when a check failed (an early or a missing
 * expiry, or a read that ended another way), 2 for bad arguments.
 */
public final class TimerPrecision {
    private static final String USAGE = """
            usage: TimerPrecision [--conns N] [--from-ms A] [--to-ms B] [--variants "alarm read"] [--seed S] [--out DIR]
              --conns N        connections, one deadline each (default 10000; N file descriptors in this
                               process and N in the child JVM that accepts them)
              --from-ms A      the earliest deadline, ms after the common start (default 1000)
              --to-ms B        the latest deadline (default 3000)
              --variants V     from: alarm read (default "alarm read", in that order)
              --seed S         seed of the order in which connections get their deadlines (default 1)
              --out DIR        write lateness.tsv and summary.tsv there (default: no files)""";

    private static final int EXPIRED = 0, EARLY = 1, OTHER = 2, MISSING = 3;
    private static final String[] OUTCOMES = {"expired", "early", "other", "missing"};

    private TimerPrecision() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--peer")) {
            peer(Integer.parseInt(args[1]));
            return;
        }
        int conns = 10_000;
        long fromMs = 1000, toMs = 3000, seed = 1;
        List<String> variants = List.of("alarm", "read");
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println(USAGE);
                return;
            }
            if (i + 1 >= args.length) {
                usage(a.startsWith("--") ? a + " needs a value" : "unknown argument '" + a + "'");
            }
            String v = args[++i];
            switch (a) {
                case "--conns" -> conns = (int) positive(a, v, 1_000_000);
                case "--from-ms" -> fromMs = positive(a, v, 3_600_000);
                case "--to-ms" -> toMs = positive(a, v, 3_600_000);
                case "--seed" -> seed = positive(a, v, Long.MAX_VALUE);
                case "--out" -> out = Path.of(v);
                case "--variants" -> {
                    variants = List.of(v.trim().split("[ ,]+"));
                    if (variants.size() != variants.stream().distinct().count()) {
                        usage("--variants names one twice (a read deadline expires once per connection)");
                    }
                    for (String s : variants) {
                        if (!s.equals("alarm") && !s.equals("read")) {
                            usage("unknown variant '" + s + "'; known: alarm read");
                        }
                    }
                }
                default -> usage("unknown option '" + a + "'");
            }
        }
        if (toMs < fromMs) {
            usage("--to-ms " + toMs + " is before --from-ms " + fromMs);
        }

        Pairs pairs = Pairs.open(conns);
        boolean ok = true;
        List<String> rows = new ArrayList<>();
        List<String> summaries = new ArrayList<>();
        try {
            for (String variant : variants) {
                long cpu0 = timerCpuNanos();
                Run r = variant.equals("read") ? readVariant(pairs.conns, fromMs, toMs, seed)
                        : alarmVariant(pairs.conns, fromMs, toMs, seed);
                Summary s = r.summarize(timerCpuNanos() - cpu0);
                System.out.println(s.line(variant, conns, fromMs, toMs));
                summaries.add(s.tsv(variant, conns, fromMs, toMs));
                r.rows(variant, rows);
                ok &= s.ok();
            }
        } finally {
            pairs.close();
        }
        if (out != null) {
            Files.createDirectories(out);
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("lateness.tsv")))) {
                w.println("variant\tconn\tdeadline_ms\tlateness_ms\toutcome");
                rows.forEach(w::println);
            }
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("summary.tsv")))) {
                w.println(Summary.TSV_HEADER);
                summaries.forEach(w::println);
            }
        }
        System.exit(ok ? 0 : 1);
    }

    private static void usage(String message) {
        System.err.println("TimerPrecision: " + message);
        System.err.println(USAGE);
        System.exit(2);
    }

    private static long positive(String opt, String v, long max) {
        try {
            long n = Long.parseLong(v);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        usage(opt + " takes an integer from 1 to " + max + ", got '" + v + "'");
        return 0;
    }

    // ---- the connections ----

    /**
     * N loopback connections: the client ends here, wrapped in Conns; the accepting ends in a child JVM
     * ({@link #peer}), so that each process needs N file descriptors rather than one needing 2N.
     */
    private record Pairs(Process peer, Conn[] conns) {
        static Pairs open(int n) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process peer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    TimerPrecision.class.getName(), "--peer", String.valueOf(n))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Runtime.getRuntime().addShutdownHook(new Thread(peer::destroyForcibly));
            Pairs p = new Pairs(peer, new Conn[n]);
            try {
                BufferedReader from = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.US_ASCII));
                int port = Integer.parseInt(expect(from, "port "));
                for (int i = 0; i < n; i++) {
                    try {
                        p.conns[i] = Conn.of(new Socket(InetAddress.getLoopbackAddress(), port));
                    } catch (IOException e) {
                        throw new IOException("connection " + (i + 1) + " of " + n + " failed: " + e.getMessage()
                                + " (each connection takes a file descriptor in this process: raise 'ulimit -n')", e);
                    }
                }
                expect(from, "accepted " + n);
            } catch (Exception e) {
                p.close();
                throw e;
            }
            return p;
        }

        private static String expect(BufferedReader from, String prefix) throws IOException {
            String line = from.readLine();
            if (line == null || !line.startsWith(prefix)) {
                throw new IOException("the accepting process said " + (line == null ? "nothing" : "'" + line + "'")
                        + " where '" + prefix + "...' was expected");
            }
            return line.substring(prefix.length());
        }

        /** Resets every connection (SO_LINGER 0), so that none lingers in TIME_WAIT on the shared machine. */
        void close() throws InterruptedException {
            for (Conn c : conns) {
                if (c != null) c.abort();
            }
            try {
                peer.getOutputStream().close(); // the peer's cue to reset its ends and exit
            } catch (IOException ignored) {
                // it is gone already
            }
            if (!peer.waitFor(10, TimeUnit.SECONDS)) {
                peer.destroyForcibly().waitFor();
            }
        }
    }

    /**
     * The accepting side: listens on a loopback port, prints {@code port P}, accepts {@code n} connections,
     * prints {@code accepted N}, and holds them, never reading or writing, until its standard input ends (the
     * parent closed it, or died); then it resets them and exits, also in the middle of accepting.
     */
    private static void peer(int n) throws IOException {
        Socket[] accepted = new Socket[n];
        ServerSocket ss = new ServerSocket();
        Thread.ofPlatform().daemon().name("stdin-watch").start(() -> {
            try {
                while (System.in.read() >= 0) {
                    // wait for the end of the parent's pipe
                }
            } catch (IOException ignored) {
                // the same: the parent is gone
            }
            synchronized (accepted) {
                for (Socket s : accepted) {
                    if (s == null) continue;
                    try {
                        s.setSoLinger(true, 0);
                        s.close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                }
            }
            Runtime.getRuntime().halt(0);
        });
        ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Math.min(n, 4096));
        System.out.println("port " + ss.getLocalPort());
        System.out.flush();
        for (int i = 0; i < n; i++) {
            Socket s = ss.accept();
            synchronized (accepted) {
                accepted[i] = s;
            }
        }
        System.out.println("accepted " + n);
        System.out.flush();
        while (true) { // until the watcher halts the JVM
            LockSupport.park();
        }
    }

    /** The deadline offsets from the common start, spread evenly over [from, to], in random order. */
    private static long[] offsets(int n, long fromMs, long toMs, long seed) {
        long from = TimeUnit.MILLISECONDS.toNanos(fromMs);
        long span = TimeUnit.MILLISECONDS.toNanos(toMs) - from;
        long[] o = new long[n];
        for (int i = 0; i < n; i++) {
            o[i] = from + (n == 1 ? 0 : span * i / (n - 1));
        }
        Random rnd = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            long t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        return o;
    }

    // ---- the variants ----

    private static Run readVariant(Conn[] conns, long fromMs, long toMs, long seed) throws InterruptedException {
        int n = conns.length;
        long[] offsets = offsets(n, fromMs, toMs, seed);
        Run r = new Run(n, offsets);
        CountDownLatch reading = new CountDownLatch(n);
        CountDownLatch done = new CountDownLatch(n);
        // First every reader blocks (no deadline yet), so that starting 10k threads is not part of the window.
        for (int i = 0; i < n; i++) {
            int k = i;
            Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[16];
                try {
                    reading.countDown();
                    conns[k].read(buf, 0, buf.length);
                    r.outcome[k] = OTHER; // bytes or end of stream: nobody sends or closes
                } catch (DeadlineExceededException e) {
                    r.at[k] = System.nanoTime();
                } catch (Throwable e) {
                    r.outcome[k] = OTHER;
                    r.error[k] = e.toString();
                } finally {
                    done.countDown();
                }
            });
        }
        if (!reading.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the reader threads did not start within 60 s");
        }
        Thread.sleep(100); // let the last ones reach the blocking read
        // Then the deadlines, from this thread (Conn allows arming from any thread), against one start.
        long start = System.nanoTime();
        r.start = start;
        for (int i = 0; i < n; i++) {
            long deadline = start + offsets[i];
            conns[i].setReadDeadlineNanos(deadline);
            if (System.nanoTime() - deadline >= 0) {
                r.armedLate[i] = true;
            }
        }
        done.await(toMs + 10_000, TimeUnit.MILLISECONDS);
        for (int i = 0; i < n; i++) {
            if (r.at[i] != 0) {
                r.outcome[i] = r.at[i] - (start + offsets[i]) < 0 ? EARLY : EXPIRED;
            }
        }
        return r;
    }

    private static Run alarmVariant(Conn[] conns, long fromMs, long toMs, long seed) throws InterruptedException {
        int n = conns.length;
        long[] offsets = offsets(n, fromMs, toMs, seed);
        Run r = new Run(n, offsets);
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            int k = i;
            conns[k].setAlarm(() -> {
                r.at[k] = System.nanoTime(); // on the timer thread: record and return
                done.countDown();
            });
        }
        long start = System.nanoTime();
        r.start = start;
        for (int i = 0; i < n; i++) {
            long due = start + offsets[i];
            conns[i].armAlarm(due);
            if (System.nanoTime() - due >= 0) {
                r.armedLate[i] = true;
            }
        }
        done.await(toMs + 10_000, TimeUnit.MILLISECONDS);
        for (int i = 0; i < n; i++) {
            conns[i].setAlarm(null);
            long due = start + offsets[i];
            if (r.at[i] != 0) {
                r.outcome[i] = r.at[i] - due < 0 ? EARLY : EXPIRED;
            }
        }
        return r;
    }

    /** One variant's raw results, per connection. */
    private static final class Run {
        final long[] offsets;
        final long[] at;
        final int[] outcome;
        final boolean[] armedLate;
        final String[] error;
        long start;

        Run(int n, long[] offsets) {
            this.offsets = offsets;
            this.at = new long[n];
            this.outcome = new int[n];
            Arrays.fill(outcome, MISSING);
            this.armedLate = new boolean[n];
            this.error = new String[n];
        }

        long lateness(int i) {
            return at[i] - (start + offsets[i]);
        }

        Summary summarize(long timerCpu) {
            int n = at.length;
            int[] counts = new int[OUTCOMES.length];
            int armedLateCount = 0;
            long[] late = new long[n];
            int m = 0;
            String firstError = null;
            long minEarly = 0;
            for (int i = 0; i < n; i++) {
                counts[outcome[i]]++;
                if (armedLate[i]) armedLateCount++;
                if (outcome[i] == EXPIRED || outcome[i] == EARLY) {
                    late[m++] = lateness(i);
                    minEarly = Math.min(minEarly, lateness(i));
                }
                if (error[i] != null && firstError == null) firstError = error[i];
            }
            late = Arrays.copyOf(late, m);
            Arrays.sort(late);
            return new Summary(counts, armedLateCount, late, minEarly, firstError, timerCpu);
        }

        void rows(String variant, List<String> rows) {
            for (int i = 0; i < at.length; i++) {
                boolean woke = outcome[i] == EXPIRED || outcome[i] == EARLY;
                rows.add(variant + "\t" + i + "\t" + ms(offsets[i]) + "\t" + (woke ? ms(lateness(i)) : "-")
                        + "\t" + OUTCOMES[outcome[i]]);
            }
        }
    }

    private record Summary(int[] counts, int armedLate, long[] late, long minEarly, String firstError, long timerCpu) {
        static final String TSV_HEADER = "variant\tdeadlines\tfrom_ms\tto_ms\texpired\tearly\tother\tmissing\tarmed_late"
                + "\tp50_ms\tp90_ms\tp99_ms\tp999_ms\tmax_ms\tmean_ms\ttimer_cpu_ms";

        boolean ok() {
            return counts[EARLY] == 0 && counts[OTHER] == 0 && counts[MISSING] == 0;
        }

        /** Nearest-rank percentile of the sorted latenesses, in ms. */
        String pct(double p) {
            if (late.length == 0) return "-";
            int rank = (int) Math.ceil(p * late.length / 100 - 1e-9);
            return ms(late[Math.max(0, rank - 1)]);
        }

        String mean() {
            if (late.length == 0) return "-";
            double sum = 0;
            for (long l : late) sum += l;
            return String.format(Locale.ROOT, "%.3f", sum / late.length / 1e6);
        }

        String line(String variant, int n, long fromMs, long toMs) {
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                    "timer-precision %s: %d deadlines over %d..%d ms: expired %d, early %d, other %d, missing %d;"
                            + " lateness ms: p50 %s p90 %s p99 %s p99.9 %s max %s mean %s; timer thread CPU %s ms",
                    variant, n, fromMs, toMs, counts[EXPIRED], counts[EARLY], counts[OTHER], counts[MISSING],
                    pct(50), pct(90), pct(99), pct(99.9), late.length == 0 ? "-" : ms(late[late.length - 1]), mean(),
                    ms(timerCpu)));
            if (armedLate > 0) s.append("; ").append(armedLate).append(" armed only after their deadline (the machine is too slow for --from-ms)");
            if (counts[EARLY] > 0) s.append("; EARLY by up to ").append(ms(-minEarly)).append(" ms");
            if (firstError != null) s.append("; first other error: ").append(firstError);
            if (!ok()) s.append("  [FAILED]");
            return s.toString();
        }

        String tsv(String variant, int n, long fromMs, long toMs) {
            return String.join("\t", variant, String.valueOf(n), String.valueOf(fromMs), String.valueOf(toMs),
                    String.valueOf(counts[EXPIRED]), String.valueOf(counts[EARLY]), String.valueOf(counts[OTHER]),
                    String.valueOf(counts[MISSING]), String.valueOf(armedLate), pct(50), pct(90), pct(99), pct(99.9),
                    late.length == 0 ? "-" : ms(late[late.length - 1]), mean(), ms(timerCpu));
        }
    }

    /** CPU time used so far by the shared deadline timer thread ("hourglass-deadlines"); 0 before it exists. */
    private static long timerCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("hourglass-deadlines")) {
                return Math.max(0, mx.getThreadCpuTime(t.threadId()));
            }
        }
        return 0;
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
