// SVG bar charts of a bench/run-all.sh result directory (bench/out/<timestamp>-all), standard library only.
// Run with the JDK's source launcher:  $JAVA_HOME/bin/java bench/Charts.java ALL_DIR [OUT_DIR]
// Reads the summary copies run-all.sh keeps in ALL_DIR (server.summary.tsv, client.summary.tsv,
// idle.results.tsv, timer.summary.tsv, and the *.settings.txt beside them) and writes, into OUT_DIR (default
// ALL_DIR/charts), one self-contained SVG per benchmark that has results: server.svg, client.svg,
// idle-memory.svg, timer.svg. Hourglass's bars are highlighted; reference lines mark the peers the targets
// compare with. A chart whose input is missing is skipped with a note on stderr.

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Charts {

    // ---- model -------------------------------------------------------------------------------------

    /** A vertical reference line across a column of a section, labelled above the bars. */
    record Ref(String label, double value) {}

    /** One metric shown as bars: its heading (with units), its width in px, how values print. */
    record Column(String heading, int width, DoubleFunction<String> fmt) {}

    /** A group of rows with its own title; values[col][row] (NaN: no value), refs per column. */
    static final class Section {
        final String title;
        final List<String> labels = new ArrayList<>();
        final List<Boolean> highlight = new ArrayList<>();
        final List<double[]> values = new ArrayList<>();   // per row: one value per column
        final List<List<Ref>> refs = new ArrayList<>();    // per column

        Section(String title, int columns) {
            this.title = title;
            for (int i = 0; i < columns; i++) refs.add(new ArrayList<>());
        }

        void row(String label, boolean hl, double... v) { labels.add(label); highlight.add(hl); values.add(v); }

        void ref(int col, String label, double value) { if (!Double.isNaN(value)) refs.get(col).add(new Ref(label, value)); }
    }

    static final class Chart {
        final String title;
        final List<String> subtitles = new ArrayList<>();
        String warning;                 // printed in red under the title (quick runs)
        String footer;
        int width = 800, labelWidth = 130;
        boolean sharedScale;            // one scale per column over all sections
        final List<Column> columns = new ArrayList<>();
        final List<Section> sections = new ArrayList<>();

        Chart(String title) { this.title = title; }
    }

    // ---- input -------------------------------------------------------------------------------------

    /** A TSV file with a header line, as rows of column name -> value. */
    static List<Map<String, String>> tsv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Map<String, String>> rows = new ArrayList<>();
        if (lines.isEmpty()) return rows;
        String[] head = lines.get(0).split("\t", -1);
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) continue;
            String[] f = line.split("\t", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < head.length; i++) row.put(head[i], i < f.length ? f[i] : "");
            rows.add(row);
        }
        return rows;
    }

    static double num(Map<String, String> row, String key) {
        String v = row.getOrDefault(key, "");
        if (v.isEmpty() || v.equals("-") || v.equals("n/a")) return Double.NaN;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** key=value pairs (values optionally in double quotes) and "key: value" lines of a settings file. */
    static Map<String, String> settings(Path file) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) return m;
        Pattern kv = Pattern.compile("([A-Za-z_]+)=(\"[^\"]*\"|\\S*)");
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int colon = line.indexOf(": ");
            if (colon > 0 && !line.substring(0, colon).contains("=")) m.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 2).trim());
            Matcher x = kv.matcher(line);
            while (x.find()) m.putIfAbsent(x.group(1), x.group(2).replace("\"", ""));
        }
        return m;
    }

    // ---- number formats ----------------------------------------------------------------------------

    static String fmtCpu(double v) { return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v); }

    static String fmtRate(double v) {
        if (v >= 1e6) return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        if (v >= 1e4) return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        if (v >= 1e3) return String.format(Locale.ROOT, "%.2fk", v / 1e3);
        return String.format(Locale.ROOT, "%.0f", v);
    }

    static String fmtKib(double v) { return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v); }

    static String fmtMs(double v) { return String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v); }

    static String tick(double v) {
        if (v >= 1e6) return trim(v / 1e6) + "M";
        if (v >= 1e3) return trim(v / 1e3) + "k";
        return trim(v);
    }

    static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    // ---- the charts --------------------------------------------------------------------------------

    static boolean isHourglass(String name) { return name.startsWith("hourglass"); }

    static String modeNote(Map<String, String> all) {
        return "quick".equals(all.get("mode")) ? "quick smoke run (bench/run-all.sh --quick): these figures are not data" : null;
    }

    static String dateLine(Map<String, String> all, Map<String, String> own) {
        String d = own.getOrDefault("date", all.getOrDefault("date", "unknown date"))
                .replaceAll("^(\\d{4}-\\d\\d-\\d\\d)T(\\d\\d:\\d\\d:\\d\\d)Z$", "$1 $2 UTC");
        String commit = all.getOrDefault("commit", own.getOrDefault("commit", own.getOrDefault("repo", "")));
        return "run " + d + (commit.isEmpty() ? "" : ", commit " + commit);
    }

    static Chart server(Path dir, Map<String, String> all) throws IOException {
        List<Map<String, String>> rows = tsv(dir.resolve("server.summary.tsv"));
        Map<String, String> set = settings(dir.resolve("server.settings.txt"));
        set.putAll(settings(dir.resolve("server.versions.txt")));
        Chart c = new Chart("Server CPU per request: GET /hello over loopback, wrk load");
        c.subtitles.add(dateLine(all, set) + "; medians of " + set.getOrDefault("rounds", "?") + " round(s) of "
                + set.getOrDefault("duration", "?") + " per server after " + set.getOrDefault("warmup", "?") + " warm-up");
        c.subtitles.add("CPU: user+system time of the server's whole process tree during the measured wrk run, per request");
        c.warning = modeNote(all);
        c.labelWidth = 96;
        c.columns.add(new Column("server CPU per request, µs (lower is better)", 470, Charts::fmtCpu));
        c.columns.add(new Column("requests/s (higher is better)", 170, Charts::fmtRate));
        Map<String, Section> sections = new LinkedHashMap<>();
        for (Map<String, String> r : rows) {
            String key = r.get("mode") + "/" + r.get("conns");
            Section s = sections.computeIfAbsent(key, k -> new Section(
                    ("keepalive".equals(r.get("mode")) ? "keep-alive" : "close".equals(r.get("mode"))
                            ? "connect per request (Connection: close; CPU per request = per connection)" : r.get("mode"))
                            + ", " + r.get("conns") + " connections", 2));
            s.row(r.get("server"), isHourglass(r.get("server")), num(r, "cpu_us_per_req"), num(r, "req_per_s"));
        }
        for (Map.Entry<String, Section> e : sections.entrySet()) {
            Section s = e.getValue();
            String best = "";
            for (Map<String, String> r : rows) {
                if (!e.getKey().equals(r.get("mode") + "/" + r.get("conns"))) continue;
                if (!r.getOrDefault("best_java", "").isEmpty()) best = r.get("best_java");
            }
            for (Map<String, String> r : rows) {
                if (!e.getKey().equals(r.get("mode") + "/" + r.get("conns"))) continue;
                if (r.get("server").equals("nginx")) s.ref(0, "nginx " + fmtCpu(num(r, "cpu_us_per_req")), num(r, "cpu_us_per_req"));
                if (r.get("server").equals(best)) s.ref(0, "best Java peer (" + best + ") " + fmtCpu(num(r, "cpu_us_per_req")), num(r, "cpu_us_per_req"));
            }
            c.sections.add(s);
        }
        c.footer = "bench/server-compare.sh; hourglass highlighted; dashed lines: nginx and the best Java peer (leanest Java server but hourglass)";
        return c;
    }

    static Chart client(Path dir, Map<String, String> all) throws IOException {
        List<Map<String, String>> rows = tsv(dir.resolve("client.summary.tsv"));
        Map<String, String> set = settings(dir.resolve("client.settings.txt"));
        set.putAll(settings(dir.resolve("client.versions.txt")));
        Chart c = new Chart("Client CPU per call and calls/s: closed loop of GET /hello against nginx");
        c.subtitles.add(dateLine(all, set) + "; warm clients: N calls after " + set.getOrDefault("warmup", "?")
                + " warm-up calls, medians of " + set.getOrDefault("rounds", "?") + " round(s)");
        c.subtitles.add("CPU: the client process's own CPU time (all threads) over the N measured calls, per call (hourglass: the library)");
        c.warning = modeNote(all);
        c.labelWidth = 104;
        c.columns.add(new Column("client CPU per call, µs (lower is better)", 330, Charts::fmtCpu));
        c.columns.add(new Column("calls/s (higher is better)", 320, Charts::fmtRate));
        Map<String, Section> sections = new LinkedHashMap<>();
        for (Map<String, String> r : rows) {
            if (!"warm".equals(r.get("phase"))) continue;
            String conc = r.get("conc");
            Section s = sections.computeIfAbsent(conc, k -> new Section(
                    conc + (conc.equals("1") ? " caller" : " concurrent callers") + ", N = " + r.get("n") + " calls", 2));
            s.row(r.get("client"), isHourglass(r.get("client")), num(r, "cpu_us_per_req"), num(r, "req_per_s"));
            if (r.get("client").equals("go")) s.ref(0, "go " + fmtCpu(num(r, "cpu_us_per_req")), num(r, "cpu_us_per_req"));
            if (r.get("client").equals("apache")) s.ref(1, "apache " + fmtRate(num(r, "req_per_s")), num(r, "req_per_s"));
        }
        c.sections.addAll(sections.values());
        c.footer = "bench/client-compare.sh (warm mode); hourglass highlighted; dashed lines: Go's net/http client (CPU) and Apache HttpClient 5 (calls/s)";
        return c;
    }

    static Chart idle(Path dir, Map<String, String> all) throws IOException {
        List<Map<String, String>> rows = tsv(dir.resolve("idle.results.tsv"));
        Map<String, String> set = settings(dir.resolve("idle.settings.txt"));
        set.putAll(settings(dir.resolve("idle.versions.txt")));
        Chart c = new Chart("Memory per idle keep-alive connection");
        c.subtitles.add(dateLine(all, set) + "; per connection = (with N idle connections - baseline) / N");
        c.subtitles.add("RSS after a full GC (Go: as is); live heap: class histogram total after a full GC (JVMs only)");
        c.warning = modeNote(all);
        c.labelWidth = 110;
        c.columns.add(new Column("RSS per connection, KiB (lower is better)", 330, Charts::fmtKib));
        c.columns.add(new Column("live Java heap per connection, KiB", 320, Charts::fmtKib));
        String conns = rows.isEmpty() ? "?" : rows.get(0).get("conns");
        Section s = new Section(conns + " idle connections, each after one GET /hello (hourglass-slow: /sleep?d=50ms)", 2);
        for (Map<String, String> r : rows) {
            s.row(r.get("server"), isHourglass(r.get("server")), num(r, "rss_kib_per_conn"), num(r, "heap_kib_per_conn"));
        }
        s.ref(0, "target 16 KiB", 16);
        s.ref(1, "16 KiB", 16);
        c.sections.add(s);
        c.footer = "bench/idle-memory.sh; hourglass highlighted (hourglass-nmt: with native memory tracking, which costs memory itself)";
        return c;
    }

    static Chart timer(Path dir, Map<String, String> all) throws IOException {
        List<Map<String, String>> rows = tsv(dir.resolve("timer.summary.tsv"));
        Map<String, String> set = settings(dir.resolve("timer.settings.txt"));
        Chart c = new Chart("Deadline timer lateness (expiry - deadline)");
        Map<String, String> first = rows.isEmpty() ? Map.of() : rows.get(0);
        Matcher load = Pattern.compile("load average: ([0-9.]+ [0-9.]+ [0-9.]+)").matcher(String.join("\n", set.values()));
        c.subtitles.add(dateLine(all, set) + "; load average at the start " + (load.find() ? load.group(1) : "?"));
        c.subtitles.add(first.getOrDefault("deadlines", "?") + " deadlines on as many loopback connections, spread over "
                + first.getOrDefault("from_ms", "?") + ".." + first.getOrDefault("to_ms", "?") + " ms; percentiles by nearest rank");
        c.warning = modeNote(all);
        c.labelWidth = 70;
        c.sharedScale = true;
        c.columns.add(new Column("lateness, ms (lower is better)", 660, Charts::fmtMs));
        List<Map<String, String>> ordered = new ArrayList<>();
        for (Map<String, String> r : rows) if ("read".equals(r.get("variant"))) ordered.add(r);
        for (Map<String, String> r : rows) if (!"read".equals(r.get("variant"))) ordered.add(r);
        for (Map<String, String> r : ordered) {
            String v = r.get("variant");
            Section s = new Section(v.equals("read") ? "read: a virtual thread blocked in Conn.read under a read deadline (what a caller sees)"
                    : v.equals("alarm") ? "alarm: Conn.armAlarm, the action runs on the timer thread (the timer alone)" : v, 1);
            s.row("p50", false, num(r, "p50_ms"));
            s.row("p90", false, num(r, "p90_ms"));
            s.row("p99", true, num(r, "p99_ms"));
            if (v.equals("read")) s.ref(0, "target: p99 <= 5 ms", 5);
            c.sections.add(s);
        }
        c.footer = "bench/timer-precision.sh; io.hourglass.bench.TimerPrecision; p99 highlighted";
        return c;
    }

    // ---- SVG ---------------------------------------------------------------------------------------

    static final String FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif";
    static final String HL = "#e8590c", BAR = "#8da4bd", INK = "#212529", GREY = "#6c757d", GRID = "#e9ecef", REF = "#343a40";
    static final int ROW = 22, BAR_H = 14, VALUE_SPACE = 52, COL_GAP = 26, REF_LINE = 14;

    static String esc(String s) { return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;"); }

    static String f1(double v) { return String.format(Locale.ROOT, "%.1f", v); }

    /** A step of 1, 2 or 5 times a power of ten giving about n ticks up to max. */
    static double niceStep(double max, int n) {
        double raw = max / n, p = Math.pow(10, Math.floor(Math.log10(raw))), m = raw / p;
        return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
    }

    static String render(Chart c) {
        StringBuilder b = new StringBuilder();
        int nc = c.columns.size();
        int[] colX = new int[nc];
        int x = c.labelWidth + 10;
        for (int i = 0; i < nc; i++) { colX[i] = x; x += c.columns.get(i).width() + COL_GAP; }
        // scales: the largest value or reference per column (and section unless shared)
        double[][] max = new double[c.sections.size()][nc];
        for (int i = 0; i < nc; i++) {
            double all = 0;
            for (int si = 0; si < c.sections.size(); si++) {
                Section s = c.sections.get(si);
                double m = 0;
                for (double[] v : s.values) if (i < v.length && !Double.isNaN(v[i])) m = Math.max(m, v[i]);
                for (Ref r : s.refs.get(i)) m = Math.max(m, r.value());
                max[si][i] = m;
                all = Math.max(all, m);
            }
            if (c.sharedScale) for (int si = 0; si < c.sections.size(); si++) max[si][i] = all;
        }

        StringBuilder body = new StringBuilder();
        int y = 30;
        body.append(text(12, y, 19, "bold", INK, "start", c.title));
        y += 20;
        for (String sub : c.subtitles) { body.append(text(12, y, 12, "normal", GREY, "start", sub)); y += 16; }
        if (c.warning != null) { body.append(text(12, y, 12, "bold", "#c92a2a", "start", c.warning)); y += 16; }
        y += 8;
        for (int si = 0; si < c.sections.size(); si++) {
            Section s = c.sections.get(si);
            body.append(text(12, y + 14, 14, "bold", INK, "start", s.title));
            y += 24;
            for (int i = 0; i < nc; i++) body.append(text(colX[i], y + 11, 12, "bold", GREY, "start", c.columns.get(i).heading()));
            y += 16;
            int nref = 0;
            for (List<Ref> r : s.refs) nref = Math.max(nref, r.size());
            int refTop = y;
            y += nref * REF_LINE + (nref > 0 ? 4 : 0);
            int plotTop = y, plotBottom = y + s.labels.size() * ROW;
            double[] scale = new double[nc], top = new double[nc], step = new double[nc];
            for (int i = 0; i < nc; i++) {
                int plotW = c.columns.get(i).width() - VALUE_SPACE;
                double m = max[si][i] > 0 ? max[si][i] : 1;
                // the tightest of a few nice steps, so the longest bar fills most of the width
                int ticks = plotW >= 300 ? 5 : plotW >= 160 ? 3 : 2;
                top[i] = Double.MAX_VALUE;
                for (int n = ticks; n <= ticks + 1; n++) {
                    double st = niceStep(m, n), t = Math.ceil(m / st - 1e-9) * st;
                    if (t < top[i] - 1e-9) { top[i] = t; step[i] = st; }
                }
                scale[i] = plotW / top[i];
                // grid and tick labels
                for (double t = 0; t <= top[i] + step[i] / 2; t += step[i]) {
                    double gx = colX[i] + t * scale[i];
                    body.append(String.format(Locale.ROOT, "<line x1=\"%s\" y1=\"%d\" x2=\"%s\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1\"/>%n",
                            f1(gx), plotTop, f1(gx), plotBottom, t == 0 ? "#adb5bd" : GRID));
                    body.append(text(gx, plotBottom + 13, 11, "normal", GREY, "middle", tick(t)));
                }
            }
            StringBuilder values = new StringBuilder();   // drawn last, over the reference lines
            for (int ri = 0; ri < s.labels.size(); ri++) {
                int ry = plotTop + ri * ROW;
                boolean hl = s.highlight.get(ri);
                body.append(text(c.labelWidth, ry + 15, 12.5, hl ? "bold" : "normal", hl ? HL : INK, "end", s.labels.get(ri)));
                double[] v = s.values.get(ri);
                for (int i = 0; i < nc; i++) {
                    double val = i < v.length ? v[i] : Double.NaN;
                    if (Double.isNaN(val)) {
                        values.append(text(colX[i] + 4, ry + 15, 11, "normal", GREY, "start", "n/a", true));
                        continue;
                    }
                    double w = Math.max(val * scale[i], val > 0 ? 1 : 0);
                    body.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%s\" height=\"%d\" fill=\"%s\"/>%n",
                            colX[i], ry + (ROW - BAR_H) / 2, f1(w), BAR_H, hl ? HL : BAR));
                    values.append(text(colX[i] + w + 4, ry + 15, 11.5, hl ? "bold" : "normal", INK, "start", c.columns.get(i).fmt().apply(val), true));
                }
            }
            // reference lines over the bars, labelled in the band above them (one line of text each)
            for (int i = 0; i < nc; i++) {
                List<Ref> refs = s.refs.get(i);
                for (int k = 0; k < refs.size(); k++) {
                    Ref r = refs.get(k);
                    double rx = colX[i] + r.value() * scale[i];
                    int ly = refTop + k * REF_LINE + 11;
                    body.append(String.format(Locale.ROOT, "<line x1=\"%s\" y1=\"%d\" x2=\"%s\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.3\" stroke-dasharray=\"5,3\"/>%n",
                            f1(rx), ly + 2, f1(rx), plotBottom, REF));
                    int approx = (int) (r.label().length() * 6.2);
                    boolean left = rx + 4 + approx > colX[i] + c.columns.get(i).width();
                    body.append(text(left ? rx - 4 : rx + 4, ly, 11, "normal", REF, left ? "end" : "start", r.label(), true));
                }
            }
            body.append(values);
            y = plotBottom + 30;
        }
        if (c.footer != null) { body.append(text(12, y + 4, 11, "normal", GREY, "start", c.footer)); y += 14; }
        int height = y + 10;
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"%s\">%n",
                c.width, height, c.width, height, FONT));
        b.append("<title>").append(esc(c.title)).append("</title>\n");
        b.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", c.width, height));
        b.append(body);
        b.append("</svg>\n");
        return b.toString();
    }

    static String text(double x, double y, double size, String weight, String fill, String anchor, String s) {
        return text(x, y, size, weight, fill, anchor, s, false);
    }

    /** halo: a white outline under the glyphs, for text drawn over grid and reference lines */
    static String text(double x, double y, double size, String weight, String fill, String anchor, String s, boolean halo) {
        return String.format(Locale.ROOT, "<text x=\"%s\" y=\"%s\" font-size=\"%s\"%s fill=\"%s\"%s%s>%s</text>%n",
                f1(x), f1(y), trim(size), weight.equals("bold") ? " font-weight=\"bold\"" : "", fill,
                anchor.equals("start") ? "" : " text-anchor=\"" + anchor + "\"",
                halo ? " stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\"" : "", esc(s));
    }

    // ---- main --------------------------------------------------------------------------------------

    interface Maker { Chart make(Path dir, Map<String, String> all) throws IOException; }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2 || args[0].startsWith("-")) {
            System.err.println("usage: java bench/Charts.java ALL_DIR [OUT_DIR]   (ALL_DIR: a bench/out/<timestamp>-all directory)");
            System.exit(args.length == 1 && (args[0].equals("-h") || args[0].equals("--help")) ? 0 : 2);
        }
        Path dir = Path.of(args[0]);
        if (!Files.isDirectory(dir)) { System.err.println("charts: no directory " + dir); System.exit(1); }
        Path out = args.length > 1 ? Path.of(args[1]) : dir.resolve("charts");
        Files.createDirectories(out);
        Map<String, String> all = settings(dir.resolve("settings.txt"));
        Map<String, Maker> makers = new LinkedHashMap<>();
        Map<String, String> inputs = new LinkedHashMap<>();
        makers.put("server.svg", Charts::server); inputs.put("server.svg", "server.summary.tsv");
        makers.put("client.svg", Charts::client); inputs.put("client.svg", "client.summary.tsv");
        makers.put("idle-memory.svg", Charts::idle); inputs.put("idle-memory.svg", "idle.results.tsv");
        makers.put("timer.svg", Charts::timer); inputs.put("timer.svg", "timer.summary.tsv");
        LinkedHashSet<String> written = new LinkedHashSet<>();
        for (Map.Entry<String, Maker> e : makers.entrySet()) {
            Path in = dir.resolve(inputs.get(e.getKey()));
            if (!Files.isRegularFile(in)) { System.err.println("charts: no " + in.getFileName() + ", so no " + e.getKey()); continue; }
            Chart c = e.getValue().make(dir, all);
            if (c.sections.isEmpty() || c.sections.stream().allMatch(s -> s.labels.isEmpty())) {
                System.err.println("charts: " + in.getFileName() + " has no rows, so no " + e.getKey());
                continue;
            }
            Files.writeString(out.resolve(e.getKey()), render(c), StandardCharsets.UTF_8);
            written.add(e.getKey());
        }
        System.err.println("charts: wrote " + (written.isEmpty() ? "nothing" : String.join(", ", written)) + " in " + out);
        if (written.isEmpty()) System.exit(1);
    }
}
