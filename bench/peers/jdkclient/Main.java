// Client peer for bench/client-compare.sh: the JDK's java.net.http.HttpClient in a closed loop.
//
// Usage: java Main.java URL N C [W]     (or compiled: java -cp DIR Main URL N C [W])
//
// C virtual threads call client.send(request, BodyHandlers.ofByteArray()) back to back over HTTP/1.1
// keep-alive connections until W warm-up calls, then N measured calls, are done. Prints one JSON line:
// the measured part's wall time, completed and failed calls, and this process's CPU time (all threads,
// JIT and GC included, from OperatingSystemMXBean.getProcessCpuTime) over the measured part and in total.
// JDK only, no dependencies.

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

public class Main {
    static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** Runs n calls with c callers; returns {completed (2xx, body read), failed}. */
    static long[] phase(HttpClient client, HttpRequest req, long n, int c) throws InterruptedException {
        AtomicLong left = new AtomicLong(n), ok = new AtomicLong(), failed = new AtomicLong();
        Thread[] callers = new Thread[c];
        for (int i = 0; i < c; i++) {
            callers[i] = Thread.ofVirtual().start(() -> {
                while (left.getAndDecrement() > 0) {
                    try {
                        HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() / 100 == 2) ok.incrementAndGet(); else failed.incrementAndGet();
                    } catch (Exception e) {
                        if (failed.incrementAndGet() <= 3) System.err.println("jdk-client: " + e);
                        if (e instanceof InterruptedException) return;
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
        System.err.println("jdk-client: not a number >= " + min + ": " + s);
        System.exit(2);
        return 0;
    }

    /**
     * HTTP/1.1, or with BENCH_H2_CA set (client-compare.sh --protocol h2) HTTP/2 over TLS by ALPN trusting the
     * PEM certificate it names.
     */
    static HttpClient client() throws Exception {
        String ca = System.getenv("BENCH_H2_CA");
        if (ca == null || ca.isEmpty()) {
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        }
        java.security.KeyStore ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        ks.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(ca))) {
            int i = 0;
            for (var c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
        }
        var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        var ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(ctx).build();
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--version")) {
            System.out.println("java.net.http.HttpClient, JDK " + Runtime.version());
            return;
        }
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: java Main.java URL N C [W]   (N measured calls, C concurrent callers, W warm-up calls)");
            System.exit(2);
        }
        long n = num(args[1], 1);
        int c = (int) num(args[2], 1);
        long w = args.length == 4 ? num(args[3], 0) : 0;
        HttpClient client = client();
        HttpRequest req = HttpRequest.newBuilder(URI.create(args[0])).GET().build();
        long[] warm = w > 0 ? phase(client, req, w, c) : new long[2];
        long cpu0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        long[] r = phase(client, req, n, c);
        long elapsed = System.nanoTime() - t0;
        long cpu1 = OS.getProcessCpuTime();
        System.out.printf(Locale.ROOT, "{\"client\":\"jdk\",\"n\":%d,\"concurrency\":%d,\"warmup\":%d,\"warmup_completed\":%d,"
                        + "\"warmup_failed\":%d,\"completed\":%d,\"failed\":%d,\"elapsed_s\":%.6f,\"cpu_s\":%.6f,\"cpu_total_s\":%.6f}%n",
                n, c, w, warm[0], warm[1], r[0], r[1], elapsed / 1e9, (cpu1 - cpu0) / 1e9, cpu1 / 1e9);
        System.out.flush();
        System.exit(r[0] > 0 ? 0 : 1);
    }
}
