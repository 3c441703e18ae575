package io.hourglass.cli;

import static io.hourglass.cli.LabStormTest.cell;
import static io.hourglass.cli.LabStormTest.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hourglass.internal.tcp.ProcNetTcp;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's targets, scaled down: DRAIN never costs a healthy call, and still holds the cap when every call
 * is slow. Both runs are in the regime, where slow calls per second x drain time exceed the cap (the
 * issue's: 20/s x 4 s = 80 > 64), with a smaller cap and shorter delays so that the whole class takes about
 * 16 s.
 *
 * <p>Why the test does not ask DRAIN to open a third of CLOSE's connections (the wish): with a cap C,
 * each connection carries at most one slow call per upstream delay D unless it is closed, so at least
 * s - (C - s x T) / (D - T) connections per second must be replaced (s slow calls/s, timeout T): for the
 * issue's numbers 20 - 44 / 4 = 9/s, 45 % of CLOSE's 20/s before the first cap of connections. docs/design.md
 * has the arithmetic and the measurements. What DRAIN does avoid is TIME_WAIT: the connection whose place is
 * taken is reset, its late response being unwanted.
 */
class LabStormMixedTest {
    @TempDir
    static Path dir;

    static Map<String, List<String>> storm(String... args) {
        assumeTrue(ProcNetTcp.isSupported(), "the lab reads /proc/net/tcp: Linux only");
        String[] all = new String[args.length + 4];
        all[0] = "lab";
        all[1] = "storm";
        System.arraycopy(args, 0, all, 2, args.length);
        all[all.length - 2] = "--out";
        all[all.length - 1] = dir.toString();
        LabStormTest.Result r = LabStormTest.run(all);
        System.out.print(r.out()); // the table, in the build's log
        assertThat(r.code()).as("exit code; stderr:\n%s", r.err()).isZero();
        return table(r.out());
    }

    /** The first two numbers of "2700 of 2700 (100.0 %)". */
    static long[] answered(Map<String, List<String>> t, String policy) {
        String c = t.get("healthy calls answered").get(t.get("policy").indexOf(policy));
        Matcher m = Pattern.compile("^(\\d+) of (\\d+)").matcher(c);
        assertThat(m.find()).as("'%s'", c).isTrue();
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    /*
     * 100 calls/s for 4 s, 15 % to a path that answers after 1.5 s, the rest to /hello; timeout 300 ms; cap 12.
     * Slow calls 15/s x drain time 1.2 s = 18 > 12 (the regime), with 15/s x 0.3 s = 4.5 connections
     * carrying slow calls. CLOSE opens ~60 connections (one per slow call).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void mixedTrafficDrainAnswersEveryHealthyCallCloseDoesWithLessChurnAndNoTimeWait() {
        Map<String, List<String>> t = storm("--rate", "100", "--duration", "4s", "--slow-share", "15", "--delay", "1.5s",
                "--timeout", "300ms", "--max-conns-per-host", "12");
        long[] close = answered(t, "CLOSE");
        long[] drain = answered(t, "DRAIN");
        assertThat(drain[1]).as("fast calls sent").isGreaterThanOrEqualTo(300);
        assertThat(drain[0]).as("DRAIN answers as many healthy calls as CLOSE").isGreaterThanOrEqualTo(close[0]);
        assertThat(drain[0]).as("DRAIN answers (nearly) every healthy call").isGreaterThanOrEqualTo(drain[1] * 99 / 100);
        assertThat(cell(t, "calls that gave up waiting for the pool", "DRAIN")).isZero();
        assertThat(cell(t, "drains preempted / abandoned", "DRAIN")).as("the regime needs preemption").isPositive();

        long closeOpened = cell(t, "connections opened", "CLOSE");
        long drainOpened = cell(t, "connections opened", "DRAIN");
        assertThat(closeOpened).as("CLOSE: a connection per slow call").isGreaterThanOrEqualTo(50);
        // Never more churn than CLOSE; in a run this short the first cap of connections is most of it (56 of
        // 60 seen), so the saving shows as drains that went back to the pool.
        assertThat(drainOpened).as("DRAIN opens no more connections than CLOSE").isLessThanOrEqualTo(closeOpened);
        String drained = t.get("connections drained (back to pool / closed)").get(t.get("policy").indexOf("DRAIN"));
        Matcher back = Pattern.compile("\\((\\d+) / ").matcher(drained);
        assertThat(back.find()).as("'%s'", drained).isTrue();
        assertThat(Long.parseLong(back.group(1))).as("drained connections back to the pool").isPositive();
        long closeTw = cell(t, "peak client TIME_WAIT", "CLOSE");
        assertThat(closeTw).as("CLOSE leaves TIME_WAIT").isGreaterThanOrEqualTo(closeOpened / 2);
        assertThat(cell(t, "peak client TIME_WAIT", "DRAIN")).as("DRAIN's TIME_WAIT, at most a third of CLOSE's")
                .isLessThanOrEqualTo(closeTw / 3);
    }

    /*
     * Every call slow (today's lab), with the cap binding: 40 calls/s x 1 s = 40 > 8. Nothing answers, so drains
     * keep their places: at most the cap of connections, no TIME_WAIT, and the calls beyond fail waiting for
     * the pool without reaching the upstream.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void allSlowDrainStaysAtTheCapWithoutTimeWait() {
        Map<String, List<String>> t = storm("--policy", "drain", "--rate", "40", "--duration", "2s", "--delay", "1s",
                "--timeout", "300ms", "--max-conns-per-host", "8");
        assertThat(cell(t, "connections opened", "DRAIN")).isLessThanOrEqualTo(8);
        assertThat(cell(t, "peak client TIME_WAIT", "DRAIN")).isZero();
        assertThat(cell(t, "drains preempted / abandoned", "DRAIN")).isZero();
        long gaveUp = cell(t, "calls that gave up waiting for the pool", "DRAIN");
        assertThat(gaveUp).as("the cap binds").isPositive();
        long acquired = cell(t, "calls that got a connection", "DRAIN");
        assertThat(acquired + gaveUp).isEqualTo(cell(t, "requests sent", "DRAIN"));
        assertThat(cell(t, "requests the upstream received", "DRAIN")).as("only calls that got a connection")
                .isLessThanOrEqualTo(acquired);
    }
}
