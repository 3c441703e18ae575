package io.hourglass.internal.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.observe.MetricsRegistry;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class TcpMetricsTest {
    @Test
    void writesConnectionsByStateAndTopPeers() throws IOException {
        TcpSnapshot snap = ProcNetTcpTest.fixtureSnapshot();
        MetricsRegistry registry = new MetricsRegistry();
        TcpMetrics.register(registry, () -> snap, 2);

        assertThat(registry.toPrometheusText()).isEqualTo("""
                # HELP hourglass_tcp_connections TCP sockets by state and remote host, from /proc/net/tcp \
                and tcp6 (peer="*": no peer, e.g. a listener; peer="other": hosts beyond the top N).
                # TYPE hourglass_tcp_connections gauge
                hourglass_tcp_connections{state="close_wait",peer="other"} 2
                hourglass_tcp_connections{state="established",peer="127.0.0.1"} 3
                hourglass_tcp_connections{state="established",peer="other"} 1
                hourglass_tcp_connections{state="fin_wait2",peer="other"} 1
                hourglass_tcp_connections{state="listen",peer="*"} 2
                hourglass_tcp_connections{state="syn_sent",peer="other"} 1
                hourglass_tcp_connections{state="time_wait",peer="10.0.0.11"} 2
                hourglass_tcp_connections{state="time_wait",peer="other"} 1
                """);
    }

    @Test
    void readsTheSourceAtEachScrape() throws IOException {
        TcpSnapshot snap = ProcNetTcpTest.fixtureSnapshot();
        TcpSnapshot[] current = {snap.withRemotePort(443)};
        MetricsRegistry registry = new MetricsRegistry();
        TcpMetrics.register(registry, () -> current[0], 10);
        assertThat(registry.toPrometheusText()).contains("{state=\"syn_sent\",peer=\"34.216.184.93\"} 1\n");
        current[0] = snap.withRemotePort(8080);
        assertThat(registry.toPrometheusText())
                .doesNotContain("syn_sent")
                .contains("{state=\"established\",peer=\"127.0.0.1\"} 1\n");
    }

    @Test
    void negativeMaxPeersIsRefused() {
        assertThatThrownBy(() -> TcpMetrics.register(new MetricsRegistry(), () -> TcpSnapshot.of(
                java.util.List.of()), -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
