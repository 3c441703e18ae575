package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.testing.RawPeer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The dial limit per origin ({@link ClientConfig#maxDialsPerHost()}, golang/go#76784): toward an origin whose
 * connects hang (a blackhole listener), 20 calls start at most the limit's dials; the others wait as for the
 * cap and fail with a PoolTimeoutException that names the limit, while without the limit each call starts a
 * dial of its own (up to maxConnsPerHost).
 */
class ClientDialLimitTest {
    @Test
    void hungDialsToAnOriginAreBoundedByTheLimitNotByTheCap() throws Exception {
        try (RawPeer hole = RawPeer.blackhole()) {
            assertThat(dialsStarted(hole, 3)).isEqualTo(3);
            assertThat(dialsStarted(hole, 0)).isEqualTo(20); // no limit: one hung dial per call
        }
    }

    /** Starts 20 calls to the blackhole at once; returns how many dials began. */
    private static int dialsStarted(RawPeer hole, int limit) throws Exception {
        AtomicInteger dials = new AtomicInteger();
        ConcurrentLinkedQueue<IOException> errors = new ConcurrentLinkedQueue<>();
        EventListener ev = new EventListener() {
            @Override
            public void connectStart(ClientRequest request, java.net.InetSocketAddress address) {
                dials.incrementAndGet();
            }
        };
        ClientConfig cfg = ClientConfig.builder().maxDialsPerHost(limit).connectTimeout(Duration.ofMillis(600))
                .poolWaitTimeout(Duration.ofMillis(300)).listener(ev).build();
        try (Client client = new Client(cfg)) {
            List<Thread> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(Thread.ofVirtual().start(() -> {
                    try (ClientResponse r = client.send(ClientRequest.get(hole.url("/")))) {
                        r.body().readAllBytes();
                    } catch (IOException e) {
                        errors.add(e);
                    }
                }));
            }
            for (Thread t : calls) t.join();
        }
        assertThat(errors).hasSize(20);
        if (limit > 0) {
            // the 17 that could not dial gave up after the pool-wait timeout, naming the limit
            assertThat(errors).filteredOn(e -> e instanceof PoolTimeoutException).hasSize(17)
                    .allSatisfy(e -> assertThat(e.getMessage()).contains("maxDialsPerHost=" + limit));
        }
        return dials.get();
    }
}
