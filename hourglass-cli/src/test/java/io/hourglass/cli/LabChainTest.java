package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hourglass lab chain}, scaled down (20 caller requests/s for 2 s, callers' timeout 500 ms, C stuck for
 * 2 s, B retrying 3 times with 150 ms per try), for issue 14's two targets: with propagation C works for no
 * caller that has gone (beyond a tolerance: one reserve per request, plus the cancel's latency on a loaded
 * machine), against seconds of it without; and the budget keeps the requests C gets per caller request at or
 * below 1.2 where naive retries give 3. The table and the HTML report name every variant.
 */
class LabChainTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void propagationStopsTheWasteAndTheBudgetStopsTheStorm() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LabChain lab = new LabChain(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Terminal.of(false, false, 120));
        lab.rate = 20;
        lab.duration = Duration.ofSeconds(2);
        lab.timeout = Duration.ofMillis(500);
        lab.delay = Duration.ofSeconds(2);
        lab.perTryTimeout = Duration.ofMillis(150);
        lab.budgetFloor = 0; // 40 calls: the floor of the client's default would bind, not the 20 % share
        lab.variants = List.of("off", "propagate", "naive", "budget");
        lab.outDir = dir;
        assertThat(lab.call()).isEqualTo(Cli.OK);
        String table = out.toString(StandardCharsets.UTF_8);
        ChainStats off = stats(lab, "off");
        ChainStats propagate = stats(lab, "propagate");
        ChainStats naive = stats(lab, "naive");
        ChainStats budget = stats(lab, "budget");

        // without propagation C works its full 2 s for callers gone after 0.5 s: about 1.5 s each
        assertThat(off.wastedSeconds()).isGreaterThan(0.5 * off.cHandled());
        // with it C stops at its deadline, which is before the caller's: what remains is the cancel's latency
        assertThat(propagate.startedLate()).isZero();
        assertThat(propagate.wastedSeconds()).isLessThan(0.02 * off.wastedSeconds());
        assertThat(propagate.wastedBeyondReserveSeconds()).isLessThan(0.25 * propagate.cHandled() * 0.1);

        // naive: every call makes its 3 attempts at the stuck C; the budget: 1 + 20 %
        assertThat(naive.amplification()).isGreaterThanOrEqualTo(3.0);
        assertThat(budget.amplification()).isLessThanOrEqualTo(1.2);
        assertThat(budget.amplification()).isGreaterThan(1.0); // it does retry, within the share

        assertThat(table).contains("requests C received (per caller request)").contains("naive").contains("budget");
        try (var files = Files.list(dir)) {
            Path html = files.filter(p -> p.toString().endsWith(".html")).findFirst().orElseThrow();
            assertThat(Files.readString(html)).contains("propagate").contains("<svg");
        }
    }

    private static ChainStats stats(LabChain lab, String variant) {
        return lab.results().stream().filter(r -> r.variant().name().equals(variant)).findFirst().orElseThrow().stats();
    }
}
