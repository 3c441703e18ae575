import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The soak run's chart (bench/soak.sh): four small multiples over time from DIR/samples.tsv, heap after a full
 * GC, RSS, OS threads and open file descriptors of the server, each on its own scale from zero, with the end of
 * the load marked; written to DIR/soak.svg. House style of bench/Charts.java (fonts, inks, grid).
 *
 * <p>Usage: {@code java bench/SoakChart.java DIR [TITLE]}. samples.tsv: a header line, then
 * {@code t_s heap_mib rss_mib threads fds requests phase} per sample (phase "before", "load" or "after").
 */
public final class SoakChart {
    static final String FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif";
    static final String HL = "#e8590c", INK = "#212529", GREY = "#6c757d", GRID = "#e9ecef", AXIS = "#adb5bd";
    static final int W = 900, PANEL_H = 150, LEFT = 70, RIGHT = 20, GAP = 46;

    record Sample(double t, double[] v, boolean load) {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: java bench/SoakChart.java DIR [TITLE]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        List<Sample> samples = new ArrayList<>();
        List<String> lines = Files.readAllLines(dir.resolve("samples.tsv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            samples.add(new Sample(Double.parseDouble(f[0]), new double[] {Double.parseDouble(f[1]),
                Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4])}, f[6].equals("load")));
        }
        if (samples.size() < 2) {
            System.err.println("SoakChart: fewer than 2 samples in " + dir.resolve("samples.tsv"));
            System.exit(1);
        }
        String title = args.length == 2 ? args[1] : "Soak: hourglass serve under mixed load";
        Files.writeString(dir.resolve("soak.svg"), render(title, samples));
    }

    static String render(String title, List<Sample> s) {
        String[] names = {"Heap after full GC (MiB)", "RSS (MiB)", "OS threads", "Open file descriptors"};
        double tMax = s.get(s.size() - 1).t();
        double loadEnd = s.stream().filter(Sample::load).mapToDouble(Sample::t).max().orElse(tMax);
        StringBuilder b = new StringBuilder();
        int y = 34;
        b.append(text(12, y, 19, "bold", INK, "start", title));
        y += 20;
        b.append(text(12, y, 12, "normal", GREY, "start",
                "one sample every 10 s; the dashed line is the end of the load; flat lines are the pass condition"));
        y += 30;
        double xScale = (W - LEFT - RIGHT) / Math.max(1, tMax);
        for (int p = 0; p < names.length; p++) {
            double max = 0;
            for (Sample x : s) max = Math.max(max, x.v()[p]);
            double top = niceCeil(max * 1.15);
            b.append(text(12, y, 14, "bold", INK, "start", names[p]));
            int plotTop = y + 10, plotBottom = plotTop + PANEL_H;
            for (int t = 0; t <= 4; t++) {
                double gy = plotBottom - (PANEL_H * t / 4.0);
                b.append(line(LEFT, gy, W - RIGHT, gy, t == 0 ? AXIS : GRID, 1, null));
                b.append(text(LEFT - 6, gy + 4, 11.5, "normal", GREY, "end", fmt(top * t / 4)));
            }
            for (double t = 0; t <= tMax + 1e-9; t += tickStep(tMax)) {
                double gx = LEFT + t * xScale;
                b.append(text(gx, plotBottom + 15, 11.5, "normal", GREY, "middle", fmt(t / 60) + " min"));
            }
            double lx = LEFT + loadEnd * xScale;
            b.append(line(lx, plotTop, lx, plotBottom, GREY, 1.2, "5,3"));
            StringBuilder pts = new StringBuilder();
            for (Sample x : s) {
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + x.t() * xScale,
                        plotBottom - PANEL_H * x.v()[p] / top));
            }
            b.append(String.format(Locale.ROOT,
                    "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n", pts.toString().trim(), HL));
            for (Sample x : s) {
                b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>%n",
                        LEFT + x.t() * xScale, plotBottom - PANEL_H * x.v()[p] / top, HL));
            }
            y = plotBottom + GAP;
        }
        int height = y - GAP + 30;
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"%s\">%n",
                        W, height, W, height, FONT)
                + "<title>" + esc(title) + "</title>\n"
                + String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", W, height)
                + b + "</svg>\n";
    }

    /** Seconds between x ticks: whole minutes for long runs, 10 s steps for short ones, about 5-10 ticks. */
    static double tickStep(double tMax) {
        for (double step : new double[] {10, 20, 30, 60, 120, 300, 600}) {
            if (tMax / step <= 10) return step;
        }
        return 1200;
    }

    static double niceCeil(double v) {
        if (v <= 0) return 1;
        double mag = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 4, 5, 8, 10}) {
            if (m * mag >= v) return m * mag;
        }
        return 10 * mag;
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%d", (long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String line(double x1, double y1, double x2, double y2, String stroke, double width, String dash) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%s\"%s/>%n",
                x1, y1, x2, y2, stroke, fmt(width), dash == null ? "" : " stroke-dasharray=\"" + dash + "\"");
    }

    static String text(double x, double y, double size, String weight, String fill, String anchor, String s) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%s\"%s fill=\"%s\"%s>%s</text>%n",
                x, y, fmt(size), weight.equals("bold") ? " font-weight=\"bold\"" : "", fill,
                anchor.equals("start") ? "" : " text-anchor=\"" + anchor + "\"", esc(s));
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
