package io.hourglass.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.testing.Await;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Go's deadline semantics on a real loopback socket pair. Timing asserts windows, not instants. */
class ConnTest {
    static final long SLACK_MS = 900;
    ServerSocket listener;
    Socket peer;
    Conn conn;

    @BeforeEach
    void pair() throws Exception {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        peer = listener.accept();
        conn = Conn.of(client);
    }

    @AfterEach
    void close() throws Exception {
        conn.close();
        peer.close();
        listener.close();
    }

    /** Waits until the shared timer has taken {@code c} off its queue into the wheel and gone back to sleep. */
    static void awaitTimerAsleepWith(Conn c) throws InterruptedException {
        Thread timer = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("hourglass-deadlines")).findFirst().orElseThrow();
        Await.until("the timer takes the connection in and sleeps", () -> (int) Conn.QUEUED.getVolatile(c) == 0
                && timer.getState() == Thread.State.TIMED_WAITING);
    }

    static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void readDeadlineIsNotExtendedByProgress() throws Exception {
        long t0 = System.nanoTime();
        conn.setReadDeadline(Instant.now().plusMillis(600));
        Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < 20; i++) {
                    peer.getOutputStream().write('x'); // a byte every 100 ms: progress, but the deadline holds
                    Thread.sleep(100);
                }
            } catch (Exception ignored) {
                // the test ended
            }
        });
        byte[] b = new byte[1];
        int got = 0;
        DeadlineExceededException failed = null;
        try {
            while (true) {
                if (conn.read(b, 0, 1) > 0) got++;
            }
        } catch (DeadlineExceededException e) {
            failed = e;
        }
        assertThat(failed.op()).isEqualTo(DeadlineExceededException.Op.READ);
        assertThat(got).isBetween(3, 8);
        assertThat(ms(t0)).isBetween(590L, 600 + SLACK_MS);
        // once passed, later reads fail at once too
        assertThatThrownBy(() -> conn.read(b, 0, 1)).isInstanceOf(DeadlineExceededException.class);
        // and the write side still works (a server can still answer 408)
        conn.write(new byte[] {'o', 'k'}, 0, 2);
        assertThat(peer.getInputStream().readNBytes(2)).containsExactly('o', 'k');
    }

    @Test
    void aDeadlineAlreadyPassedFailsTheNextReadAtOnce() {
        conn.setReadDeadline(Instant.now().minusSeconds(1));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> conn.read(new byte[1], 0, 1)).isInstanceOf(DeadlineExceededException.class);
        assertThat(ms(t0)).isLessThan(100);
    }

    @Test
    void clearingTheDeadlineBeforeItPassesLeavesReadsBlockingNormally() throws Exception {
        conn.setReadDeadline(Instant.now().plusMillis(200));
        conn.setReadDeadline(null);
        CountDownLatch sent = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(500); // the peer writes after the cleared 200 ms deadline
                peer.getOutputStream().write('z');
                sent.countDown();
            } catch (Exception ignored) {
                // the test ended
            }
        });
        byte[] b = new byte[1];
        assertThat(conn.read(b, 0, 1)).isEqualTo(1);
        assertThat(b[0]).isEqualTo((byte) 'z');
        assertThat(sent.await(1, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void writeDeadlineHoldsWhenThePeerNeverReadsAndResetsTheConnection() throws Exception {
        byte[] block = new byte[64 * 1024];
        // t0 before the deadline is computed: the first arm of a JVM starts the timer thread and loads classes,
        // and a pause there, counted from after setWriteDeadline, made a correct expiry look 13 ms early on CI
        long t0 = System.nanoTime();
        conn.setWriteDeadline(Instant.now().plusMillis(500));
        DeadlineExceededException failed = null;
        try {
            for (int i = 0; i < 100_000; i++) {
                conn.write(block, 0, block.length); // the peer never reads: the buffers fill, the write blocks
            }
        } catch (DeadlineExceededException e) {
            failed = e;
        }
        assertThat(failed).isNotNull();
        assertThat(failed.op()).isEqualTo(DeadlineExceededException.Op.WRITE);
        assertThat(ms(t0)).isBetween(500L, 500 + SLACK_MS);
        assertThat(conn.isClosed()).isTrue();
        // aborted: the peer sees a reset, not an orderly end after the unsent data
        peer.setSoTimeout(5000);
        assertThatThrownBy(() -> {
            byte[] sink = new byte[1 << 16];
            while (peer.getInputStream().read(sink) >= 0) { /* drain what arrived before the reset */ }
        }).isInstanceOf(java.net.SocketException.class);
    }

    @Test
    void alarmRunsOnceAtItsInstant() throws Exception {
        CountDownLatch rang = new CountDownLatch(1);
        long[] at = new long[1];
        conn.setAlarm(() -> {
            at[0] = System.nanoTime();
            rang.countDown();
        });
        long t0 = System.nanoTime();
        conn.armAlarm(t0 + 300_000_000L);
        assertThat(rang.await(3, TimeUnit.SECONDS)).isTrue();
        assertThat((at[0] - t0) / 1_000_000).isBetween(299L, 300 + SLACK_MS);
    }

    @Test
    void armingAndDisarmingDeadlinesAllocatesNothing() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long far = System.nanoTime() + 60_000_000_000L;
        conn.setReadDeadlineNanos(far); // first arm may queue the connection to the timer
        for (int i = 0; i < 10_000; i++) { // warm up so the JIT has compiled the path
            conn.setReadDeadlineNanos(far + i);
            conn.setWriteDeadlineNanos(far + i);
            conn.setReadDeadlineNanos(0);
            conn.setWriteDeadlineNanos(0);
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000_000; i++) {
            conn.setReadDeadlineNanos(far + i);
            conn.setWriteDeadlineNanos(far + i);
            conn.setReadDeadlineNanos(0);
            conn.setWriteDeadlineNanos(0);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated by 4 million arm/disarm calls").isLessThan(16 * 1024);
    }

    @Test
    void aFarDeadlineDoesNotWakeTheTimerEveryTick() throws Exception {
        // The timer sleeps until the slot of the next deadline it holds (at most one wheel turn, about 1 s,
        // ahead), not tick by tick: one armed deadline 30 s away costs about one wake-up per second.
        conn.setReadDeadlineNanos(System.nanoTime() + 30_000_000_000L);
        awaitTimerAsleepWith(conn);
        long before = DeadlineTimer.INSTANCE.wakeups();
        Thread.sleep(500); // the measured window, not an ordering
        long woke = DeadlineTimer.INSTANCE.wakeups() - before;
        // Ticking every millisecond would be about 500; other tests' leftovers could add a few.
        assertThat(woke).as("timer wake-ups in 500 ms with one far deadline").isLessThan(50);
        conn.setReadDeadlineNanos(0);
    }

    @Test
    void aNearDeadlineOfAConnectionAlreadyQueuedWithAFarOneWakesTheTimer() throws Exception {
        // The timer sleeps until its next slot (here about 1 s away, for conn's far deadline). A second
        // connection queued for a far deadline, then armed for a near one, must still wake it in time.
        conn.setReadDeadlineNanos(System.nanoTime() + 30_000_000_000L);
        awaitTimerAsleepWith(conn); // scheduled about one wheel turn ahead, the timer sleeps until then
        try (ServerSocket l2 = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket s2 = new Socket(InetAddress.getLoopbackAddress(), l2.getLocalPort());
                Socket p2 = l2.accept();
                Conn c2 = Conn.of(s2)) {
            assertThat(p2.isConnected()).isTrue();
            CountDownLatch rang = new CountDownLatch(1);
            long[] at = new long[1];
            c2.setAlarm(() -> {
                at[0] = System.nanoTime();
                rang.countDown();
            });
            long t0 = System.nanoTime();
            c2.setReadDeadlineNanos(t0 + 30_000_000_000L); // queued; the sleeping timer need not wake for it
            c2.armAlarm(t0 + 20_000_000L);                  // but for this it must
            assertThat(rang.await(3, TimeUnit.SECONDS)).isTrue();
            // Sleeping through to the far slot would make it about 1000 ms late.
            assertThat((at[0] - t0) / 1_000_000).isBetween(19L, 20L + 700);
        }
        conn.setReadDeadlineNanos(0);
    }
}
