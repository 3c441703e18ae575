package io.hourglass.internal.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TcpStateTest {
    @ParameterizedTest
    @CsvSource({
        "1, ESTABLISHED, ESTAB, established",
        "2, SYN_SENT, SYN-SENT, syn_sent",
        "3, SYN_RECV, SYN-RECV, syn_recv",
        "4, FIN_WAIT1, FIN-WAIT-1, fin_wait1",
        "5, FIN_WAIT2, FIN-WAIT-2, fin_wait2",
        "6, TIME_WAIT, TIME-WAIT, time_wait",
        "7, CLOSE, UNCONN, close",
        "8, CLOSE_WAIT, CLOSE-WAIT, close_wait",
        "9, LAST_ACK, LAST-ACK, last_ack",
        "10, LISTEN, LISTEN, listen",
        "11, CLOSING, CLOSING, closing",
        "12, NEW_SYN_RECV, SYN-RECV, new_syn_recv",
    })
    void kernelNumbersAndNames(int code, TcpState state, String ss, String metric) {
        assertThat(TcpState.ofCode(code)).isSameAs(state);
        assertThat(state.code()).isEqualTo(code);
        assertThat(state.ssName()).isEqualTo(ss);
        assertThat(state.metricName()).isEqualTo(metric);
    }

    @Test
    void declarationOrderIsKernelOrder() {
        TcpState[] all = TcpState.values();
        for (int i = 0; i < all.length; i++) {
            assertThat(all[i].code()).isEqualTo(i + 1);
        }
    }

    @Test
    void ssNamesMapBackAndSynRecvMeansTheKernelState() {
        assertThat(TcpState.ofSsName("ESTAB")).isSameAs(TcpState.ESTABLISHED);
        assertThat(TcpState.ofSsName("UNCONN")).isSameAs(TcpState.CLOSE);
        assertThat(TcpState.ofSsName("SYN-RECV")).isSameAs(TcpState.SYN_RECV);
        assertThatThrownBy(() -> TcpState.ofSsName("ESTABLISHED")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownCodesAreRefused() {
        assertThatThrownBy(() -> TcpState.ofCode(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> TcpState.ofCode(13)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("13");
    }
}
