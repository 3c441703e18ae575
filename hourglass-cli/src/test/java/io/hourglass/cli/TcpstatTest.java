package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hourglass.internal.tcp.ProcNetTcp;
import io.hourglass.internal.tcp.TcpSnapshot;
import io.hourglass.internal.tcp.TcpSocket;
import io.hourglass.internal.tcp.TcpState;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class TcpstatTest {
    record Result(int code, String out, String err) {}

    /** Runs {@code hourglass <args>} in-process, wired as {@link Main#run}, with captured output. */
    static Result run(String... args) {
        return run(new CommandLine(new Main()), args);
    }

    static Result run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler(Cli::usageError);
        cl.setExecutionExceptionHandler(Cli::executionError);
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static final TcpSnapshot SAMPLE = TcpSnapshot.of(List.of(
            socket(TcpState.LISTEN, "0.0.0.0", 8080, "0.0.0.0", 0),
            socket(TcpState.ESTABLISHED, "10.0.0.1", 8080, "10.0.0.7", 40001),
            socket(TcpState.ESTABLISHED, "10.0.0.1", 8080, "10.0.0.7", 40002),
            socket(TcpState.ESTABLISHED, "10.0.0.1", 8080, "10.0.0.8", 40003),
            socket(TcpState.TIME_WAIT, "10.0.0.1", 51000, "10.0.0.9", 443),
            socket(TcpState.CLOSE_WAIT, "10.0.0.1", 9090, "10.0.0.7", 40004)));

    private static TcpSocket socket(TcpState state, String lh, int lp, String rh, int rp) {
        return new TcpSocket(state, new InetSocketAddress(lh, lp), new InetSocketAddress(rh, rp), 0, 0, 0, 0);
    }

    private static Result runFake(long frames, String... args) {
        Tcpstat cmd = new Tcpstat(() -> true, () -> SAMPLE, frames, true);
        return run(new CommandLine(cmd), args);
    }

    @Test
    void tableByState() {
        Result r = runFake(1);
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("""
                STATE       COUNT
                ESTAB           3
                TIME-WAIT       1
                CLOSE-WAIT      1
                LISTEN          1
                TOTAL           6
                """);
    }

    @Test
    void tableByPeerWithPortFilter() {
        Result r = runFake(1, "--port", "8080", "--by", "peer");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                STATE       PEER      COUNT
                ESTAB       10.0.0.7      2
                ESTAB       10.0.0.8      1
                LISTEN      *             1
                TOTAL                     4
                """);
    }

    @Test
    void tableByLocalPortAndTopPeers() {
        assertThat(runFake(1, "--by", "port").out()).isEqualTo("""
                STATE       LOCAL-PORT  COUNT
                ESTAB       8080            3
                TIME-WAIT   51000           1
                CLOSE-WAIT  9090            1
                LISTEN      8080            1
                TOTAL                       6
                """);
        // Port 8080 has 4 sockets; the ephemeral and the other ports fold into "other".
        assertThat(runFake(1, "--by", "port", "--top", "1").out()).isEqualTo("""
                STATE       LOCAL-PORT  COUNT
                ESTAB       8080            3
                TIME-WAIT   other           1
                CLOSE-WAIT  other           1
                LISTEN      8080            1
                TOTAL                       6
                """);
        // 10.0.0.7 has 3 sockets; the others fold into "other".
        assertThat(runFake(1, "--by", "peer", "--top", "1").out()).contains(
                "ESTAB       10.0.0.7      2\n", "ESTAB       other         1\n", "TIME-WAIT   other         1\n");
    }

    @Test
    void prometheusOutput() {
        Result r = runFake(1, "--prometheus", "--port", "8080");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("# HELP hourglass_tcp_connections ").endsWith("""
                # TYPE hourglass_tcp_connections gauge
                hourglass_tcp_connections{state="established",peer="10.0.0.7"} 2
                hourglass_tcp_connections{state="established",peer="10.0.0.8"} 1
                hourglass_tcp_connections{state="listen",peer="*"} 1
                """);
    }

    @Test
    void watchRedrawsInPlaceEveryInterval() {
        Result r = runFake(3, "--watch", "10ms", "--port", "8080");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("\033[H\033[2JEvery 10ms: hourglass tcpstat --port 8080");
        assertThat(r.out().split("Every 10ms", -1)).hasSize(4);
        assertThat(r.out().split("\033\\[H", -1)).hasSize(4); // one home per frame
        assertThat(r.out()).contains("LISTEN          1\033[K\n").endsWith("\033[J");
    }

    @Test
    void watchToAPipeAppendsPlainFrames() {
        Tcpstat cmd = new Tcpstat(() -> true, () -> SAMPLE, 2, false);
        Result r = run(new CommandLine(cmd), "--watch", "10ms", "--port", "8080");
        assertThat(r.code()).isZero();
        assertThat(r.out()).doesNotContain("\033").startsWith("Every 10ms: hourglass tcpstat --port 8080");
        String[] frames = r.out().split("\n\n(?=Every 10ms)", -1);
        assertThat(frames).hasSize(2);
        assertThat(frames[1]).contains("LISTEN          1\n").containsPattern("\nTOTAL +\\d+\n$");
    }

    @Test
    void notLinuxIsOneLineAndExit2() {
        Result r = run(new CommandLine(new Tcpstat(() -> false, () -> SAMPLE, 1, true)));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("hourglass tcpstat: needs Linux").hasLineCount(1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--port 0                 | --port",
        "--port 70000             | --port",
        "--port abc               | --port",
        "--by nope                | --by",
        "--watch 0                | --watch",
        "--watch abc              | --watch",
        "--watch 5                | --watch",
        "--top -1                 | --top",
        "--prometheus --by peer   | --by",
        "--bogus                  | --bogus",
    })
    void badValuesGiveOneLineNamingTheFlagAndExit2(String args, String flag) {
        Result r = run(("tcpstat " + args).split(" "));
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("hourglass tcpstat: ").contains(flag).hasLineCount(1);
    }

    @Test
    void helpShowsAnExample() {
        Result r = run("tcpstat", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--watch=DUR", "hourglass tcpstat --port 8080");
    }

    /** The real thing: sockets this test creates on loopback show up in the table under their states. */
    @Test
    @SuppressWarnings("try") // the sockets exist only to be in their states; the body never touches them
    void liveTableShowsTheSocketsTheTestCreated() throws Exception {
        assumeTrue(ProcNetTcp.isSupported(), "needs Linux with /proc/net/tcp");
        // a port no socket of an earlier owner sits on (a TIME-WAIT there would make the TOTAL 6)
        try (ServerSocket server = ProcNetTcp.freshLoopbackListener();
                Socket established = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket acceptedEstablished = server.accept();
                Socket halfClosed = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            server.accept().close(); // server side FIN-WAIT-2, client side CLOSE-WAIT
            int port = server.getLocalPort();
            Map<TcpState, Integer> expected = Map.of(TcpState.LISTEN, 1, TcpState.ESTABLISHED, 2,
                    TcpState.FIN_WAIT2, 1, TcpState.CLOSE_WAIT, 1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!ProcNetTcp.snapshot().withPort(port).countByState().equals(expected)
                    && System.nanoTime() < deadline) {
                Thread.sleep(10); // poll interval; the deadline bounds the wait
            }

            Result r = run("tcpstat", "--port", Integer.toString(port));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).containsPattern("(?m)^ESTAB\\s+2$")
                    .containsPattern("(?m)^FIN-WAIT-2\\s+1$")
                    .containsPattern("(?m)^CLOSE-WAIT\\s+1$")
                    .containsPattern("(?m)^LISTEN\\s+1$")
                    .containsPattern("(?m)^TOTAL\\s+5$");

            Result byPeer = run("tcpstat", "--port", Integer.toString(port), "--by", "peer");
            assertThat(byPeer.out()).containsPattern("(?m)^ESTAB\\s+127\\.0\\.0\\.1\\s+2$")
                    .containsPattern("(?m)^LISTEN\\s+\\*\\s+1$");

            Result prom = run("tcpstat", "--port", Integer.toString(port), "--prometheus");
            assertThat(prom.out()).contains("hourglass_tcp_connections{state=\"close_wait\",peer=\"127.0.0.1\"} 1\n",
                    "hourglass_tcp_connections{state=\"listen\",peer=\"*\"} 1\n");
        }
    }

    @Test
    void readErrorIsExit1() {
        Tcpstat cmd = new Tcpstat(() -> true, () -> {
            throw new IOException("/proc/net/tcp: Permission denied");
        }, 1, true);
        Result r = run(new CommandLine(cmd));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("hourglass tcpstat: /proc/net/tcp: Permission denied\n");
    }
}
