package io.hourglass.cli;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The lab's HTML report: one self-contained file, charts drawn as inline SVG (no script, no network), one
 * panel per policy on the same scales so they compare at a glance.
 */
final class StormReport {
    private StormReport() {}

    private record Series(String name, String color, ToDoubleFunction<LabStorm.Sample> value) {}

    private static final List<Series> SOCKETS = List.of(
            new Series("client TIME_WAIT", "#d62728", LabStorm.Sample::clientTimeWait),
            new Series("client FIN_WAIT2", "#ff7f0e", LabStorm.Sample::clientFinWait2),
            new Series("client ESTABLISHED", "#1f77b4", LabStorm.Sample::clientEstab),
            new Series("server CLOSE_WAIT", "#9467bd", LabStorm.Sample::serverCloseWait));
    private static final List<Series> CONNS = List.of(
            new Series("connections opened (total)", "#2ca02c", LabStorm.Sample::opened),
            new Series("draining now", "#17becf", LabStorm.Sample::draining),
            new Series("upstream handlers running", "#8c564b", LabStorm.Sample::upstreamInFlight));

    static String html(List<LabStorm.Result> results, LabStorm lab) {
        double tMax = 1;
        double sockMax = 1;
        double connMax = 1;
        for (LabStorm.Result r : results) {
            for (LabStorm.Sample s : r.samples()) {
                tMax = Math.max(tMax, s.t());
                for (Series se : SOCKETS) sockMax = Math.max(sockMax, se.value.applyAsDouble(s));
                for (Series se : CONNS) connMax = Math.max(connMax, se.value.applyAsDouble(s));
            }
        }
        StringBuilder b = new StringBuilder();
        b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>hourglass lab storm</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}\n")
                .append("h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:0 0 6px} p{margin:4px 0 12px;line-height:1.4}\n")
                .append(".panels{display:flex;gap:24px;flex-wrap:wrap} .panel{flex:1;min-width:560px;max-width:700px;border:1px solid #ddd;border-radius:6px;padding:12px}\n")
                .append("table{border-collapse:collapse;margin:8px 0 16px} td,th{border:1px solid #ddd;padding:4px 10px;text-align:right}\n")
                .append("th:first-child,td:first-child{text-align:left} .legend span{display:inline-block;margin-right:14px;font-size:13px}\n")
                .append(".swatch{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}\n")
                .append("</style></head><body>\n");
        b.append("<h1>Connection storm: CLOSE vs DRAIN on a slow upstream</h1>\n<p>")
                .append(esc(lab.settings())).append(".</p>\n<p>Under <b>CLOSE</b> (what Go's net/http and most clients do) every timed-out call ")
                .append("closes its connection, so the next call dials a new one: connections opened grow with the requests and ")
                .append("closed sockets pile up in TIME_WAIT (and in FIN_WAIT2 while an upstream holds CLOSE_WAIT). Under <b>DRAIN</b> ")
                .append("the caller gets its timeout at once while the connection waits for the late response, discards it and goes ")
                .append("back to the pool: connections stay at or under the cap.</p>\n");
        b.append(summary(results));
        b.append("<div class=\"panels\">\n");
        for (LabStorm.Result r : results) {
            b.append("<div class=\"panel\" id=\"panel-").append(r.policy().name().toLowerCase(Locale.ROOT)).append("\">\n<h2>")
                    .append(r.policy()).append("</h2>\n<p>TCP states of sockets to or from the upstream port ")
                    .append(r.port()).append(", sampled every 200 ms</p>\n");
            b.append(chart(r.samples(), SOCKETS, tMax, sockMax, "sockets"));
            b.append(legend(SOCKETS));
            b.append("<p>Connections</p>\n");
            b.append(chart(r.samples(), CONNS, tMax, connMax, "connections"));
            b.append(legend(CONNS));
            b.append("</div>\n");
        }
        b.append("</div>\n<p style=\"color:#666;font-size:12px\">Made by <code>hourglass lab storm</code>. Time in seconds from the start of each run.</p>\n");
        b.append("</body></html>\n");
        return b.toString();
    }

    private static String summary(List<LabStorm.Result> results) {
        StringBuilder b = new StringBuilder("<table><tr><th></th>");
        for (LabStorm.Result r : results) b.append("<th>").append(r.policy()).append("</th>");
        b.append("</tr>\n");
        String[] names = {"requests sent", "timeouts", "connections opened", "connections reused", "connections drained",
            "peak client FIN_WAIT2", "peak client TIME_WAIT", "peak client ESTABLISHED", "peak server CLOSE_WAIT",
            "upstream peak concurrency"};
        for (int i = 0; i < names.length; i++) {
            b.append("<tr><td>").append(names[i]).append("</td>");
            for (LabStorm.Result r : results) {
                var s = r.stats();
                long v = switch (i) {
                    case 0 -> r.run().sent();
                    case 1 -> r.run().timeoutsTotal();
                    case 2 -> s.opened();
                    case 3 -> s.reused();
                    case 4 -> s.drainedReused() + s.drainedClosed();
                    case 5 -> r.peak(LabStorm.Sample::clientFinWait2);
                    case 6 -> r.peak(LabStorm.Sample::clientTimeWait);
                    case 7 -> r.peak(LabStorm.Sample::clientEstab);
                    case 8 -> r.peak(LabStorm.Sample::serverCloseWait);
                    default -> r.upstreamPeak();
                };
                b.append("<td>").append(v).append("</td>");
            }
            b.append("</tr>\n");
        }
        // Issue 15's rows: what healthy calls got, who got a connection, what reached the upstream, drains' ends.
        String[] more = {"healthy calls answered", "healthy calls p99 latency", "calls that got a connection",
            "calls that gave up waiting for the pool", "requests the upstream received (slow path)",
            "drains back to the pool", "drains preempted (reset for a call that needed the slot)",
            "drains abandoned (drain timeout or byte limit)"};
        for (int i = 0; i < more.length; i++) {
            b.append("<tr><td>").append(more[i]).append("</td>");
            for (LabStorm.Result r : results) {
                var s = r.stats();
                LoadRun.Tally fast = r.run().tally("fast");
                String v = switch (i) {
                    case 0 -> fast.sent() == 0 ? "n/a" : LabStorm.healthy(fast);
                    case 1 -> fast.completed() == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f ms", fast.latencyMillis(99));
                    case 2 -> String.valueOf(r.run().acquired());
                    case 3 -> String.valueOf(r.run().poolGaveUp());
                    case 4 -> (r.slowReceived() + r.fastReceived()) + " (" + r.slowReceived() + ")";
                    case 5 -> String.valueOf(s.drainedReused());
                    case 6 -> String.valueOf(s.drainsPreempted());
                    default -> String.valueOf(s.drainsAbandoned());
                };
                b.append("<td>").append(esc(v)).append("</td>");
            }
            b.append("</tr>\n");
        }
        return b.append("</table>\n").toString();
    }

    private static String legend(List<Series> series) {
        StringBuilder b = new StringBuilder("<div class=\"legend\">");
        for (Series s : series) {
            b.append("<span><i class=\"swatch\" style=\"background:").append(s.color).append("\"></i>")
                    .append(esc(s.name)).append("</span>");
        }
        return b.append("</div>\n").toString();
    }

    private static String chart(List<LabStorm.Sample> samples, List<Series> series, double tMax, double yMax, String kind) {
        int w = 640;
        int h = 240;
        int left = 50;
        int right = 24; // room for half of the last time label, which is centred on the right edge
        int top = 10;
        int bottom = 30;
        double yTop = niceCeil(yMax);
        double pw = w - left - right;
        double ph = h - top - bottom;
        StringBuilder b = new StringBuilder();
        b.append("<svg class=\"chart\" data-kind=\"").append(kind).append("\" viewBox=\"0 0 ").append(w).append(' ').append(h)
                .append("\" width=\"100%\" role=\"img\" aria-label=\"").append(kind).append(" over time\">\n");
        // grid and axes
        for (int i = 0; i <= 4; i++) {
            double y = top + ph - ph * i / 4;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>", left, y, w - right, y));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">%s</text>\n",
                    left - 6, y + 4, label(yTop * i / 4)));
        }
        for (int i = 0; i <= 5; i++) {
            double x = left + pw * i / 5;
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">%ss</text>\n",
                    x, h - 10, label(tMax * i / 5)));
        }
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" stroke=\"#999\"/>", left, top, left, top + ph));
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#999\"/>\n", left, top + ph, w - right, top + ph));
        for (Series s : series) {
            StringBuilder pts = new StringBuilder();
            for (LabStorm.Sample smp : samples) {
                double x = left + pw * smp.t() / tMax;
                double y = top + ph - ph * s.value.applyAsDouble(smp) / yTop;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            b.append("<polyline class=\"series\" data-series=\"").append(esc(s.name)).append("\" fill=\"none\" stroke=\"")
                    .append(s.color).append("\" stroke-width=\"2\" points=\"").append(pts.toString().trim()).append("\"/>\n");
        }
        return b.append("</svg>\n").toString();
    }

    private static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(1, v))));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) return m * p;
        }
        return 10 * p;
    }

    private static String label(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
