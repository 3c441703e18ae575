package io.hourglass.server;

import io.hourglass.http.Phase;
import io.hourglass.internal.tcp.TcpMetrics;
import io.hourglass.internal.text.Durations;
import io.hourglass.net.Clock;
import io.hourglass.observe.MetricsRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;

/**
 * An HTTP/1.1 server: one virtual thread per connection, blocking I/O, Go's timeout model.
 *
 * <pre>{@code
 * Router router = new Router().get("/hello", (req, res) -> res.send("hello\n"));
 * try (Server server = Server.start(ServerConfig.builder().port(8080).build(), router)) {
 *     server.awaitShutdown();
 * }
 * }</pre>
 *
 * <p>{@link #start} binds and starts accepting before it returns. {@link #shutdown()} is graceful: it stops
 * accepting, closes idle keep-alive connections at once, lets in-flight requests finish until the shutdown
 * timeout, then closes what is left. {@link #close()} is {@link #shutdown()}.
 *
 * <p><b>Metrics.</b> Every server records into a {@link MetricsRegistry}: its own, or the one given to
 * {@link #start(ServerConfig, Handler, MetricsRegistry)}. {@link #metrics()} returns it, ready to be written
 * out in the Prometheus text format. The families (connections opened and closed, connections by state,
 * responses by status class, timeouts by phase, handler cancellations by reason, request duration, limits that
 * fired by kind) are listed in {@code docs/metrics.md}. Recording costs a few lock-free updates per request and allocates nothing;
 * the connections by state are counted from the connections themselves when the metrics are read.
 * On Linux the registry also gets {@code hourglass_tcp_connections{state,peer}}, this server's own TCP sockets
 * by state and peer, read from {@code /proc} at each scrape only ({@link ServerConfig#tcpStateMetrics()}).
 *
 * <p>{@code OPTIONS *} (RFC 9110 section 9.3.7: about the server, not a resource) is answered by the server
 * itself, 200 with {@code Content-Length: 0} and, when the handler is a {@link Router}, {@code Allow}; the
 * handler never sees it.
 */
