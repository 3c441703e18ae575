package io.hourglass.cli;

import io.hourglass.cli.StormChart.Axis;
import io.hourglass.cli.StormChart.Marker;
import io.hourglass.cli.StormChart.Series;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The table and the HTML report of {@code hourglass lab chain}: one column (and one panel) per variant, the
 * charts of a kind on the same axes. Built from the storm report's pieces (its CSS, charts and legends), so
 * the two labs read alike.
 */
final class ChainReport {
    private ChainReport() {}

    private static final List<Series<ChainRun.Sample>> WORK = List.of(
            new Series<>("C's handlers running", "#8c564b", "", Marker.DIAMOND,
                    "requests C is working on now; past the callers' timeout, all of it is for callers that have left.",
                    ChainRun.Sample::cRunning));
    private static final List<Series<ChainRun.Sample>> COUNTS = List.of(
            new Series<>("requests C received (total)", "#d62728", "", Marker.CIRCLE,
                    "every request that reached C, retries included; above the callers' line is retry amplification.",
                    ChainRun.Sample::cReceived),
            new Series<>("caller requests sent (total)", "#1f77b4", "12 5", Marker.SQUARE,
                    "requests the callers sent to A.",
                    ChainRun.Sample::callersSent),
            new Series<>("connections opened (total)", "#2ca02c", "1 5", Marker.TRIANGLE,
                    "connections dialled by the callers, A and B together.",
                    ChainRun.Sample::opened));

    /** The rows: a label, then one cell per variant. */
    static List<List<String>> rows(List<LabChain.Result> results) {
        String[] labels = {
            "deadline propagation", "retries",
            "caller requests sent", "answered 200 / timed out / other",
            "requests C received (per caller request)", "C handled / refused as expired (504)",
            "C handler-seconds", "C handler-seconds after the caller gave up",
            "  beyond one reserve (requests)", "C handlers started after the caller gave up",
            "C's longest run past its own deadline (ms)", "C peak concurrency",
            "connections opened (callers, A, B)",
        };
        List<List<String>> cols = new ArrayList<>();
        for (LabChain.Result r : results) {
            ChainStats s = r.stats();
            LabChain.Variant v = r.variant();
            List<String> c = new ArrayList<>();
            c.add(v.propagate() ? "on" : "off");
            c.add(v.retries().name().toLowerCase(Locale.ROOT));
            c.add(String.valueOf(s.sent()));
            c.add(s.ok() + " / " + s.timedOut() + " / " + s.failed());
            c.add(s.cReceived() + String.format(Locale.ROOT, " (%.2f)", s.amplification()));
            c.add(s.cHandled() + " / " + s.cRejected());
            c.add(String.format(Locale.ROOT, "%.1f", s.handlerSeconds()));
            c.add(String.format(Locale.ROOT, "%.1f", s.wastedSeconds()));
            c.add(String.format(Locale.ROOT, "%.3f (%d)", s.wastedBeyondReserveSeconds(), s.wastedRequests()));
            c.add(String.valueOf(s.startedLate()));
            c.add(String.format(Locale.ROOT, "%.1f", s.overrunMs()));
            c.add(String.valueOf(s.cPeak()));
            c.add(s.openedTotal() + " (" + s.opened()[0] + ", " + s.opened()[1] + ", " + s.opened()[2] + ")");
            cols.add(c);
        }
        return ReportTable.byRow(labels, cols);
    }

    static String table(List<LabChain.Result> results) {
        return ReportTable.format("variant", results.stream().map(r -> r.variant().name()).toList(), rows(results), 20);
    }

