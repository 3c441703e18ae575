package io.hourglass.cli;

/**
 * What one variant of {@code hourglass lab chain} measured, as the table and the report show it.
 *
 * @param sent caller requests sent to A
 * @param ok caller requests answered 200
 * @param timedOut caller requests that timed out
 * @param failed caller requests answered with another status, or failed otherwise
 * @param cReceived requests that reached C: handled, or refused as past their deadline
 * @param cHandled requests C's handler ran for
 * @param cRejected requests C answered 504 without running its handler (their deadline had passed)
 * @param handlerSeconds C's handler time in all
 * @param wastedSeconds C's handler time after the original caller had given up
 * @param wastedBeyondReserveSeconds the same, less one server reserve per request (the lab's tolerance)
 * @param wastedRequests requests whose waste was more than one reserve
 * @param startedLate requests whose handler started after their caller had given up
 * @param cPeak most of C's handlers running at once
 * @param overrunMs the longest any of C's handlers ran past C's own deadline (the cancel's latency: the timer,
 *     the interrupt and the scheduler), in milliseconds; 0 when none ran past it or C had no deadline
 * @param opened connections opened by the callers (to A), A (to B) and B (to C)
 */
record ChainStats(long sent, long ok, long timedOut, long failed, long cReceived, long cHandled, long cRejected,
        double handlerSeconds, double wastedSeconds, double wastedBeyondReserveSeconds, long wastedRequests,
        long startedLate, int cPeak, double overrunMs, long[] opened) {

    static ChainStats of(ChainRun run, LabChain lab) {
        long reserve = lab.reserve().toNanos();
        long handler = 0;
        long wasted = 0;
        long beyond = 0;
        long wastedRequests = 0;
        long late = 0;
        long overrun = 0;
        for (ChainRun.Work w : run.work()) {
            handler += w.end() - w.start();
            long waste = w.wastedNanos();
            wasted += waste;
            if (waste > reserve) {
                beyond += waste - reserve;
                wastedRequests++;
            }
            if (w.ownDeadline() != Long.MAX_VALUE) {
                overrun = Math.max(overrun, w.end() - w.ownDeadline());
            }
            if (w.start() - w.callerDeadline() > 0) {
                late++;
            }
        }
        return new ChainStats(run.sent(), run.ok(), run.timedOut(), run.failed(), run.cReceived(), run.cHandled(),
                run.cRejected(), handler / 1e9, wasted / 1e9, beyond / 1e9, wastedRequests, late, run.cPeak(),
                overrun / 1e6, run.opened());
    }

    /** Requests C received per caller request: 1 without retries, more with them (retry amplification). */
    double amplification() {
        return sent == 0 ? 0 : (double) cReceived / sent;
    }

    long openedTotal() {
        long n = 0;
        for (long o : opened) n += o;
        return n;
    }
}
