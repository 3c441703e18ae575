package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code Client.sendAsync}: each call on a virtual thread of its own, a future that completes with the
 * response or the call's error, and whose cancel cancels the call (issue 13).
 */
class ClientAsyncTest {
    Server server;
    final CountDownLatch inHandler = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        server = Server.start(ServerConfig.builder().port(0).build(), (req, res) -> {
            if (req.path().equals("/block")) {
                inHandler.countDown();
                release.await(5, TimeUnit.SECONDS);
            }
            res.send("ok " + req.path());
        });
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.shutdown();
    }

    @Test
    void manyCallsCompleteEachOnAVirtualThread() throws Exception {
        AtomicBoolean platform = new AtomicBoolean();
        Interceptor where = chain -> {
            if (!Thread.currentThread().isVirtual()) platform.set(true);
            return chain.proceed(chain.request());
        };
        try (Client c = new Client(ClientConfig.builder().addInterceptor(where).build())) {
            List<CompletableFuture<String>> all = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                all.add(c.sendAsync(ClientRequest.get(server.url() + "/n" + i)).thenApply(r -> {
                    try (r) {
                        return r.bodyAsString();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            for (int i = 0; i < 200; i++) {
                assertThat(all.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("ok /n" + i);
            }
        }
        assertThat(platform).isFalse();
    }

    @Test
    void aFailedCallCompletesTheFutureExceptionally() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed: nothing listens there any more
        }
        try (Client c = new Client()) {
            CompletableFuture<ClientResponse> f = c.sendAsync(ClientRequest.get("http://127.0.0.1:" + port + "/"));
            assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(ClientException.class,
                            e -> assertThat(e.kind()).isEqualTo(ClientException.Kind.REFUSED));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TimeoutPolicy.class)
    void cancellingTheFutureCancelsTheCallAtOnce(TimeoutPolicy policy) throws Exception {
        AtomicReference<IOException> failed = new AtomicReference<>();
        CountDownLatch ended = new CountDownLatch(1);
        EventListener l = new EventListener() {
            @Override public void callFailed(ClientRequest r, IOException e) {
                failed.set(e);
                ended.countDown();
            }
        };
        try (Client c = new Client(ClientConfig.builder().timeoutPolicy(policy).listener(l).build())) {
            CompletableFuture<ClientResponse> f = c.sendAsync(ClientRequest.get(server.url() + "/block"));
            assertThat(inHandler.await(5, TimeUnit.SECONDS)).isTrue();
            long t0 = System.nanoTime();
            assertThat(f.cancel(true)).isTrue();
            assertThat(ended.await(2, TimeUnit.SECONDS)).as("the call ended").isTrue();
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
            assertThat(failed.get()).isInstanceOfSatisfying(ClientException.class,
                    e -> assertThat(e.kind()).isEqualTo(ClientException.Kind.CANCELLED));
            assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);
        }
    }

    @Test
    void cancellingAfterTheResponseChangesNothing() throws Exception {
        try (Client c = new Client()) {
            CompletableFuture<ClientResponse> f = c.sendAsync(ClientRequest.get(server.url() + "/x"));
            try (ClientResponse r = f.get(5, TimeUnit.SECONDS)) {
                assertThat(f.cancel(true)).isFalse();
                assertThat(r.bodyAsString()).isEqualTo("ok /x");
            }
        }
    }
}
