package io.hourglass.internal.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.hourglass.internal.tcp.TcpSnapshot.PeerKey;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Counts over the checked-in fixtures; see src/test/resources/observe/proc-net for the 13 sockets. */
class TcpSnapshotTest {
    private TcpSnapshot snap;

    @BeforeEach
    void load() throws IOException {
        snap = ProcNetTcpTest.fixtureSnapshot();
    }

    @Test
    void countsByStateInKernelOrderWithoutEmptyStates() {
        assertThat(snap.countByState()).containsExactly(
                entry(TcpState.ESTABLISHED, 4),
                entry(TcpState.SYN_SENT, 1),
                entry(TcpState.FIN_WAIT2, 1),
                entry(TcpState.TIME_WAIT, 3),
                entry(TcpState.CLOSE_WAIT, 2),
                entry(TcpState.LISTEN, 2));
        assertThat(snap.count(TcpState.TIME_WAIT)).isEqualTo(3);
        assertThat(snap.count(TcpState.CLOSING)).isZero();
    }

    @Test
    void portFiltersMatchSsSportAndDport() {
        // ( sport = :8080 or dport = :8080 ): everything but the two outgoing connections to :443.
        assertThat(snap.withPort(8080).size()).isEqualTo(11);
        assertThat(snap.withLocalPort(8080).size()).isEqualTo(10);
        assertThat(snap.withRemotePort(8080).sockets()).extracting(TcpSocket::toString)
                .containsExactly("ESTAB 127.0.0.1:50000 127.0.0.1:8080");
        assertThat(snap.withRemotePort(443).countByState())
                .containsExactly(entry(TcpState.SYN_SENT, 1), entry(TcpState.FIN_WAIT2, 1));
        assertThat(snap.withPort(9).size()).isZero();
        assertThat(snap.withPort(9).countByState()).isEmpty();
    }

    @Test
    void timeWaitTakenBeforeARunIsLeftOutOfItsSnapshots() {
        var residue = snap.timeWaitLocalPorts();
        assertThat(residue).containsExactly(8080); // the sample's three TIME_WAIT sockets are all the server's
        TcpSnapshot rest = snap.withoutTimeWait(residue);
        assertThat(rest.count(TcpState.TIME_WAIT)).isZero();
        assertThat(rest.size()).isEqualTo(snap.size() - snap.count(TcpState.TIME_WAIT));
        assertThat(snap.withoutTimeWait(java.util.Set.of()).size()).isEqualTo(snap.size());
    }

    @Test
    void portOutOfRangeIsRefused() {
        assertThatThrownBy(() -> snap.withPort(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> snap.withLocalPort(65536)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("65536");
    }

    @Test
    void countsByStateAndLocalPort() {
        var byPort = snap.countByStateAndLocalPort();
        assertThat(byPort.get(TcpState.ESTABLISHED)).containsExactly(entry(8080, 3), entry(50000, 1));
        assertThat(byPort.get(TcpState.SYN_SENT)).containsExactly(entry(41395, 1));
        assertThat(byPort.get(TcpState.LISTEN)).containsExactly(entry(8080, 2));
        assertThat(byPort.keySet()).containsExactly(TcpState.ESTABLISHED, TcpState.SYN_SENT, TcpState.FIN_WAIT2,
                TcpState.TIME_WAIT, TcpState.CLOSE_WAIT, TcpState.LISTEN);
    }

    @Test
    void countsByStateAndPeerHost() {
        var byPeer = snap.countByStateAndPeer(PeerKey.HOST);
        // The IPv4 client and the IPv4-mapped client of the dual-stack listener are one host.
        assertThat(byPeer.get(TcpState.ESTABLISHED)).containsExactly(entry("127.0.0.1", 3), entry("::1", 1));
        assertThat(byPeer.get(TcpState.TIME_WAIT))
                .containsExactly(entry("10.0.0.11", 2), entry("fe80::1ff:fe23:4567:890a", 1));
        assertThat(byPeer.get(TcpState.CLOSE_WAIT))
                .containsExactly(entry("10.0.0.12", 1), entry("fe80::1ff:fe23:4567:890a", 1));
        assertThat(byPeer.get(TcpState.LISTEN)).containsExactly(entry("*", 2));
    }

    @Test
    void countsByStateAndPeerHostPort() {
        var byPeer = snap.countByStateAndPeer(PeerKey.HOST_PORT);
        assertThat(byPeer.get(TcpState.TIME_WAIT)).containsExactly(entry("10.0.0.11:54321", 1),
                entry("10.0.0.11:54322", 1), entry("[fe80::1ff:fe23:4567:890a]:58536", 1));
        assertThat(byPeer.get(TcpState.SYN_SENT)).containsExactly(entry("34.216.184.93:443", 1));
        assertThat(byPeer.get(TcpState.LISTEN)).containsExactly(entry("*", 2));
    }

    @Test
    void topPeersKeepTheBusiestAndFoldTheRestIntoOther() {
        // Totals: 127.0.0.1=3; 10.0.0.11, 34.216.184.93 and fe80::... =2 each; ::1 and 10.0.0.12 =1.
        var top = snap.countByStateAndPeer(PeerKey.HOST, 2);
        assertThat(top.get(TcpState.ESTABLISHED)).containsExactly(entry("127.0.0.1", 3), entry("other", 1));
        assertThat(top.get(TcpState.TIME_WAIT)).containsExactly(entry("10.0.0.11", 2), entry("other", 1));
        assertThat(top.get(TcpState.CLOSE_WAIT)).containsExactly(entry("other", 2));
        assertThat(top.get(TcpState.LISTEN)).containsExactly(entry("*", 2));

        var none = snap.countByStateAndPeer(PeerKey.HOST, 0);
        assertThat(none.get(TcpState.ESTABLISHED)).containsExactly(entry("other", 4));
        assertThat(none.get(TcpState.LISTEN)).containsExactly(entry("*", 2));

        assertThat(snap.countByStateAndPeer(PeerKey.HOST, 100)).isEqualTo(snap.countByStateAndPeer(PeerKey.HOST));
        assertThatThrownBy(() -> snap.countByStateAndPeer(PeerKey.HOST, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resultsAreUnmodifiable() {
        assertThatThrownBy(() -> snap.sockets().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> snap.countByState().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> snap.filter(s -> s.localPort() == 8080).sockets().clear())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(TcpSnapshot.of(List.of()).countByState()).isEmpty();
    }
}
