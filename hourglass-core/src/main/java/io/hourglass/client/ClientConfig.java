package io.hourglass.client;

import io.hourglass.internal.text.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The client's settings. Immutable; build one with {@link #builder()}, vary one with {@link #toBuilder()}.
 *
 * <p>Every timeout is a {@link Duration} and a deadline computed when its phase starts: bytes flowing never
 * extend it. {@link Duration#ZERO} disables it. Each phase's deadline is also bounded by the call's
 * {@link #timeout()}: when that comes first, the call fails with phase {@code TOTAL} instead. A call that
 * times out throws {@link io.hourglass.http.HttpTimeoutException}, whose {@code phase()} names the phase,
 * and is counted once in {@code hourglass_timeouts_total{side="client",phase}} of the client's
 * {@link Client#metrics() registry}. Per-call overrides live on {@link ClientRequest}; {@code docs/timeouts.md}
 * has every timeout in one table.
 *
 * @param timeout
 *      Longest time for a whole call (Go's Client.Timeout): pool wait, connect, TLS, writing, waiting and
 *      reading the body.
 *      Starts when the call starts; stops when the response body has been read to its end or closed. On
 *      expiry the call fails with phase {@link io.hourglass.http.Phase#TOTAL}, also from a body read in
 *      progress, and the connection follows the {@link #timeoutPolicy()}; a call still waiting for the pool
 *      fails instead with a {@link PoolTimeoutException} (phase POOL_WAIT, {@code callDeadline()} true).
 *      Counted in {@code hourglass_timeouts_total{side="client",phase="total"}} (or {@code "pool-wait"}).
 *      Default 60s; {@code Duration.ZERO} disables it.
 * @param connectTimeout
 *      Longest time for a TCP connect to one address.
 *      Starts at the connect attempt; stops when connected. On expiry the next resolved address is tried;
 *      when none is left the call fails with phase {@link io.hourglass.http.Phase#CONNECT}, counted once in
 *      {@code hourglass_timeouts_total{side="client",phase="connect"}}. Default 10s; {@code Duration.ZERO}
 *      disables it.
 * @param fallbackDelay
 *      How long a connect attempt to one of a host's addresses may go unanswered before an attempt to the
 *      next address starts beside it (Happy Eyeballs, RFC 8305; Go's {@code Dialer.FallbackDelay}).
 *      Starts when an attempt starts, for hosts with more than one address; stops when it connects or fails
 *      (a failure starts the next attempt at once). On expiry the next attempt starts while this one goes on;
 *      the first to connect wins and the others are closed. Not a timeout: nothing fails and nothing is
 *      counted. Default 300ms; {@code Duration.ZERO} tries the addresses one after another, each to the end.
 * @param tlsHandshakeTimeout
 *      Longest time for the TLS handshake of a new connection.
 *      Starts when TCP is connected; stops when the handshake completes. On expiry the connection is closed
 *      and the call fails with phase {@link io.hourglass.http.Phase#TLS_HANDSHAKE}. Counted in
 *      {@code hourglass_timeouts_total{side="client",phase="tls-handshake"}}. Default 10s;
 *      {@code Duration.ZERO} disables it.
 * @param responseHeaderTimeout
 *      Longest wait for the response's status line and headers.
 *      Starts when the request, its body included, has been written; stops when the headers have been read.
 *      On expiry the call fails with phase {@link io.hourglass.http.Phase#RESPONSE_HEADERS} and the
 *      connection follows the {@link #timeoutPolicy()}. Counted in
 *      {@code hourglass_timeouts_total{side="client",phase="response-headers"}}. Default 30s; a request may
 *      override it; {@code Duration.ZERO} disables it.
 * @param expectContinueTimeout
 *      Longest wait for {@code 100 Continue} before sending a body, for a request with
 *      {@code Expect: 100-continue}.
 *      Starts when the header has been sent; stops at a 100 or a final status. On expiry the body is sent
 *      anyway: not an error, not counted. Default 1s; {@code Duration.ZERO} waits for the answer without a
 *      limit of its own.
 * @param idleTimeout
 *      Longest time a connection stays in the pool unused.
 *      Starts when it returns to the pool; stops when a call takes it. On expiry the connection is closed
 *      quietly: nobody sees it, and no timeout is counted (it shows in
 *      {@code hourglass_client_connections_closed_total}). Default 90s; {@code Duration.ZERO} keeps idle
 *      connections until the server closes them.
 * @param poolWaitTimeout
 *      Longest wait for a connection when {@link #maxConnsPerHost()} are open (active or draining), none is
 *      idle and no draining one may be preempted (see {@link TimeoutPolicy#DRAIN}).
 *      Starts when the call asks for a connection; stops when one is released or preempted. On expiry the
 *      call fails with a {@link PoolTimeoutException} (phase {@link io.hourglass.http.Phase#POOL_WAIT})
 *      naming the limit and the connections in use and draining; nothing is sent. Counted in
 *      {@code hourglass_timeouts_total{side="client",phase="pool-wait"}} and
 *      {@code hourglass_client_pool_timeouts_total{held_by}}. Default 5s; {@code Duration.ZERO} disables it.
 * @param maxConnsPerHost the most connections per origin (scheme, host, port), active, idle and draining
 *      together. Default 64: bounded, so a stuck upstream cannot make the client open sockets without limit
 * @param maxIdlePerHost the most idle connections kept per origin; extra ones are closed. Default 64, the
 *      same as the cap: a smaller number closes connections that come back in a burst and dials them again
 *      moments later, which is churn (Go's default of 2 is a known source of it); idle connections are
 *      bounded by the idle timeout instead
 * @param timeoutPolicy what a timeout does to its HTTP/1.1 connection; default {@link TimeoutPolicy#DRAIN}
 * @param drainTimeout
 *      Longest time a draining connection (policy {@link TimeoutPolicy#DRAIN}) may take to read the rest of
 *      a late response.
 *      Starts at the call's timeout; stops when the late response has been read and discarded. On expiry the
 *      connection is reset (RST: the rest of the response is not wanted, so the socket skips TIME_WAIT); the
 *      caller already had its error and sees nothing. Counted in
 *      {@code hourglass_client_drains_total{result="timeout"}} (a drain that finishes counts as
 *      {@code result="reused"}, one a call preempted as {@code "preempted"}). Half of it is also the age
 *      past which a drain is presumed stuck and preempted first. Default 30s; {@code Duration.ZERO}
 *      disables it.
 * @param drainMaxBytes the most bytes a drain reads and discards; a larger late response resets the
 *      connection ({@code hourglass_client_drains_total{result="max_bytes"}}). Default 1 MiB
 * @param trustedCaFile a PEM file of CA certificates to trust instead of the JDK's defaults; null for the
 *      defaults
 * @param userAgent the User-Agent header sent when a request has none
 * @param listener receives the events of every call ({@link EventListener#NONE} by default)
 * @param tcpStateMetrics
 *      Whether the client's registry gets the gauge {@code hourglass_tcp_connections{state,peer}}: the TCP
 *      sockets whose remote address and port are one the client has connected to (an origin's resolved
 *      address; the first 1024 distinct ones), by state and remote host, as {@code ss -tan dst ADDR} shows them.
 *      That includes the sockets the client closed that the kernel still holds (TIME_WAIT, FIN_WAIT2), and those
 *      of other clients of this machine to the same addresses. Read from {@code /proc/net/tcp} and {@code tcp6}
 *      at each scrape, and only then: a call pays nothing for it, a new connection one set insert (see
 *      {@code docs/metrics.md}). Default true; where {@code /proc/net/tcp} does not exist (not Linux) it
 *      registers nothing. Clients and servers sharing a registry share the gauge.
 * @param inheritDeadline
 *      Whether a call made while a {@link io.hourglass.http.Deadline#current() deadline is current} (in a
 *      server's handler, or in {@code Deadline.run}) is bounded by it (issue 14). Such a call's total timeout
 *      is the smaller of its own and the time left less {@link #deadlineReserve()}, fixed when the call
 *      starts; when that deadline passes the call fails with phase {@link io.hourglass.http.Phase#DEADLINE}
 *      (the own timeout, when it is the earlier, still fails with {@code TOTAL}), and the connection follows the
 *      {@link #timeoutPolicy()} as for any total timeout, DRAIN included. When nothing is left the call fails at
 *      once, before it takes a connection or sends a byte, with phase {@code DEADLINE}. Counted in
 *      {@code hourglass_client_deadlines_total{result="shortened"|"refused"}} and in
 *      {@code hourglass_timeouts_total{side="client",phase="deadline"}}. Default true; a request may opt out
 *      ({@link ClientRequest#inheritDeadline()}).
 * @param forwardDeadline whether a call bounded by an inherited deadline sends what is left of it (the
 *      attempt's deadline, as the request is written: after any wait for a connection) in
 *      {@link #deadlineHeader()}, in grpc-timeout syntax (e.g. {@code 850m}), so the next server stops when the
 *      caller has given up. Default true; turn it off for a client whose calls leave the trust boundary
 * @param deadlineHeader the request field that carries the forwarded deadline; default
 *      {@code Request-Timeout} (the servers' default, {@code ServerConfig.deadlineHeader}); {@code grpc-timeout}
 *      for a gRPC-style upstream
 * @param deadlineReserve the time an inherited deadline loses before it bounds a call: what the caller keeps
 *      to handle the call's failure and answer its own caller. Default 5ms
 * @param maxAttempts
 *      The most attempts a call may make (issue 14); 1 (the default) turns retries off. A further attempt is
 *      made only for a request that may be repeated (an idempotent method, or an {@code Idempotency-Key}
 *      field, with a body that can be sent again), after a failure before any response (refused, reset,
 *      closed, a connect, TLS, response-header or {@link #perTryTimeout()}) or a 502, 503, 504 (but not one
 *      with {@code Deadline-Expired: true}) or 429; only when the origin's retry budget allows it
 *      ({@link #retryBudgetPercent()}), after a jittered backoff or the server's {@code Retry-After}, and never
 *      when the call's remaining time is less than its last attempt took. Attempts after the first carry
 *      {@code Attempt-Count: N}. Counted in {@code hourglass_client_retries_total{host,result}}. Independent of
 *      this, an idempotent request that fails on a reused connection before any response byte is sent again
 *      once on a new connection, as before (not counted against the budget)
 * @param perTryTimeout
 *      Longest time for one attempt of a call that may be retried ({@link #maxAttempts()} above 1), inside
 *      the call's total deadline. Starts when the attempt starts; stops at its response headers. On expiry the
 *      attempt fails with phase {@link io.hourglass.http.Phase#ATTEMPT} (counted in
 *      {@code hourglass_timeouts_total{side="client",phase="attempt"}}), its connection follows the
 *      {@link #timeoutPolicy()}, and the next attempt follows if the rules above allow; otherwise the call
 *      fails with that error. Default {@code Duration.ZERO}: none (an attempt may take all the call's time)
 * @param retryBudgetPercent retries allowed per 100 calls to one origin over a sliding 10 s window, Finagle's
 *      and Envoy's budget: a stuck origin sees at most {@code 1 + percent/100} requests per call however large
 *      {@link #maxAttempts()} is. Default 20; 0 leaves only the floor
 * @param retryBudgetFloor retries per second one origin may get whatever its calls, when that is more than the
 *      percentage gives (a client with few calls can still retry). Default 3
 * @param retryBackoff the longest wait before the first retry; the n-th waits a random time up to
 *      {@code min(retryBackoffMax, retryBackoff * 2^(n-1))} (full jitter), or longer when a 503 or 429 says so
 *      in {@code Retry-After}. Default 25ms
 * @param retryBackoffMax the longest wait before any retry (a longer {@code Retry-After} ends the call with the
 *      response that asked for it). Default 250ms
 * @param maxDialsPerHost
 *      The most new connections to one origin being dialled at once (TCP connect and TLS handshake), apart
 *      from {@link #maxConnsPerHost()} (golang/go#76784: an origin whose dials hang would otherwise get one
 *      per call until the cap). A call that needs a new connection while this many dials are in progress
 *      waits for one of them to end, or for a connection to be released, as it waits for the cap: up to
 *      {@link #poolWaitTimeout()} and its own deadline, then fails with a {@link PoolTimeoutException} (phase
 *      POOL_WAIT) naming this limit. Default 0: no limit but the cap (as before issue 14)
 * @param hedgeDelay
 *      For a call that may be retried ({@link #maxAttempts()} above 1, a repeatable request): when its first
 *      attempt has not answered within this delay, a second one is sent beside it, taken from the origin's
 *      retry budget ({@code hourglass_client_retries_total{result="hedge"}}; none when the budget is spent). The
 *      first response wins, whatever its status; the other attempt is cancelled (under
 *      {@link TimeoutPolicy#DRAIN} its connection reads the late answer and stays in the pool). A first attempt
 *      that fails before the delay is followed at once by the second, if the retry rules allow. At most two
 *      attempts, each bounded by {@link #perTryTimeout()} and the call's deadline. Default
 *      {@code Duration.ZERO}: no hedging
 */
public record ClientConfig(
        Duration timeout,
        Duration connectTimeout,
        Duration fallbackDelay,
        Duration tlsHandshakeTimeout,
        Duration responseHeaderTimeout,
        Duration expectContinueTimeout,
        Duration idleTimeout,
        Duration poolWaitTimeout,
        int maxConnsPerHost,
        int maxIdlePerHost,
        TimeoutPolicy timeoutPolicy,
        Duration drainTimeout,
        long drainMaxBytes,
        Path trustedCaFile,
        String userAgent,
        EventListener listener,
        boolean tcpStateMetrics,
        boolean inheritDeadline,
        boolean forwardDeadline,
        String deadlineHeader,
        Duration deadlineReserve,
        int maxAttempts,
        Duration perTryTimeout,
        int retryBudgetPercent,
        int retryBudgetFloor,
        Duration retryBackoff,
        Duration retryBackoffMax,
        int maxDialsPerHost,
        Duration hedgeDelay) {

    /**
     * Checks every field; {@link #builder()} is the usual way in.
     *
     * @throws IllegalArgumentException naming the field, for a missing or negative timeout, or a limit below
     *     its minimum
     * @throws NullPointerException naming the field, for a missing policy, user agent or listener
     */
    public ClientConfig {
        Durations.requireNonNegative("timeout", timeout);
        Durations.requireNonNegative("connectTimeout", connectTimeout);
        Durations.requireNonNegative("fallbackDelay", fallbackDelay);
        Durations.requireNonNegative("tlsHandshakeTimeout", tlsHandshakeTimeout);
        Durations.requireNonNegative("responseHeaderTimeout", responseHeaderTimeout);
        Durations.requireNonNegative("expectContinueTimeout", expectContinueTimeout);
        Durations.requireNonNegative("idleTimeout", idleTimeout);
        Durations.requireNonNegative("poolWaitTimeout", poolWaitTimeout);
        Durations.requireNonNegative("drainTimeout", drainTimeout);
        if (maxConnsPerHost < 1) {
            throw new IllegalArgumentException("maxConnsPerHost must be at least 1, got " + maxConnsPerHost);
        }
        if (maxIdlePerHost < 0) {
            throw new IllegalArgumentException("maxIdlePerHost must not be negative, got " + maxIdlePerHost);
        }
        if (drainMaxBytes < 0) {
            throw new IllegalArgumentException("drainMaxBytes must not be negative, got " + drainMaxBytes);
        }
        Objects.requireNonNull(timeoutPolicy, "timeoutPolicy");
        Objects.requireNonNull(userAgent, "userAgent");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(deadlineHeader, "deadlineHeader");
        if (deadlineHeader.isEmpty() || !deadlineHeader.chars().allMatch(io.hourglass.http.Headers::isTokenChar)) {
            throw new IllegalArgumentException("deadlineHeader must be a header field name, got \"" + deadlineHeader
                    + "\"");
        }
        Durations.requireNonNegative("deadlineReserve", deadlineReserve);
        Durations.requireNonNegative("perTryTimeout", perTryTimeout);
        Durations.requireNonNegative("hedgeDelay", hedgeDelay);
        Durations.requireNonNegative("retryBackoff", retryBackoff);
        Durations.requireNonNegative("retryBackoffMax", retryBackoffMax);
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new IllegalArgumentException("maxAttempts must be from 1 to 10, got " + maxAttempts);
        }
        if (retryBudgetPercent < 0 || retryBudgetPercent > 1000) {
            throw new IllegalArgumentException("retryBudgetPercent must be from 0 to 1000, got " + retryBudgetPercent);
        }
        if (maxDialsPerHost < 0) {
            throw new IllegalArgumentException("maxDialsPerHost must not be negative, got " + maxDialsPerHost);
        }
        if (retryBudgetFloor < 0) {
            throw new IllegalArgumentException("retryBudgetFloor must not be negative, got " + retryBudgetFloor);
        }
        if (retryBackoffMax.compareTo(retryBackoff) < 0) {
            throw new IllegalArgumentException("retryBackoffMax (" + Durations.format(retryBackoffMax)
                    + ") must not be less than retryBackoff (" + Durations.format(retryBackoff) + ")");
        }
    }


    /** {@return the defaults} */
    public static ClientConfig defaults() {
        return builder().build();
    }

    /** {@return a builder holding the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder holding this config's values, to vary some of them} */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builder of {@link ClientConfig}; {@link #build()} validates and names a bad field. */
    public static final class Builder {
        private Duration timeout = Duration.ofSeconds(60);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration fallbackDelay = Duration.ofMillis(300);
        private Duration tlsHandshakeTimeout = Duration.ofSeconds(10);
        private Duration responseHeaderTimeout = Duration.ofSeconds(30);
        private Duration expectContinueTimeout = Duration.ofSeconds(1);
        private Duration idleTimeout = Duration.ofSeconds(90);
        private Duration poolWaitTimeout = Duration.ofSeconds(5);
        private int maxConnsPerHost = 64;
        private int maxIdlePerHost = 64;
        private TimeoutPolicy timeoutPolicy = TimeoutPolicy.DRAIN;
        private Duration drainTimeout = Duration.ofSeconds(30);
        private long drainMaxBytes = 1024 * 1024;
        private Path trustedCaFile;
        private String userAgent = "hourglass/0.1";
        private EventListener listener = EventListener.NONE;
        private boolean tcpStateMetrics = true;
        private boolean inheritDeadline = true;
        private boolean forwardDeadline = true;
        private String deadlineHeader = "Request-Timeout";
        private Duration deadlineReserve = Duration.ofMillis(5);
        private int maxAttempts = 1;
        private Duration perTryTimeout = Duration.ZERO;
        private int retryBudgetPercent = 20;
        private int retryBudgetFloor = 3;
        private Duration retryBackoff = Duration.ofMillis(25);
        private Duration retryBackoffMax = Duration.ofMillis(250);
        private int maxDialsPerHost;
        private Duration hedgeDelay = Duration.ZERO;

        Builder() {}

        Builder(ClientConfig c) {
            timeout = c.timeout;
            connectTimeout = c.connectTimeout;
            fallbackDelay = c.fallbackDelay;
            tlsHandshakeTimeout = c.tlsHandshakeTimeout;
            responseHeaderTimeout = c.responseHeaderTimeout;
            expectContinueTimeout = c.expectContinueTimeout;
            idleTimeout = c.idleTimeout;
            poolWaitTimeout = c.poolWaitTimeout;
            maxConnsPerHost = c.maxConnsPerHost;
            maxIdlePerHost = c.maxIdlePerHost;
            timeoutPolicy = c.timeoutPolicy;
            drainTimeout = c.drainTimeout;
            drainMaxBytes = c.drainMaxBytes;
            trustedCaFile = c.trustedCaFile;
            userAgent = c.userAgent;
            listener = c.listener;
            tcpStateMetrics = c.tcpStateMetrics;
            inheritDeadline = c.inheritDeadline;
            forwardDeadline = c.forwardDeadline;
            deadlineHeader = c.deadlineHeader;
            deadlineReserve = c.deadlineReserve;
            maxAttempts = c.maxAttempts;
            perTryTimeout = c.perTryTimeout;
            retryBudgetPercent = c.retryBudgetPercent;
            retryBudgetFloor = c.retryBudgetFloor;
            retryBackoff = c.retryBackoff;
            retryBackoffMax = c.retryBackoffMax;
            maxDialsPerHost = c.maxDialsPerHost;
            hedgeDelay = c.hedgeDelay;
        }

        /**
         * Sets {@link ClientConfig#timeout()}.
         *
         * @param v the timeout; {@code Duration.ZERO} disables it
         * @return this builder
         */
        public Builder timeout(Duration v) {
            timeout = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#connectTimeout()}.
         *
         * @param v the timeout; {@code Duration.ZERO} disables it
         * @return this builder
         */
        public Builder connectTimeout(Duration v) {
            connectTimeout = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#fallbackDelay()}.
         *
         * @param v the delay; {@code Duration.ZERO} tries the addresses one after another
         * @return this builder
         */
        public Builder fallbackDelay(Duration v) {
            fallbackDelay = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#tlsHandshakeTimeout()}.
         *
         * @param v the timeout; {@code Duration.ZERO} disables it
         * @return this builder
         */
        public Builder tlsHandshakeTimeout(Duration v) {
            tlsHandshakeTimeout = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#responseHeaderTimeout()}.
         *
         * @param v the timeout; {@code Duration.ZERO} disables it
         * @return this builder
         */
        public Builder responseHeaderTimeout(Duration v) {
            responseHeaderTimeout = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#expectContinueTimeout()}.
         *
         * @param v the wait; {@code Duration.ZERO} waits without a limit of its own
         * @return this builder
         */
        public Builder expectContinueTimeout(Duration v) {
            expectContinueTimeout = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#idleTimeout()}.
         *
         * @param v the idle time; {@code Duration.ZERO} keeps idle connections
         * @return this builder
         */
        public Builder idleTimeout(Duration v) {
            idleTimeout = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#poolWaitTimeout()}.
         *
         * @param v the timeout; {@code Duration.ZERO} disables it
         * @return this builder
         */
        public Builder poolWaitTimeout(Duration v) {
            poolWaitTimeout = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#maxConnsPerHost()}.
         *
         * @param v the most connections per origin, at least 1
         * @return this builder
         */
        public Builder maxConnsPerHost(int v) {
            maxConnsPerHost = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#maxIdlePerHost()}.
         *
         * @param v the most idle connections kept per origin
         * @return this builder
         */
        public Builder maxIdlePerHost(int v) {
            maxIdlePerHost = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#timeoutPolicy()}.
         *
         * @param v what a timeout does to its connection
         * @return this builder
         */
        public Builder timeoutPolicy(TimeoutPolicy v) {
            timeoutPolicy = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#drainTimeout()}.
         *
         * @param v the timeout; {@code Duration.ZERO} disables it
         * @return this builder
         */
        public Builder drainTimeout(Duration v) {
            drainTimeout = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#drainMaxBytes()}.
         *
         * @param v the most bytes a drain discards
         * @return this builder
         */
        public Builder drainMaxBytes(long v) {
            drainMaxBytes = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#trustedCaFile()}.
         *
         * @param v a PEM file of CA certificates, or null for the JDK's
         * @return this builder
         */
        public Builder trustedCaFile(Path v) {
            trustedCaFile = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#userAgent()}.
         *
         * @param v the default User-Agent
         * @return this builder
         */
        public Builder userAgent(String v) {
            userAgent = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#listener()}.
         *
         * @param v receives every call's events
         * @return this builder
         */
        public Builder listener(EventListener v) {
            listener = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#tcpStateMetrics()}.
         *
         * @param v whether to export the TCP sockets to this client's peers by state (Linux)
         * @return this builder
         */
        public Builder tcpStateMetrics(boolean v) {
            tcpStateMetrics = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#inheritDeadline()}.
         *
         * @param v whether calls are bounded by the current deadline and forward it
         * @return this builder
         */
        public Builder inheritDeadline(boolean v) {
            inheritDeadline = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#forwardDeadline()}.
         *
         * @param v whether an inherited deadline is sent on
         * @return this builder
         */
        public Builder forwardDeadline(boolean v) {
            forwardDeadline = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#deadlineHeader()}.
         *
         * @param v the field name
         * @return this builder
         */
        public Builder deadlineHeader(String v) {
            deadlineHeader = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#deadlineReserve()}.
         *
         * @param v the reserve
         * @return this builder
         */
        public Builder deadlineReserve(Duration v) {
            deadlineReserve = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#maxAttempts()}.
         *
         * @param v the most attempts per call, 1 to 10; 1 for no retries
         * @return this builder
         */
        public Builder maxAttempts(int v) {
            maxAttempts = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#perTryTimeout()}.
         *
         * @param v each attempt's timeout; {@code Duration.ZERO} for none
         * @return this builder
         */
        public Builder perTryTimeout(Duration v) {
            perTryTimeout = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#retryBudgetPercent()}.
         *
         * @param v retries per 100 calls, 0 to 1000
         * @return this builder
         */
        public Builder retryBudgetPercent(int v) {
            retryBudgetPercent = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#retryBudgetFloor()}.
         *
         * @param v retries per second allowed whatever the calls
         * @return this builder
         */
        public Builder retryBudgetFloor(int v) {
            retryBudgetFloor = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#retryBackoff()}.
         *
         * @param v the first retry's longest wait
         * @return this builder
         */
        public Builder retryBackoff(Duration v) {
            retryBackoff = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#hedgeDelay()}.
         *
         * @param v how long the first attempt may take before a second starts beside it; zero for no hedging
         * @return this builder
         */
        public Builder hedgeDelay(Duration v) {
            hedgeDelay = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#maxDialsPerHost()}.
         *
         * @param v the most dials in progress per origin; 0 for no limit but the cap
         * @return this builder
         */
        public Builder maxDialsPerHost(int v) {
            maxDialsPerHost = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#retryBackoffMax()}.
         *
         * @param v any retry's longest wait
         * @return this builder
         */
        public Builder retryBackoffMax(Duration v) {
            retryBackoffMax = v;
            return this;
        }

        /**
         * {@return the config}
         *
         * @throws IllegalArgumentException naming the field, for a bad value (see the constructor)
         * @throws NullPointerException naming the field, for a missing policy, user agent or listener
         */
        public ClientConfig build() {
            return new ClientConfig(timeout, connectTimeout, fallbackDelay, tlsHandshakeTimeout, responseHeaderTimeout,
                    expectContinueTimeout, idleTimeout, poolWaitTimeout, maxConnsPerHost, maxIdlePerHost,
                    timeoutPolicy, drainTimeout, drainMaxBytes, trustedCaFile, userAgent, listener, tcpStateMetrics,
                    inheritDeadline, forwardDeadline, deadlineHeader, deadlineReserve, maxAttempts, perTryTimeout,
                    retryBudgetPercent, retryBudgetFloor, retryBackoff, retryBackoffMax, maxDialsPerHost, hedgeDelay);
        }
    }
}
