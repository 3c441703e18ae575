package io.hourglass.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The client's settings. Immutable; build one with {@link #builder()}, vary one with {@link #toBuilder()}.
 * {@link Duration#ZERO} disables a timeout. Per-call overrides live on {@link ClientRequest}.
 *
 * @param timeout
 *      The whole call (Go's Client.Timeout). Starts when the call starts; stops when the response body has
 *      been read to its end or closed. Covers pool wait, connect, TLS, writing, waiting and reading the
 *      body. On expiry the call fails with {@link io.hourglass.http.HttpTimeoutException} (phase TOTAL), also
 *      from a blocked body read; the connection follows the {@link #timeoutPolicy()}. A call still waiting for
 *      the pool fails instead with a {@link PoolTimeoutException} (phase POOL_WAIT, {@code callDeadline()}
 *      true), counted in {@code hourglass_timeouts_total{phase="pool-wait"}}. Default 60s.
 * @param connectTimeout
 *      TCP connect to one address. Starts at the connect attempt; stops when connected. On expiry the next
 *      resolved address is tried, if any, else the call fails (phase CONNECT). Default 10s.
 * @param tlsHandshakeTimeout
 *      TLS handshake. Starts when TCP is connected; stops when the handshake completes. On expiry the
 *      connection is closed and the call fails (phase TLS_HANDSHAKE). Default 10s.
 * @param responseHeaderTimeout
 *      Starts when the request (its body included) has been written; stops when the status line and
 *      headers have been read. On expiry the call fails (phase RESPONSE_HEADERS); the connection follows the
 *      policy. Default 30s.
 * @param expectContinueTimeout
 *      For a request with {@code Expect: 100-continue}: starts when the header has been sent; stops at a
 *      100 or a final status. On expiry the body is sent anyway (not an error). Default 1s.
 * @param idleTimeout
 *      A pooled connection's idle time. Starts when it returns to the pool; stops when a call takes it. On
 *      expiry the connection is closed quietly. Default 90s.
 * @param poolWaitTimeout
 *      Starts when a call needs a connection and none is idle while {@link #maxConnsPerHost()} are open
 *      (active or draining) and no draining one may be preempted (see {@link TimeoutPolicy#DRAIN}); stops
 *      when one is released or preempted. On expiry the call fails with a {@link PoolTimeoutException}
 *      (phase POOL_WAIT) naming the limit and the connections in use and draining; nothing is sent. Counted
 *      in {@code hourglass_timeouts_total{phase="pool-wait"}} and
 *      {@code hourglass_client_pool_timeouts_total{held_by}}. Default 5s.
 * @param maxConnsPerHost the most connections per origin (scheme, host, port), active, idle and draining
 *      together. Default 64: bounded, so a stuck upstream cannot make the client open sockets without limit
 * @param maxIdlePerHost  the most idle connections kept per origin; extra ones are closed. Default 64, the same
 *                        as the cap: a smaller number closes connections that come back in a burst and dials
 *                        them again moments later, which is churn (Go's default of 2 is a known source of it);
 *                        idle connections are bounded by the idle timeout instead
 * @param timeoutPolicy   what a timeout does to its HTTP/1.1 connection; default {@link TimeoutPolicy#DRAIN}
 * @param drainTimeout    how long a draining connection may wait for the rest of a late response, from the
 *                        call's timeout; past it the connection is reset (counted in
 *                        {@code hourglass_client_drains_total{result="timeout"}}). Default 30s
 * @param drainMaxBytes   the most bytes a drain reads and discards; past it the connection is reset
 *                        ({@code result="max_bytes"}). Default 1 MiB
 * @param trustedCaFile   a PEM file of CA certificates to trust instead of the JDK's defaults; null for
 *                        the defaults
 * @param userAgent       the User-Agent header sent when a request has none
 * @param listener        receives the events of every call ({@link EventListener#NONE} by default)
 */
public record ClientConfig(
        Duration timeout,
        Duration connectTimeout,
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
        EventListener listener) {

    public ClientConfig {
        io.hourglass.http.Durations.requireNonNegative("timeout", timeout);
        io.hourglass.http.Durations.requireNonNegative("connectTimeout", connectTimeout);
        io.hourglass.http.Durations.requireNonNegative("tlsHandshakeTimeout", tlsHandshakeTimeout);
        io.hourglass.http.Durations.requireNonNegative("responseHeaderTimeout", responseHeaderTimeout);
        io.hourglass.http.Durations.requireNonNegative("expectContinueTimeout", expectContinueTimeout);
        io.hourglass.http.Durations.requireNonNegative("idleTimeout", idleTimeout);
        io.hourglass.http.Durations.requireNonNegative("poolWaitTimeout", poolWaitTimeout);
        io.hourglass.http.Durations.requireNonNegative("drainTimeout", drainTimeout);
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
    }


    public static ClientConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builder of {@link ClientConfig}; {@link #build()} validates and names a bad field. */
    public static final class Builder {
        private Duration timeout = Duration.ofSeconds(60);
        private Duration connectTimeout = Duration.ofSeconds(10);
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

        Builder() {}

        Builder(ClientConfig c) {
            timeout = c.timeout;
            connectTimeout = c.connectTimeout;
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
        }

        public Builder timeout(Duration v) { timeout = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder tlsHandshakeTimeout(Duration v) { tlsHandshakeTimeout = v; return this; }
        public Builder responseHeaderTimeout(Duration v) { responseHeaderTimeout = v; return this; }
        public Builder expectContinueTimeout(Duration v) { expectContinueTimeout = v; return this; }
        public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
        public Builder poolWaitTimeout(Duration v) { poolWaitTimeout = v; return this; }
        public Builder maxConnsPerHost(int v) { maxConnsPerHost = v; return this; }
        public Builder maxIdlePerHost(int v) { maxIdlePerHost = v; return this; }
        public Builder timeoutPolicy(TimeoutPolicy v) { timeoutPolicy = v; return this; }
        public Builder drainTimeout(Duration v) { drainTimeout = v; return this; }
        public Builder drainMaxBytes(long v) { drainMaxBytes = v; return this; }
        public Builder trustedCaFile(Path v) { trustedCaFile = v; return this; }
        public Builder userAgent(String v) { userAgent = v; return this; }
        public Builder listener(EventListener v) { listener = v; return this; }

        public ClientConfig build() {
            return new ClientConfig(timeout, connectTimeout, tlsHandshakeTimeout, responseHeaderTimeout,
                    expectContinueTimeout, idleTimeout, poolWaitTimeout, maxConnsPerHost, maxIdlePerHost,
                    timeoutPolicy, drainTimeout, drainMaxBytes, trustedCaFile, userAgent, listener);
        }
    }
}
