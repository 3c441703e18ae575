package io.hourglass.bench.client;

import io.hourglass.bench.client.ClosedLoop.Threads;
import java.net.URI;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.HttpClientResponseHandler;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.VersionInfo;

/**
 * Client peer: Apache HttpClient 5, classic (blocking) API, in the closed loop of {@link ClosedLoop}
 * ({@code java -jar apache-peer.jar URL N C [W]}).
 *
 * <p>{@code HttpClients.custom()} with its defaults except the connection manager: a
 * {@code PoolingHttpClientConnectionManager} with maxTotal = maxPerRoute = C. C platform threads each call
 * {@code client.execute(new HttpGet(uri), handler)}; the response handler reads the entity with
 * {@code EntityUtils.toByteArray} and returns the status, and {@code execute} then releases the connection
 * to the pool for reuse.
 *
 * <p>Platform threads: the classic API does blocking I/O on the calling thread and is used from a fixed
 * pool of ordinary threads. {@code -Dbench.threads=virtual} tries virtual ones.
 */
public final class ApachePeer {
    private static final String NAME = "apache";

    private ApachePeer() {}

    private static String version() {
        ClassLoader cl = ApachePeer.class.getClassLoader();
        VersionInfo client = VersionInfo.loadVersionInfo("org.apache.hc.client5", cl);
        VersionInfo core = VersionInfo.loadVersionInfo("org.apache.hc.core5", cl);
        return "Apache HttpClient " + (client == null ? "?" : client.getRelease()) + " classic (HttpCore "
                + (core == null ? "?" : core.getRelease()) + ")";
    }

    public static void main(String[] args) throws Exception {
        ClosedLoop.Args a = ClosedLoop.parse(NAME, version(), args);
        int c = a.concurrency();
        PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(c)
                .setMaxConnPerRoute(c)
                .build();
        CloseableHttpClient client = HttpClients.custom().setConnectionManager(pool).build();
        URI uri = URI.create(a.url());
        HttpClientResponseHandler<Integer> handler = response -> {
            HttpEntity entity = response.getEntity();
            if (entity != null) EntityUtils.toByteArray(entity);
            return response.getCode();
        };
        ClosedLoop.run(NAME, a, ClosedLoop.threads(NAME, Threads.PLATFORM),
                () -> client.execute(new HttpGet(uri), handler));
    }
}
