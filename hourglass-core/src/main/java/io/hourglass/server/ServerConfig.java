package io.hourglass.server;

import io.hourglass.internal.text.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The server's settings. Immutable; build one with {@link #builder()}, vary one with {@link #toBuilder()}.
 *
 * <p>Every timeout is a {@link Duration} and a deadline computed when its phase starts: bytes flowing never
 * extend it. {@link Duration#ZERO} disables it. A timeout that passes is counted once in the counter
 * {@code hourglass_timeouts_total{side="server",phase}} of the server's {@link Server#metrics() registry},
 * under the phase named below. {@code docs/timeouts.md} has them all in one table.
 *
 * @param host the address to listen on; default {@code 127.0.0.1}
 * @param port the port; 0 picks a free one ({@link Server#port()} tells which). Default 8080
 * @param tlsHandshakeTimeout
 *      Longest time for a connection's TLS handshake.
 *      Starts at accept; stops when the handshake completes. On expiry the connection is closed
 *      abortively (RST); the client sees its handshake fail. Counted in
 *      {@code hourglass_timeouts_total{side="server",phase="tls-handshake"}}. Default 10s; only used with
 *      TLS; {@code Duration.ZERO} disables it.
 * @param readHeaderTimeout
 *      Longest time to read one request's line and header.
 *      Starts at the request's first byte (for the first request of a connection: at accept, or at the end
 *      of the TLS handshake); stops at the blank line that ends the header. A header dripped byte by byte
 *      does not extend it. On expiry the server answers 408 if any byte of the request had arrived, then
 *      closes the connection. Counted in {@code hourglass_timeouts_total{side="server",phase="read-header"}}.
 *      Default 10s. When {@code readTimeout} is shorter, or this one is {@code Duration.ZERO}, the read
 *      timeout bounds the header instead.
 * @param readTimeout
 *      Longest time to read a whole request, header and body (Go's ReadTimeout).
 *      Starts like the read-header timeout; stops when the body has been read to its end (a handler that
 *      does not read the body leaves it running until the response ends). It bounds the header as well: the
 *      header's deadline is the earlier of the two, so a header slower than this gets the read-header
 *      timeout's 408, whose message names {@code readTimeout}, and counts as phase {@code read-header}.
 *      During the body, on expiry the handler's blocked body read throws
 *      {@link io.hourglass.http.HttpTimeoutException} with phase {@link io.hourglass.http.Phase#READ_BODY};
 *      when that exception leaves the handler, the server answers 408 if nothing was sent yet, closes the
 *      connection, and counts it in {@code hourglass_timeouts_total{side="server",phase="read-body"}}.
 *      Default 60s; {@link Request#setReadDeadline} replaces it for one request; {@code Duration.ZERO}
 *      disables it.
 * @param writeTimeout
 *      Longest time to answer a request, handler included (Go's WriteTimeout).
 *      Starts at the end of the request header; stops when the response has been written. On expiry the
 *      connection is closed abortively (RST): unsent data is dropped at once and the handler's next write
 *      throws; the client sees a reset. Counted in {@code hourglass_timeouts_total{side="server",phase="write"}},
 *      and also in {@code hourglass_server_limits_total{kind="slow_reader"}} when a write was blocked on a
 *      client that does not read. Default 60s; {@link Response#setWriteDeadline} replaces it for one
 *      response; {@code Duration.ZERO} disables it.
 * @param idleTimeout
 *      Longest time a keep-alive connection may wait for its next request.
 *      Starts when a response has been written; stops at the next request's first byte. On expiry the
 *      connection is closed quietly (FIN). Counted in {@code hourglass_timeouts_total{side="server",phase="idle"}}.
 *      Default 120s; {@code Duration.ZERO} disables it.
 * @param handlerTimeout
 *      Longest time a handler may run.
 *      Starts when the handler is called; stops when it returns. On expiry the request is marked cancelled
 *      and the handler's thread interrupted; the client gets 503 if nothing was sent yet, otherwise a reset,
 *      so that it sees a truncated body, never one that looks complete. Counted in
 *      {@code hourglass_timeouts_total{side="server",phase="handler"}} and in
 *      {@code hourglass_server_handler_cancellations_total{reason="handler_timeout"}}. Default 30s;
 *      {@code Duration.ZERO} disables it.
 * @param minRequestBodyRate
 *      The slowest request body the server accepts, in bytes per second (Kestrel's MinRequestBodyDataRate).
 *      Applies once the handler has waited longer than {@code minRequestBodyGrace} in body reads; stops at
 *      the end of the body. A body that arrived slower than this on average is cut off at once, counted in
 *      {@code hourglass_server_limits_total{kind="min_body_rate"}}: the blocked read throws
 *      {@link io.hourglass.http.HttpTimeoutException} with phase {@link io.hourglass.http.Phase#MIN_BODY_RATE};
 *      when that exception leaves the handler, the server answers 408 if nothing was sent yet, closes the
 *      connection, and counts it in {@code hourglass_timeouts_total{side="server",phase="min-body-rate"}}.
 *      Default 240 bytes/s; 0 disables it.
 * @param minRequestBodyGrace the time the handler may wait in body reads before {@code minRequestBodyRate}
 *      applies; default 5s
 * @param maxHeaderBytes the most bytes of a request's line and header, and of a chunked body's trailer
 *      section; more gets 431 and a close, counted in
 *      {@code hourglass_server_limits_total{kind="header_too_large"}}, except a request line that alone is
 *      longer: its target is too long, which gets 414 and a close, counted in {@code kind="uri_too_long"}.
 *      Default 16 KiB
 * @param maxHeaderCount the most header fields in a request, and trailer fields after a chunked body; more
 *      gets 431 and a close, counted in {@code hourglass_server_limits_total{kind="too_many_headers"}}.
 *      Default 100
 * @param maxConnections the most connections open at once; past it the server stops accepting until one
 *      closes (the kernel's backlog holds the rest); each pause is counted in
 *      {@code hourglass_server_limits_total{kind="max_connections"}}. Default 10000
 * @param maxDrainBytes the most bytes of an unread request body the server reads and discards to keep a
 *      connection alive; a larger rest closes the connection. Default 256 KiB
 * @param maxRequestBodyBytes
 *      The largest request body a handler may read, in bytes. A body read that would pass it fails with an
 *      {@link java.io.IOException}; the server answers 413 (Content Too Large) when nothing was sent yet and
 *      closes the connection, since the rest of the body is left unread; counted in
 *      {@code hourglass_server_limits_total{kind="body_too_large"}} when that failure reaches the server (a
 *      handler that catches it and answers by itself is not counted). A declared Content-Length over
 *      the limit fails the first read, before {@code 100 Continue} is sent. A route can set its own limit,
 *      higher or lower, with {@link Filter#maxRequestBody(long)}. A handler that never reads the body is not
 *      affected (the unread rest is bounded by {@code maxDrainBytes}). Default 30 000 000 (as Kestrel); 0
 *      lifts the limit.
 * @param shutdownTimeout
 *      Longest time {@link Server#shutdown()} lets in-flight requests finish.
 *      Starts when {@code shutdown()} is called; stops when every in-flight request is done. On expiry the
 *      remaining connections are closed abortively (RST) and their clients see a reset. Not counted in a
 *      metric. Default 30s; {@code Duration.ZERO} closes them at once.
 * @param watchClientDisconnect
 *      Whether the server watches a connection while its handler runs, so that a client that closes or
 *      resets it cancels the request and the socket is closed at once (see docs/timeouts.md). Default true.
 *      {@code false} behaves like servers that notice a departed client only when the handler returns (Go's
 *      net/http with a handler that ignores its context): the socket then sits in CLOSE_WAIT as long as the
 *      handler runs. Meant for demonstrations such as {@code hourglass lab storm --naive-upstream}.
 * @param tcpStateMetrics
 *      Whether the server's registry gets the gauge {@code hourglass_tcp_connections{state,peer}}: the TCP
 *      sockets of this server's own address and port (its listener, and the server side of every connection,
 *      including those it closed that the kernel still holds, such as TIME_WAIT and FIN_WAIT2) by state and
 *      remote host, as {@code ss -tan} shows them. Read from {@code /proc/net/tcp} and {@code tcp6} at each scrape,
 *      and only then: it costs nothing on the request path, and a scrape reads every socket of the machine's
 *      network namespace (see {@code docs/metrics.md}). Default true; where {@code /proc/net/tcp} does not exist
 *      (not Linux) it registers nothing. Servers and clients sharing a registry share the gauge.
 * @param honourDeadlines
 *      Whether a request's deadline header shortens its handler's time (issue 14). A client that will give
 *      up after a time says so in {@code deadlineHeader} (or {@code grpc-timeout}) as a relative time in the
 *      grpc-timeout syntax ({@code 250m}, {@code 2S}: at most 8 digits and a unit H M S m u n). The
 *      request's deadline is then the earlier of the handler timeout's and {@code arrival + received -
 *      deadlineReserve}, where arrival is the request's first byte. When that leaves less than
 *      {@code deadlineMinimum} once the head has been read, the handler is not run: the server answers
 *      {@code 504 Gateway Timeout} with {@code Deadline-Expired: true}, counted in
 *      {@code hourglass_server_deadlines_received_total{result="expired"}}. Otherwise the handler runs with
 *      the deadline in {@link Request#deadline()} and {@link io.hourglass.http.Deadline#current()}, and when
 *      the received deadline passes first the handler is cancelled and interrupted exactly as by the handler
 *      timeout, but answered {@code 504} with {@code Deadline-Expired: true} (a reset once the response has
 *      begun), counted in {@code hourglass_timeouts_total{side="server",phase="deadline"}} and
 *      {@code hourglass_server_handler_cancellations_total{reason="deadline"}}. A value that is not in the
 *      syntax is ignored ({@code result="invalid"}). A handler that lets a client call's
 *      {@link io.hourglass.http.HttpTimeoutException} of phase {@code DEADLINE} go (the call ran out of this
 *      deadline) is answered {@code 504} with {@code Deadline-Expired: true} too, not 408, whether or not the
 *      server honours deadlines. Honoured by default, since a received deadline can only
 *      shorten the server's own limits; {@code false} ignores the header (for a server facing clients it
 *      does not trust to say how long they wait).
 * @param deadlineHeader the request header that carries a client's deadline; default {@code Request-Timeout}.
 *      {@code grpc-timeout} is read as well; when both are present the shorter counts
 * @param deadlineReserve
 *      How much of a received deadline the server keeps back for the response to travel to the client: the
 *      handler's deadline is the received one less this. Default 5ms; {@code Duration.ZERO} keeps nothing back.
 * @param deadlineMinimum
 *      The least time a received deadline must leave the handler (after the reserve) for the handler to
 *      run; less, or a deadline already passed, gets {@code 504} at once. Default 1ms.
 * @param tlsCertificate a PEM certificate chain file; with {@code tlsPrivateKey}, the server speaks TLS
 * @param tlsPrivateKey a PEM private key file (PKCS#8, or PKCS#1 RSA)
 * @param http2 the HTTP/2 settings: on by default, as h2 by ALPN over TLS and h2c with prior knowledge on a
 *      cleartext port (see {@link Http2Config}); every timeout above applies per stream over HTTP/2, as
 *      {@code docs/timeouts.md} says for each
 */
public record ServerConfig(
        String host,
        int port,
        Duration tlsHandshakeTimeout,
        Duration readHeaderTimeout,
        Duration readTimeout,
        Duration writeTimeout,
        Duration idleTimeout,
        Duration handlerTimeout,
        long minRequestBodyRate,
        Duration minRequestBodyGrace,
        int maxHeaderBytes,
        int maxHeaderCount,
        int maxConnections,
        long maxDrainBytes,
        long maxRequestBodyBytes,
        Duration shutdownTimeout,
        boolean watchClientDisconnect,
        boolean tcpStateMetrics,
        boolean honourDeadlines,
        String deadlineHeader,
        Duration deadlineReserve,
        Duration deadlineMinimum,
        Path tlsCertificate,
        Path tlsPrivateKey,
        Http2Config http2) {

    /**
     * Checks every field; {@link #builder()} is the usual way in.
     *
     * @throws IllegalArgumentException naming the field, for a missing or negative timeout, a port out of
     *     range, a limit below its minimum, or only one of the two TLS files
     * @throws NullPointerException if {@code host}, {@code http2} or {@code deadlineHeader} is null
     */
    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(http2, "http2");
        Objects.requireNonNull(deadlineHeader, "deadlineHeader");
        if (deadlineHeader.isEmpty() || !deadlineHeader.chars().allMatch(io.hourglass.http.Headers::isTokenChar)) {
            throw new IllegalArgumentException("deadlineHeader must be a header field name, got \"" + deadlineHeader
                    + "\"");
        }
        Durations.requireNonNegative("deadlineReserve", deadlineReserve);
        Durations.requireNonNegative("deadlineMinimum", deadlineMinimum);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        Durations.requireNonNegative("tlsHandshakeTimeout", tlsHandshakeTimeout);
        Durations.requireNonNegative("readHeaderTimeout", readHeaderTimeout);
        Durations.requireNonNegative("readTimeout", readTimeout);
        Durations.requireNonNegative("writeTimeout", writeTimeout);
        Durations.requireNonNegative("idleTimeout", idleTimeout);
        Durations.requireNonNegative("handlerTimeout", handlerTimeout);
        Durations.requireNonNegative("minRequestBodyGrace", minRequestBodyGrace);
        Durations.requireNonNegative("shutdownTimeout", shutdownTimeout);
        if (minRequestBodyRate < 0) {
            throw new IllegalArgumentException("minRequestBodyRate must not be negative, got " + minRequestBodyRate);
        }
        if (maxHeaderBytes < 256) {
            throw new IllegalArgumentException("maxHeaderBytes must be at least 256, got " + maxHeaderBytes);
        }
        if (maxHeaderCount < 1) {
            throw new IllegalArgumentException("maxHeaderCount must be at least 1, got " + maxHeaderCount);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
        }
        if (maxDrainBytes < 0) {
            throw new IllegalArgumentException("maxDrainBytes must not be negative, got " + maxDrainBytes);
        }
        if (maxRequestBodyBytes < 0) {
            throw new IllegalArgumentException("maxRequestBodyBytes must not be negative, got " + maxRequestBodyBytes);
        }
        if ((tlsCertificate == null) != (tlsPrivateKey == null)) {
            throw new IllegalArgumentException("TLS needs both a certificate file and a private key file");
        }
    }


    /** {@return whether the server speaks TLS: both TLS files are set} */
    public boolean tls() {
        return tlsCertificate != null;
    }

    /** {@return the defaults, listening on 127.0.0.1:8080} */
    public static ServerConfig defaults() {
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

    /** Builder of {@link ServerConfig}; {@link #build()} validates and names a bad field. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8080;
        private Duration tlsHandshakeTimeout = Duration.ofSeconds(10);
        private Duration readHeaderTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);
        private Duration writeTimeout = Duration.ofSeconds(60);
        private Duration idleTimeout = Duration.ofSeconds(120);
        private Duration handlerTimeout = Duration.ofSeconds(30);
        private long minRequestBodyRate = 240;
        private Duration minRequestBodyGrace = Duration.ofSeconds(5);
        private int maxHeaderBytes = 16 * 1024;
        private int maxHeaderCount = 100;
        private int maxConnections = 10_000;
        private long maxDrainBytes = 256 * 1024;
        private long maxRequestBodyBytes = 30_000_000;
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private boolean watchClientDisconnect = true;
        private boolean tcpStateMetrics = true;
        private boolean honourDeadlines = true;
        private String deadlineHeader = "Request-Timeout";
        private Duration deadlineReserve = Duration.ofMillis(5);
        private Duration deadlineMinimum = Duration.ofMillis(1);
        private Path tlsCertificate;
        private Path tlsPrivateKey;
        private Http2Config http2 = Http2Config.defaults();

        Builder() {}

        Builder(ServerConfig c) {
            host = c.host;
            port = c.port;
            tlsHandshakeTimeout = c.tlsHandshakeTimeout;
            readHeaderTimeout = c.readHeaderTimeout;
            readTimeout = c.readTimeout;
            writeTimeout = c.writeTimeout;
            idleTimeout = c.idleTimeout;
            handlerTimeout = c.handlerTimeout;
            minRequestBodyRate = c.minRequestBodyRate;
            minRequestBodyGrace = c.minRequestBodyGrace;
            maxHeaderBytes = c.maxHeaderBytes;
            maxHeaderCount = c.maxHeaderCount;
            maxConnections = c.maxConnections;
            maxDrainBytes = c.maxDrainBytes;
            maxRequestBodyBytes = c.maxRequestBodyBytes;
            shutdownTimeout = c.shutdownTimeout;
            watchClientDisconnect = c.watchClientDisconnect;
            tcpStateMetrics = c.tcpStateMetrics;
            honourDeadlines = c.honourDeadlines;
            deadlineHeader = c.deadlineHeader;
            deadlineReserve = c.deadlineReserve;
            deadlineMinimum = c.deadlineMinimum;
            tlsCertificate = c.tlsCertificate;
            tlsPrivateKey = c.tlsPrivateKey;
            http2 = c.http2;
        }

        /**
         * Sets {@link ServerConfig#host()}.
         *
         * @param v the address to listen on
         * @return this builder
         */
        public Builder host(String v) {
            host = v;
            return this;
        }

        /**
         * Sets {@link ServerConfig#port()}.
         *
         * @param v the port, 0 for a free one
         * @return this builder
         */
        public Builder port(int v) {
            port = v;
            return this;
        }

        /**
         * Sets {@link ServerConfig#tlsHandshakeTimeout()}.
         *
         * @param v the timeout; {@code Duration.ZERO} disables it
         * @return this builder
         */
        public Builder tlsHandshakeTimeout(Duration v) {
            tlsHandshakeTimeout = v;
            return this;
        }

        /**
         * Sets {@link ServerConfig#readHeaderTimeout()}.
         *
         * @param v the timeout; {@code Duration.ZERO} disables it
         * @return this builder
         */
        public Builder readHeaderTimeout(Duration v) {
            readHeaderTimeout = v;
            return this;
        }

        /**
         * Sets {@link ServerConfig#readTimeout()}.
         *
         * @param v the timeout; {@code Duration.ZERO} disables it
         * @return this builder
         */
        public Builder readTimeout(Duration v) {
            readTimeout = v;
            return this;
        }

        /**
         * Sets {@link ServerConfig#writeTimeout()}.
         *
         * @param v the timeout; {@code Duration.ZERO} disables it
         * @return this builder
         */
        public Builder writeTimeout(Duration v) {
            writeTimeout = v;
            return this;
        }

        /**
         * Sets {@link ServerConfig#idleTimeout()}.
         *
         * @param v the timeout; {@code Duration.ZERO} disables it
         * @return this builder
         */
        public Builder idleTimeout(Duration v) {
            idleTimeout = v;
            return this;
        }

        /**
         * Sets {@link ServerConfig#handlerTimeout()}.
         *
         * @param v the timeout; {@code Duration.ZERO} disables it
         * @return this builder
         */
        public Builder handlerTimeout(Duration v) {
            handlerTimeout = v;
            return this;
        }

        /**
         * Sets {@link ServerConfig#minRequestBodyRate()}.
         *
         * @param bytesPerSecond bytes per second; 0 disables the minimum rate
         * @return this builder
         */
        public Builder minRequestBodyRate(long bytesPerSecond) {
            minRequestBodyRate = bytesPerSecond;
            return this;
        }

        /**
         * Sets {@link ServerConfig#minRequestBodyGrace()}.
         *
         * @param v the grace period before the minimum rate applies
         * @return this builder
         */
        public Builder minRequestBodyGrace(Duration v) {
            minRequestBodyGrace = v;
            return this;
        }

        /**
         * Sets {@link ServerConfig#maxHeaderBytes()}.
         *
         * @param v the most bytes of a request's line and header
         * @return this builder
         */
        public Builder maxHeaderBytes(int v) {
            maxHeaderBytes = v;
            return this;
        }

        /**
         * Sets {@link ServerConfig#maxHeaderCount()}.
         *
         * @param v the most header fields in a request
         * @return this builder
         */
        public Builder maxHeaderCount(int v) {
            maxHeaderCount = v;
            return this;
        }

        /**
         * Sets {@link ServerConfig#maxConnections()}.
         *
         * @param v the most connections open at once
         * @return this builder
         */
        public Builder maxConnections(int v) {
            maxConnections = v;
            return this;
        }

        /**
         * Sets {@link ServerConfig#maxDrainBytes()}.
         *
         * @param v the most bytes of an unread body to discard
         * @return this builder
         */
        public Builder maxDrainBytes(long v) {
            maxDrainBytes = v;
            return this;
        }

        /**
         * Sets {@link ServerConfig#maxRequestBodyBytes()}.
         *
         * @param v the largest request body in bytes; 0 lifts the limit
         * @return this builder
         */
        public Builder maxRequestBodyBytes(long v) {
            maxRequestBodyBytes = v;
            return this;
        }

        /**
         * Sets {@link ServerConfig#shutdownTimeout()}.
         *
         * @param v the timeout; {@code Duration.ZERO} disables it
         * @return this builder
         */
        public Builder shutdownTimeout(Duration v) {
            shutdownTimeout = v;
            return this;
        }

        /**
         * Sets {@link ServerConfig#watchClientDisconnect()}.
         *
         * @param v whether to watch for a departed client while a handler runs
         * @return this builder
         */
        public Builder watchClientDisconnect(boolean v) {
            watchClientDisconnect = v;
            return this;
        }

        /**
         * Sets {@link ServerConfig#tcpStateMetrics()}.
         *
         * @param v whether to export this server's TCP sockets by state and peer (Linux)
         * @return this builder
         */
        public Builder tcpStateMetrics(boolean v) {
            tcpStateMetrics = v;
            return this;
        }

        /**
         * Sets {@link ServerConfig#honourDeadlines()}.
         *
         * @param v whether a request's deadline header shortens its handler's time
         * @return this builder
         */
        public Builder honourDeadlines(boolean v) {
            honourDeadlines = v;
            return this;
        }

        /**
         * Sets {@link ServerConfig#deadlineHeader()}.
         *
         * @param v the header field that carries a client's deadline
         * @return this builder
         */
        public Builder deadlineHeader(String v) {
            deadlineHeader = v;
            return this;
        }

        /**
         * Sets {@link ServerConfig#deadlineReserve()}.
         *
         * @param v the time kept back from a received deadline; {@code Duration.ZERO} keeps none
         * @return this builder
         */
        public Builder deadlineReserve(Duration v) {
            deadlineReserve = v;
            return this;
        }

        /**
         * Sets {@link ServerConfig#deadlineMinimum()}.
         *
         * @param v the least time a received deadline must leave the handler
         * @return this builder
         */
        public Builder deadlineMinimum(Duration v) {
            deadlineMinimum = v;
            return this;
        }

        /**
         * Serves TLS with this PEM certificate chain and PEM private key (both, or neither).
         *
         * @param certificate the certificate chain file, or null for plain HTTP
         * @param privateKey the private key file (PKCS#8, or PKCS#1 RSA), or null for plain HTTP
         * @return this builder
         */
        public Builder tls(Path certificate, Path privateKey) {
            tlsCertificate = certificate;
            tlsPrivateKey = privateKey;
            return this;
        }

        /**
         * Sets {@link ServerConfig#http2()}.
         *
         * @param v the HTTP/2 settings, e.g. {@code Http2Config.builder().maxConcurrentStreams(250).build()}
         * @return this builder
         */
        public Builder http2(Http2Config v) {
            http2 = v;
            return this;
        }

        /**
         * {@return the config}
         *
         * @throws IllegalArgumentException naming the field, for a bad value (see the constructor)
         */
        public ServerConfig build() {
            return new ServerConfig(host, port, tlsHandshakeTimeout, readHeaderTimeout, readTimeout, writeTimeout,
                    idleTimeout, handlerTimeout, minRequestBodyRate, minRequestBodyGrace, maxHeaderBytes,
                    maxHeaderCount, maxConnections, maxDrainBytes, maxRequestBodyBytes, shutdownTimeout,
                    watchClientDisconnect, tcpStateMetrics, honourDeadlines, deadlineHeader, deadlineReserve,
                    deadlineMinimum, tlsCertificate, tlsPrivateKey, http2);
        }
    }
}
