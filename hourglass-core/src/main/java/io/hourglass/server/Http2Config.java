package io.hourglass.server;

import io.hourglass.internal.text.Durations;
import java.time.Duration;

/**
 * The server's HTTP/2 settings (RFC 9113): what it announces in its SETTINGS frame, its flow-control windows,
 * connection liveness by PING, and the limits that defend it against floods. Immutable; build one with
 * {@link #builder()}, vary one with {@link #toBuilder()}, give it to {@link ServerConfig.Builder#http2}.
 *
 * <p>Every timeout of {@link ServerConfig} applies per stream over HTTP/2 (see {@code docs/timeouts.md}); the
 * fields here are the ones HTTP/1.1 has no use for. A limit that acts is counted in
 * {@code hourglass_server_limits_total{kind}} (docs/metrics.md). Windows of counted events ({@code
 * maxPeerResets}, {@code maxServerResets}, {@code maxControlFrames}) are fixed windows of {@code limitWindow}
 * that start with the first event counted: at most the limit in any one window, else the connection gets
 * GOAWAY with ENHANCE_YOUR_CALM and is closed.
 *
 * @param enabled
 *      Whether the server speaks HTTP/2: h2 by ALPN over TLS, and h2c with prior knowledge on a cleartext port
 *      (a connection whose first bytes are the HTTP/2 connection preface; HTTP/1.1 is still served on the same
 *      port). Default true; false serves HTTP/1.1 only (a preface then gets HTTP/1.1's 505 or 400).
 * @param maxConcurrentStreams
 *      SETTINGS_MAX_CONCURRENT_STREAMS: the most streams a client may have open at once, and the most handlers
 *      that run at once for one connection. A stream keeps its slot until its handler has returned, whoever
 *      reset it (the rule that defeats Rapid Reset, CVE-2023-44487, and MadeYouReset, CVE-2025-8671). Streams
 *      beyond it wait for a slot in a queue of up to four times this many; past that the connection gets
 *      GOAWAY ENHANCE_YOUR_CALM ({@code limits_total{kind="stream_queue"}}). Once the client has acknowledged
 *      this setting, a stream over it is refused with RST_STREAM REFUSED_STREAM (RFC 9113 section 5.1.2).
 *      Default 100.
 * @param initialStreamWindow
 *      SETTINGS_INITIAL_WINDOW_SIZE: how many bytes of request body a client may send on a stream before the
 *      handler reads them, and so the most the server buffers per stream. Default 256 KiB; at least 65 535.
 * @param connectionWindow
 *      The connection's receive window (raised from 65 535 by a WINDOW_UPDATE after the preface): the most
 *      request body bytes buffered for all streams of a connection together. Default 1 MiB; at least 65 535.
 * @param maxFrameSize
 *      SETTINGS_MAX_FRAME_SIZE: the largest frame payload the server accepts (larger is a connection error
 *      FRAME_SIZE_ERROR). The server's own frames follow the client's setting. Default 16 384, the least.
 * @param readIdleTimeout
 *      Connection liveness (Go's ReadIdleTimeout). Starts at each frame received; stops at the next one. On
 *      expiry the server sends a PING; the connection stays. {@code Duration.ZERO} (the default) disables
 *      liveness checks.
 * @param pingTimeout
 *      Longest wait for the acknowledgement of a liveness PING. Starts when the PING is sent; stops at its
 *      ACK (or any frame). On expiry the connection is closed abortively and every stream's handler is
 *      cancelled as when the client leaves; counted in {@code hourglass_timeouts_total{side="server",
 *      phase="ping",protocol="h2"}}. Only with {@code readIdleTimeout}. Default 15s.
 * @param maxPeerResets
 *      The most streams the client may reset (RST_STREAM) in a {@code limitWindow}; past it, GOAWAY
 *      ENHANCE_YOUR_CALM and close, counted in {@code limits_total{kind="peer_resets"}}. Each reset is counted in
 *      {@code hourglass_server_http2_resets_total{side="client"}}. Default 1000; 0 for no limit.
 * @param maxServerResets
 *      The most streams the server may reset because of the client (stream errors it caused, and streams it
 *      refused) in a {@code limitWindow}; past it, GOAWAY ENHANCE_YOUR_CALM and close, counted in
 *      {@code limits_total{kind="server_resets"}}. Kept apart from {@code maxPeerResets}: resets the server
 *      sends for its own reasons (timeouts) are counted in the metrics but not against this limit, so a slow
 *      handler never costs a healthy client its connection. Default 1000; 0 for no limit.
 * @param maxControlFrames
 *      The most frames that carry no request in a {@code limitWindow}: PING, SETTINGS, PRIORITY, empty DATA
 *      frames that do not end their stream, and frames of unknown types. Past it, GOAWAY ENHANCE_YOUR_CALM and
 *      close, counted in {@code limits_total{kind="control_flood"}}. Default 1000; 0 for no limit.
 * @param limitWindow the window of the three counters above; default 10s
 * @param minResponseRate
 *      The slowest a client may take a response, in bytes per second (Kestrel's MinResponseDataRate): applies
 *      once a stream's writes have waited longer than {@code minResponseGrace} in all (for the client's flow
 *      control window, or for the connection). A response slower than this on average is reset with
 *      RST_STREAM CANCEL; the handler's blocked write throws, counted in {@code limits_total{kind="slow_reader"}}
 *      and {@code hourglass_timeouts_total{side="server",phase="write",protocol="h2"}}. Default 240 bytes/s;
 *      0 disables it.
 * @param minResponseGrace the time a stream's writes may wait before {@code minResponseRate} applies; default 5s
 */
