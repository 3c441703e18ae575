package io.hourglass.cli;

import io.hourglass.client.TimeoutPolicy;
import io.hourglass.cli.StormChart.Axis;
import io.hourglass.cli.StormChart.Marker;
import io.hourglass.cli.StormChart.Series;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The lab's HTML report: one self-contained file (inline SVG and CSS, no script, nothing fetched), one panel
 * per policy, every chart of a kind on the same axes so that the panels compare at a glance. It holds every
 * row of the printed table, and a run of one policy is titled and explained for that policy alone. It reads
 * on a phone too: the panels stack, and the charts' text grows in SVG units as the charts shrink.
 */
final class StormReport {
    private StormReport() {}

    /* Each chart's lines, drawn in this order: solid first, then dashes, then dots, so a line on top of
       another leaves it showing between its dashes. Colours from the Tableau 10 palette. */
    private static final List<Series<LabStorm.Sample>> SOCKETS = List.of(
            new Series<>("client TIME_WAIT", "#d62728", "", Marker.CIRCLE,
                    "sockets the client closed first; each stays 60 s. A line that climbs is the storm.",
                    LabStorm.Sample::clientTimeWait),
            new Series<>("client ESTABLISHED", "#1f77b4", "12 5", Marker.SQUARE,
                    "the client's open connections to the upstream.",
                    LabStorm.Sample::clientEstab),
            new Series<>("client FIN_WAIT2", "#ff7f0e", "5 4", Marker.TRIANGLE,
                    "the client closed and the upstream has not yet.",
                    LabStorm.Sample::clientFinWait2),
            new Series<>("server CLOSE_WAIT", "#9467bd", "1 5", Marker.DIAMOND,
                    "the upstream was told the client left but has not closed.",
                    LabStorm.Sample::serverCloseWait));
    private static final List<Series<LabStorm.Sample>> CONNS = List.of(
            new Series<>("connections opened (total)", "#2ca02c", "", Marker.CIRCLE,
                    "connections the client has dialled since the start.",
                    LabStorm.Sample::opened),
            new Series<>("draining now", "#17becf", "12 5", Marker.SQUARE,
                    "connections reading a late response for a caller that has left (DRAIN only).",
                    LabStorm.Sample::draining),
            new Series<>("upstream handlers running", "#8c564b", "1 5", Marker.DIAMOND,
                    "requests the upstream is still working on, mostly for callers that have left.",
                    LabStorm.Sample::upstreamInFlight));

