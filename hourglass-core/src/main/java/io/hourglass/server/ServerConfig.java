package io.hourglass.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The server's settings. Immutable; build one with {@link #builder()}, vary one with {@link #toBuilder()}.
 *
 * <p>Every timeout is a {@link Duration}; {@link Duration#ZERO} disables it and says so. See
 * {@code docs/timeouts.md} for the table of all timeouts (starts / stops / on expiry / metric).
 *
 * @param host               the address to listen on; default {@code 127.0.0.1}
 * @param port               the port; 0 picks a free one ({@link Server#port()} tells which). Default 8080
 * @param tlsHandshakeTimeout
 *      Longest time for the TLS handshake. Starts at accept; stops when the handshake completes. On expiry
 *      the connection is closed. Default 10s; only used with TLS.
 * @param readHeaderTimeout
 *      Longest time to read one request's line and header. Starts at the request's first byte (for the first
 *      request of a connection, at accept, or after the TLS handshake). Stops at the blank line that ends the
 *      header. A header dripped byte by byte does not extend it. On expiry the server answers 408 (when the
 *      request had begun) and closes the connection; counted in
 *      {@code hourglass_timeouts_total{side="server",phase="read-header"}}. Default 10s. When the read timeout
 *      is shorter, or this one is {@link Duration#ZERO}, the read timeout bounds the header instead.
 * @param readTimeout
 *      Longest time to read a whole request, header and body (Go's ReadTimeout). Starts like the read-header
 *      timeout; stops when the body has been read to its end (a handler that does not read the body leaves it
 *      running until the response ends). It bounds the header as well: the header's deadline is the earlier of
 *      the two, so a header slower than this gets the read-header timeout's 408, whose message names
 *      {@code readTimeout}, and counts as phase {@code read-header}. During the body, a blocked body read fails
 *      with {@link io.hourglass.http.HttpTimeoutException} (phase READ_BODY); the server answers 408 when
 *      nothing was sent yet, and closes; counted in {@code hourglass_timeouts_total{side="server",
 *      phase="read-body"}}. Default 60s.
 * @param writeTimeout
 *      Longest time from the end of reading the request header to the end of writing the response, so it
 *      bounds the handler too (as Go's WriteTimeout). Not extended by progress. On expiry the connection is
 *      closed abortively (RST), freeing unsent data at once; the handler's next write fails. Counted in
 *      {@code hourglass_timeouts_total{side="server",phase="write"}}, and also in
 *      {@code hourglass_server_limits_total{kind="slow_reader"}} when a write was blocked on a client that
 *      does not read. Default 60s.
 * @param idleTimeout
 *      Longest time a keep-alive connection may wait for the next request. Starts when a response has been
 *      written; stops at the next request's first byte. On expiry the connection is closed quietly. Default 120s.
 * @param handlerTimeout
 *      Longest time a handler may run. Starts when the handler is called; stops when it returns. On expiry the
 *      handler's thread is interrupted and the request marked cancelled; the client gets 503 when nothing was
 *      sent yet, otherwise the connection is closed so that the client sees a truncated body, never one that
 *      looks complete. Default 30s.
 * @param minRequestBodyRate
 *      The slowest request body the server accepts, in bytes per second, counted while the handler is
 *      waiting in a body read after {@code minRequestBodyGrace}. A slower body makes the blocked read fail
 *      with an {@link io.hourglass.http.HttpTimeoutException} (phase MIN_BODY_RATE); the server answers 408
 *      when nothing was sent yet and closes. Counted in {@code hourglass_server_limits_total{kind=
 *      "min_body_rate"}} when cut off. Default 240 bytes/s (as Kestrel); 0 disables it.
 * @param minRequestBodyGrace the time a body read may wait before the minimum rate applies; default 5s
 * @param maxHeaderBytes     the most bytes of a request's line and header, and of a chunked body's trailer
 *                           section; more gets 431 and a close, counted in
 *                           {@code hourglass_server_limits_total{kind="header_too_large"}}. Default 16 KiB
 * @param maxHeaderCount     the most header fields in a request, and trailer fields after a chunked body;
 *                           more gets 431 and a close, counted in
 *                           {@code hourglass_server_limits_total{kind="too_many_headers"}}. Default 100
 * @param maxConnections     the most connections open at once; past it the server stops accepting until
 *                           one closes (the kernel's backlog holds the rest); each pause is counted in
 *                           {@code hourglass_server_limits_total{kind="max_connections"}}. Default 10000
 * @param maxDrainBytes      the most bytes of an unread request body the server reads and discards to keep
 *                           a connection alive; a larger rest closes the connection. Default 256 KiB
 * @param shutdownTimeout    how long {@link Server#shutdown()} lets in-flight requests finish before it
 *                           closes their connections. Default 30s
 * @param watchClientDisconnect
 *      Whether the server watches a connection while its handler runs, so that a client that closes or
 *      resets it cancels the request and the socket is closed at once (see docs/timeouts.md). Default true.
 *      {@code false} behaves like servers that notice a departed client only when the handler returns (Go's
 *      net/http with a handler that ignores its context): the socket then sits in CLOSE_WAIT as long as the
 *      handler runs. Meant for demonstrations such as {@code hourglass lab storm --naive-upstream}.
 * @param tlsCertificate     a PEM certificate chain file; with {@code tlsPrivateKey}, the server speaks TLS
 * @param tlsPrivateKey      a PEM private key file (PKCS#8, or PKCS#1 RSA)
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
        Duration shutdownTimeout,
        boolean watchClientDisconnect,
        Path tlsCertificate,
        Path tlsPrivateKey) {

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        io.hourglass.http.Durations.requireNonNegative("tlsHandshakeTimeout", tlsHandshakeTimeout);
        io.hourglass.http.Durations.requireNonNegative("readHeaderTimeout", readHeaderTimeout);
        io.hourglass.http.Durations.requireNonNegative("readTimeout", readTimeout);
        io.hourglass.http.Durations.requireNonNegative("writeTimeout", writeTimeout);
        io.hourglass.http.Durations.requireNonNegative("idleTimeout", idleTimeout);
        io.hourglass.http.Durations.requireNonNegative("handlerTimeout", handlerTimeout);
        io.hourglass.http.Durations.requireNonNegative("minRequestBodyGrace", minRequestBodyGrace);
        io.hourglass.http.Durations.requireNonNegative("shutdownTimeout", shutdownTimeout);
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
        if ((tlsCertificate == null) != (tlsPrivateKey == null)) {
            throw new IllegalArgumentException("TLS needs both a certificate file and a private key file");
        }
    }


    /** Whether the server speaks TLS. */
    public boolean tls() {
        return tlsCertificate != null;
    }

    /** The defaults, listening on 127.0.0.1:8080. */
    public static ServerConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

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
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private boolean watchClientDisconnect = true;
        private Path tlsCertificate;
        private Path tlsPrivateKey;

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
            shutdownTimeout = c.shutdownTimeout;
            watchClientDisconnect = c.watchClientDisconnect;
            tlsCertificate = c.tlsCertificate;
            tlsPrivateKey = c.tlsPrivateKey;
        }

        public Builder host(String v) { host = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder tlsHandshakeTimeout(Duration v) { tlsHandshakeTimeout = v; return this; }
        public Builder readHeaderTimeout(Duration v) { readHeaderTimeout = v; return this; }
        public Builder readTimeout(Duration v) { readTimeout = v; return this; }
        public Builder writeTimeout(Duration v) { writeTimeout = v; return this; }
        public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
        public Builder handlerTimeout(Duration v) { handlerTimeout = v; return this; }
        public Builder minRequestBodyRate(long bytesPerSecond) { minRequestBodyRate = bytesPerSecond; return this; }
        public Builder minRequestBodyGrace(Duration v) { minRequestBodyGrace = v; return this; }
        public Builder maxHeaderBytes(int v) { maxHeaderBytes = v; return this; }
        public Builder maxHeaderCount(int v) { maxHeaderCount = v; return this; }
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        public Builder maxDrainBytes(long v) { maxDrainBytes = v; return this; }
        public Builder shutdownTimeout(Duration v) { shutdownTimeout = v; return this; }
        public Builder watchClientDisconnect(boolean v) { watchClientDisconnect = v; return this; }

        /** Serve TLS with this PEM certificate chain and PEM private key. */
        public Builder tls(Path certificate, Path privateKey) {
            tlsCertificate = certificate;
            tlsPrivateKey = privateKey;
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(host, port, tlsHandshakeTimeout, readHeaderTimeout, readTimeout, writeTimeout,
                    idleTimeout, handlerTimeout, minRequestBodyRate, minRequestBodyGrace, maxHeaderBytes,
                    maxHeaderCount, maxConnections, maxDrainBytes, shutdownTimeout, watchClientDisconnect, tlsCertificate,
                    tlsPrivateKey);
        }
    }
}
