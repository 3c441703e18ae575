package io.hourglass.bench.client;

import io.hourglass.bench.client.ClosedLoop.Threads;
import java.net.URI;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.Jetty;

/**
 * Client peer: Jetty 12's {@code HttpClient} in the closed loop of {@link ClosedLoop}
 * ({@code java -jar jettyclient-peer.jar URL N C [W]}).
 *
 * <p>{@code new HttpClient()} (HTTP/1.1 transport, its own QueuedThreadPool and selector) with its defaults
 * except maxConnectionsPerDestination = C; with {@code BENCH_H2_CA} set, {@code HttpClientTransportOverHTTP2}
 * (HTTP/2 over TLS by ALPN) trusting that CA. C platform threads each make the blocking call
 * {@code client.newRequest(uri).send()}, which buffers the whole body into the returned
 * {@code ContentResponse}; Jetty's own threads do the I/O while the caller waits.
 *
 * <p>Platform threads, as for the other blocking-API peers; {@code -Dbench.threads=virtual} tries virtual
 * ones.
 */
public final class JettyClientPeer {
    private static final String NAME = "jettyclient";

    private JettyClientPeer() {}

    public static void main(String[] args) throws Exception {
        ClosedLoop.Args a = ClosedLoop.parse(NAME, "Jetty HttpClient " + Jetty.VERSION, args);
        HttpClient client;
        java.nio.file.Path ca = H2Tls.ca();
        if (ca != null) {
            // HTTP/2 over TLS by ALPN (client-compare.sh --protocol h2): Jetty's HTTP/2 transport
            org.eclipse.jetty.io.ClientConnector connector = new org.eclipse.jetty.io.ClientConnector();
            org.eclipse.jetty.util.ssl.SslContextFactory.Client ssl = new org.eclipse.jetty.util.ssl.SslContextFactory.Client();
            ssl.setTrustStore(H2Tls.trustStore(ca));
            connector.setSslContextFactory(ssl);
            client = new HttpClient(new org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2(
                    new org.eclipse.jetty.http2.client.HTTP2Client(connector)));
        } else {
            client = new HttpClient();
        }
        client.setMaxConnectionsPerDestination(a.concurrency());
        client.start();
        URI uri = URI.create(a.url());
        ClosedLoop.run(NAME, a, ClosedLoop.threads(NAME, Threads.PLATFORM), () -> client.newRequest(uri).send().getStatus());
    }
}
