package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.cli.StormChart.Axis;
import io.hourglass.client.Client;
import io.hourglass.client.ClientConfig;
import io.hourglass.client.TimeoutPolicy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The lab's HTML report from made-up samples shaped like a real run (a storm under CLOSE; under DRAIN three
 * lines on top of each other at the cap and three at zero), read as markup: what it must say, and how its
 * charts must be drawn to be read at a glance. {@code LabStormTest} renders a real report in Chromium.
 */
class StormReportTest {
    static final double LOAD_S = 0.5;

    static LoadRun run; // a real run's send window (0.5 s) for the load-stop mark: calls to a port nobody listens on
    static Client.Stats stats;

    @BeforeAll
    static void shortRun() throws Exception {
        URI nobody = URI.create("http://127.0.0.1:" + GetCliTest.freePort());
        // As the lab builds it: a slow and a fast class, here every call slow (--slow-share 100).
        try (LoadRun r = new LoadRun(ClientConfig.builder().timeout(Duration.ofSeconds(2)).build(),
                nobody.resolve(LabStorm.SLOW_PATH), nobody.resolve("/hello"), 100, 100)) {
            r.openLoop(40, Duration.ofMillis(500), 100, Duration.ofSeconds(5), x -> { });
            stats = r.clientStats();
            run = r;
        }
    }

    /** CLOSE: TIME_WAIT climbs to 25; DRAIN: opened, draining and handlers all at 8, TIME_WAIT and the rest at 0. */
    static List<LabStorm.Sample> samples(TimeoutPolicy p) {
        List<LabStorm.Sample> out = new ArrayList<>();
        for (int i = 0; i <= 35; i++) {
            double t = i * 0.05;
            boolean loading = t <= LOAD_S;
            int calls = (int) Math.min(25, Math.round(50 * t));
            if (p == TimeoutPolicy.CLOSE) {
                out.add(new LabStorm.Sample(t, loading ? Math.min(10, calls) : 0, 0, Math.max(0, calls - 5), 0, 0, 0,
                        calls, 0, t < 1.2 ? Math.min(20, calls) : 0));
            } else {
                int held = Math.min(8, calls);
                out.add(new LabStorm.Sample(t, held, 0, 0, 0, held, 0, held, held, t < 1.2 ? held : 0));
            }
        }
        return out;
    }

    static LabStorm.Result result(TimeoutPolicy p) {
        return new LabStorm.Result(p, p == TimeoutPolicy.CLOSE ? 40001 : 40002, run, stats, samples(p), 20, 20, 0);
    }

    static String html(TimeoutPolicy... policies) throws Exception {
        LabStorm lab = new LabStorm(System.out, System.err, Terminal.of(false, false, 80));
        List<LabStorm.Result> results = new ArrayList<>();
        for (TimeoutPolicy p : policies) results.add(result(p));
        String html = StormReport.html(results, lab);
        // Kept for a look in a browser: target/storm-report-{close,drain,close-drain}.html
        Path dir = Path.of("target");
        if (Files.isDirectory(dir)) {
            String name = String.join("-", results.stream().map(r -> r.policy().name().toLowerCase()).toList());
            Files.writeString(dir.resolve("storm-report-" + name + ".html"), html);
        }
        return html;
    }

    static String chart(String html, String policy, String kind) {
        int panel = html.indexOf("id=\"panel-" + policy + "\"");
        int start = html.indexOf("<svg class=\"chart\" data-kind=\"" + kind + "\"", panel);
        assertThat(panel).isNotNegative();
        assertThat(start).isNotNegative();
        return html.substring(start, html.indexOf("</svg>", start));
    }

    static List<String> all(String text, String regex) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    @ParameterizedTest(name = "{0}s -> 0..{1} every {2}")
    @CsvSource({"0, 1, 1", "0.7, 1, 1", "3.3, 4, 1", "10.3, 12, 2", "29.4, 30, 5", "65, 70, 10", "600, 600, 120",
        "7000, 7200, 900"})
    void timeAxisTicksFallOnRoundSeconds(double tMax, double max, double step) {
        assertThat(Axis.seconds(tMax)).isEqualTo(new Axis(max, step));
    }

    @ParameterizedTest(name = "{0} -> 0..{1} every {2}")
    @CsvSource({"0, 1, 1", "3, 3, 1", "7, 8, 2", "64, 80, 20", "255, 300, 100", "1000, 1000, 200", "1001, 1500, 500"})
    void countAxisTicksStepByOneTwoOrFive(double vMax, double max, double step) {
        assertThat(Axis.count(vMax)).isEqualTo(new Axis(max, step));
    }

