package io.hourglass.client;

import io.hourglass.http.Phase;
import io.hourglass.internal.tcp.TcpMetrics;
import io.hourglass.internal.text.Durations;
import io.hourglass.net.Clock;
import io.hourglass.observe.MetricsRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * An HTTP/1.1 and HTTP/2 client with a connection pool per origin and Go's timeout model. Over TLS it
 * speaks HTTP/2 when the server picks it by ALPN, and HTTP/2 in clear text with prior knowledge
 * ({@link ClientConfig#protocols()}); HTTP/2 calls to one origin share one connection, a stream each. Build one and share it by
 * all threads; calls block the calling thread (virtual threads welcome).
 *
 * <pre>{@code
 * Client client = new Client(ClientConfig.builder().timeout(Duration.ofSeconds(2)).build());
 * try (ClientResponse r = client.send(ClientRequest.get("http://127.0.0.1:8080/hello"))) {
 *     System.out.println(r.status() + " " + r.bodyAsString());
 * }
 * }</pre>
 *
 * <p>{@link #sendAsync} runs a call on a virtual thread of its own and returns a {@code CompletableFuture};
 * {@link ClientConfig} adds redirects, cookies, authentication, transparent gzip, interceptors and a fake
 * transport for tests (see {@link Interceptor} for where each runs), proxies ({@link ClientConfig#proxySelector()})
 * and TLS per client.
 *
 * <p>Errors: a timeout is an {@link io.hourglass.http.HttpTimeoutException} naming the phase, the limit, the
 * time spent and the connection; everything else is a {@link ClientException} with a {@link ClientException.Kind}
 * (refused, reset, premature end, malformed, TLS, cancelled). An idempotent request that fails on a reused
 * connection before any byte of the response arrived is retried once on a new connection; nothing else is
 * retried.
 *
 * <p>Metrics go to {@link #metrics()} ({@code docs/metrics.md}); on Linux they include
 * {@code hourglass_tcp_connections{state,peer}}, the TCP sockets to the addresses this client has connected to,
 * read from {@code /proc} at each scrape only ({@link ClientConfig#tcpStateMetrics()}).
 */
public final class Client implements AutoCloseable {
    /** The most distinct peer addresses {@link ClientConfig#tcpStateMetrics()} follows. */
    static final int MAX_TCP_PEERS = 1024;

    private final ClientConfig config;
    private final ConcurrentHashMap<Pool.Origin, Pool> pools = new ConcurrentHashMap<>();
    private final ClientMetrics metrics;
    private final H2Connection.Options h2Options;
    private final List<Interceptor> chain;      // the application interceptors, then the follow-ups; null: none
    private final FollowUps followUps;
    private final Clock clock;
    private final Dialer dialer;
    private final Set<InetSocketAddress> tcpPeers; // addresses connected to, for the TCP gauge; null when off
    private final Runnable detachTcpStates;        // ends this client's part of hourglass_tcp_connections
    // Loaded on the first https call (the JDK's default context is costly to build); volatile: any caller's thread.
    private volatile SSLContext ssl;
    private volatile boolean closed;   // set by close() on any thread, read by every call

    /** A client with {@link ClientConfig#defaults()}, recording into a registry of its own. */
    public Client() {
        this(ClientConfig.defaults());
    }

    /**
     * A client recording into a registry of its own ({@link #metrics()}).
     *
     * @param config the settings: timeouts, pool limits, policy, TLS trust
     * @throws java.io.UncheckedIOException if the trusted CA file or the client certificate cannot be read
     */
    public Client(ClientConfig config) {
        this(config, new MetricsRegistry());
    }

    /**
     * A client that records its meters in {@code registry} (one client per registry: its connection gauge is
     * computed, and a computed gauge is registered once).
     *
     * @param config the settings: timeouts, pool limits, policy, TLS trust
     * @param registry where the client records its metrics
     * @throws IllegalArgumentException if the registry already has the client's metrics
     * @throws java.io.UncheckedIOException if the trusted CA file or the client certificate cannot be read
     */
    public Client(ClientConfig config, MetricsRegistry registry) {
        this(config, registry, Clock.system());
    }

    /**
     * A client whose deadlines and timeouts follow {@code clock}: for tests, with hourglass-testing's
     * {@code ManualClock}, every timeout of its calls (and its pool's idle eviction) passes when the test
     * advances that clock.
     *
     * @param config the settings: timeouts, pool limits, policy, TLS trust
     * @param registry where the client records its metrics
     * @param clock where its time comes from; {@link Clock#system()} for real time
     * @throws IllegalArgumentException if the registry already has the client's metrics
     * @throws java.io.UncheckedIOException if the trusted CA file or the client certificate cannot be read
     */
    public Client(ClientConfig config, MetricsRegistry registry, Clock clock) {
        this(config, registry, clock, InetAddress::getAllByName);
    }

    /** For tests: a client that resolves host names with {@code resolver}. */
    Client(ClientConfig config, MetricsRegistry registry, Clock clock, Dialer.Resolver resolver) {
        this.config = config;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = new ClientMetrics(registry, pools::values);
        this.h2Options = new H2Connection.Options(config.http2StreamWindow(), config.http2ConnectionWindow(),
                Durations.nanos(config.http2ReadIdleTimeout()), Durations.nanos(config.http2PingTimeout()),
                Durations.nanos(config.idleTimeout()), 64 * 1024);
        this.followUps = new FollowUps(this, new Bridge(config));
        if (config.interceptors().isEmpty()) {
            this.chain = null; // a call goes straight to the follow-ups: no chain objects per call
        } else {
            List<Interceptor> steps = new ArrayList<>(config.interceptors());
            steps.add(chain -> followUps.run(chain.call(), chain.request()));
            this.chain = List.copyOf(steps);
        }
        if (config.tcpStateMetrics()) {
            Set<InetSocketAddress> peers = ConcurrentHashMap.newKeySet();
            this.tcpPeers = peers;
            this.detachTcpStates = TcpMetrics.attach(registry, s -> peers.contains(s.remote()));
        } else {
            this.tcpPeers = null;
            this.detachTcpStates = () -> { };
        }
        if (config.sslContext() != null || config.trustedCaFile() != null || config.clientCertificateFile() != null) {
            try {
                ssl = ClientTls.context(config); // now, so that a bad file fails here and not on the first call
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        this.dialer = new Dialer(this, resolver);
    }

    /** {@return the settings the client was built with} */
    public ClientConfig config() {
        return config;
    }

    /**
     * Sends a request and returns once the response headers have arrived; same as
     * {@code newCall(request).execute()}.
     *
     * @param request the request
     * @return the response, whose body the caller reads to its end or closes
     * @throws io.hourglass.http.HttpTimeoutException when a timeout passes, naming its phase
     * @throws ClientException for any other failure, naming its kind
     * @throws IllegalStateException if the client is closed
     * @throws IOException only as one of the two above
     */
    public ClientResponse send(ClientRequest request) throws IOException {
        return newCall(request).execute();
    }

    /**
     * Sends a request on a virtual thread of its own; same as {@code newCall(request).executeAsync()}. The
     * future completes once the response headers have arrived; cancelling it cancels the call (see
     * {@link Call#executeAsync()}). Every timeout applies as for {@link #send}.
     *
     * @param request the request
     * @return the future response, whose body the caller reads to its end or closes
     * @throws IllegalStateException if the client is closed
     */
    public CompletableFuture<ClientResponse> sendAsync(ClientRequest request) {
        return newCall(request).executeAsync();
    }

    /**
     * A call that another thread can cancel; {@link Call#execute()} runs it.
     *
     * @param request the request
     * @return the call, not started yet
     */
    public Call newCall(ClientRequest request) {
        return new Call(this, request);
    }

    /** {@return the registry this client records into (connections, reuse, drains, timeouts, statuses)} */
    public MetricsRegistry metrics() {
        return metrics.registry;
    }

    ClientMetrics clientMetrics() {
        return metrics;
    }

    /** {@return a summary of what this client did since it was built, for load tools and tests} */
    public Stats stats() {
        long[] byPhase = new long[Phase.values().length];
        for (Phase p : Phase.values()) {
            byPhase[p.ordinal()] = metrics.timeouts(p);
        }
        long[] byClass = new long[6];
        for (int i = 1; i <= 5; i++) {
            byClass[i] = metrics.statusClass(i);
        }
        return new Stats(metrics.sum(h -> h.opened.value()), metrics.sum(h -> h.reused.value()),
                metrics.sum(h -> h.drainsEnded(DrainResult.REUSED)),
                metrics.sum(h -> h.drainsEnded(DrainResult.PREEMPTED) + h.drainsEnded(DrainResult.TIMEOUT)
                        + h.drainsEnded(DrainResult.MAX_BYTES) + h.drainsEnded(DrainResult.CLOSED)),
                metrics.sum(h -> h.closed.value()), metrics.draining(),
                metrics.sum(h -> h.drainsStarted.value()), metrics.sum(h -> h.drainsEnded(DrainResult.PREEMPTED)),
                metrics.sum(h -> h.drainsEnded(DrainResult.TIMEOUT) + h.drainsEnded(DrainResult.MAX_BYTES)),
                byPhase, byClass, metrics.sum(h -> h.h2StreamsOpened.value()), metrics.sum(h -> h.h2Resets(false)),
                metrics.sum(h -> h.h2Resets(true)), metrics.sum(h -> h.h2PingsSent.value()),
                metrics.sum(h -> h.h2PingsAcked.value()), metrics.sum(h -> h.h2PingTimeouts.value()),
                metrics.sum(ClientMetrics.PerHost::h2GoAways));
    }

    /**
     * Counts since the client was built. Drains ({@link TimeoutPolicy#DRAIN}): {@code drainsStarted} = drains
     * ended ({@code drainedReused + drainedClosed}) + {@code draining}.
     *
     * @param opened connections opened
     * @param reused calls that reused a pooled connection
     * @param drainedReused drains that read the late response to its end and went back to the pool
     * @param drainedClosed drains that ended with the connection closed, for any reason: preempted, abandoned
     *      (drain timeout or byte limit), or not reusable
     * @param closed connections closed, for any reason
     * @param draining connections draining a late response now
     * @param drainsStarted connections that began draining a late response
     * @param drainsPreempted drains ended because a call needed their place while the pool was at its cap
     *      ({@link DrainResult#PREEMPTED}); included in {@code drainedClosed}
     * @param drainsAbandoned drains ended by the drain timeout or the byte limit ({@link DrainResult#TIMEOUT},
     *      {@link DrainResult#MAX_BYTES}); included in {@code drainedClosed}
     * @param timeoutsByPhase timeouts by {@link Phase#ordinal()}; read them with {@link #timeouts(Phase)}
     * @param responsesByClass responses by status class at index 1 to 5; read them with {@link #responses(int)}
     * @param h2StreamsOpened HTTP/2 streams opened (one per call attempt carried over HTTP/2)
     * @param h2ResetsSent HTTP/2 streams the client reset (timeouts, cancels, bodies closed early, malformed
     *      responses)
     * @param h2ResetsReceived HTTP/2 streams the server reset
     * @param h2PingsSent HTTP/2 liveness PINGs sent (after the read-idle timeout, or with a reset)
     * @param h2PingsAcked HTTP/2 PINGs acknowledged in time
     * @param h2PingTimeouts HTTP/2 PINGs not acknowledged in time: each closed its connection
     * @param h2GoAways GOAWAY frames received
     */
    public record Stats(long opened, long reused, long drainedReused, long drainedClosed, long closed,
            long draining, long drainsStarted, long drainsPreempted, long drainsAbandoned, long[] timeoutsByPhase,
            long[] responsesByClass, long h2StreamsOpened, long h2ResetsSent, long h2ResetsReceived,
            long h2PingsSent, long h2PingsAcked, long h2PingTimeouts, long h2GoAways) {
        /**
         * Timeouts counted for one phase.
         *
         * @param p a client phase; a server phase counts 0 here
         * @return {@code hourglass_timeouts_total{side="client",phase=p.label()}} when the stats were taken
         */
        public long timeouts(Phase p) {
            return timeoutsByPhase[p.ordinal()];
        }

        /**
         * Responses with a status in one class.
         *
         * @param klass the status class, 1 to 5 (1 for 1xx and so on)
         * @return the responses with status {@code klass}xx
         */
        public long responses(int klass) {
            return responsesByClass[klass];
        }
    }

    /** Runs a call's steps (see {@link Interceptor}) from its first request. */
    ClientResponse steps(Call call, ClientRequest request) throws IOException {
        return chain == null ? followUps.run(call, request) : new RealChain(chain, 0, call, request).proceed(request);
    }

    EventListener listener() {
        return config.listener();
    }

    H2Connection.Options h2Options() {
        return h2Options;
    }

    Clock clock() {
        return clock;
    }

    Dialer dialer() {
        return dialer;
    }

    Pool pool(URI uri) {
        return pool(uri, null);
    }

    /** The pool of {@code uri}'s origin reached through {@code proxy} (null: directly). */
    Pool pool(URI uri, Proxies.Route proxy) {
        return pool(Pool.Origin.of(uri, proxy));
    }

    /** The pool of {@code req}'s origin through {@code proxy}: a direct call's key is made once per request. */
    Pool pool(ClientRequest req, Proxies.Route proxy) {
        return pool(proxy == null ? req.directOrigin() : Pool.Origin.of(req.uri(), proxy));
    }

    private Pool pool(Pool.Origin o) {
        Pool p = pools.get(o); // the common case without computeIfAbsent's lock
        return p != null ? p : pools.computeIfAbsent(o, k -> new Pool(k, this));
    }

    /** Forgets a pool that stayed empty (see {@link Pool}); the next call to its origin makes a new one. */
    void retire(Pool p) {
        pools.remove(p.origin, p);
    }

    /** How many origins have a pool now. For tests. */
    int poolCount() {
        return pools.size();
    }

    int port(URI uri) {
        return Pool.Origin.port(uri);
    }

    SSLContext sslContext() throws IOException {
        SSLContext s = ssl;
        if (s == null) {
            s = ClientTls.context(config); // the JDK's trust, made on the first https call
            ssl = s;
        }
        return s;
    }

    /** A connection to {@code peer} was opened: its sockets count in the TCP gauge from now on. */
    void connectedTo(InetSocketAddress peer) {
        Set<InetSocketAddress> peers = tcpPeers;
        if (peers != null && peers.size() < MAX_TCP_PEERS) {
            peers.add(peer);
        }
    }

    boolean isClosed() {
        return closed;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("client is closed");
        }
    }

    /** Closes idle connections and refuses new calls; calls in flight finish. */
    @Override
    public void close() {
        closed = true;
        for (Pool p : pools.values()) {
            p.closeIdle();
        }
        detachTcpStates.run();
    }
}
