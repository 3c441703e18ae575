package io.hourglass.client;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.internal.io.ChannelIo;
import io.hourglass.internal.io.ConnAccess;
import io.hourglass.internal.text.Durations;
import io.hourglass.internal.time.Timers;
import io.hourglass.net.Clock;
import io.hourglass.net.Conn;
import java.io.Closeable;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Opens a connection for a call: the host's addresses (DNS), a TCP connect with a fast fallback across them,
 * and the TLS handshake for https. Runs on the caller's thread, with a virtual thread per connect attempt
 * when there is more than one address.
 *
 * <p><b>Fallback (Happy Eyeballs, RFC 8305).</b> The addresses are tried in the resolver's order with the
 * address families interleaved (section 4). One address: one attempt on the caller's thread. More: the first
 * attempt starts; the next starts when the one before fails, or when {@link ClientConfig#fallbackDelay()}
 * (300 ms by default, as Go's {@code Dialer.FallbackDelay}) has passed while it still connects; the first to
 * connect wins and the others are closed. Each attempt has the connect timeout from its own start, capped by
 * the call's deadline. The delay and, on a test's clock, the connect timeout run on the clock's timer.
 */
final class Dialer {
    private static final String[] ALPN = {"http/1.1"};
    /** The host's addresses; {@link InetAddress#getAllByName} unless a test gives its own. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final Client client;
    private final ClientConfig cfg;
    private final Clock clock;
    private final Resolver resolver;

    Dialer(Client client, Resolver resolver) {
        this.client = client;
        this.cfg = client.config();
        this.clock = client.clock();
        this.resolver = resolver;
    }

    /**
     * Connects (and for https, handshakes) to the origin for call {@code x}: directly, or through the origin's
     * proxy (see {@link Proxies.Route}): to the proxy, then through its tunnel unless the origin is plain http
     * behind an HTTP proxy, whose requests go to the proxy itself.
     *
     * @param alpn the protocol ids to offer by ALPN in the TLS handshake (RFC 7301), best first; null for
     *     HTTP/1.1 alone
     * @param callerReads whether the connection may be read on its callers' threads: an HTTP/1.1 one (not HTTP/2
     *     by prior knowledge) while its origin has no other ({@link Pool#CALLER_READ_CONNS}); a plaintext one is
     *     then a non-blocking channel, when {@link ChannelIo#ENABLED} (JDK 25+)
     */
    Conn dial(Pool.Origin o, Exchange x, String[] alpn, boolean callerReads) throws IOException {
        x.doing("connecting");
        // Plain HTTP/1.1, directly or forwarded by an HTTP proxy (no tunnel): over a channel (ClientConn)
        boolean channel = callerReads && ChannelIo.ENABLED && !o.tls() && (o.proxy() == null || !o.proxy().socks());
        Socket s = o.proxy() == null ? connect(o.host(), o.port(), o.tls(), channel, x) : throughProxy(o, x, channel);
        if (o.tls()) {
            return handshake(s, o, x, alpn);
        }
        return s.getChannel() != null ? ConnAccess.ofChannel(ChannelIo.open(s.getChannel()), clock) : Conn.of(s, clock);
    }

    /**
     * A TCP connection to one of {@code host}'s addresses (a race between them when it has several); the socket
     * of a {@link SocketChannel}, still blocking, when {@code channel}.
     */
    private Socket connect(String host, int port, boolean sniff, boolean channel, Exchange x) throws IOException {
        InetAddress[] addrs;
        try {
            addrs = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new ClientException(ClientException.Kind.UNKNOWN_HOST, host, e);
        }
        if (addrs.length == 0) {
            throw new ClientException(ClientException.Kind.UNKNOWN_HOST, host, null);
        }
        List<InetSocketAddress> targets = interleave(addrs, port);
        Socket s = targets.size() == 1 ? connectAlone(targets.get(0), sniff, channel, x)
                : new Race(targets, sniff, channel, x).run();
        client.connectedTo((InetSocketAddress) s.getRemoteSocketAddress());
        return s;
    }

    /**
     * A connection to the origin's proxy, with the tunnel set up when one is needed. A 407 to CONNECT is
     * answered by the proxy authenticator on a new connection (proxies close after one), as OkHttp does.
     */
    private Socket throughProxy(Pool.Origin o, Exchange x, boolean channel) throws IOException {
        Proxies.Route p = o.proxy();
        String auth = p.basic();
        for (int n = 1; ; n++) {
            Socket s;
            try {
                s = connect(p.host(), p.port(), false, channel, x); // the proxy's bytes come first: nothing to sniff
            } catch (java.net.ConnectException e) {
                throw new ClientException(ClientException.Kind.REFUSED, "proxy " + p.label() + " (for "
                        + o.host() + ":" + o.port() + "): " + e.getMessage(), e);
            } catch (ClientException e) {
                if (e.kind() != ClientException.Kind.UNKNOWN_HOST) {
                    throw e;
                }
                throw new ClientException(ClientException.Kind.UNKNOWN_HOST, "proxy " + p.label(), e);
            }
            if (!o.tls() && !p.socks()) {
                return s; // plain http to an HTTP proxy: no tunnel, requests in absolute form (H1Stream)
            }
            ProxyTunnel t = new ProxyTunnel(s, p, o, x, clock);
            ClientResponse challenge = t.open(auth);
            if (challenge == null) {
                return s;
            }
            t.close();
            auth = answer(challenge, auth, n, p, o);
        }
    }

    /** The proxy authenticator's answer to a 407 to CONNECT: its Proxy-Authorization, or the call fails. */
    private String answer(ClientResponse challenge, String refused, int n, Proxies.Route p, Pool.Origin o)
            throws IOException {
        Authenticator a = cfg.proxyAuthenticator();
        ClientRequest next = a == null || n > FollowUps.MAX_AUTH_ATTEMPTS ? null : a.authenticate(challenge);
        String auth = next == null ? null : next.headers().first("Proxy-Authorization");
        if (auth == null || auth.equals(refused)) {
            throw new ClientException(ClientException.Kind.PROXY, "proxy " + p.label() + " refused the tunnel to "
                    + o.host() + ":" + o.port() + ": 407 Proxy Authentication Required ("
                    + (refused != null ? "the credentials were refused" : a == null
                            ? "give the proxy URL a user:password@, or set ClientConfig.proxyAuthenticator"
                            : "the proxy authenticator gave no credentials") + ")", null);
        }
        return auth;
    }

    /** The addresses with their families interleaved, the first address's family first (RFC 8305 section 4). */
    static List<InetSocketAddress> interleave(InetAddress[] addrs, int port) {
        List<InetAddress> first = new ArrayList<>();
        List<InetAddress> other = new ArrayList<>();
        boolean v6 = addrs[0] instanceof Inet6Address;
        for (InetAddress a : addrs) {
            ((a instanceof Inet6Address) == v6 ? first : other).add(a);
        }
        List<InetSocketAddress> out = new ArrayList<>(addrs.length);
        for (int i = 0; i < Math.max(first.size(), other.size()); i++) {
            if (i < first.size()) {
                out.add(new InetSocketAddress(first.get(i), port));
            }
            if (i < other.size()) {
                out.add(new InetSocketAddress(other.get(i), port));
            }
        }
        return out;
    }

    // ---- one address: on the caller's thread ----

    private Socket connectAlone(InetSocketAddress target, boolean tls, boolean channel, Exchange x)
            throws IOException {
        x.checkCancelled();
        Attempt a = new Attempt(target, tls, channel, x);
        x.connecting(a);
        x.listener().connectStart(x.req, target);
        try {
            a.connect();
            return a.socket;
        } catch (IOException e) {
            x.checkCancelled();
            IOException err = a.classify(e);
            x.listener().connectFailed(x.req, target, err);
            if (err instanceof HttpTimeoutException t && t.phase() == Phase.CONNECT) {
                throw a.countedTimeout();
            }
            throw err;
        } finally {
            x.connecting(null);
        }
    }

    /**
     * One TCP connect, with the connect timeout from its start capped by the call's deadline. Closing it
     * (a cancel, a lost race) makes the connect fail at once.
     */
    private final class Attempt implements Closeable {
        final InetSocketAddress target;
        final Exchange x;
        final Socket socket;
        final long start = clock.nanoTime();
        final long connectDeadline;        // the connect timeout's instant, 0 for none
        final long deadline;               // the earlier of it and the call's, 0 for none
        // Set by the clock's timer when it closed the socket at the deadline (not the system clock's case,
        // where the connect's own timeout does it); read by the attempt's thread after the connect failed.
        volatile boolean expired;
        boolean failed;                    // the race's: its failure was reported (the caller's thread)

        Attempt(InetSocketAddress target, boolean tls, boolean channel, Exchange x) throws IOException {
            this.target = target;
            // for https, a socket that keeps a plain-HTTP answer's first bytes (ClientTls explains the failure);
            // for a channel, its socket adaptor: it connects (blocking) and closes as a socket does
            this.socket = tls ? new ClientTls.Sniffing() : channel ? SocketChannel.open().socket() : new Socket();
            this.x = x;
            long ct = Durations.nanos(x.connectTimeout());
            this.connectDeadline = ct == 0 ? 0 : start + ct;
            this.deadline = x.earliest(connectDeadline);
        }

        void connect() throws IOException {
            if (deadline != 0 && deadline - start <= 0) {
                throw new SocketTimeoutException("no time left to connect");
            }
            socket.setTcpNoDelay(true);
            if (clock == Clock.system()) {
                // Socket.connect takes an int of milliseconds (24.8 days at most; a connect never lasts that
                // long), rounded up so that the limit never passes early
                socket.connect(target, deadline == 0 ? 0
                        : (int) Math.clamp((deadline - start + 999_999) / 1_000_000, 1, Integer.MAX_VALUE));
                return;
            }
            Timers.Task t = deadline == 0 ? null : Timers.schedule(clock, deadline, this::expire);
            try {
                socket.connect(target);
            } finally {
                if (t != null) {
                    t.cancel();
                }
            }
        }

        private void expire() {
            expired = true;
            close();
        }

        /** What a failed connect means: a connect timeout (uncounted), the call's timeout, or the error. */
        IOException classify(IOException e) {
            close();
            if (!(e instanceof SocketTimeoutException) && !expired) {
                return e;
            }
            if (deadline != connectDeadline) {
                return x.totalTimeout("while connecting"); // the call's deadline came first
            }
            return new HttpTimeoutException(Phase.CONNECT, x.connectTimeout(),
                    Duration.ofNanos(clock.nanoTime() - start), x.req + " to " + target);
        }

        /** The connect timeout, counted once, when no address is left to try. */
        HttpTimeoutException countedTimeout() {
            return x.timeout(Phase.CONNECT, x.connectTimeout(), start, null);
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    // ---- several addresses: a race ----

    /** The attempts of one dial, each on its own virtual thread, reporting to the caller's thread. */
    private final class Race implements Closeable {
        private static final Object TICK = new Object();
        final List<InetSocketAddress> targets;
        final boolean tls;
        final boolean channel;
        final Exchange x;
        final LinkedBlockingQueue<Object> results = new LinkedBlockingQueue<>(); // attempts, and ticks
        final List<Attempt> started = new ArrayList<>(); // the caller's thread; close() copies under its lock
        int next;
        int running;
        Timers.Task fallback;

        Race(List<InetSocketAddress> targets, boolean tls, boolean channel, Exchange x) {
            this.targets = targets;
            this.tls = tls;
            this.channel = channel;
            this.x = x;
        }

        Socket run() throws IOException {
            x.connecting(this);
            try {
                launch();
                return await();
            } finally {
                x.connecting(null);
                if (fallback != null) {
                    fallback.cancel();
                }
            }
        }

        /** Starts the next attempt, and the fallback delay after which the one after it starts. */
        private void launch() throws IOException {
            x.checkCancelled();
            Attempt a = new Attempt(targets.get(next++), tls, channel, x);
            synchronized (started) { // no I/O under it: close() copies the list
                started.add(a);
            }
            running++;
            if (fallback != null) {
                fallback.cancel();
            }
            long delay = Durations.nanos(cfg.fallbackDelay());
            fallback = next < targets.size() && delay > 0
                    ? Timers.schedule(clock, a.start + delay, () -> results.add(TICK)) : null;
            // After the fallback's clock started: a listener that acts on the event (a test that advances a
            // manual clock) finds it running.
            x.listener().connectStart(x.req, a.target);
            Thread.ofVirtual().name("hourglass-connect-" + a.target).start(() -> attempt(a));
        }

        private void attempt(Attempt a) {
            try {
                a.connect();
                results.add(a);
            } catch (IOException e) {
                results.add(new Failure(a, e));
            }
        }

        private Socket await() throws IOException {
            IOException last = null;
            Attempt lastTimedOut = null;
            while (true) {
                Object r = take();
                if (r instanceof Attempt won) {
                    lose(won);
                    return won.socket;
                }
                if (r == TICK) {
                    if (next < targets.size()) {
                        launch(); // the last one still connects after the fallback delay: start the next too
                    }
                    continue;
                }
                Failure f = (Failure) r;
                f.attempt.failed = true;
                running--;
                x.checkCancelled();
                last = f.attempt.classify(f.error);
                x.listener().connectFailed(x.req, f.attempt.target, last);
                if (last instanceof HttpTimeoutException t && x.isTotalPhase(t.phase())) {
                    close();
                    throw last;
                }
                if (last instanceof HttpTimeoutException) {
                    lastTimedOut = f.attempt;
                }
                if (next < targets.size()) {
                    launch(); // a failure starts the next attempt at once (RFC 8305 section 5)
                } else if (running == 0) {
                    throw lastTimedOut != null && last instanceof HttpTimeoutException
                            ? lastTimedOut.countedTimeout() : last;
                }
            }
        }

        private Object take() throws IOException {
            try {
                return results.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                x.checkCancelled(); // the interrupt is a cancel: it throws
                throw new IOException("interrupted while connecting", e);
            }
        }

        /** The winner keeps its socket; the others are closed, and their connects end as failed. */
        private void lose(Attempt won) {
            for (Attempt a : snapshot()) {
                if (a != won && !a.failed) {
                    a.close();
                    x.listener().connectFailed(x.req, a.target,
                            new SocketException("abandoned: another address connected first"));
                }
            }
        }

        private List<Attempt> snapshot() {
            synchronized (started) {
                return new ArrayList<>(started);
            }
        }

        /** Closes every attempt (a cancel, or the call's deadline): each connect fails at once. */
        @Override
        public void close() {
            for (Attempt a : snapshot()) {
                a.close();
            }
        }
    }

    private record Failure(Attempt attempt, IOException error) {}

    // ---- TLS ----

    /** {@return the protocol ALPN chose on {@code c}, or null (clear text, or the server chose none)} */
    static String negotiated(Conn c) {
        if (!c.isTls()) {
            return null;
        }
        String p = ((SSLSocket) c.socket()).getApplicationProtocol();
        return p == null || p.isEmpty() ? null : p;
    }

    private Conn handshake(Socket s, Pool.Origin o, Exchange x, String[] alpn) throws IOException {
        SSLSocket tls = (SSLSocket) client.sslContext().getSocketFactory().createSocket(s, o.host(), o.port(), true);
        SSLParameters p = tls.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // hostname verification
        p.setApplicationProtocols(alpn != null ? alpn : ALPN); // RFC 7301; "h2" selects HTTP/2 (RFC 9113 3.2)
        if (!o.host().isEmpty() && !Character.isDigit(o.host().charAt(0)) && o.host().indexOf(':') < 0) {
            p.setServerNames(List.of(new SNIHostName(o.host())));
        }
        tls.setSSLParameters(p);
        Conn c = Conn.of(s, tls, clock);
        long now = clock.nanoTime();
        Duration lim = cfg.tlsHandshakeTimeout();
        long hd = lim.isZero() ? 0 : now + Durations.nanos(lim);
        long eff = x.earliest(hd);
        c.setReadDeadlineNanos(eff);
        c.setWriteDeadlineNanos(eff);
        x.doing("in the TLS handshake");
        x.listener().tlsStart(x.req, c.id());
        ClientTls.Handshake seen = ClientTls.begin();
        try {
            tls.startHandshake();
        } catch (IOException e) {
            c.abort();
            x.checkCancelled();
            if (c.readExpired() || c.writeExpired()) {
                throw eff == hd ? x.timeout(Phase.TLS_HANDSHAKE, lim, now, null)
                        : x.totalTimeout("in the TLS handshake");
            }
            String why = ClientTls.explain(e, seen, s instanceof ClientTls.Sniffing sn ? sn : null);
            throw new ClientException(ClientException.Kind.TLS, x.req + ": "
                    + (why == null ? e.getMessage() : why + " (" + e.getMessage() + ")"), e);
        } finally {
            ClientTls.end();
        }
        // TLS 1.3: a server that wanted a certificate and got none says so after the handshake, on the first read
        x.tlsSeen(seen.certificateRequested ? seen : null);
        c.setReadDeadlineNanos(0);
        c.setWriteDeadlineNanos(0);
        x.listener().tlsEnd(x.req, c.id());
        return c;
    }
}
