package io.hourglass.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.internal.time.Timers;
import io.hourglass.testing.ManualClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The timing wheel on fake time: deadlines, alarms and tasks pass when the test advances the clock, exactly at
 * their instant and never before, with no sleeping.
 */
class ConnManualClockTest {
    final ManualClock clock = new ManualClock();
    ServerSocket listener;
    Socket peer;
    Conn conn;

    @BeforeEach
    void pair() throws Exception {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        peer = listener.accept();
        conn = Conn.of(client, clock);
    }

    @AfterEach
    void close() throws Exception {
        conn.close();
        peer.close();
        listener.close();
    }

    /** A read on its own thread, which reports how it ended. */
    CompletableFuture<Object> blockedRead() {
        CompletableFuture<Object> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(conn.read(new byte[1], 0, 1));
            } catch (IOException e) {
                f.complete(e);
            }
        });
        return f;
    }

    @Test
    void readDeadlinePassesWhenTheClockReachesItAndNotBefore() throws Exception {
        conn.setReadDeadlineNanos(clock.nanoTime() + Duration.ofSeconds(30).toNanos());
        CompletableFuture<Object> read = blockedRead();
        clock.advance(Duration.ofSeconds(30).minusMillis(1));
        assertThat(conn.readExpired()).as("1 ms before the deadline").isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(conn.readExpired()).as("at the deadline, when advance returns").isTrue();
        assertThat(read.get(5, TimeUnit.SECONDS)).isInstanceOf(DeadlineExceededException.class);
    }

    @Test
    void writeDeadlineResetsTheConnectionAtItsInstant() throws Exception {
        conn.setWriteDeadlineNanos(clock.nanoTime() + Duration.ofMinutes(5).toNanos());
        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertThat(conn.isClosed()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(conn.writeExpired()).isTrue();
        assertThat(conn.isClosed()).isTrue();
    }

    @Test
    void alarmRunsOnceAtItsInstantAndAMovedAlarmFollows() {
        AtomicInteger runs = new AtomicInteger();
        conn.setAlarm(runs::incrementAndGet);
        long t0 = clock.nanoTime();
        conn.armAlarm(t0 + Duration.ofMillis(500).toNanos());
        conn.armAlarm(t0 + Duration.ofSeconds(3).toNanos()); // moved later: the earlier slot must not fire it
        clock.advance(Duration.ofSeconds(2));
        assertThat(runs).hasValue(0);
        clock.advance(Duration.ofSeconds(1));
        assertThat(runs).hasValue(1);
        clock.advance(Duration.ofHours(1));
        assertThat(runs).as("once").hasValue(1);
    }

    @Test
    void aDeadlineBeyondOneWheelTurnGoesAroundUntilItIsDue() {
        conn.setReadDeadlineNanos(clock.nanoTime() + Duration.ofSeconds(10).toNanos());
        for (int i = 0; i < 9; i++) {
            clock.advance(Duration.ofSeconds(1));
            assertThat(conn.readExpired()).as("after %d s", i + 1).isFalse();
        }
        clock.advance(Duration.ofSeconds(1));
        assertThat(conn.readExpired()).isTrue();
    }

    @Test
    void tasksRunAtTheirInstantAndCancelledOnesNever() {
        CountDownLatch ran = new CountDownLatch(1);
        AtomicInteger cancelledRuns = new AtomicInteger();
        long t0 = clock.nanoTime();
        Timers.schedule(clock, t0 + Duration.ofMillis(300).toNanos(), ran::countDown);
        Timers.schedule(clock, t0 + Duration.ofMillis(200).toNanos(), cancelledRuns::incrementAndGet).cancel();
        clock.advance(Duration.ofMillis(299));
        assertThat(ran.getCount()).isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(ran.getCount()).isZero();
        assertThat(cancelledRuns).hasValue(0);
    }

    @Test
    void theSystemClockIsTheDefault() throws Exception {
        assertThat(Conn.of(peer, Clock.system()).clock()).isSameAs(Clock.system());
        assertThat(conn.clock()).isSameAs(clock);
    }
}
