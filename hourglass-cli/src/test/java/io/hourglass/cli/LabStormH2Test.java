package io.hourglass.cli;

import static io.hourglass.cli.LabStormTest.cell;
import static io.hourglass.cli.LabStormTest.run;
import static io.hourglass.cli.LabStormTest.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hourglass.internal.tcp.ProcNetTcp;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hourglass lab storm --protocol h2}: the incident over HTTP/2 against the Hourglass upstream (h2c).
 * Every call times out against a slow upstream; one connection carries the whole run, each timeout is a
 * RST_STREAM instead of a closed or drained connection, no socket is left in TIME_WAIT or FIN_WAIT2, and the
 * upstream runs at most its SETTINGS_MAX_CONCURRENT_STREAMS (100) handlers. With {@code --naive-upstream}
 * (work that outlives the reset stream, as Go's server with a handler that ignores its context) the running
 * work piles up past that limit.
 */
class LabStormH2Test {
    // 40 calls/s: a reset made while nothing was read holds its slot until the PING's ACK (docs/timeouts.md), so
    // an ACK delayed 2.5 s on a loaded machine would fill the connection's 100 slots and open another one.
    static final double RATE = 40;
    static final int MAX_STREAMS = 100; // the Hourglass server's default SETTINGS_MAX_CONCURRENT_STREAMS

    @TempDir
    static Path dir;

    @Test
    void overHttp2OneConnectionCarriesTheRunAndTimeoutsAreResets() {
        assumeTrue(ProcNetTcp.isSupported(), "the lab reads /proc/net/tcp: Linux only");
        LabStormTest.Result r = run("lab", "storm", "--protocol", "h2", "--rate", "40", "--duration", "3s",
                "--delay", "3s", "--timeout", "300ms", "--out", dir.resolve("h2").toString());
        System.out.print(r.out());
        assertThat(r.code()).as("exit code; stderr:\n%s", r.err()).isZero();
        Map<String, List<String>> t = table(r.out());
        assertThat(t.get("policy")).containsExactly("HTTP/2");
        long sent = cell(t, "requests sent", "HTTP/2");
        assertThat(sent).isBetween((long) (RATE * 3 * 0.9), (long) (RATE * 3));
        assertThat(cell(t, "timeouts", "HTTP/2")).as("every call outlives 300ms").isEqualTo(sent);
        assertThat(cell(t, "connections opened", "HTTP/2")).as("one connection for the whole run").isEqualTo(1);
        assertThat(cell(t, "HTTP/2 streams opened", "HTTP/2")).isEqualTo(sent);
        assertThat(cell(t, "HTTP/2 streams reset (by client / by server)", "HTTP/2")).as("a reset per timeout")
                .isEqualTo(sent);
        assertThat(cell(t, "peak client TIME_WAIT", "HTTP/2")).isZero();
        assertThat(cell(t, "peak client FIN_WAIT2", "HTTP/2")).isZero();
        assertThat(cell(t, "upstream peak concurrency", "HTTP/2")).as("handlers held to MAX_CONCURRENT_STREAMS")
                .isLessThanOrEqualTo(MAX_STREAMS);
    }

    @Test
    void aNaiveUpstreamsWorkPilesUpPastTheStreamLimit() {
        assumeTrue(ProcNetTcp.isSupported(), "the lab reads /proc/net/tcp: Linux only");
        LabStormTest.Result r = run("lab", "storm", "--protocol", "h2", "--naive-upstream", "--rate", "40",
                "--duration", "3s", "--delay", "4s", "--timeout", "300ms", "--out", dir.resolve("naive").toString());
        System.out.print(r.out());
        assertThat(r.code()).as("exit code; stderr:\n%s", r.err()).isZero();
        Map<String, List<String>> t = table(r.out());
        // All 120 calls' work runs at once (each lasts past the run's end); the reset frees each stream's slot.
        assertThat(cell(t, "upstream peak concurrency", "HTTP/2")).as("the pile-up").isGreaterThan(MAX_STREAMS);
        assertThat(cell(t, "connections opened", "HTTP/2")).isEqualTo(1);
    }
}
