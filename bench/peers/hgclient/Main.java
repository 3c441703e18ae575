// Client peer for bench/client-compare.sh: the Hourglass client library in a closed loop, with a warm-up,
// so that its in-process CPU time can be read over the measured part like the JDK and Go peers'.
//
// Usage: java -cp hourglass-cli.jar:DIR Main URL N C [W]   (compile with javac -cp hourglass-cli.jar)
//
// The same settings as 'hourglass load URL -n N --concurrency C' (its closed loop, see LoadRun): pool cap and
// idle cap max(64, C), default timeouts, one immutable request, C virtual threads; each call's body read whole
// with bodyAsBytes() and the response closed, as the Java peers read theirs (OkHttp's body().bytes(), the JDK's
// ofByteArray(), Jetty's ContentResponse). Until 2026-12-06 it read into a fresh 8 KiB array per call, 4-8 % of
// its CPU in profiles (docs/BENCHMARKS.md, "round 8"). Unlike 'load' it keeps no
// latency list. Prints one JSON line like the other peers. With BENCH_H2_CA set (client-compare.sh
// --protocol h2), HTTP/2 over TLS by ALPN trusting that PEM file, as 'load --http2 --ca-file' does; with
// BENCH_H2C set, HTTP/2 in clear text with prior knowledge (docs/BENCHMARKS.md, the HTTP/2 client's profile).

import io.hourglass.client.Client;
import io.hourglass.client.ClientConfig;
import io.hourglass.client.ClientRequest;
import io.hourglass.client.ClientResponse;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

public class Main {
    static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** Runs n calls with c callers; returns {completed (2xx, body read), failed}. */
    static long[] phase(Client client, ClientRequest req, long n, int c) throws InterruptedException {
        AtomicLong left = new AtomicLong(n), ok = new AtomicLong(), failed = new AtomicLong();
        Thread[] callers = new Thread[c];
        for (int i = 0; i < c; i++) {
            callers[i] = Thread.ofVirtual().start(() -> {
                while (left.getAndDecrement() > 0) {
                    try (ClientResponse r = client.send(req)) {
                        r.bodyAsBytes();
                        if (r.status() / 100 == 2) ok.incrementAndGet(); else failed.incrementAndGet();
                    } catch (Exception e) {
                        if (failed.incrementAndGet() <= 3) System.err.println("hg-client: " + e);
                    }
                }
            });
        }
        for (Thread t : callers) t.join();
        return new long[] {ok.get(), failed.get()};
    }

    static long num(String s, long min) {
        try {
            long v = Long.parseLong(s);
            if (v >= min) return v;
        } catch (NumberFormatException e) {
            // fall through
        }
        System.err.println("hg-client: not a number >= " + min + ": " + s);
        System.exit(2);
        return 0;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: java -cp hourglass-cli.jar:DIR Main URL N C [W]   (N measured calls, C callers, W warm-up calls)");
            System.exit(2);
        }
        long n = num(args[1], 1);
        int c = (int) num(args[2], 1);
        long w = args.length == 4 ? num(args[3], 0) : 0;
        int cap = Math.max(64, c);
        ClientConfig.Builder cb = ClientConfig.builder().maxConnsPerHost(cap).maxIdlePerHost(cap)
                .protocols(io.hourglass.client.Protocol.HTTP_1_1);
        if (System.getenv("BENCH_H2C") != null) {
            // HTTP/2 in clear text with prior knowledge (h2c), for profiling the HTTP/2 client without TLS
            cb.protocols(io.hourglass.client.Protocol.H2_PRIOR_KNOWLEDGE);
        }
        String ca = System.getenv("BENCH_H2_CA");
        if (ca != null && !ca.isEmpty()) {
            // client-compare.sh --protocol h2: HTTP/2 over TLS by ALPN (the library's default protocols)
            cb.trustedCaFile(java.nio.file.Path.of(ca)).protocols(io.hourglass.client.Protocol.HTTP_2,
                    io.hourglass.client.Protocol.HTTP_1_1);
        }
        ClientConfig cfg = cb.build();
        ClientRequest req = ClientRequest.builder("GET", URI.create(args[0])).build();
        try (Client client = new Client(cfg)) {
            long[] warm = w > 0 ? phase(client, req, w, c) : new long[2];
            long cpu0 = OS.getProcessCpuTime();
            long t0 = System.nanoTime();
            long[] r = phase(client, req, n, c);
            long elapsed = System.nanoTime() - t0;
            long cpu1 = OS.getProcessCpuTime();
            System.out.printf(Locale.ROOT, "{\"client\":\"hourglass-lib\",\"n\":%d,\"concurrency\":%d,\"warmup\":%d,\"warmup_completed\":%d,"
                            + "\"warmup_failed\":%d,\"completed\":%d,\"failed\":%d,\"elapsed_s\":%.6f,\"cpu_s\":%.6f,\"cpu_total_s\":%.6f}%n",
                    n, c, w, warm[0], warm[1], r[0], r[1], elapsed / 1e9, (cpu1 - cpu0) / 1e9, cpu1 / 1e9);
            System.out.flush();
            if (r[0] == 0) System.exit(1);
        }
    }
}