public final class Server implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Server.class.getName());

    private final ServerConfig config;
    private final Handler handler;
    private final SSLContext tls;
    private final ServerSocket listener;
    private final Semaphore permits;
    private final Set<ServerConn> conns = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread acceptor;
    private final ServerMetrics metrics;
    private final Runnable detachTcpStates; // ends this server's part of hourglass_tcp_connections
    private final Runnable detachConnections; // ends this server's part of hourglass_server_connections{state}
    private final byte[] keepAliveHint;     // "Keep-Alive: timeout=N\r\n" from the idle timeout, or null
    private final Clock clock;              // its connections' deadlines and timeouts; the system's but in tests
    private volatile boolean closing; // set once by shutdown; read by every connection

    private Server(ServerConfig config, Handler handler, MetricsRegistry registry, Clock clock) throws IOException {
        this.config = config;
        this.clock = clock;
        this.handler = new AsteriskOptions(handler); // OPTIONS * is the server's to answer, never routed
        this.tls = config.tls() ? io.hourglass.internal.tls.Pem.serverContext(config.tlsCertificate(), config.tlsPrivateKey()) : null;
        this.metrics = new ServerMetrics(registry);
        this.permits = new Semaphore(config.maxConnections());
        // issue 14: tell HTTP/1.1 clients how long an idle connection lives, in whole seconds rounded down, so
        // that they stop reusing it before the server closes it (the Keep-Alive field of RFC 2068 section
        // 19.7.1.1, which browsers, Apache and nginx use; HTTP/2 forbids it, RFC 9113 section 8.2.2)
        long idle = config.idleTimeout().toSeconds();
        this.keepAliveHint = config.idleTimeout().isZero() ? null
                : ("Keep-Alive: timeout=" + idle + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        try {
            ss.bind(new InetSocketAddress(config.host(), config.port()), 1024);
        } catch (IOException e) {
            ss.close();
            throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        try {
            this.detachTcpStates = config.tcpStateMetrics() ? attachTcpStates(registry, ss) : () -> { };
        } catch (RuntimeException e) {
            ss.close(); // the registry has hourglass_tcp_connections of its own: nothing may stay bound
            throw e;
        }
        this.listener = ss;
        this.detachConnections = metrics.attachConnections(conns);
        this.acceptor = Thread.ofVirtual().name("hourglass-accept-" + port()).unstarted(this::acceptLoop);
    }

    /** Counts, at each scrape, the sockets on the listener's address and port (ServerConfig#tcpStateMetrics). */
    private static Runnable attachTcpStates(MetricsRegistry registry, ServerSocket listener) {
        int port = listener.getLocalPort();
        InetAddress bound = listener.getInetAddress();
        boolean any = bound.isAnyLocalAddress();
        return TcpMetrics.attach(registry,
                s -> s.localPort() == port && (any || bound.equals(s.local().getAddress())));
    }

    /**
     * Binds to the configured address and starts serving, recording metrics into a registry of its own
     * ({@link #metrics()}).
     *
     * @param config the settings: address, timeouts, limits, TLS
     * @param handler answers every request, on the connection's virtual thread
     * @return the running server
     * @throws IOException when the address cannot be bound, or the TLS files cannot be read
     */
    public static Server start(ServerConfig config, Handler handler) throws IOException {
        return start(config, handler, new MetricsRegistry());
    }

    /**
     * Binds to the configured address and starts serving, recording metrics into {@code registry}, for an
     * application that exports one registry for everything it runs.
     *
     * <p>The registry is a collaborator, like the handler, rather than a field of {@link ServerConfig}: a
     * config is an immutable value that {@link ServerConfig#toBuilder()} copies freely, and a copied registry
     * would silently merge the metrics of servers meant to be apart. Servers that are given the same registry
     * do share its series (there is no per-server label), and the counting accessors of each
     * ({@link #acceptedConnections()}, {@link #timeouts}, {@link #cancelledHandlers()}) then report the sum.
     *
     * @param config the settings: address, timeouts, limits, TLS
     * @param handler answers every request, on the connection's virtual thread
     * @param registry where the server records its metrics
     * @return the running server
     * @throws IOException when the address cannot be bound, or the TLS files cannot be read
     * @throws IllegalArgumentException when {@code registry} already has one of the server's metric names
     *     registered with another type or other labels
     */
    public static Server start(ServerConfig config, Handler handler, MetricsRegistry registry) throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(registry, "registry");
        return start(config, handler, registry, Clock.system());
    }

    /** For tests: a server whose connections' deadlines and timeouts follow {@code clock} (a manual one). */
    static Server start(ServerConfig config, Handler handler, MetricsRegistry registry, Clock clock)
            throws IOException {
        Server s = new Server(config, handler, registry, clock);
        s.acceptor.start();
        return s;
    }

    /** {@return the clock of its connections} */
    Clock clock() {
        return clock;
    }

    /** {@return the port the server listens on (the real one when the config asked for 0)} */
    public int port() {
        return listener.getLocalPort();
    }

    /** {@return the address the server listens on} */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** {@return the server's base URL, {@code http://host:port} or {@code https://host:port}} */
    public String url() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return (tls != null ? "https" : "http") + "://" + host + ":" + port();
    }

    /** {@return the settings the server was started with} */
    public ServerConfig config() {
        return config;
    }

    Handler handler() {
        return handler;
    }

    SSLContext tlsContext() {
        return tls;
    }

    boolean closing() {
        return closing;
    }

    /** {@return the registry this server records its metrics into} */
    public MetricsRegistry metrics() {
        return metrics.registry();
    }

    ServerMetrics recorder() {
        return metrics;
    }

    /** The open connections (for tests in this package). */
    Set<ServerConn> connections() {
        return conns;
    }

    /** {@return the connections open now, in any state} */
    public int openConnections() {
        return conns.size();
    }

    /** {@return the connections accepted since start: {@code hourglass_server_connections_opened_total}} */
    public long acceptedConnections() {
        return metrics.accepted();
    }

    /**
     * Timeouts counted for one phase since start.
     *
     * @param phase a server phase; a client phase counts 0 here
     * @return {@code hourglass_timeouts_total{side="server",phase=phase.label()}}
     */
    public long timeouts(Phase phase) {
        return metrics.timeouts(Objects.requireNonNull(phase, "phase"));
    }

    /**
     * {@return the handlers cancelled since start, client gone or handler timeout:
     * {@code hourglass_server_handler_cancellations_total}, both reasons}
     */
    public long cancelledHandlers() {
        return metrics.cancellations();
    }

    private void acceptLoop() {
        try {
            while (!closing) {
                if (!permits.tryAcquire()) {
                    metrics.limit(ServerMetrics.Limit.MAX_CONNECTIONS); // at maxConnections: accepting pauses
                    permits.acquire();
                }
                Socket s = acceptOne();
                if (s == null) {
                    continue; // failed (or closing: the loop's condition ends it)
                }
                metrics.opened();
                try {
                    s.setTcpNoDelay(true);
                } catch (SocketException ignored) {
                    // the connection fails on first use instead
                }
                ServerConn c = new ServerConn(this, s);
                conns.add(c);
                Thread.ofVirtual().start(c);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One accepted socket, or null when accept failed (its permit given back). */
    private Socket acceptOne() throws InterruptedException {
        try {
            return listener.accept();
        } catch (IOException e) {
            permits.release();
            if (!closing) {
                LOG.log(Level.WARNING, "accept failed", e);
                Thread.sleep(10); // e.g. too many open files: do not spin
            }
            return null;
        }
    }

    void closed(ServerConn c) {
        if (conns.remove(c)) {
            permits.release();
        }
    }

    /** {@return the Keep-Alive line a keep-alive HTTP/1.1 response carries, or null for none; do not modify} */
    byte[] keepAliveHint() {
        return keepAliveHint;
    }

    void timeout(Phase phase) {
        timeout(phase, false);
    }

    /** Counts a timeout of {@code phase} on HTTP/1.1 or, when {@code http2}, on HTTP/2. */
    void timeout(Phase phase, boolean http2) {
        if (phase != null) {
            metrics.timeout(phase, http2);
        }
    }

    void handlerError(Throwable t) {
        LOG.log(Level.WARNING, "handler failed", t);
    }

    /** A connection ended on a network error: one debug line, no stack trace (it is not our fault). */
    void log(Throwable t) {
        LOG.fine(() -> "connection ended with an error: " + t);
    }

    /** A client reset or closed its connection under a running handler: one debug line, no stack trace. */
    void clientGone(io.hourglass.net.Conn conn, Throwable t) {
        LOG.fine(() -> conn + ": client went away while its handler ran: " + t);
    }

    /** An unexpected exception of the server's own: a warning with the stack trace. */
    void internalError(Throwable t) {
        LOG.log(Level.WARNING, "connection failed", t);
    }

    /**
     * Graceful shutdown: stops accepting, closes idle connections at once, waits for in-flight requests up
     * to {@link ServerConfig#shutdownTimeout()}, then closes the rest abortively (RST). Idempotent; later
     * calls wait like the first.
     *
     * @return true when every in-flight request finished in time
     */
    public boolean shutdown() {
        if (!closing) {
            closing = true;
            try {
                listener.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            acceptor.interrupt();
        }
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        boolean clean = true;
        while (!conns.isEmpty()) {
            for (ServerConn c : conns) {
                c.closeIfIdle();
            }
            if (System.nanoTime() - deadline >= 0) {
                clean = false;
                for (ServerConn c : conns) {
                    c.forceClose();
                }
                conns.clear();
                break;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        detachTcpStates.run();
        detachConnections.run(); // every connection has ended (or was given up): its part is 0 from now on
        stopped.countDown();
        return clean;
    }

    /** Same as {@link #shutdown()}. */
    @Override
    public void close() {
        shutdown();
    }

    /**
     * Blocks until {@link #shutdown()} has completed.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /**
     * Blocks until {@link #shutdown()} has completed or the time has passed.
     *
     * @param time how long to wait at most
     * @param unit the unit of {@code time}
     * @return whether shutdown completed
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public boolean awaitShutdown(long time, TimeUnit unit) throws InterruptedException {
        return stopped.await(time, unit);
    }

    @Override
    public String toString() {
        return "Server[" + url() + ", read-header " + Durations.format(config.readHeaderTimeout()) + "]";
    }

}
