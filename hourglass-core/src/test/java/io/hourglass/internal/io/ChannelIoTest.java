package io.hourglass.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.testing.Await;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/** {@link ChannelIo}'s close, which the shared timer calls (a write deadline) and so must never wait. */
@EnabledForJreRange(min = JRE.JAVA_25) // the client uses ChannelIo only there; before, select pins its carrier
class ChannelIoTest {

    /**
     * A virtual thread waits in the selector and cannot get a carrier (every carrier busy): {@code close} from
     * another thread returns at once instead of waiting for it to leave {@code select}, and the selector is
     * closed by that thread as soon as it runs again.
     */
    @Test
    @Timeout(30)
    void closeNeverWaitsForTheThreadInSelect() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            SocketChannel ch = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    server.getLocalPort()));
            try (Socket peer = server.accept()) {
                ChannelIo io = ChannelIo.open(ch);
                CountDownLatch watching = new CountDownLatch(1);
                AtomicBoolean readable = new AtomicBoolean(true);
                Thread watcher = Thread.ofVirtual().start(() -> readable.set(io.awaitReadable(() -> {
                    watching.countDown();
                    return true;
                })));
                watching.await();
                Await.until("the watcher waits in select", () -> stackHas(watcher, "select"));

                // every carrier spins: the watcher, once woken, gets no carrier until they stop
                int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                        Runtime.getRuntime().availableProcessors());
                AtomicBoolean spin = new AtomicBoolean(true);
                CountDownLatch spinning = new CountDownLatch(carriers);
                List<Thread> spinners = new ArrayList<>();
                for (int i = 0; i < carriers; i++) {
                    spinners.add(Thread.ofVirtual().start(() -> {
                        spinning.countDown();
                        while (spin.get()) {
                            Thread.onSpinWait();
                        }
                    }));
                }
                boolean returned;
                try {
                    spinning.await();
                    // on a platform thread of its own (as the timer is), so that a close that waits fails the test
                    // instead of hanging it
                    Thread closer = Thread.ofPlatform().start(io::close);
                    returned = closer.join(Duration.ofMillis(100));
                } finally {
                    spin.set(false);
                    for (Thread t : spinners) {
                        t.join();
                    }
                }
                assertThat(returned).as("close returned within 100 ms while the thread in select had no carrier")
                        .isTrue();
                watcher.join();
                assertThat(readable.get()).as("the watch ends as closed, not readable").isFalse();
                Await.until("the selector is closed by the thread that left it", () -> !io.isOpen());
                assertThat(peer.getInputStream().read()).as("the peer sees the FIN").isEqualTo(-1);
            }
        }
    }

    private static boolean stackHas(Thread t, String method) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getMethodName().contains(method) && e.getClassName().contains("Selector")) {
                return true;
            }
        }
        return false;
    }
}