    static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1a1a1a;max-width:1400px;line-height:1.45}
            h1{font-size:24px;margin:0 0 6px;line-height:1.25} h2{font-size:19px;margin:0} h3{font-size:15px;margin:0}
            p{margin:6px 0 12px;max-width:75em} .settings{color:#333} .muted{color:#555}
            table.summary{border-collapse:collapse;margin:12px 0 20px;font-size:14px}
            .summary td,.summary th{border:1px solid #d0d0d0;padding:5px 10px;text-align:right;vertical-align:top}
            .summary th:first-child,.summary td:first-child{text-align:left}
            .summary td{font-variant-numeric:tabular-nums} .summary th{background:#f4f4f4}
            .panels{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,560px),1fr));gap:20px;align-items:start}
            .panel{border:1px solid #d0d0d0;border-radius:6px;padding:14px 16px 4px;min-width:0;max-width:760px}
            .panel .sub{color:#444;font-size:14px;margin:2px 0 4px}
            figure{margin:14px 0 22px} figcaption{margin-bottom:6px} figcaption .muted{font-size:13px}
            svg.chart{display:block;width:100%;height:auto}
            svg.chart text{font-family:inherit} svg.chart .tick{font-size:14px;fill:#2b2b2b}
            svg.chart .axis-title{font-size:14px;font-weight:600;fill:#1a1a1a} svg.chart .mark{font-size:13px;fill:#333}
            ul.legend{list-style:none;margin:8px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:4px 18px;font-size:14px}
            ul.legend li{display:flex;align-items:center;gap:6px;white-space:nowrap} ul.legend svg{flex:none}
            ul.legend .peak{color:#555;font-variant-numeric:tabular-nums}
            dl.reading{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:6px 0 16px;max-width:75em}
            dl.reading dt{font-weight:600} dl.reading dd{margin:0}
            svg.chart .series,svg.chart .grid{vector-effect:non-scaling-stroke}
            h2.reading{margin-top:26px} footer{color:#555;font-size:13px;margin-top:18px}
            @media (max-width:640px){body{margin:12px} h1{font-size:20px} .panel{padding:10px 10px 2px}
              svg.chart .tick,svg.chart .axis-title{font-size:18px} svg.chart .mark{font-size:17px}}
            @media (max-width:480px){svg.chart .tick,svg.chart .axis-title{font-size:22px} svg.chart .mark{font-size:20px}
              svg.chart .markers>*{transform-box:fill-box;transform-origin:center;transform:scale(1.6)}
              ul.legend li{white-space:normal} dl.reading{display:block} dl.reading dd{margin:0 0 6px}}
            @media (max-width:360px){svg.chart .tick,svg.chart .axis-title{font-size:26px} svg.chart .mark{font-size:24px}}
            """;

    static String html(List<LabStorm.Result> results, LabStorm lab) {
        double tMax = 1;
        double sockMax = 0;
        double connMax = 0;
        for (LabStorm.Result r : results) {
            tMax = Math.max(tMax, r.run().sendingSeconds());
            for (LabStorm.Sample s : r.samples()) {
                tMax = Math.max(tMax, s.t());
                for (Series<LabStorm.Sample> se : SOCKETS) sockMax = Math.max(sockMax, se.value().applyAsDouble(s));
                for (Series<LabStorm.Sample> se : CONNS) connMax = Math.max(connMax, se.value().applyAsDouble(s));
            }
        }
        Axis time = Axis.seconds(tMax);
        Axis sockets = Axis.count(sockMax);
        Axis conns = Axis.count(connMax);
        int left = StormChart.left(sockets, conns);
        boolean both = results.size() > 1;
        StringBuilder b = new StringBuilder();
        b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>hourglass lab storm: ")
                .append(esc(policies(results, " vs "))).append("</title>\n<style>\n").append(CSS).append("</style></head><body>\n");
        b.append("<h1>").append(both ? "Connection storm: CLOSE vs DRAIN on a slow upstream"
                : results.get(0).h2() ? "The storm over HTTP/2: streams reset, one connection"
                : "Connection storm on a slow upstream: the " + results.get(0).policy() + " policy").append("</h1>\n");
        b.append("<p class=\"settings\">").append(esc(lab.settings())).append(".</p>\n");
        b.append(explanation(results));
        b.append(summary(results));
        b.append("<div class=\"panels\">\n");
        for (LabStorm.Result r : results) {
            panel(b, r, left, time, sockets, conns);
        }
        b.append("</div>\n");
        b.append(reading());
        b.append("<footer>Made by <code>hourglass lab storm</code> on ")
                .append(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")))
                .append(". Time runs from the start of each policy's load; TCP states are sampled every 200 ms from "
                        + "/proc/net/tcp and /proc/net/tcp6.</footer>\n");
        return b.append("</body></html>\n").toString();
    }

    private static String policies(List<LabStorm.Result> results, String sep) {
        return String.join(sep, results.stream().map(LabStorm.Result::label).toList());
    }

    /** What the reader should look for: both policies and how they differ, or the one that ran. */
    private static String explanation(List<LabStorm.Result> results) {
        String close = "Under <b>CLOSE</b> (what Go's net/http and most clients do) every timed-out call closes its "
                + "connection, so the next call dials a new one: connections opened grow with the requests, and closed "
                + "sockets pile up in TIME_WAIT (and in FIN_WAIT2 while an upstream holds CLOSE_WAIT).";
        String drain = "Under <b>DRAIN</b> (Hourglass's default) the caller gets its timeout at once while the "
                + "connection waits for the late response, discards it and goes back to the pool: connections stay at "
                + "or under the pool's cap, and no closed sockets pile up.";
        if (results.size() > 1) {
            return "<p>" + close + " " + drain + " Both panels use the same axes, so their heights compare directly.</p>\n";
        }
        if (results.get(0).h2()) {
            return "<p>Over <b>HTTP/2</b> every call is a stream on one connection: a call that times out resets its "
                    + "stream (RST_STREAM CANCEL), the upstream is told at once, and the connection carries on. No "
                    + "connection is opened or closed for a timeout, so no socket waits in TIME_WAIT or FIN_WAIT2; the "
                    + "upstream runs at most its SETTINGS_MAX_CONCURRENT_STREAMS handlers for the connection, however "
                    + "many streams the client reset. <span class=\"muted\">Run <code>hourglass lab storm</code> without "
                    + "<code>--protocol</code> to see HTTP/1.1's CLOSE and DRAIN.</span></p>\n";
        }
        boolean isClose = results.get(0).policy() == TimeoutPolicy.CLOSE;
        return "<p>" + (isClose ? close : drain) + " <span class=\"muted\">Run <code>hourglass lab storm</code> without "
                + "<code>--policy</code> to see " + (isClose ? "DRAIN" : "CLOSE") + " beside it.</span></p>\n";
    }

    /** Every row of the printed table (LabStorm.rows), one column per policy. */
    private static String summary(List<LabStorm.Result> results) {
        StringBuilder b = new StringBuilder("<table class=\"summary\"><tr><th scope=\"col\">policy</th>");
        for (LabStorm.Result r : results) b.append("<th scope=\"col\">").append(r.label()).append("</th>");
        b.append("</tr>\n");
        for (List<String> row : LabStorm.rows(results)) {
            b.append("<tr><td>").append(esc(row.get(0))).append("</td>");
            for (String cell : row.subList(1, row.size())) b.append("<td>").append(esc(cell)).append("</td>");
            b.append("</tr>\n");
        }
        return b.append("</table>\n").toString();
    }

    private static void panel(StringBuilder b, LabStorm.Result r, int left, Axis time, Axis sockets, Axis conns) {
        String p = r.label();
        double stop = r.run().sendingSeconds();
        b.append("<div class=\"panel\" id=\"panel-").append(p.toLowerCase(Locale.ROOT).replace("/", "")).append("\">\n<h2>")
                .append(p).append("</h2>\n")
                .append("<p class=\"sub\">").append(r.h2() ? "a call that times out resets its stream"
                        : r.policy() == TimeoutPolicy.CLOSE ? "a call that times out closes its connection"
                        : "a call that times out leaves its connection to drain")
                .append("</p>\n");
        b.append("<figure>\n<figcaption><h3>TCP states</h3><span class=\"muted\">sockets to or from the upstream's port ")
                .append(r.port()).append(", on the client and the server side</span></figcaption>\n");
        b.append(StormChart.svg("sockets", "sockets", p + ": TCP states over time", r.samples(), SOCKETS, left, time, sockets, stop));
        b.append(legend(SOCKETS, r)).append("</figure>\n");
        b.append("<figure>\n<figcaption><h3>Connections and upstream work</h3><span class=\"muted\">the client's pool, and "
                + "the upstream's handlers still running</span></figcaption>\n");
        b.append(StormChart.svg("connections", "count", p + ": connections and upstream handlers over time", r.samples(),
                CONNS, left, time, conns, stop));
        b.append(legend(CONNS, r)).append("</figure>\n</div>\n");
    }

    /** Each series' line as drawn (colour, dashes, marker), its name, and its highest sample in this run. */
    private static String legend(List<Series<LabStorm.Sample>> series, LabStorm.Result r) {
        return legend(series, r.samples());
    }

    /** Each series' line as drawn (colour, dashes, marker), its name, and its highest sample in {@code samples}. */
    static <S> String legend(List<Series<S>> series, List<S> samples) {
        StringBuilder b = new StringBuilder("<ul class=\"legend\">");
        for (Series<S> s : series) {
            long peak = Math.round(samples.stream().mapToDouble(s.value()).max().orElse(0));
            b.append("<li title=\"").append(esc(s.meaning())).append("\"><svg width=\"40\" height=\"14\" viewBox=\"0 0 40 14\" "
                    + "aria-hidden=\"true\"><line x1=\"2\" y1=\"7\" x2=\"38\" y2=\"7\" stroke=\"").append(s.color())
                    .append("\" stroke-width=\"2.5\" stroke-linecap=\"round\"");
            if (!s.dash().isEmpty()) b.append(" stroke-dasharray=\"").append(s.dash()).append('"');
            b.append("/><g fill=\"").append(s.color()).append("\" stroke=\"#fff\" stroke-width=\"1\">")
                    .append(StormChart.shape(s.marker(), 20, 7, 4.5)).append("</g></svg>")
                    .append(esc(s.name())).append(" <span class=\"peak\">max ").append(peak).append("</span></li>");
        }
        return b.append("</ul>\n").toString();
    }

    /** How to read the lines, one definition per series. */
    private static String reading() {
        StringBuilder b = new StringBuilder("<h2 class=\"reading\">Reading the charts</h2>\n<p>Each line has its own colour, dash pattern and "
                + "marker, so lines that lie on top of each other (at the pool's cap, or at zero) can still be told apart; "
                + "the legend gives each line's highest sample. The shaded band is the load; the dashed line, where it stops. After "
                + "it, the lines show what is left: sockets in TIME_WAIT for 60 s, and handlers still running.</p>\n"
                + "<dl class=\"reading\">\n");
        for (List<Series<LabStorm.Sample>> chart : List.of(SOCKETS, CONNS)) {
            for (Series<LabStorm.Sample> s : chart) {
                b.append("<dt>").append(esc(s.name())).append("</dt><dd>").append(esc(s.meaning())).append("</dd>\n");
            }
        }
        return b.append("</dl>\n").toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
