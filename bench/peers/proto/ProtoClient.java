// Client peer for bench/client-compare.sh (client name proto-epoll): the client half of issue 17's I/O-core
// question. Each caller owns one keep-alive connection, a non-blocking SocketChannel registered once with
// ProtoPoller's edge-triggered epoll; a call writes the request and the caller reads its own response on its
// own (virtual) thread, parking until the poller reports bytes: no reader thread, no hand-off.
//
// The wait is a LockSupport.parkNanos bounded by the call's deadline: the deadline, an unpark from a timer or
// a cancel ends it without closing the connection (what the blocking Socket cannot do; docs/BENCHMARKS.md
// "Why reading on the caller's thread ... is not done"). Here the deadline is 10 s and never fires.
// Prototype: HTTP/1.1 GET only, responses framed by Content-Length, no TLS, no pool beyond one connection per
// caller.
//
// Usage: java --enable-native-access=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED -cp DIR
//        ProtoClient URL N C [W]   (the command line and the JSON line of bench/peers/jdkclient)

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

public final class ProtoClient {
    static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private ProtoClient() {}

    /** One caller's connection. */
    static final class Conn {
        final SocketChannel ch;
        final int fd;
        final ProtoPoller poller;
        final ByteBuffer out;
        final ByteBuffer in = ByteBuffer.allocateDirect(8192);

        Conn(InetSocketAddress addr, byte[] request, ProtoPoller poller) throws IOException {
            this.ch = SocketChannel.open(addr);   // blocking connect, then non-blocking for good
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.configureBlocking(false);
            this.fd = ProtoPoller.fd(ch);
            this.poller = poller;
            this.out = ByteBuffer.allocateDirect(request.length).put(request).flip();
            if (!poller.register(fd, Thread.currentThread())) throw new IOException("epoll registration failed");
        }

        /** One call on the caller's thread: the status code. */
        int call() throws IOException {
            long deadline = System.nanoTime() + DEADLINE_NANOS;
            out.rewind();
            while (out.hasRemaining()) {
                if (ch.write(out) == 0) await(deadline);
            }
            in.clear();
            while (true) {
                // the response cannot be there right after the write: wait first, read after (a stale permit
                // costs one read that returns 0)
                await(deadline);
                int n;
                while ((n = ch.read(in)) > 0) {
                    int status = complete();
                    if (status > 0) return status;
                    if (!in.hasRemaining()) throw new IOException("response larger than the buffer");
                }
                if (n < 0) throw new IOException("connection closed before the response ended");
            }
        }

        private void await(long deadline) throws IOException {
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new IOException("deadline passed waiting for the response (connection kept)");
            LockSupport.parkNanos(this, left);
        }

        // the status code once the whole response is in [0, position), else 0
        private int complete() throws IOException {
            int end = in.position();
            for (int i = 3; i < end; i++) {
                if (in.get(i) == '\n' && in.get(i - 1) == '\r' && in.get(i - 2) == '\n' && in.get(i - 3) == '\r') {
                    int bodyStart = i + 1;
                    byte[] head = new byte[bodyStart];
                    in.get(0, head);
                    String h = new String(head, StandardCharsets.ISO_8859_1);
                    int cl = contentLength(h);
                    if (end < bodyStart + cl) return 0;
                    if (end > bodyStart + cl) throw new IOException("bytes after the response");
                    return Integer.parseInt(h, 9, 12, 10);
                }
            }
            return 0;
        }

        private static int contentLength(String head) throws IOException {
            int at = head.toLowerCase(Locale.ROOT).indexOf("\r\ncontent-length:");
            if (at < 0) throw new IOException("no Content-Length in the response");
            int from = at + "\r\ncontent-length:".length();
            int to = head.indexOf('\r', from);
            return Integer.parseInt(head.substring(from, to).trim());
        }

        void rebind() {
            poller.own(fd, Thread.currentThread());
        }
    }

    /** Runs n calls with the callers' connections; returns {completed (2xx), failed}. */
    static long[] phase(Conn[] conns, InetSocketAddress addr, byte[] request, ProtoPoller poller, long n)
            throws InterruptedException {
        AtomicLong left = new AtomicLong(n), ok = new AtomicLong(), failed = new AtomicLong();
        Thread[] callers = new Thread[conns.length];
        for (int i = 0; i < conns.length; i++) {
            int k = i;
            callers[i] = Thread.ofVirtual().start(() -> {
                while (left.getAndDecrement() > 0) {
                    try {
                        if (conns[k] == null) conns[k] = new Conn(addr, request, poller);
                        else conns[k].rebind();   // a new caller thread per phase
                        if (conns[k].call() / 100 == 2) ok.incrementAndGet(); else failed.incrementAndGet();
                    } catch (IOException | RuntimeException e) {
                        if (failed.incrementAndGet() <= 3) System.err.println("proto-client: " + e);
                        if (conns[k] != null) {
                            poller.forget(conns[k].fd);
                            ProtoMain.closeQuietly(conns[k].ch);
                            conns[k] = null;
                        }
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
        System.err.println("proto-client: not a number >= " + min + ": " + s);
        System.exit(2);
        return 0;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--version")) {
            System.out.println("proto-epoll client (FFM epoll, the caller reads its own response), java " + Runtime.version());
            return;
        }
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: ProtoClient URL N C [W]   (N measured calls, C concurrent callers, W warm-up calls)");
            System.exit(2);
        }
        URI uri = URI.create(args[0]);
        if (!"http".equals(uri.getScheme()) || uri.getPort() < 0) {
            System.err.println("proto-client: needs http://HOST:PORT/PATH, got " + args[0]);
            System.exit(2);
        }
        long n = num(args[1], 1);
        int c = (int) num(args[2], 1);
        long w = args.length == 4 ? num(args[3], 0) : 0;
        InetSocketAddress addr = new InetSocketAddress(uri.getHost(), uri.getPort());
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        ProtoPoller poller = new ProtoPoller(Boolean.getBoolean("proto.vtpoller"));
        Conn[] conns = new Conn[c];
        long[] warm = w > 0 ? phase(conns, addr, request, poller, w) : new long[2];
        long cpu0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        long[] r = phase(conns, addr, request, poller, n);
        long elapsed = System.nanoTime() - t0;
        long cpu1 = OS.getProcessCpuTime();
        System.out.printf(Locale.ROOT, "{\"client\":\"proto-epoll\",\"n\":%d,\"concurrency\":%d,\"warmup\":%d,\"warmup_completed\":%d,"
                        + "\"warmup_failed\":%d,\"completed\":%d,\"failed\":%d,\"elapsed_s\":%.6f,\"cpu_s\":%.6f,\"cpu_total_s\":%.6f}%n",
                n, c, w, warm[0], warm[1], r[0], r[1], elapsed / 1e9, (cpu1 - cpu0) / 1e9, cpu1 / 1e9);
        System.out.flush();
        System.exit(r[0] > 0 ? 0 : 1);
    }
}
