package io.hourglass.internal.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** Flow-control arithmetic (RFC 9113 section 6.9): overflow, negative windows, receive checks, credit policy. */
class FlowWindowTest {

    @Test
    void takeAndCreditMoveTheWindow() throws Exception {
        FlowWindow w = new FlowWindow(1, 100);
        w.take(60);
        w.credit(10);
        assertThat(w.available()).isEqualTo(50);
    }

    @Test
    void takingMoreThanAvailableIsACallerBug() {
        FlowWindow w = new FlowWindow(1, 10);
        assertThatThrownBy(() -> w.take(11)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void creditPastTheMaximumIsAStreamErrorOnAStream() {
        FlowWindow w = new FlowWindow(5, Frame.MAX_WINDOW);
        H2Exception e = catchThrowableOfType(H2Exception.class, () -> w.credit(1));
        assertThat(e.code()).isEqualTo(ErrorCode.FLOW_CONTROL_ERROR);
        assertThat(e.streamId()).isEqualTo(5);
    }

    @Test
    void creditPastTheMaximumIsAConnectionErrorOnTheConnection() {
        FlowWindow w = new FlowWindow(0, Frame.DEFAULT_WINDOW);
        H2Exception e = catchThrowableOfType(H2Exception.class, () -> w.credit(Frame.MAX_WINDOW));
        assertThat(e.code()).isEqualTo(ErrorCode.FLOW_CONTROL_ERROR);
        assertThat(e.isConnectionError()).isTrue();
    }

    @Test
    void creditUpToExactlyTheMaximumIsAllowed() throws Exception {
        FlowWindow w = new FlowWindow(0, Frame.DEFAULT_WINDOW);
        w.credit(Frame.MAX_WINDOW - Frame.DEFAULT_WINDOW);
        assertThat(w.available()).isEqualTo(Frame.MAX_WINDOW);
    }

    @Test
    void initialWindowDecreaseMayMakeTheWindowNegative() throws Exception {
        FlowWindow w = new FlowWindow(3, Frame.DEFAULT_WINDOW);
        w.take(60_000);
        w.applyInitialDelta(16_384 - Frame.DEFAULT_WINDOW); // 65535 -> 16384
        assertThat(w.available()).isEqualTo(5_535 - 49_151);
        assertThatThrownBy(() -> w.take(1)).isInstanceOf(IllegalStateException.class);
        w.credit(50_000);
        assertThat(w.available()).isEqualTo(6_384);
    }

    @Test
    void initialWindowIncreasePastTheMaximumIsAConnectionError() throws Exception {
        FlowWindow w = new FlowWindow(3, Frame.DEFAULT_WINDOW);
        w.credit(Frame.MAX_WINDOW - Frame.DEFAULT_WINDOW - 10);
        H2Exception e = catchThrowableOfType(H2Exception.class, () -> w.applyInitialDelta(11));
        assertThat(e.code()).isEqualTo(ErrorCode.FLOW_CONTROL_ERROR);
        assertThat(e.isConnectionError()).isTrue();
    }

    @Test
    void receivingMoreThanTheWindowIsAFlowControlError() throws Exception {
        FlowWindow stream = new FlowWindow(9, 100);
        stream.receive(100);
        H2Exception e = catchThrowableOfType(H2Exception.class, () -> stream.receive(1));
        assertThat(e.streamId()).isEqualTo(9);
        assertThat(e.code()).isEqualTo(ErrorCode.FLOW_CONTROL_ERROR);
        FlowWindow conn = new FlowWindow(0, 10);
        assertThat(catchThrowableOfType(H2Exception.class, () -> conn.receive(11)).isConnectionError()).isTrue();
    }

    @Test
    void releaseReturnsCreditOnceHalfTheWindowIsConsumed() throws Exception {
        FlowWindow w = new FlowWindow(1, 1000);
        w.receive(800);
        assertThat(w.release(300, 500)).isZero();
        assertThat(w.release(300, 500)).isEqualTo(600);
        assertThat(w.available()).isEqualTo(800);
        assertThat(w.release(0, 500)).isZero();
    }
}