    static String html(List<LabChain.Result> results, LabChain lab) {
        double tMax = 1;
        double workMax = 0;
        double countMax = 0;
        for (LabChain.Result r : results) {
            tMax = Math.max(tMax, r.run().sendingSeconds());
            for (ChainRun.Sample s : r.run().samples()) {
                tMax = Math.max(tMax, s.t());
                for (Series<ChainRun.Sample> se : WORK) workMax = Math.max(workMax, se.value().applyAsDouble(s));
                for (Series<ChainRun.Sample> se : COUNTS) countMax = Math.max(countMax, se.value().applyAsDouble(s));
            }
        }
        Axis time = Axis.seconds(tMax);
        Axis work = Axis.count(workMax);
        Axis counts = Axis.count(countMax);
        int left = StormChart.left(work, counts);
        StringBuilder b = new StringBuilder();
        b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>hourglass lab chain: ").append(esc(names(results))).append("</title>\n<style>\n")
                .append(StormReport.CSS).append("</style></head><body>\n");
        b.append("<h1>Deadlines that travel, retries that cannot storm: A &rarr; B &rarr; C, with C slow</h1>\n");
        b.append("<p class=\"settings\">").append(esc(lab.settings())).append(".</p>\n");
        b.append("<p>Without propagation, C keeps working for callers that gave up long ago: every hop has its own, "
                + "longer timeout, and a client that times out (and drains its connection) does not tell the server. "
                + "With it, each hop sends on what is left of its caller's time, and each server stops (or never "
                + "starts) when that is gone. Naive retries multiply the requests that reach a stuck C; the retry "
                + "budget keeps them to a fifth more than the calls. All panels use the same axes.</p>\n");
        b.append(summary(results));
        b.append("<div class=\"panels\">\n");
        for (LabChain.Result r : results) {
            panel(b, r, left, time, work, counts);
        }
        b.append("</div>\n");
        b.append(reading());
        b.append("<footer>Made by <code>hourglass lab chain</code> on ")
                .append(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")))
                .append(". Time runs from the start of each variant's load; samples every 100 ms. Three Hourglass "
                        + "servers in one JVM on loopback, each hop a real HTTP/1.1 connection.</footer>\n");
        return b.append("</body></html>\n").toString();
    }

    private static String names(List<LabChain.Result> results) {
        return String.join(" vs ", results.stream().map(r -> r.variant().name()).toList());
    }

    private static String summary(List<LabChain.Result> results) {
        StringBuilder b = new StringBuilder("<table class=\"summary\"><tr><th scope=\"col\">variant</th>");
        for (LabChain.Result r : results) b.append("<th scope=\"col\">").append(esc(r.variant().name())).append("</th>");
        b.append("</tr>\n");
        for (List<String> row : rows(results)) {
            b.append("<tr><td>").append(esc(row.get(0).strip())).append("</td>");
            for (String cell : row.subList(1, row.size())) b.append("<td>").append(esc(cell)).append("</td>");
            b.append("</tr>\n");
        }
        return b.append("</table>\n").toString();
    }

    private static void panel(StringBuilder b, LabChain.Result r, int left, Axis time, Axis work, Axis counts) {
        String name = r.variant().name();
        List<ChainRun.Sample> samples = r.run().samples();
        double stop = r.run().sendingSeconds();
        b.append("<div class=\"panel\" id=\"panel-").append(esc(name.replace('+', '-'))).append("\">\n<h2>")
                .append(esc(name)).append("</h2>\n<p class=\"sub\">propagation ")
                .append(r.variant().propagate() ? "on" : "off").append(", retries ")
                .append(r.variant().retries().name().toLowerCase(Locale.ROOT)).append("</p>\n");
        b.append("<figure>\n<figcaption><h3>Work at C</h3><span class=\"muted\">C's handlers running</span></figcaption>\n");
        b.append(StormChart.svg("work", "handlers", name + ": C's handlers running over time", samples, WORK, left, time,
                work, stop));
        b.append(StormReport.legend(WORK, samples)).append("</figure>\n");
        b.append("<figure>\n<figcaption><h3>Requests and connections</h3><span class=\"muted\">totals since the start"
                + "</span></figcaption>\n");
        b.append(StormChart.svg("counts", "count", name + ": requests and connections over time", samples, COUNTS, left,
                time, counts, stop));
        b.append(StormReport.legend(COUNTS, samples)).append("</figure>\n</div>\n");
    }

    private static String reading() {
        StringBuilder b = new StringBuilder("<h2 class=\"reading\">Reading the charts</h2>\n<p>The shaded band is the "
                + "load; the dashed line, where it stops. \"After the caller gave up\" is measured per request at C: the "
                + "handler time past the instant its original caller timed out, which every hop carries along in a lab "
                + "header. One server reserve per request is tolerated: a hop's deadline ends that much before its "
                + "caller's.</p>\n<dl class=\"reading\">\n");
        for (List<Series<ChainRun.Sample>> chart : List.of(WORK, COUNTS)) {
            for (Series<ChainRun.Sample> s : chart) {
                b.append("<dt>").append(esc(s.name())).append("</dt><dd>").append(esc(s.meaning())).append("</dd>\n");
            }
        }
        return b.append("</dl>\n").toString();
    }

    private static String esc(String s) {
        return StormReport.esc(s);
    }
}
