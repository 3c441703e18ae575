// The chart of bench/lab-sweep.sh: one self-contained SVG of small multiples, standard library only.
// Run with the JDK's source launcher:  $JAVA_HOME/bin/java bench/LabSweepChart.java SWEEP_TSV OUT_SVG [NOTE]
// (NOTE: the run's settings, printed under the legend)
// Reads sweep.tsv (rate, slow_share, policy, then the metrics) and draws, against the slow share, one panel per
// metric: healthy calls answered (%), p99 of healthy calls (ms), connections opened, peak client TIME_WAIT and
// upstream concurrency. One colour per call rate; CLOSE dashed with open markers, DRAIN solid with filled ones.
// Counts and latencies use a log scale (log10(1 + v), so that 0 is drawn) because they span 1 to thousands.

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;

public class LabSweepChart {
    record Row(int rate, double share, String policy, double[] v) {}

    /** A panel: its title, the TSV column it shows, whether its scale is logarithmic. */
    record Panel(String title, String column, boolean log) {}

    static final List<Panel> PANELS = List.of(
            new Panel("healthy calls answered (%)", "healthy_pct", false),
            new Panel("p99 of healthy calls (ms, log)", "healthy_p99_ms", true),
            new Panel("connections opened (log)", "opened", true),
            new Panel("peak client TIME_WAIT (log)", "peak_time_wait", true),
            new Panel("upstream concurrency: slow handlers at once (log)", "upstream_peak", true));
    static final String[] COLOURS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b"};
    static final int PW = 420, PH = 230, LEFT = 56, TOP = 30, BOTTOM = 34, GAP = 24;

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: java bench/LabSweepChart.java SWEEP_TSV OUT_SVG [NOTE]");
            System.exit(2);
        }
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        if (lines.size() < 2) {
            System.err.println("LabSweepChart: no rows in " + args[0]);
            System.exit(1);
        }
        List<String> header = List.of(lines.get(0).split("\t"));
        List<Row> rows = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split("\t", -1);
            double[] v = new double[header.size()];
            for (int i = 3; i < f.length && i < v.length; i++) {
                v[i] = f[i].isEmpty() ? Double.NaN : Double.parseDouble(f[i]);
            }
            rows.add(new Row(Integer.parseInt(f[0]), Double.parseDouble(f[1]), f[2], v));
        }
        Files.writeString(Path.of(args[1]), svg(rows, header, args.length > 2 ? args[2] : ""));
    }

    static String svg(List<Row> rows, List<String> header, String note) {
        TreeSet<Double> shares = new TreeSet<>();
        TreeSet<Integer> rates = new TreeSet<>();
        for (Row r : rows) {
            shares.add(r.share());
            rates.add(r.rate());
        }
        List<Double> xs = new ArrayList<>(shares);
        List<Integer> rs = new ArrayList<>(rates);
        int cols = 2;
        int panelRows = (PANELS.size() + 1 + cols - 1) / cols; // one cell for the legend
        int w = cols * (LEFT + PW + GAP) + GAP;
        int h = 40 + panelRows * (TOP + PH + BOTTOM + GAP);
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
                + "height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", w, h, w, h));
        b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        b.append("<text x=\"").append(GAP).append("\" y=\"24\" font-size=\"16\" font-weight=\"bold\">hourglass lab storm:"
                + " CLOSE vs DRAIN by slow share and call rate</text>\n");
        for (int p = 0; p <= PANELS.size(); p++) {
            int x0 = GAP + (p % cols) * (LEFT + PW + GAP) + LEFT;
            int y0 = 40 + (p / cols) * (TOP + PH + BOTTOM + GAP) + TOP;
            if (p == PANELS.size()) {
                legend(b, x0, y0, rs, note);
            } else {
                panel(b, PANELS.get(p), header.indexOf(PANELS.get(p).column()), rows, xs, rs, x0, y0);
            }
        }
        return b.append("</svg>\n").toString();
    }

    static double scale(double v, boolean log) {
        return log ? Math.log10(1 + v) : v;
    }

    static void panel(StringBuilder b, Panel p, int col, List<Row> rows, List<Double> xs, List<Integer> rs, int x0, int y0) {
        double max = p.log() ? 0 : 100;
        for (Row r : rows) {
            if (col >= 0 && !Double.isNaN(r.v()[col])) max = Math.max(max, scale(r.v()[col], p.log()));
        }
        double top = p.log() ? Math.max(1, Math.ceil(max)) : max;
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>\n", x0, y0 - 10, p.title()));
        // grid: 0/25/50/75/100 for percent, powers of ten for log scales
        List<double[]> ticks = new ArrayList<>(); // {scaled, label value}
        if (p.log()) {
            for (int e = 0; e <= (int) top; e++) ticks.add(new double[] {scale(e == 0 ? 0 : Math.pow(10, e), true), e == 0 ? 0 : Math.pow(10, e)});
        } else {
            for (int i = 0; i <= 4; i++) ticks.add(new double[] {top * i / 4, top * i / 4});
        }
        for (double[] t : ticks) {
            double y = y0 + PH - PH * t[0] / top;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">%s</text>\n",
                    x0, y, x0 + PW, y, x0 - 6, y + 4, t[1] >= 1000 ? (long) (t[1] / 1000) + "k" : String.valueOf((long) t[1])));
        }
        for (int i = 0; i < xs.size(); i++) {
            double x = x(i, xs.size(), x0);
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s %%</text>\n",
                    x, y0 + PH + 18, label(xs.get(i))));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">slow share</text>\n",
                x0 + PW / 2, y0 + PH + 32));
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>\n",
                x0, y0, PW, PH));
        for (int ri = 0; ri < rs.size(); ri++) {
            for (String policy : List.of("CLOSE", "DRAIN")) {
                TreeMap<Integer, Double> pts = new TreeMap<>();
                for (Row r : rows) {
                    if (r.rate() == rs.get(ri) && r.policy().equals(policy) && col >= 0 && !Double.isNaN(r.v()[col])) {
                        pts.put(xs.indexOf(r.share()), scale(r.v()[col], p.log()));
                    }
                }
                line(b, pts, xs.size(), x0, y0, top, COLOURS[ri % COLOURS.length], policy.equals("CLOSE"), policy + " " + rs.get(ri));
            }
        }
    }

    static double x(int i, int n, int x0) {
        return x0 + 20 + (PW - 40) * (n == 1 ? 0.5 : (double) i / (n - 1));
    }

    static void line(StringBuilder b, TreeMap<Integer, Double> pts, int n, int x0, int y0, double top, String colour,
            boolean dashed, String name) {
        if (pts.isEmpty()) return;
        StringBuilder ps = new StringBuilder();
        for (var e : pts.entrySet()) {
            ps.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(e.getKey(), n, x0), y0 + PH - PH * e.getValue() / top));
        }
        b.append("<polyline data-series=\"").append(name).append("\" fill=\"none\" stroke=\"").append(colour)
                .append("\" stroke-width=\"2\"").append(dashed ? " stroke-dasharray=\"6 4\"" : "")
                .append(" points=\"").append(ps.toString().trim()).append("\"/>\n");
        for (var e : pts.entrySet()) {
            // CLOSE's open marker is bigger, so that where both policies give the same value both still show
            b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1.5\"/>\n",
                    x(e.getKey(), n, x0), y0 + PH - PH * e.getValue() / top, dashed ? "5.5" : "3", dashed ? "none" : colour, colour));
        }
    }

    static void legend(StringBuilder b, int x0, int y0, List<Integer> rs, String note) {
        int y = y0 + 10;
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">legend</text>\n", x0, y0 - 10));
        for (int ri = 0; ri < rs.size(); ri++) {
            String c = COLOURS[ri % COLOURS.length];
            for (int k = 0; k < 2; k++) {
                boolean dashed = k == 0;
                b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>"
                                + "<circle cx=\"%d\" cy=\"%d\" r=\"%s\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1.5\"/>"
                                + "<text x=\"%d\" y=\"%d\">%s, %d calls/s</text>\n",
                        x0, y, x0 + 40, y, c, dashed ? " stroke-dasharray=\"6 4\"" : "", x0 + 20, y, dashed ? "5.5" : "3",
                        dashed ? "white" : c, c,
                        x0 + 50, y + 4, dashed ? "CLOSE" : "DRAIN", rs.get(ri)));
                y += 22;
            }
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#555\">Each point: one run of hourglass lab storm"
                + " at that rate and slow share.</text>\n", x0, y + 10));
        int ny = y + 26;
        for (String part : note.isEmpty() ? new String[0] : note.split("; ")) {
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#555\">%s</text>\n", x0, ny,
                    part.replace("&", "&amp;").replace("<", "&lt;")));
            ny += 16;
        }
    }

    static String label(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
