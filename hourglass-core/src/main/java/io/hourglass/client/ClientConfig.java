package io.hourglass.client;

import io.hourglass.internal.text.Durations;
import java.net.ProxySelector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The client's settings. Immutable; build one with {@link #builder()}, vary one with {@link #toBuilder()}.
 *
 * <p>Every timeout is a {@link Duration} and a deadline computed when its phase starts: bytes flowing never
 * extend it. {@link Duration#ZERO} disables it. Each phase's deadline is also bounded by the call's
 * {@link #timeout()}: when that comes first, the call fails with phase {@code TOTAL} instead. A call that
 * times out throws {@link io.hourglass.http.HttpTimeoutException}, whose {@code phase()} names the phase,
 * and is counted once in {@code hourglass_timeouts_total{side="client",phase}} of the client's
 * {@link Client#metrics() registry}. Per-call overrides live on {@link ClientRequest}; {@code docs/timeouts.md}
 * has every timeout in one table. Any non-negative {@link Duration} is accepted; one longer than 100 years
 * takes effect as 100 years (so that deadlines never overflow).
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
 *      {@code hourglass_timeouts_total{side="client",phase="connect"}}. Default 10s; a request may override it
 *      ({@link ClientRequest.Builder#connectTimeout}); {@code Duration.ZERO} disables it.
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
 * @param timeoutPolicy what a timeout does to its HTTP/1.1 connection; default {@link TimeoutPolicy#DRAIN}.
 *      HTTP/2 has nothing to drain: a call that times out, is cancelled or closes its body early resets its
 *      stream (RST_STREAM CANCEL) and the connection carries on, whatever the policy
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
 * @param trustedCaFile a PEM file of CA certificates to trust for https, in addition to the JDK's default
 *      CAs unless {@link #trustDefaultCas()} is false; null for the defaults alone. Ignored when
 *      {@link #sslContext()} is set
 * @param userAgent the User-Agent header sent when a request has none
 * @param listener receives the events of every call ({@link EventListener#NONE} by default)
 * @param protocols the HTTP versions to speak, in order of preference (see {@link Protocol}): over TLS they are
 *      offered by ALPN and the server picks; in clear text HTTP/1.1 is spoken unless the list is
 *      {@link Protocol#H2_PRIOR_KNOWLEDGE} alone. Either {@code H2_PRIOR_KNOWLEDGE} alone, or a list holding
 *      {@link Protocol#HTTP_1_1}. Default {@code [HTTP_2, HTTP_1_1]}, as Go's Transport and OkHttp: HTTP/2
 *      over TLS whenever the server offers it. A request may override it ({@link ClientRequest#protocols()})
 * @param http2ReadIdleTimeout
 *      HTTP/2 connection liveness (Go's ReadIdleTimeout): how long a connection may go without receiving a
 *      byte before it is checked with a PING.
 *      Starts at each read from the connection; stops at the next. On expiry a PING is sent (counted in
 *      {@code hourglass_client_http2_pings_total{event="sent"}}); the connection stays and its calls go on,
 *      unless the PING is not answered within {@link #http2PingTimeout()}. Default 30s, on unlike Go and
 *      OkHttp (off by default there, and dead connections were reused for 15 minutes: golang/go#59690,
 *      okhttp#3146); {@code Duration.ZERO} disables it. Some servers limit pings on connections that carry no
 *      call (gRPC's keepalive enforcement answers a PING more often than every 5 minutes with GOAWAY
 *      ENHANCE_YOUR_CALM); that GOAWAY only closes the idle connection
 * @param http2PingTimeout
 *      Longest wait for the acknowledgement of an HTTP/2 PING: one sent after {@link #http2ReadIdleTimeout()},
 *      or at once after a stream timed out or was cancelled while nothing had been read from its connection
 *      since the stream started (the connection may be dead: the reset stream keeps its slot until the ACK,
 *      so new calls do not pile onto it, as Go's Transport does).
 *      Starts when the PING is sent; stops at its ACK. On expiry the connection is closed and every call on it
 *      fails with {@link io.hourglass.http.HttpTimeoutException} of phase {@link io.hourglass.http.Phase#PING},
 *      counted in {@code hourglass_timeouts_total{side="client",phase="ping"}} (once per call) and in
 *      {@code hourglass_client_http2_pings_total{event="timed_out"}} (once per connection). Also the longest a
 *      frame write may block on a server that stopped reading before the connection is closed. Default 5s;
 *      {@code Duration.ZERO} disables pings altogether
 * @param http2StreamWindow the receive window of each HTTP/2 stream (SETTINGS_INITIAL_WINDOW_SIZE): the most
 *      response body bytes the server may send ahead of the caller's reads, and so the most a stream buffers.
 *      Credit goes back as the caller reads, so an unread body stops the server. Default 1 MiB; at least 65 535
 * @param http2ConnectionWindow the receive window of each HTTP/2 connection: the most body bytes in flight for
 *      all its streams together. Credited as bytes arrive (each stream's own window bounds its buffer), so a
 *      slow reader on one stream never stalls the others. Default 8 MiB; at least 65 535
 * @param http2StrictMaxConcurrentStreams what a call does when every HTTP/2 connection to its origin has as
 *      many streams open as the server's SETTINGS_MAX_CONCURRENT_STREAMS allows: false (the default, Go's
 *      default too) opens another connection, never more than {@link #maxConnsPerHost()}; true waits for a
 *      stream to end on the existing connection, within {@link #poolWaitTimeout()} (Go's
 *      StrictMaxConcurrentStreams)
 * @param tcpStateMetrics
 *      Whether the client's registry gets the gauge {@code hourglass_tcp_connections{state,peer}}: the TCP
 *      sockets whose remote address and port are one the client has connected to (an origin's resolved
 *      address; the first 1024 distinct ones), by state and remote host, as {@code ss -tan dst ADDR} shows them.
 *      That includes the sockets the client closed that the kernel still holds (TIME_WAIT, FIN_WAIT2), and those
 *      of other clients of this machine to the same addresses. Read from {@code /proc/net/tcp} and {@code tcp6}
 *      at each scrape, and only then: a call pays nothing for it, a new connection one set insert (see
 *      {@code docs/metrics.md}). Default true; where {@code /proc/net/tcp} does not exist (not Linux) it
 *      registers nothing. Clients and servers sharing a registry share the gauge.
 * @param followRedirects whether a call follows redirects (301, 302, 303, 307, 308 with a Location), as OkHttp
 *      and Go do; default true; a request may override it ({@link ClientRequest.Builder#followRedirects}).
 *      301, 302 and 303 turn any method but GET and HEAD into GET without a body; 307 and 308 keep the method
 *      and send the body again (a body that cannot be sent twice fails the call, kind REDIRECT);
 *      {@code Authorization}, {@code Cookie} and {@code Host} set by the caller are dropped on a hop to
 *      another origin (scheme, host, port). The call's total timeout covers every hop
 * @param maxRedirects the most redirects one call follows; the next one fails the call with a
 *      {@link ClientException} of kind TOO_MANY_REDIRECTS (curl's exit code 47). Default 10, as Go
 * @param transparentGzip whether the client sends {@code Accept-Encoding: gzip} (when the request has no
 *      {@code Accept-Encoding} and no {@code Range}, and is not HEAD) and decompresses a gzip response, which
 *      the caller then sees without {@code Content-Encoding} and {@code Content-Length} (Go's semantics).
 *      Default true; a caller that sets {@code Accept-Encoding} itself gets the body as sent
 * @param cookieJar where cookies are kept: responses' {@code Set-Cookie} saved, a {@code Cookie} header added
 *      to requests, on every hop; {@code null} (the default, as OkHttp and Go) for none;
 *      {@link CookieJar#inMemory()} for RFC 6265's rules in memory
 * @param authenticator answers a 401 from the origin with a request that carries credentials; null for none.
 *      Independent of it, a URL's {@code user:password@} sends {@code Authorization: Basic} (RFC 7617) with
 *      the request (unless it has an {@code Authorization} already), as Go does
 * @param proxyAuthenticator answers a 407 from a proxy, to a request (plain http through an HTTP proxy) or to
 *      the CONNECT of a tunnel (its {@code response.request()} is then the CONNECT, method {@code CONNECT} and
 *      the origin's URL; its answer's {@code Proxy-Authorization} goes with a new CONNECT on a new connection);
 *      null for none
 * @param interceptors application interceptors, outermost first: once per call (see {@link Interceptor})
 * @param networkInterceptors network interceptors, outermost first: once per hop, just before the request
 *      goes out (see {@link Interceptor})
 * @param transport what sends each hop instead of the network, as Go's RoundTripper: a fake for tests that
 *      answers with {@link ClientResponse#of}; everything above it (redirects, cookies, authentication,
 *      decompression, interceptors, timeouts) runs as usual. Calling {@code proceed} from it reaches the
 *      network. Null (the default) for the network
 * @param sslContext the TLS context of this client's https connections (its key managers give a client
 *      certificate for mutual TLS, its trust managers decide which servers are trusted), instead of the JVM's
 *      default; null to build one from {@link #trustedCaFile()} and {@link #clientCertificateFile()}, or to
 *      use the JVM's default when both are null
 * @param trustDefaultCas whether the JDK's default CAs stay trusted when {@link #trustedCaFile()} is set;
 *      default true (the file adds to them); false trusts the file's CAs only
 * @param clientCertificateFile a PEM certificate chain to present when a server asks for a client certificate
 *      (mutual TLS), with {@link #clientKeyFile()}; null for none. Ignored when {@link #sslContext()} is set
 * @param clientKeyFile the PEM private key (PKCS#8, or PKCS#1 RSA) of {@link #clientCertificateFile()}
 * @param proxySelector which proxy each call's connection goes through, asked for every call's URL (its
 *      first {@link java.net.Proxy}: HTTP or SOCKS, SOCKS meaning SOCKS5; DIRECT for none); null (the
 *      default, as OkHttp) for direct connections. {@link Builder#proxyFromEnvironment()} reads
 *      {@code HTTP_PROXY}, {@code HTTPS_PROXY} and {@code NO_PROXY} as Go does, {@link Builder#proxy(String)}
 *      takes one proxy URL. Through an HTTP proxy, http requests go in absolute form (RFC 9112 section
 *      3.2.2) on connections to the proxy, and https ones through a CONNECT tunnel (RFC 9110 section 9.3.6)
 *      with TLS to the origin inside; through SOCKS5 (RFC 1928, the proxy resolves the name) both are
 *      tunnelled. A proxy URL's {@code user:password@} is sent as Basic (RFC 1929's user and password for
 *      SOCKS5); a 407 is answered by {@link #proxyAuthenticator()}, also for a tunnel's CONNECT. A proxy
 *      that refuses fails the call with a {@link ClientException} of kind PROXY naming it and its answer;
 *      connections are pooled per origin and proxy
 * @param proxyConnectTimeout
 *      Longest time for a proxy to set up a tunnel: an HTTP proxy's answer to CONNECT, or SOCKS5's
 *      greeting, authentication and connect.
 *      Starts when the TCP connection to the proxy is up; stops when the tunnel is (the TLS handshake to the
 *      origin has its own timeout after it). On expiry the connection is closed and the call fails with
 *      phase {@link io.hourglass.http.Phase#PROXY_CONNECT}, counted in
 *      {@code hourglass_timeouts_total{side="client",phase="proxy-connect"}}. Default 10s;
 *      {@code Duration.ZERO} disables it.
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
 *      once on a new connection; with {@code maxAttempts} above 1 that resend takes from the retry budget too
 *      (counted the same way), with 1 it is not counted
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
        List<Protocol> protocols,
        Duration http2ReadIdleTimeout,
        Duration http2PingTimeout,
        int http2StreamWindow,
        int http2ConnectionWindow,
        boolean http2StrictMaxConcurrentStreams,
        boolean tcpStateMetrics,
        boolean followRedirects,
        int maxRedirects,
        boolean transparentGzip,
        CookieJar cookieJar,
        Authenticator authenticator,
        Authenticator proxyAuthenticator,
        List<Interceptor> interceptors,
        List<Interceptor> networkInterceptors,
        Interceptor transport,
        SSLContext sslContext,
        boolean trustDefaultCas,
        Path clientCertificateFile,
        Path clientKeyFile,
        ProxySelector proxySelector,
        Duration proxyConnectTimeout,
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
     * @throws NullPointerException naming the field, for a missing policy, user agent, listener or protocol
     *     list, an interceptor list or an interceptor in one
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
        Durations.requireNonNegative("proxyConnectTimeout", proxyConnectTimeout);
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
        new io.hourglass.http.Headers(1).add("User-Agent", userAgent); // a header value: no CR, LF or other control
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
        if (maxRedirects < 0) {
            throw new IllegalArgumentException("maxRedirects must not be negative, got " + maxRedirects);
        }
        interceptors = List.copyOf(Objects.requireNonNull(interceptors, "interceptors")); // nulls inside throw too
        networkInterceptors = List.copyOf(Objects.requireNonNull(networkInterceptors, "networkInterceptors"));
        if ((clientCertificateFile == null) != (clientKeyFile == null)) {
            throw new IllegalArgumentException("clientCertificateFile and clientKeyFile go together, got only "
                    + (clientKeyFile == null ? "the certificate" : "the key"));
        }
        protocols = checkProtocols("protocols", protocols);
        Durations.requireNonNegative("http2ReadIdleTimeout", http2ReadIdleTimeout);
        Durations.requireNonNegative("http2PingTimeout", http2PingTimeout);
        if (http2StreamWindow < 65_535 || http2ConnectionWindow < 65_535) {
            throw new IllegalArgumentException("http2StreamWindow and http2ConnectionWindow must be at least 65535, got "
                    + http2StreamWindow + " and " + http2ConnectionWindow);
        }
    }

    /** Checks a protocol list (OkHttp's rule) and returns an unmodifiable copy. */
    static List<Protocol> checkProtocols(String field, List<Protocol> protocols) {
        Objects.requireNonNull(protocols, field);
        List<Protocol> p = List.copyOf(protocols);
        if (p.contains(Protocol.H2_PRIOR_KNOWLEDGE) ? p.size() != 1 : !p.contains(Protocol.HTTP_1_1)) {
            throw new IllegalArgumentException(field + " must be H2_PRIOR_KNOWLEDGE alone, or hold HTTP_1_1, got " + p);
        }
        if (p.size() != p.stream().distinct().count()) {
            throw new IllegalArgumentException(field + " lists a protocol twice: " + p);
        }
        return p;
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
        private List<Protocol> protocols = List.of(Protocol.HTTP_2, Protocol.HTTP_1_1);
        private Duration http2ReadIdleTimeout = Duration.ofSeconds(30);
        private Duration http2PingTimeout = Duration.ofSeconds(5);
        private int http2StreamWindow = 1024 * 1024;
        private int http2ConnectionWindow = 8 * 1024 * 1024;
        private boolean http2StrictMaxConcurrentStreams;
        private boolean tcpStateMetrics = true;
        private boolean followRedirects = true;
        private int maxRedirects = 10;
        private boolean transparentGzip = true;
        private CookieJar cookieJar;
        private Authenticator authenticator;
        private Authenticator proxyAuthenticator;
        private final List<Interceptor> interceptors = new ArrayList<>();
        private final List<Interceptor> networkInterceptors = new ArrayList<>();
        private Interceptor transport;
        private SSLContext sslContext;
        private boolean trustDefaultCas = true;
        private Path clientCertificateFile;
        private Path clientKeyFile;
        private ProxySelector proxySelector;
        private Duration proxyConnectTimeout = Duration.ofSeconds(10);
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
            protocols = c.protocols;
            http2ReadIdleTimeout = c.http2ReadIdleTimeout;
            http2PingTimeout = c.http2PingTimeout;
            http2StreamWindow = c.http2StreamWindow;
            http2ConnectionWindow = c.http2ConnectionWindow;
            http2StrictMaxConcurrentStreams = c.http2StrictMaxConcurrentStreams;
            tcpStateMetrics = c.tcpStateMetrics;
            followRedirects = c.followRedirects;
            maxRedirects = c.maxRedirects;
            transparentGzip = c.transparentGzip;
            cookieJar = c.cookieJar;
            authenticator = c.authenticator;
            proxyAuthenticator = c.proxyAuthenticator;
            interceptors.addAll(c.interceptors);
            networkInterceptors.addAll(c.networkInterceptors);
            transport = c.transport;
            sslContext = c.sslContext;
            trustDefaultCas = c.trustDefaultCas;
            clientCertificateFile = c.clientCertificateFile;
            clientKeyFile = c.clientKeyFile;
            proxySelector = c.proxySelector;
            proxyConnectTimeout = c.proxyConnectTimeout;
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
         * Sets {@link ClientConfig#trustedCaFile()}: its CAs are trusted in addition to the JDK's defaults.
         *
         * @param v a PEM file of CA certificates, or null for the JDK's alone
         * @return this builder
         */
        public Builder trustedCaFile(Path v) {
            trustedCaFile = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#trustedCaFile()} and {@link ClientConfig#trustDefaultCas()}.
         *
         * @param v a PEM file of CA certificates
         * @param alsoTrustDefaults false to trust this file's CAs only
         * @return this builder
         */
        public Builder trustedCaFile(Path v, boolean alsoTrustDefaults) {
            trustedCaFile = v;
            trustDefaultCas = alsoTrustDefaults;
            return this;
        }

        /**
         * Sets {@link ClientConfig#sslContext()}.
         *
         * @param v the TLS context, or null to build one from the CA and client certificate files
         * @return this builder
         */
        public Builder sslContext(SSLContext v) {
            sslContext = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#sslContext()} to a new TLS context made of these managers, as
         * {@code SSLContext.init} takes them.
         *
         * @param keyManagers the client certificates to present (mutual TLS), or null for none
         * @param trustManagers the servers to trust, or null for the JDK's defaults
         * @return this builder
         * @throws IllegalStateException if the JDK has no TLS implementation
         */
        public Builder tls(KeyManager[] keyManagers, TrustManager[] trustManagers) {
            try {
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(keyManagers, trustManagers, null);
                sslContext = ctx;
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException("cannot make a TLS context: " + e.getMessage(), e);
            }
            return this;
        }

        /**
         * Sets {@link ClientConfig#clientCertificateFile()} and {@link ClientConfig#clientKeyFile()}.
         *
         * @param certificateFile a PEM certificate chain, or null for none
         * @param keyFile its PEM private key, or null for none
         * @return this builder
         */
        public Builder clientCertificate(Path certificateFile, Path keyFile) {
            clientCertificateFile = certificateFile;
            clientKeyFile = keyFile;
            return this;
        }

        /**
         * Sets {@link ClientConfig#followRedirects()}.
         *
         * @param v whether calls follow redirects
         * @return this builder
         */
        public Builder followRedirects(boolean v) {
            followRedirects = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#maxRedirects()}.
         *
         * @param v the most redirects a call follows
         * @return this builder
         */
        public Builder maxRedirects(int v) {
            maxRedirects = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#transparentGzip()}.
         *
         * @param v whether to ask for gzip and decompress it
         * @return this builder
         */
        public Builder transparentGzip(boolean v) {
            transparentGzip = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#cookieJar()}.
         *
         * @param v the jar, or null for no cookies
         * @return this builder
         */
        public Builder cookieJar(CookieJar v) {
            cookieJar = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#authenticator()}.
         *
         * @param v answers 401s, or null
         * @return this builder
         */
        public Builder authenticator(Authenticator v) {
            authenticator = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#proxySelector()}.
         *
         * @param v chooses the proxy for each URL; null for direct connections
         * @return this builder
         */
        public Builder proxySelector(ProxySelector v) {
            proxySelector = v;
            return this;
        }

        /**
         * Sends every call through one proxy, as curl's {@code -x} does (loopback addresses included).
         *
         * @param url {@code http://[user:password@]host[:port]} (port 80 by default) or
         *     {@code socks5://[user:password@]host[:port]} (1080; {@code socks5h} is the same: the proxy always
         *     resolves the name); without a scheme, http. Percent-escapes in the credentials are decoded
         * @return this builder
         * @throws IllegalArgumentException for a URL that is not one of those, naming it
         */
        public Builder proxy(String url) {
            return proxy(url, null);
        }

        /**
         * Sends every call through one proxy but those to the hosts {@code noProxy} lists, as curl's {@code -x}
         * with {@code --noproxy}.
         *
         * @param url the proxy, as {@link #proxy(String)} takes it
         * @param noProxy the exceptions, in {@code NO_PROXY}'s syntax (see {@link #proxyFromEnvironment()});
         *     null or empty for none
         * @return this builder
         * @throws IllegalArgumentException for a URL that is not one {@link #proxy(String)} takes, naming it
         */
        public Builder proxy(String url, String noProxy) {
            Proxies.Route r = Proxies.parse("proxy", Objects.requireNonNull(url, "url"));
            proxySelector = new Proxies.Env(r, r, Proxies.NoProxy.parse(noProxy), false);
            return this;
        }

        /**
         * Chooses proxies from the environment as Go's {@code ProxyFromEnvironment} does: {@code HTTP_PROXY}
         * for http URLs (ignored when {@code REQUEST_METHOD} is set, as in a CGI program), {@code HTTPS_PROXY}
         * for https, each a URL as {@link #proxy(String)} takes; {@code NO_PROXY} lists the exceptions
         * (comma-separated host names, which match their subdomains too, {@code .domain} for the subdomains only,
         * IP addresses, CIDR blocks, an optional {@code :port}, or {@code *} for all). The upper-case name wins,
         * then the lower-case one. {@code localhost} and loopback addresses never go through the proxy. Read once,
         * now.
         *
         * @return this builder
         * @throws IllegalArgumentException for a variable whose proxy URL cannot be used, naming it
         */
        public Builder proxyFromEnvironment() {
            proxySelector = Proxies.fromEnvironment(System.getenv());
            return this;
        }

        /**
         * Sets {@link ClientConfig#proxyConnectTimeout()}.
         *
         * @param v the timeout; {@code Duration.ZERO} disables it
         * @return this builder
         */
        public Builder proxyConnectTimeout(Duration v) {
            proxyConnectTimeout = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#proxyAuthenticator()}.
         *
         * @param v answers 407s, or null
         * @return this builder
         */
        public Builder proxyAuthenticator(Authenticator v) {
            proxyAuthenticator = v;
            return this;
        }

        /**
         * Adds an application interceptor to {@link ClientConfig#interceptors()}, inside those added before.
         *
         * @param v the interceptor
         * @return this builder
         */
        public Builder addInterceptor(Interceptor v) {
            interceptors.add(Objects.requireNonNull(v, "interceptor"));
            return this;
        }

        /**
         * Adds a network interceptor to {@link ClientConfig#networkInterceptors()}, inside those added before.
         *
         * @param v the interceptor
         * @return this builder
         */
        public Builder addNetworkInterceptor(Interceptor v) {
            networkInterceptors.add(Objects.requireNonNull(v, "interceptor"));
            return this;
        }

        /**
         * Sets {@link ClientConfig#transport()}.
         *
         * @param v what answers each hop instead of the network, or null for the network
         * @return this builder
         */
        public Builder transport(Interceptor v) {
            transport = v;
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
         * Sets {@link ClientConfig#protocols()}.
         *
         * @param v the protocols, {@code H2_PRIOR_KNOWLEDGE} alone or a list holding {@code HTTP_1_1}
         * @return this builder
         */
        public Builder protocols(List<Protocol> v) {
            protocols = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#protocols()}.
         *
         * @param v the protocols, {@code H2_PRIOR_KNOWLEDGE} alone or a list holding {@code HTTP_1_1}
         * @return this builder
         */
        public Builder protocols(Protocol... v) {
            protocols = List.of(v);
            return this;
        }

        /**
         * Sets {@link ClientConfig#http2ReadIdleTimeout()}.
         *
         * @param v the time without a read before a PING; {@code Duration.ZERO} disables it
         * @return this builder
         */
        public Builder http2ReadIdleTimeout(Duration v) {
            http2ReadIdleTimeout = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#http2PingTimeout()}.
         *
         * @param v the wait for a PING's ACK; {@code Duration.ZERO} disables pings
         * @return this builder
         */
        public Builder http2PingTimeout(Duration v) {
            http2PingTimeout = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#http2StreamWindow()}.
         *
         * @param v the receive window of a stream in bytes, at least 65 535
         * @return this builder
         */
        public Builder http2StreamWindow(int v) {
            http2StreamWindow = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#http2ConnectionWindow()}.
         *
         * @param v the receive window of a connection in bytes, at least 65 535
         * @return this builder
         */
        public Builder http2ConnectionWindow(int v) {
            http2ConnectionWindow = v;
            return this;
        }

        /**
         * Sets {@link ClientConfig#http2StrictMaxConcurrentStreams()}.
         *
         * @param v true to wait for a stream slot instead of opening another connection
         * @return this builder
         */
        public Builder http2StrictMaxConcurrentStreams(boolean v) {
            http2StrictMaxConcurrentStreams = v;
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
         * @throws NullPointerException naming the field, for a missing policy, user agent, listener or protocol list
         */
        public ClientConfig build() {
            return new ClientConfig(timeout, connectTimeout, fallbackDelay, tlsHandshakeTimeout, responseHeaderTimeout,
                    expectContinueTimeout, idleTimeout, poolWaitTimeout, maxConnsPerHost, maxIdlePerHost,
                    timeoutPolicy, drainTimeout, drainMaxBytes, trustedCaFile, userAgent, listener, protocols,
                    http2ReadIdleTimeout, http2PingTimeout, http2StreamWindow, http2ConnectionWindow,
                    http2StrictMaxConcurrentStreams, tcpStateMetrics, followRedirects,
                    maxRedirects, transparentGzip, cookieJar, authenticator, proxyAuthenticator, interceptors,
                    networkInterceptors, transport, sslContext, trustDefaultCas, clientCertificateFile, clientKeyFile,
                    proxySelector, proxyConnectTimeout,
                    inheritDeadline, forwardDeadline, deadlineHeader, deadlineReserve, maxAttempts, perTryTimeout,
                    retryBudgetPercent, retryBudgetFloor, retryBackoff, retryBackoffMax, maxDialsPerHost, hedgeDelay);
        }
    }
}
