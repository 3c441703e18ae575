package io.hourglass.bench.client;

import io.hourglass.bench.client.ClosedLoop.Threads;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kotlin.KotlinVersion;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttp;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Client peer: OkHttp 5 in the closed loop of {@link ClosedLoop} ({@code java -jar okhttp-peer.jar URL N C [W]}).
 *
 * <p>One {@code OkHttpClient} with its defaults except: a {@code Dispatcher} with maxRequests and
 * maxRequestsPerHost = C (it only limits {@code enqueue()}, set so that nothing caps C), a
 * {@code ConnectionPool} keeping up to C idle connections for 5 minutes, and HTTP/1.1 only (what cleartext
 * gets anyway); with {@code BENCH_H2_CA} set, HTTP/2 over TLS by ALPN trusting that CA. One immutable {@code Request}, shared. C platform threads each call
 * {@code client.newCall(request).execute()}, read the body with {@code body().bytes()} and close the response.
 *
 * <p>Platform threads, because that is how OkHttp's synchronous API is used: it does its blocking socket I/O
 * on the calling thread, and its users call it from a pool of ordinary threads (an executor, a server's
 * request threads, Kotlin's Dispatchers.IO). {@code -Dbench.threads=virtual} tries virtual ones.
 */
public final class OkHttpPeer {
    private static final String NAME = "okhttp";

    private OkHttpPeer() {}

    public static void main(String[] args) throws Exception {
        ClosedLoop.Args a = ClosedLoop.parse(NAME, "OkHttp " + OkHttp.VERSION + " (Kotlin stdlib "
                + KotlinVersion.CURRENT + ")", args);
        int c = a.concurrency();
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(c);
        dispatcher.setMaxRequestsPerHost(c);
        OkHttpClient.Builder b = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(c, 5, TimeUnit.MINUTES))
                .protocols(List.of(Protocol.HTTP_1_1));
        java.nio.file.Path ca = H2Tls.ca();
        if (ca != null) {
            // HTTP/2 over TLS by ALPN (client-compare.sh --protocol h2): OkHttp's default protocols
            javax.net.ssl.X509TrustManager tm = H2Tls.trustManager(ca);
            b.protocols(List.of(Protocol.HTTP_2, Protocol.HTTP_1_1))
                    .sslSocketFactory(H2Tls.sslContext(ca).getSocketFactory(), tm);
        }
        OkHttpClient client = b.build();
        Request request = new Request.Builder().url(a.url()).build();
        ClosedLoop.run(NAME, a, ClosedLoop.threads(NAME, Threads.PLATFORM), () -> {
            try (Response response = client.newCall(request).execute()) {
                response.body().bytes();
                return response.code();
            }
        });
    }
}