    /** Room for "1000" at a small phone's tick size (26 units, about 0.6 of that per digit), the same for both charts. */
    @ParameterizedTest(name = "up to {0} -> {1}")
    @CsvSource({"80, 48", "300, 63", "1000, 79", "20000, 95"})
    void yTicksGetRoomForTheirWidestLabel(double max, int left) {
        assertThat(StormChart.left(Axis.count(max), Axis.count(1))).isEqualTo(left);
        assertThat(StormChart.left(Axis.count(1), Axis.count(max))).isEqualTo(left);
    }

    @Test
    void xTicksAreWholeSecondsAndTheLoadStopIsMarkedWhereTheSendingEnded() throws Exception {
        String svg = chart(html(TimeoutPolicy.CLOSE, TimeoutPolicy.DRAIN), "close", "sockets");
        assertThat(all(svg, "<text class=\"tick\"[^>]*text-anchor=\"middle\"[^>]*>([^<]*)</text>"))
                .containsExactly("0s", "1s", "2s");
        Matcher stop = Pattern.compile("<line class=\"load-stop\" x1=\"([\\d.]+)\"").matcher(svg);
        assertThat(stop.find()).as("a load-stop line in\n%s", svg).isTrue();
        int left = StormChart.left(new Axis(25, 5), new Axis(25, 5)); // the made-up counts top out at 25
        double plot = StormChart.W - left - StormChart.RIGHT;
        double expected = left + plot * run.sendingSeconds() / 2;
        assertThat(Double.parseDouble(stop.group(1))).isCloseTo(expected, org.assertj.core.data.Offset.offset(0.1));
        assertThat(run.sendingSeconds()).isBetween(LOAD_S, LOAD_S + 0.2);
        assertThat(svg).contains(String.format(java.util.Locale.ROOT, "load stops at %ss",
                StormChart.number(Math.round(run.sendingSeconds() * 10) / 10.0)));
    }

    @Test
    void axesHaveTitlesWithUnitsAndLegibleTicks() throws Exception {
        String html = html(TimeoutPolicy.CLOSE, TimeoutPolicy.DRAIN);
        assertThat(all(chart(html, "drain", "sockets"), "<text class=\"axis-title\"[^>]*>([^<]*)</text>"))
                .containsExactly("sockets", "time since the load started");
        assertThat(all(chart(html, "drain", "connections"), "<text class=\"axis-title\"[^>]*>([^<]*)</text>"))
                .containsExactly("count", "time since the load started");
        Matcher tick = Pattern.compile("svg\\.chart \\.tick\\{font-size:(\\d+)px;fill:#(\\w{2})(\\w{2})(\\w{2})}").matcher(html);
        assertThat(tick.find()).as("the tick text's CSS").isTrue();
        assertThat(Integer.parseInt(tick.group(1))).as("tick text px").isGreaterThanOrEqualTo(13);
        for (int g = 2; g <= 4; g++) {
            assertThat(Integer.parseInt(tick.group(g), 16)).as("tick text is dark, not light grey").isLessThan(0x60);
        }
    }

    @Test
    void everyLineHasItsOwnColourDashAndMarkerSoLinesOnTopOfEachOtherShow() throws Exception {
        String html = html(TimeoutPolicy.CLOSE, TimeoutPolicy.DRAIN);
        for (String kind : List.of("sockets", "connections")) {
            String svg = chart(html, "drain", kind);
            List<String> lines = all(svg, "(<polyline class=\"series\"[^>]*>)");
            Set<String> styles = new HashSet<>();
            for (String line : lines) {
                String color = attr(line, "stroke");
                String dash = line.contains("stroke-dasharray") ? attr(line, "stroke-dasharray") : "";
                assertThat(styles.add(color + "|" + dash)).as("%s: a second line styled %s %s", kind, color, dash).isTrue();
                assertThat(svg).as("%s: markers of %s", kind, attr(line, "data-series"))
                        .containsPattern("<g class=\"markers\" data-series=\"" + Pattern.quote(attr(line, "data-series"))
                                + "\"[^>]*>(<(circle|rect|path) [^>]*/>)+</g>");
            }
            // A shape per line: circle, rect, or a path told apart by its corners (triangle, diamond).
            List<String> shapes = all(svg, "<g class=\"markers\"[^>]*>(<\\w+(?: d=\"[^\"]*\")?)").stream()
                    .map(m -> m.startsWith("<path") ? "path/" + m.chars().filter(c -> c == 'L').count() : m).toList();
            assertThat(new HashSet<>(shapes)).as("%s: marker shapes %s", kind, shapes).hasSameSizeAs(lines);
            List<String> dashes = lines.stream().map(l -> l.contains("dasharray") ? attr(l, "stroke-dasharray") : "").toList();
            assertThat(new HashSet<>(dashes)).as("%s: dash patterns", kind).hasSameSizeAs(dashes);
        }
    }

