package io.hourglass.bench.client;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The closed loop of the Maven-built client peers of {@code bench/client-compare.sh}, with the command line
 * and output of {@code bench/peers/jdkclient}: {@code java -jar PEER.jar URL N C [W]} (or {@code --version}).
 *
 * <p>C callers send {@code GET URL} back to back until W warm-up calls, then N measured calls, are done, and
 * the peer prints one JSON line: the measured part's wall time, completed and failed calls, and this
 * process's CPU time (all threads, JIT and GC included, from {@code OperatingSystemMXBean.getProcessCpuTime})
 * over the measured part and in total. A call is completed when the server answered 200 and the body was
 * read to its end; anything else is failed, and the first three failures of each part are printed on
 * stderr with their status or exception. The process exits without closing its client (as the JDK peer),
 * with status 0 when at least one measured call completed.
 *
 * <p>The callers are platform or virtual threads, each peer's choice ({@link #threads}), which
 * {@code -Dbench.threads=platform|virtual} overrides.
 */
public final class ClosedLoop {
    /** One call: sends the GET, reads the whole response body, returns the status code. */
    @FunctionalInterface
    public interface Call {
        int call() throws Exception;
    }

    /** What the callers run on. */
    public enum Threads { PLATFORM, VIRTUAL }

    /** The command line: the URL, N measured calls, C concurrent callers, W warm-up calls. */
    public record Args(String url, long n, int concurrency, long warmup) {}

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private ClosedLoop() {}

    /**
     * Reads {@code URL N C [W]}; for {@code --version} prints {@code version} and exits, for anything else
     * prints the usage and exits with status 2.
     */
    public static Args parse(String name, String version, String[] args) {
        if (args.length == 1 && args[0].equals("--version")) {
            System.out.println(version);
            System.exit(0);
        }
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: java -jar " + name + "-peer.jar URL N C [W]   (N measured calls, C concurrent callers,"
                    + " W warm-up calls) | --version");
            System.exit(2);
        }
        long n = num(name, args[1], 1);
        long c = num(name, args[2], 1);
        if (c > 100_000) {
            System.err.println(name + ": C above 100000: " + c);
            System.exit(2);
        }
        long w = args.length == 4 ? num(name, args[3], 0) : 0;
        return new Args(args[0], n, (int) c, w);
    }

    /** The callers' thread kind: {@code -Dbench.threads} when set, else {@code dflt}. */
    public static Threads threads(String name, Threads dflt) {
        String p = System.getProperty("bench.threads");
        if (p == null || p.isEmpty()) return dflt;
        try {
            return Threads.valueOf(p.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.err.println(name + ": -Dbench.threads takes platform or virtual, got " + p);
            System.exit(2);
            return dflt;
        }
    }

    /** Runs the warm-up and the measured part, prints the JSON line and exits. */
    public static void run(String name, Args a, Threads threads, Call call) throws InterruptedException {
        long[] warm = a.warmup() > 0 ? phase(name, a.warmup(), a.concurrency(), threads, call) : new long[2];
        long cpu0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        long[] r = phase(name, a.n(), a.concurrency(), threads, call);
        long elapsed = System.nanoTime() - t0;
        long cpu1 = OS.getProcessCpuTime();
        System.out.printf(Locale.ROOT, "{\"client\":\"%s\",\"n\":%d,\"concurrency\":%d,\"warmup\":%d,\"warmup_completed\":%d,"
                        + "\"warmup_failed\":%d,\"completed\":%d,\"failed\":%d,\"elapsed_s\":%.6f,\"cpu_s\":%.6f,"
                        + "\"cpu_total_s\":%.6f,\"threads\":\"%s\"}%n",
                name, a.n(), a.concurrency(), a.warmup(), warm[0], warm[1], r[0], r[1], elapsed / 1e9,
                (cpu1 - cpu0) / 1e9, cpu1 / 1e9, threads.name().toLowerCase(Locale.ROOT));
        System.out.flush();
        System.exit(r[0] > 0 ? 0 : 1);
    }

    /** Runs n calls with c callers; returns {completed, failed}. */
    private static long[] phase(String name, long n, int c, Threads threads, Call call) throws InterruptedException {
        AtomicLong left = new AtomicLong(n), ok = new AtomicLong(), failed = new AtomicLong();
        Runnable caller = () -> {
            while (left.getAndDecrement() > 0) {
                try {
                    int status = call.call();
                    if (status == 200) {
                        ok.incrementAndGet();
                    } else if (failed.incrementAndGet() <= 3) {
                        System.err.println(name + ": HTTP " + status + " (only 200 counts as completed)");
                    }
                } catch (Exception e) {
                    if (failed.incrementAndGet() <= 3) System.err.println(name + ": " + e);
                    if (e instanceof InterruptedException) return;
                }
            }
        };
        Thread.Builder builder = threads == Threads.VIRTUAL
                ? Thread.ofVirtual().name("caller-", 0)
                : Thread.ofPlatform().name("caller-", 0);
        Thread[] callers = new Thread[c];
        for (int i = 0; i < c; i++) callers[i] = builder.start(caller);
        for (Thread t : callers) t.join();
        return new long[] {ok.get(), failed.get()};
    }

    private static long num(String name, String s, long min) {
        try {
            long v = Long.parseLong(s);
            if (v >= min) return v;
        } catch (NumberFormatException e) {
            // fall through
        }
        System.err.println(name + ": not a number >= " + min + ": " + s);
        System.exit(2);
        return 0;
    }
}
