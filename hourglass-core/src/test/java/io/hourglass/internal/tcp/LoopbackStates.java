package io.hourglass.internal.tcp;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Loopback sockets in known TCP states, all with one side on {@link #port()}: a listener (LISTEN), an
 * established pair (2 x ESTAB), a pair the server closed (FIN-WAIT-2 on the server, CLOSE-WAIT on the client)
 * and a pair the client closed first (TIME-WAIT on the client; the server's LAST-ACK ends at once).
 *
 * <p>The listener is a dual-stack Java socket (in /proc/net/tcp6 with IPv4-mapped addresses); the clients of
 * the established pair and of the TIME-WAIT pair are IPv4-only channels (in /proc/net/tcp), so both files are
 * exercised.
 */
final class LoopbackStates implements Closeable {
    /** What {@code snapshot.withPort(port).countByState()} should become. */
    static final Map<TcpState, Integer> EXPECTED = Map.of(
            TcpState.LISTEN, 1,
            TcpState.ESTABLISHED, 2,
            TcpState.FIN_WAIT2, 1,
            TcpState.CLOSE_WAIT, 1,
            TcpState.TIME_WAIT, 1);

    private final Deque<Closeable> open = new ArrayDeque<>();
    private final ServerSocket server;
    private final int ipv4ClientPort;

    LoopbackStates() throws IOException {
        boolean ok = false;
        try {
            server = keep(ProcNetTcp.freshLoopbackListener()); // no residue of an earlier owner
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port());

            SocketChannel established = keep(SocketChannel.open(StandardProtocolFamily.INET));
            established.connect(target);
            ipv4ClientPort = ((InetSocketAddress) established.getLocalAddress()).getPort();
            keep(server.accept());

            keep(new Socket(target.getAddress(), port())); // never closed by the test: CLOSE-WAIT
            server.accept().close(); // the server closes first: FIN-WAIT-2

            SocketChannel timeWaitClient = SocketChannel.open(StandardProtocolFamily.INET);
            timeWaitClient.connect(target);
            Socket timeWaitServer = server.accept();
            timeWaitClient.close(); // the active closer ends in TIME-WAIT once the server closes too
            awaitEof(timeWaitServer.getInputStream());
            timeWaitServer.close();
            ok = true;
        } finally {
            if (!ok) {
                close();
            }
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** The local port of the IPv4-only client of the established pair, a line in /proc/net/tcp. */
    int ipv4ClientPort() {
        return ipv4ClientPort;
    }

    /** Polls {@code source} until it returns {@link #EXPECTED}, or returns its last value after the timeout. */
    static Map<TcpState, Integer> awaitExpected(Supplier<Map<TcpState, Integer>> source, long timeout,
            TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        Map<TcpState, Integer> last = source.get();
        while (!last.equals(EXPECTED) && System.nanoTime() < deadline) {
            Thread.sleep(10); // a poll interval, not a wait for a state: the deadline bounds the loop
            last = source.get();
        }
        return last;
    }

    private static void awaitEof(InputStream in) throws IOException {
        while (in.read() >= 0) {
            // the client sends nothing; read until its FIN
        }
    }

    private <T extends Closeable> T keep(T c) {
        open.push(c);
        return c;
    }

    @Override
    public void close() throws IOException {
        while (!open.isEmpty()) {
            open.pop().close();
        }
    }
}