    @Test
    void zeroLinesAreDrawnAndTheLegendGivesEachLinesHighestSample() throws Exception {
        String html = html(TimeoutPolicy.CLOSE, TimeoutPolicy.DRAIN);
        String svg = chart(html, "drain", "sockets");
        double base = StormChart.H - StormChart.BOTTOM;
        for (String name : List.of("client TIME_WAIT", "client FIN_WAIT2", "server CLOSE_WAIT")) {
            Matcher m = Pattern.compile("data-series=\"" + name + "\"[^>]* points=\"([^\"]*)\"").matcher(svg);
            assertThat(m.find()).as(name).isTrue();
            for (String p : m.group(1).split(" ")) {
                assertThat(Double.parseDouble(p.split(",")[1])).as("%s at zero, on the baseline", name).isEqualTo(base);
            }
        }
        int panel = html.indexOf("id=\"panel-drain\"");
        String legend = html.substring(html.indexOf("<ul class=\"legend\">", panel), html.indexOf("</ul>", panel));
        assertThat(legend).contains("client TIME_WAIT <span class=\"peak\">max 0</span>")
                .contains("client ESTABLISHED <span class=\"peak\">max 8</span>");
    }

    @Test
    void theHtmlTableHoldsEveryRowTheTerminalTablePrints() throws Exception {
        String html = html(TimeoutPolicy.CLOSE, TimeoutPolicy.DRAIN);
        List<LabStorm.Result> results = List.of(result(TimeoutPolicy.CLOSE), result(TimeoutPolicy.DRAIN));
        String table = LabStorm.table(results);
        List<List<String>> rows = LabStorm.rows(results);
        assertThat(table.lines().count()).as("header + rows").isEqualTo(rows.size() + 1);
        for (List<String> row : rows) {
            StringBuilder tr = new StringBuilder("<tr><td>" + StormReport.esc(row.get(0)) + "</td>");
            for (String cell : row.subList(1, row.size())) tr.append("<td>").append(StormReport.esc(cell)).append("</td>");
            assertThat(html).contains(tr + "</tr>");
            assertThat(table).contains(row.get(0));
        }
        assertThat(html).contains("<td>completed (any status)</td>").contains("<td>other errors</td>");
    }

    @Test
    void aSinglePolicyRunIsTitledAndExplainedForThatPolicyOnly() throws Exception {
        String close = html(TimeoutPolicy.CLOSE);
        assertThat(close).contains("<h1>Connection storm on a slow upstream: the CLOSE policy</h1>")
                .contains("<title>hourglass lab storm: CLOSE</title>")
                .contains("Under <b>CLOSE</b>").doesNotContain("Under <b>DRAIN</b>").doesNotContain("vs DRAIN")
                .doesNotContain("id=\"panel-drain\"").doesNotContain("<th scope=\"col\">DRAIN</th>");
        String drain = html(TimeoutPolicy.DRAIN);
        assertThat(drain).contains("<h1>Connection storm on a slow upstream: the DRAIN policy</h1>")
                .contains("Under <b>DRAIN</b>").doesNotContain("Under <b>CLOSE</b>").doesNotContain("CLOSE vs")
                .doesNotContain("id=\"panel-close\"");
        String both = html(TimeoutPolicy.CLOSE, TimeoutPolicy.DRAIN);
        assertThat(both).contains("<h1>Connection storm: CLOSE vs DRAIN on a slow upstream</h1>")
                .contains("Under <b>CLOSE</b>").contains("Under <b>DRAIN</b>");
    }

    @Test
    void theReportIsSelfContained() throws Exception {
        String html = html(TimeoutPolicy.CLOSE, TimeoutPolicy.DRAIN);
        assertThat(html).doesNotContain("<script").doesNotContain("http://").doesNotContain("https://")
                .doesNotContain("<link").doesNotContain("@import").doesNotContain("url(");
    }

    private static String attr(String tag, String name) {
        Matcher m = Pattern.compile(" " + Pattern.quote(name) + "=\"([^\"]*)\"").matcher(tag);
        assertThat(m.find()).as("%s in %s", name, tag).isTrue();
        return m.group(1);
    }
}
