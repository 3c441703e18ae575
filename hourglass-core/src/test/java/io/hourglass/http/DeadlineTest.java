package io.hourglass.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The deadline value and the current deadline of a thread. */
class DeadlineTest {

    @Test
    void afterIsNowPlusTheTimeout() {
        long before = System.nanoTime();
        Deadline d = Deadline.after(Duration.ofMillis(250));
        long after = System.nanoTime();
        assertThat(d.nanoTime() - before).isGreaterThanOrEqualTo(250_000_000L);
        assertThat(d.nanoTime() - after).isLessThanOrEqualTo(250_000_000L);
        assertThat(d.remaining()).isLessThanOrEqualTo(Duration.ofMillis(250)).isPositive();
        assertThat(d.isExpired()).isFalse();
    }

    @Test
    void aPassedDeadlineHasNothingLeftNeverLessThanNothing() {
        Deadline d = Deadline.atNanoTime(System.nanoTime() - 5_000_000);
        assertThat(d.isExpired()).isTrue();
        assertThat(d.remaining()).isEqualTo(Duration.ZERO);
        assertThat(d.toString()).startsWith("Deadline[passed ");
        assertThat(Deadline.after(Duration.ZERO).isExpired()).isTrue();
    }

    @Test
    void hugeTimeoutsSaturateInsteadOfWrapping() {
        Deadline d = Deadline.after(Duration.ofSeconds(Long.MAX_VALUE));
        assertThat(d.isExpired()).isFalse();
        assertThat(d.remaining()).isGreaterThan(Duration.ofDays(365L * 100));
    }

    @Test
    void negativeTimeoutsAreRefused() {
        assertThatThrownBy(() -> Deadline.after(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    }

    @Test
    void ordersAndComparesByInstantAcrossTheWrap() {
        Deadline a = Deadline.atNanoTime(Long.MAX_VALUE - 10);
        Deadline b = Deadline.atNanoTime(Long.MIN_VALUE + 10); // 21 ns later, past the wrap
        assertThat(a).isLessThan(b);
        assertThat(a).isEqualTo(Deadline.atNanoTime(Long.MAX_VALUE - 10)).hasSameHashCodeAs(
                Deadline.atNanoTime(Long.MAX_VALUE - 10));
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void noDeadlineIsCurrentOutsideWork() {
        assertThat(Deadline.current()).isEmpty();
    }

    @Test
    void runMakesTheDeadlineCurrentAndRestoresTheOuterOne() throws Exception {
        Deadline outer = Deadline.after(Duration.ofSeconds(10));
        Deadline inner = Deadline.after(Duration.ofSeconds(1));
        AtomicReference<Deadline> seenInner = new AtomicReference<>();
        AtomicReference<Deadline> seenAfter = new AtomicReference<>();
        outer.run(() -> {
            inner.run(() -> seenInner.set(Deadline.current().orElseThrow()));
            seenAfter.set(Deadline.current().orElseThrow());
        });
        assertThat(seenInner.get()).isSameAs(inner);
        assertThat(seenAfter.get()).isSameAs(outer);
        assertThat(Deadline.current()).isEmpty();
        assertThat(outer.call(() -> Deadline.current().orElseThrow())).isSameAs(outer);
    }

    @Test
    void aLaterDeadlineCannotExtendTheCurrentOne() throws Exception {
        Deadline soon = Deadline.after(Duration.ofSeconds(1));
        Deadline later = Deadline.after(Duration.ofSeconds(60));
        Deadline seen = soon.call(() -> later.call(() -> Deadline.current().orElseThrow()));
        assertThat(seen).isSameAs(soon);
    }

    @Test
    void detachedWorkHasNoDeadlineAndTheRequestsComesBack() throws Exception {
        Deadline d = Deadline.after(Duration.ofSeconds(1));
        AtomicReference<Object> inside = new AtomicReference<>("unset");
        d.run(() -> {
            Deadline.detached(() -> inside.set(Deadline.current()));
            assertThat(Deadline.current()).contains(d);
        });
        assertThat(inside.get()).isEqualTo(java.util.Optional.empty());
        String r = d.call(() -> Deadline.detached(() -> Deadline.current().isPresent() ? "bound" : "detached"));
        assertThat(r).isEqualTo("detached");
        // with no deadline current, detached work leaves none behind
        Deadline.detached(() -> { });
        assertThat(Deadline.current()).isEmpty();
    }

    @Test
    void theOuterDeadlineComesBackWhenTheWorkThrows() {
        Deadline d = Deadline.after(Duration.ofSeconds(1));
        assertThatThrownBy(() -> d.call(() -> {
            throw new java.io.IOException("boom");
        })).isInstanceOf(java.io.IOException.class);
        assertThat(Deadline.current()).isEmpty();
        d.run(() -> assertThatThrownBy(() -> Deadline.detached(() -> {
            throw new IllegalStateException("x");
        })).isInstanceOf(IllegalStateException.class));
        assertThat(Deadline.current()).isEmpty();
    }

    @Test
    void otherThreadsDoNotInheritTheDeadline() throws Exception {
        AtomicReference<Object> seen = new AtomicReference<>("unset");
        Deadline.after(Duration.ofSeconds(1)).call(() -> {
            Thread t = Thread.ofVirtual().start(() -> seen.set(Deadline.current()));
            t.join();
            return null;
        });
        assertThat(seen.get()).isEqualTo(java.util.Optional.empty());
    }

    @Test
    void toStringSaysTheTimeLeft() {
        assertThat(Deadline.after(Duration.ofSeconds(30)).toString()).matches("Deadline\\[in [0-9.]+s\\]");
    }
}
