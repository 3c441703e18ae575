package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.http.Phase;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A call's timeout is counted once even when two threads time it out at the same instant: the caller's (a body
 * read that fails) and the timer's (a body left unread past the call's deadline). With a plain flag both could
 * pass its check before either set it, and the metric counted two timeouts for one call.
 */
class ExchangeTimeoutCountTest {
    @Test
    void twoThreadsTimingOutOneCallCountOneTimeout() throws Exception {
        int calls = 20_000;
        try (Client client = new Client()) {
            ClientRequest req = ClientRequest.get("http://127.0.0.1:9/");
            AtomicReference<Exchange> current = new AtomicReference<>();
            CyclicBarrier start = new CyclicBarrier(2, () -> {
                Call call = client.newCall(req);
                call.startClock();
                current.set(new Exchange(call, req, new HopState(false)));
            });
            CyclicBarrier done = new CyclicBarrier(2);
            Runnable racer = () -> {
                try {
                    for (int i = 0; i < calls; i++) {
                        start.await(10, TimeUnit.SECONDS);
                        current.get().totalTimeout("racing");
                        done.await(10, TimeUnit.SECONDS);
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            Thread a = Thread.ofPlatform().start(racer);
            Thread b = Thread.ofPlatform().start(racer);
            a.join();
            b.join();
            assertThat(client.stats().timeouts(Phase.TOTAL)).isEqualTo(calls);
        }
    }
}
