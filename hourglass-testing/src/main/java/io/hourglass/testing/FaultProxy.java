package io.hourglass.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy that breaks connections on purpose, for tests of what a client and a server do when the
 * network misbehaves (docs/ROBUSTNESS.md, "Faults"). Each accepted connection is relayed to the upstream port by
 * two virtual threads, one per direction, and gets the {@link Fault} in force when it was accepted; a fault
 * triggers once {@code afterBytes} bytes have passed in its direction (the request's for *_REQUEST faults,
 * {@link Fault#HALF_CLOSE} and {@link Fault#DROP}; the response's for the others).
 *
 * <p>Between a client and a server under test, where {@link RawPeer} would take the place of one of them.
 */
public final class FaultProxy implements AutoCloseable {

    /** What the proxy does to a connection. */
    public enum Fault {
        /** Relays both ways; an end of stream is passed on at once. */
        NONE,
        /** Resets both sides (RST) once the request has passed {@code afterBytes}. */
        RESET_MID_REQUEST,
        /** Resets both sides (RST) once the response has passed {@code afterBytes}. */
        RESET_MID_RESPONSE,
        /** Half-closes toward the server (it reads end of stream) once the request has passed {@code afterBytes}; responses still flow. */
        HALF_CLOSE,
        /** Stops relaying either way once the response has passed {@code afterBytes}; both sockets stay open and silent. */
        STALL,
        /** Once the request has passed {@code afterBytes}, discards everything either way; nothing is closed. */
        DROP,
        /** Relays both ways, but passes each end of stream on only after {@code delay}. */
        DELAY_FIN;

        boolean triggers() {
            return this != NONE && this != DELAY_FIN;
        }

        /** Whether the request's bytes (client to server) count toward {@code afterBytes}. */
        boolean onRequest() {
            return this == RESET_MID_REQUEST || this == HALF_CLOSE || this == DROP;
        }
    }

    private final ServerSocket listener;
    private final int upstreamPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private volatile Fault fault = Fault.NONE; // volatile: set by the test thread, read by the acceptor
    private volatile long afterBytes;          // volatile: as fault
    private volatile Duration delay = Duration.ofSeconds(1); // volatile: as fault
    private volatile boolean closed;           // volatile: ends the acceptor

    private FaultProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("fault-proxy-accept").start(this::acceptLoop);
    }

    /**
     * Starts a proxy on a free loopback port that relays to {@code upstreamPort} on loopback.
     *
     * @param upstreamPort the port of the server behind it, on 127.0.0.1
     * @return the running proxy, with {@link Fault#NONE}; close it when done
     * @throws IOException if no port can be bound
     */
    public static FaultProxy start(int upstreamPort) throws IOException {
        return new FaultProxy(upstreamPort);
    }

    /** {@return the port clients connect to} */
    public int port() {
        return listener.getLocalPort();
    }

    /**
     * Sets the fault for connections accepted from now on.
     *
     * @param f the fault
     * @param afterBytes how many bytes pass in the fault's direction before it triggers
     * @return this proxy
     */
    public FaultProxy fault(Fault f, long afterBytes) {
        this.afterBytes = afterBytes;
        this.fault = f;
        return this;
    }

    /**
     * Sets how long {@link Fault#DELAY_FIN} holds an end of stream (default 1 s).
     *
     * @param d the delay
     * @return this proxy
     */
    public FaultProxy delay(Duration d) {
        this.delay = d;
        return this;
    }

    /** {@return the connections accepted so far} */
    public long accepted() {
        return accepted.get();
    }

    /** {@return the sockets (either side) the proxy still holds open} */
    public int openSockets() {
        return sockets.size();
    }

    /** Stops accepting and resets every connection still open. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : sockets) {
            reset(s);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            Fault f = fault;
            long after = afterBytes;
            Duration d = delay;
            Thread.ofVirtual().name("fault-proxy-link").start(() -> link(client, f, after, d));
        }
    }

    private void link(Socket client, Fault f, long after, Duration d) {
        sockets.add(client);
        Socket upstream = new Socket();
        sockets.add(upstream);
        try {
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 5000);
        } catch (IOException e) {
            reset(client);
            reset(upstream);
            return;
        }
        Link l = new Link(client, upstream, f, after, d);
        Thread up = Thread.ofVirtual().name("fault-proxy-up").start(() -> l.pump(client, upstream, true));
        l.pump(upstream, client, false);
        try {
            up.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (f != Fault.STALL && f != Fault.DROP) {
            close(client);
            close(upstream);
        }
    }

    /** One relayed connection: the two sockets and its fault. */
    private final class Link {
        final Socket client;
        final Socket upstream;
        final Fault fault;
        final long after;
        final Duration delay;
        volatile boolean triggered; // volatile: read by the other direction's thread

        Link(Socket client, Socket upstream, Fault fault, long after, Duration delay) {
            this.client = client;
            this.upstream = upstream;
            this.fault = fault;
            this.after = after;
            this.delay = delay;
        }

        /** Copies {@code from} to {@code to} until end of stream, a reset, or the fault. */
        void pump(Socket from, Socket to, boolean request) {
            boolean counts = fault.triggers() && request == fault.onRequest(); // this direction triggers it
            long passed = 0;
            byte[] buf = new byte[8192];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (true) {
                    int n = in.read(buf);
                    if (n < 0) {
                        break;
                    }
                    if (triggered && (fault == Fault.DROP || (fault == Fault.HALF_CLOSE && request))) {
                        continue; // discarded
                    }
                    if (triggered && fault == Fault.STALL) {
                        return; // nothing more is relayed; the sockets stay open
                    }
                    int pass = counts && !triggered ? (int) Math.min(n, Math.max(0, after - passed)) : n;
                    out.write(buf, 0, pass);
                    passed += pass;
                    if (counts && !triggered && passed >= after && trigger()) {
                        return;
                    }
                }
                if (triggered && (fault == Fault.DROP || fault == Fault.STALL)) {
                    return; // silent: the end of stream is not passed on either
                }
                if (fault == Fault.DELAY_FIN) {
                    Thread.sleep(delay);
                }
                to.shutdownOutput(); // pass the end of stream on
            } catch (IOException | InterruptedException e) {
                // a reset or a close: the other direction sees it on its own socket
            }
        }

        /** Applies the fault once its byte count is reached; returns true when this direction stops. */
        private boolean trigger() throws IOException {
            if (triggered) {
                return false;
            }
            triggered = true;
            switch (fault) {
                case RESET_MID_REQUEST, RESET_MID_RESPONSE -> {
                    reset(client);
                    reset(upstream);
                    return true;
                }
                case HALF_CLOSE -> {
                    upstream.shutdownOutput();
                    return false; // keeps reading the client, discarding
                }
                case STALL -> {
                    return true;
                }
                default -> {
                    return false; // DROP: keeps reading, discarding
                }
            }
        }
    }

    private void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
        close(s);
    }

    private void close(Socket s) {
        sockets.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
