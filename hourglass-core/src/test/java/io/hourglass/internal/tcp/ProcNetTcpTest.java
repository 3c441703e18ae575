package io.hourglass.internal.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProcNetTcpTest {
    static Path fixtures() {
        try {
            return Path.of(ProcNetTcpTest.class.getResource("/observe/proc-net/tcp").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    static TcpSnapshot fixtureSnapshot() throws IOException {
        // The fixtures were written as a little-endian (x86, arm64) kernel writes them.
        return ProcNetTcp.snapshot(fixtures(), ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void parsesIpv4LinesWithLittleEndianAddresses() throws IOException {
        List<TcpSocket> v4 = ProcNetTcp.parse(Files.newBufferedReader(fixtures().resolve("tcp")),
                ByteOrder.LITTLE_ENDIAN);
        assertThat(v4).hasSize(8);
        assertThat(v4.get(0)).isEqualTo(new TcpSocket(TcpState.LISTEN, new InetSocketAddress("0.0.0.0", 8080),
                new InetSocketAddress("0.0.0.0", 0), 0, 3, 1000, 41001));
        assertThat(v4.get(2)).isEqualTo(new TcpSocket(TcpState.ESTABLISHED,
                new InetSocketAddress("127.0.0.1", 50000), new InetSocketAddress("127.0.0.1", 8080), 16, 0, 1000,
                41003));
        assertThat(v4.get(3).toString()).isEqualTo("TIME-WAIT 10.0.0.10:8080 10.0.0.11:54321");
        assertThat(v4.get(3).inode()).isZero();
        assertThat(v4.get(5).state()).isEqualTo(TcpState.CLOSE_WAIT);
        assertThat(v4.get(6).toString()).isEqualTo("FIN-WAIT-2 10.0.0.10:41394 34.216.184.93:443");
        assertThat(v4.get(7).state()).isEqualTo(TcpState.SYN_SENT);
        assertThat(v4.get(7).uid()).isEqualTo(4294967294L);
    }

    @Test
    void parsesIpv6LinesAsFourLittleEndianWords() throws IOException {
        List<TcpSocket> v6 = ProcNetTcp.parse(Files.newBufferedReader(fixtures().resolve("tcp6")),
                ByteOrder.LITTLE_ENDIAN);
        assertThat(v6).extracting(TcpSocket::toString).containsExactly(
                "LISTEN [::]:8080 *:*",
                "ESTAB [::1]:8080 [::1]:56789",
                "ESTAB 127.0.0.1:8080 127.0.0.1:45678",
                "TIME-WAIT [2001:db8::1]:8080 [fe80::1ff:fe23:4567:890a]:58536",
                "CLOSE-WAIT [2001:db8::1]:8080 [fe80::1ff:fe23:4567:890a]:58537");
        assertThat(v6.get(0).local().getAddress()).isInstanceOf(Inet6Address.class);
        assertThat(v6.get(1).peerHost()).isEqualTo("::1");
        assertThat(v6.get(3).peerHostPort()).isEqualTo("[fe80::1ff:fe23:4567:890a]:58536");
    }

    @Test
    void ipv4MappedAddressesBecomeIpv4() throws IOException {
        TcpSocket mapped = ProcNetTcp.parse(Files.newBufferedReader(fixtures().resolve("tcp6")),
                ByteOrder.LITTLE_ENDIAN).get(2);
        assertThat(mapped.local().getAddress()).isInstanceOf(Inet4Address.class);
        assertThat(mapped.peerHost()).isEqualTo("127.0.0.1");
        assertThat(mapped.peerHostPort()).isEqualTo("127.0.0.1:45678");
    }

    @Test
    void snapshotReadsTcpThenTcp6() throws IOException {
        TcpSnapshot snap = fixtureSnapshot();
        assertThat(snap.size()).isEqualTo(13);
        assertThat(snap.sockets().get(0).toString()).isEqualTo("LISTEN 0.0.0.0:8080 *:*");
        assertThat(snap.sockets().get(8).toString()).isEqualTo("LISTEN [::]:8080 *:*");
    }

    @Test
    void missingTcp6IsEmptyButMissingTcpIsAnError(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> ProcNetTcp.snapshot(dir)).isInstanceOf(NoSuchFileException.class);
        Files.copy(fixtures().resolve("tcp"), dir.resolve("tcp"));
        assertThat(ProcNetTcp.snapshot(dir, ByteOrder.LITTLE_ENDIAN).size()).isEqualTo(8);
    }

    @Test
    void bigEndianMachinesPrintAddressesInNetworkOrder() throws IOException {
        String text = "  sl  local_address rem_address   st tx_queue rx_queue\n"
                + "   0: 7F000001:0050 C0A80102:D431 01 00000000:00000000 00:00000000 00000000 0 0 7 1\n"
                + "   1: 20010DB8000000000000000000000001:01BB 00000000000000000000FFFF0A000001:D431 01 "
                + "00000000:00000000 00:00000000 00000000 0 0 8 1\n";
        List<TcpSocket> sockets = ProcNetTcp.parse(new StringReader(text), ByteOrder.BIG_ENDIAN);
        assertThat(sockets).extracting(TcpSocket::toString).containsExactly(
                "ESTAB 127.0.0.1:80 192.168.1.2:54321",
                "ESTAB [2001:db8::1]:443 10.0.0.1:54321");
    }

    @Test
    void headerAndBlankLinesAreSkippedAndEmptyInputIsEmpty() {
        assertThat(ProcNetTcp.parse("")).isEmpty();
        assertThat(ProcNetTcp.parse("  sl  local_address rem_address   st\n\n")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "   0: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000 1000 0",
        "   0: 0100007:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000 1000 0 1",
        "   0: 0100007F:1F9 0100007F:C350 01 00000000:00000000 00:00000000 00000000 1000 0 1",
        "   0: 0100007G:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000 1000 0 1",
        "   0: 0100007F1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000 1000 0 1",
        "   0: 0100007F:1F90 0100007F:C350 0D 00000000:00000000 00:00000000 00000000 1000 0 1",
        "   0: 0100007F:1F90 0100007F:C350 01 0000000000000000 00:00000000 00000000 1000 0 1",
        "   0: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000 x 0 1",
        "   0: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000 1000 0 -",
    })
    void malformedLinesThrowNamingTheLine(String line) {
        assertThatThrownBy(() -> ProcNetTcp.parse("  sl  local_address\n" + line + "\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("line 2: ");
    }

    @Test
    void malformedFileNamesTheFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tcp"), "   0: nonsense 1 2 3 4 5 6 7 8 9\n");
        assertThatThrownBy(() -> ProcNetTcp.snapshot(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(dir.resolve("tcp").toString())
                .hasMessageContaining("line 1");
    }

    @Test
    void ipv6TextIsRfc5952() {
        assertThat(hostOf("00000000000000000000000000000000")).isEqualTo("::");
        assertThat(hostOf("000080FE000000000000000001000000")).isEqualTo("fe80::1");
        // Two zero runs: only the longer one is compressed.
        assertThat(hostOf("B80D0120000000000100000000000000")).isEqualTo("2001:db8::1:0:0");
        // A single zero group is not compressed.
        assertThat(hostOf("B80D0120010000000100000001000000")).isEqualTo("2001:db8:0:1:0:1:0:1");
    }

    private static String hostOf(String hex) {
        return TcpSocket.hostString(ProcNetTcp.address(hex + ":0050", ByteOrder.LITTLE_ENDIAN).getAddress());
    }
}
