package io.hourglass.client;

import io.hourglass.net.Conn;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Taking an idle keep-alive connection from the client's {@link Pool} and giving it back, as every call on
 * a reused connection does ({@code Pool.acquire} then {@code Pool.release}). The pool belongs to a real
 * {@link Client} and holds one real {@link ClientConn} over a loopback TCP connection, whose reader thread
 * waits in a read (nothing arrives on it, so the liveness check before reuse sees what it would see).
 *
 * <p>{@code idleTimeout}: with the default 90 s, each release installs the idle-eviction action and arms the
 * connection's alarm, and each acquire disarms it; 0 turns idle eviction off.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PoolBench {
    @Param({"90s", "0s"})
    public String idleTimeout;

    private ServerSocket listener;
    private Socket accepted;
    private Client client;
    private Pool pool;
    private ClientConn conn;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        Duration it = Duration.ofSeconds(Long.parseLong(idleTimeout.substring(0, idleTimeout.length() - 1)));
        client = new Client(ClientConfig.builder().idleTimeout(it).build());
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        accepted = listener.accept();
        pool = client.pool(URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/"));
        // What Exchange.connect does: a permit from the pool, then the connection; the call's end releases it.
        Pool.Lease permit = pool.acquire(null, false);
        if (permit.conn() != null) {
            throw new IllegalStateException("a new pool handed out a connection");
        }
        conn = new ClientConn(Conn.of(s), pool);
        pool.release(conn);
        if (pool.idleCount() != 1) {
            throw new IllegalStateException("the connection did not go back to the pool");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        int idle = pool.idleCount();
        client.close();
        accepted.close();
        listener.close();
        if (idle != 1) {
            throw new IllegalStateException("the pool lost its idle connection during the benchmark");
        }
    }

    @Benchmark
    public Pool.Lease acquireRelease() throws IOException {
        Pool.Lease lease = pool.acquire(null, false);
        ClientConn c = lease.conn();
        if (c != conn) {
            throw new IllegalStateException("acquire did not reuse the idle connection");
        }
        pool.release(c);
        return lease;
    }
}
