package io.hourglass.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Arming and disarming deadlines on a {@link Conn} over a real loopback TCP connection, as the server does
 * around every request (idle, read-header and write deadlines) and the client around every call. Each
 * operation arms a deadline far enough ahead never to fire and clears it again. The shared timer thread runs
 * meanwhile: about once per wheel turn (~1 s) it finds the cleared connection and drops it, so the next arm
 * hands the connection to it again (one CAS on its queue); all other arms are a volatile store and a compare.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DeadlineBench {
    private static final long AHEAD = TimeUnit.SECONDS.toNanos(30);

    private ServerSocket listener;
    private Socket client;
    private Socket accepted;
    private Conn conn;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        accepted = listener.accept();
        conn = Conn.of(client);
        conn.setAlarm(() -> { });
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        conn.close();
        accepted.close();
        listener.close();
        if (conn.readExpired() || conn.writeExpired()) {
            throw new IllegalStateException("a deadline fired during the benchmark");
        }
    }

    /** The read deadline, nanoTime API: what ServerConn does per request phase. */
    @Benchmark
    public long readDeadline() {
        conn.setReadDeadlineNanos(System.nanoTime() + AHEAD);
        conn.setReadDeadlineNanos(0);
        return conn.readDeadlineNanos();
    }

    /** Read and write deadlines together (a request's header end: write deadline set, read moved). */
    @Benchmark
    public long readWriteDeadlines() {
        long d = System.nanoTime() + AHEAD;
        conn.setWriteDeadlineNanos(d);
        conn.setReadDeadlineNanos(d);
        conn.setReadDeadlineNanos(0);
        conn.setWriteDeadlineNanos(0);
        return conn.writeDeadlineNanos();
    }

    /** The alarm (handler timeout, client call deadline, idle eviction). */
    @Benchmark
    public long alarm() {
        conn.armAlarm(System.nanoTime() + AHEAD);
        conn.armAlarm(0);
        return conn.readDeadlineNanos();
    }

    /** The Go-style Instant API: Instant.now(), a Duration and a clock conversion on top of the store. */
    @Benchmark
    public long readDeadlineInstant() {
        conn.setReadDeadline(Instant.now().plusNanos(AHEAD));
        conn.setReadDeadline(null);
        return conn.readDeadlineNanos();
    }
}
