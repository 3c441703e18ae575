package io.hourglass.internal.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Creates loopback sockets in known states and checks that the observer sees what {@code ss -tan} sees.
 * Runs on Linux (skipped elsewhere: there is no /proc/net/tcp) and needs {@code ss}: it fails without it
 * (./scripts/test installs iproute2).
 */
class TcpObserverLiveTest {
    @BeforeAll
    static void linuxWithSs() {
        assumeTrue(ProcNetTcp.isSupported(), "needs Linux with /proc/net/tcp");
        if (!ssWorks()) {
            throw new AssertionError("this test needs ss (Debian's iproute2): apt-get install iproute2, or run "
                    + "./scripts/test, which installs it");
        }
    }

    @Test
    void countsForTheTestPortMatchSs() throws Exception {
        try (LoopbackStates sockets = new LoopbackStates()) {
            int port = sockets.port();
            Map<TcpState, Integer> ours = LoopbackStates.awaitExpected(
                    () -> observe(port).countByState(), 10, TimeUnit.SECONDS);
            assertThat(ours).as("observer's counts for port %d", port)
                    .containsExactlyInAnyOrderEntriesOf(LoopbackStates.EXPECTED);

            // Both tools must now list the same sockets: same state, same local and remote ports.
            List<String> fromSs = null;
            List<String> fromUs = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            do {
                fromSs = ssLines(port);
                fromUs = lines(observe(port));
            } while (!fromSs.equals(fromUs) && System.nanoTime() < deadline && pause());
            assertThat(fromUs).as("observer vs ss -Htan for port %d", port).isEqualTo(fromSs);
            assertThat(countStates(fromSs)).containsExactlyInAnyOrderEntriesOf(LoopbackStates.EXPECTED);
        }
    }

    @Test
    void ipv4OnlySocketsComeFromProcNetTcpAndDualStackOnesFromTcp6() throws Exception {
        try (LoopbackStates sockets = new LoopbackStates()) {
            LoopbackStates.awaitExpected(() -> observe(sockets.port()).countByState(), 10, TimeUnit.SECONDS);
            List<TcpSocket> v4 = ProcNetTcp.parse(Files.readString(Path.of("/proc/net/tcp"),
                    StandardCharsets.US_ASCII));
            List<TcpSocket> v6 = ProcNetTcp.parse(Files.readString(Path.of("/proc/net/tcp6"),
                    StandardCharsets.US_ASCII));
            // Match both ports: on a busy host an old TIME-WAIT socket may share the ephemeral port.
            assertThat(v4).filteredOn(s -> s.localPort() == sockets.ipv4ClientPort()
                            && s.remotePort() == sockets.port())
                    .extracting(TcpSocket::state).containsExactly(TcpState.ESTABLISHED);
            assertThat(v6).filteredOn(s -> s.localPort() == sockets.port() && s.state() == TcpState.LISTEN)
                    .singleElement()
                    .satisfies(s -> assertThat(s.local().getAddress().getHostAddress()).isEqualTo("127.0.0.1"));
        }
    }

    private static TcpSnapshot observe(int port) {
        try {
            return ProcNetTcp.snapshot().withPort(port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code STATE localPort remotePort}, sorted, remote port 0 for listeners. */
    private static List<String> lines(TcpSnapshot snap) {
        List<String> out = new ArrayList<>();
        for (TcpSocket s : snap.sockets()) {
            out.add(s.state().ssName() + " " + s.localPort() + " " + s.remotePort());
        }
        out.sort(null);
        return out;
    }

    /** The same from {@code ss -Htan}: State Recv-Q Send-Q Local:Port Peer:Port, ports after the last colon. */
    private static List<String> ssLines(int port) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (String line : run("ss", "-Htan")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 5) {
                continue;
            }
            int local = portOf(f[3]);
            int remote = portOf(f[4]);
            if (local == port || remote == port) {
                out.add(f[0] + " " + local + " " + remote);
            }
        }
        out.sort(null);
        return out;
    }

    private static Map<TcpState, Integer> countStates(List<String> lines) {
        Map<TcpState, Integer> out = new TreeMap<>();
        for (String l : lines) {
            out.merge(TcpState.ofSsName(l.substring(0, l.indexOf(' '))), 1, Integer::sum);
        }
        return out;
    }

    private static int portOf(String hostPort) {
        String p = hostPort.substring(hostPort.lastIndexOf(':') + 1);
        return p.equals("*") ? 0 : Integer.parseInt(p);
    }

    private static boolean pause() {
        try {
            Thread.sleep(20); // a poll interval; the caller's deadline bounds the loop
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean ssWorks() {
        try {
            run("ss", "-Htan");
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static List<String> run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8).lines().toList();
    }
}