public record Http2Config(
        boolean enabled,
        int maxConcurrentStreams,
        int initialStreamWindow,
        int connectionWindow,
        int maxFrameSize,
        Duration readIdleTimeout,
        Duration pingTimeout,
        int maxPeerResets,
        int maxServerResets,
        int maxControlFrames,
        Duration limitWindow,
        long minResponseRate,
        Duration minResponseGrace) {

    private static final int MIN_WINDOW = 65_535;

    /**
     * Checks every field; {@link #builder()} is the usual way in.
     *
     * @throws IllegalArgumentException naming the field, for a value out of its range or a negative duration
     */
    public Http2Config {
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("maxConcurrentStreams must be at least 1, got " + maxConcurrentStreams);
        }
        if (initialStreamWindow < MIN_WINDOW) {
            throw new IllegalArgumentException("initialStreamWindow must be at least 65535, got " + initialStreamWindow);
        }
        if (connectionWindow < MIN_WINDOW) {
            throw new IllegalArgumentException("connectionWindow must be at least 65535, got " + connectionWindow);
        }
        if (maxFrameSize < 16_384 || maxFrameSize > 16_777_215) {
            throw new IllegalArgumentException("maxFrameSize must be between 16384 and 16777215, got " + maxFrameSize);
        }
        Durations.requireNonNegative("readIdleTimeout", readIdleTimeout);
        Durations.requireNonNegative("pingTimeout", pingTimeout);
        Durations.requireNonNegative("minResponseGrace", minResponseGrace);
        Durations.requireNonNegative("limitWindow", limitWindow);
        if (limitWindow.isZero()) {
            throw new IllegalArgumentException("limitWindow must be positive");
        }
        if (maxPeerResets < 0 || maxServerResets < 0 || maxControlFrames < 0) {
            throw new IllegalArgumentException("maxPeerResets, maxServerResets and maxControlFrames must not be "
                    + "negative, got " + maxPeerResets + ", " + maxServerResets + ", " + maxControlFrames);
        }
        if (minResponseRate < 0) {
            throw new IllegalArgumentException("minResponseRate must not be negative, got " + minResponseRate);
        }
    }

    /** {@return the defaults: HTTP/2 on, 100 streams, 256 KiB per stream, 1 MiB per connection, no pings} */
    public static Http2Config defaults() {
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

    /** Builder of {@link Http2Config}; {@link #build()} validates and names a bad field. */
    public static final class Builder {
        private boolean enabled = true;
        private int maxConcurrentStreams = 100;
        private int initialStreamWindow = 256 * 1024;
        private int connectionWindow = 1024 * 1024;
        private int maxFrameSize = 16_384;
        private Duration readIdleTimeout = Duration.ZERO;
        private Duration pingTimeout = Duration.ofSeconds(15);
        private int maxPeerResets = 1000;
        private int maxServerResets = 1000;
        private int maxControlFrames = 1000;
        private Duration limitWindow = Duration.ofSeconds(10);
        private long minResponseRate = 240;
        private Duration minResponseGrace = Duration.ofSeconds(5);

        Builder() {}

        Builder(Http2Config c) {
            enabled = c.enabled;
            maxConcurrentStreams = c.maxConcurrentStreams;
            initialStreamWindow = c.initialStreamWindow;
            connectionWindow = c.connectionWindow;
            maxFrameSize = c.maxFrameSize;
            readIdleTimeout = c.readIdleTimeout;
            pingTimeout = c.pingTimeout;
            maxPeerResets = c.maxPeerResets;
            maxServerResets = c.maxServerResets;
            maxControlFrames = c.maxControlFrames;
            limitWindow = c.limitWindow;
            minResponseRate = c.minResponseRate;
            minResponseGrace = c.minResponseGrace;
        }

        /**
         * Sets {@link Http2Config#enabled()}.
         *
         * @param v whether the server speaks HTTP/2
         * @return this builder
         */
        public Builder enabled(boolean v) {
            enabled = v;
            return this;
        }

        /**
         * Sets {@link Http2Config#maxConcurrentStreams()}.
         *
         * @param v streams per connection, at least 1
         * @return this builder
         */
        public Builder maxConcurrentStreams(int v) {
            maxConcurrentStreams = v;
            return this;
        }

        /**
         * Sets {@link Http2Config#initialStreamWindow()}.
         *
         * @param v bytes, at least 65 535
         * @return this builder
         */
        public Builder initialStreamWindow(int v) {
            initialStreamWindow = v;
            return this;
        }

        /**
         * Sets {@link Http2Config#connectionWindow()}.
         *
         * @param v bytes, at least 65 535
         * @return this builder
         */
        public Builder connectionWindow(int v) {
            connectionWindow = v;
            return this;
        }

        /**
         * Sets {@link Http2Config#maxFrameSize()}.
         *
         * @param v bytes, from 16 384 to 16 777 215
         * @return this builder
         */
        public Builder maxFrameSize(int v) {
            maxFrameSize = v;
            return this;
        }

        /**
         * Sets {@link Http2Config#readIdleTimeout()} and {@link Http2Config#pingTimeout()}: liveness by PING.
         *
         * @param readIdle silence after which a PING goes out; {@code Duration.ZERO} disables liveness checks
         * @param ping longest wait for its acknowledgement
         * @return this builder
         */
        public Builder ping(Duration readIdle, Duration ping) {
            readIdleTimeout = readIdle;
            pingTimeout = ping;
            return this;
        }

        /**
         * Sets {@link Http2Config#maxPeerResets()}, {@link Http2Config#maxServerResets()} and
         * {@link Http2Config#limitWindow()}.
         *
         * @param peer resets by the client per window, 0 for no limit
         * @param server resets by the server caused by the client per window, 0 for no limit
         * @param window the window
         * @return this builder
         */
        public Builder resetLimits(int peer, int server, Duration window) {
            maxPeerResets = peer;
            maxServerResets = server;
            limitWindow = window;
            return this;
        }

        /**
         * Sets {@link Http2Config#maxControlFrames()}.
         *
         * @param v frames without a request per {@link Http2Config#limitWindow()}, 0 for no limit
         * @return this builder
         */
        public Builder maxControlFrames(int v) {
            maxControlFrames = v;
            return this;
        }

        /**
         * Sets {@link Http2Config#minResponseRate()} and {@link Http2Config#minResponseGrace()}.
         *
         * @param bytesPerSecond the slowest response, 0 to disable
         * @param grace the time writes may wait before the rate applies
         * @return this builder
         */
        public Builder minResponseRate(long bytesPerSecond, Duration grace) {
            minResponseRate = bytesPerSecond;
            minResponseGrace = grace;
            return this;
        }

        /**
         * {@return the config}
         *
         * @throws IllegalArgumentException naming the field, for a bad value (see the constructor)
         */
        public Http2Config build() {
            return new Http2Config(enabled, maxConcurrentStreams, initialStreamWindow, connectionWindow, maxFrameSize,
                    readIdleTimeout, pingTimeout, maxPeerResets, maxServerResets, maxControlFrames, limitWindow,
                    minResponseRate, minResponseGrace);
        }
    }
}
