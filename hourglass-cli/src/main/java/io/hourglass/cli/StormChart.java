package io.hourglass.cli;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * One chart of the storm report, as inline SVG: series over time, on axes that the report shares between its
 * panels so that heights compare across policies.
 *
 * <p>Made to be read at a glance and trusted: each series has its own colour, dash pattern and marker shape
 * (markers staggered between series), so lines that lie on top of each other, at 64 or at 0, can still be
 * told apart; the axes have round ticks (whole seconds, 1-2-5 counts) and a title with the unit; a shaded band
 * and a dashed line show when the load ran and when it stopped. Text sizes are set by the page's CSS (larger
 * in the SVG's own units on a narrow screen, where the chart is scaled down).
 */
final class StormChart {
    static final int W = 600;
    static final int H = 340;
    /** Least room left of the plot, for the y ticks; see {@link #left}. */
    static final int LEFT = 48;
    static final int RIGHT = 22;
    static final int TOP = 50;
    /** Baseline of the texts above the plot (the y axis's title, the load-stop label). */
    static final int TOP_TEXT = 24;
    static final int BOTTOM = 82;

    private StormChart() {}

    /** How a series' points are marked, besides its colour and dashes. */
    enum Marker { CIRCLE, SQUARE, TRIANGLE, DIAMOND }

    /** A sample of a lab's run: its time in seconds since the load started (the x axis). */
    interface Timed {
        double t();
    }

    /**
     * One line: its legend name, colour, SVG dash pattern ("" for solid), marker, a one-line meaning for the
     * reader, and its value in a sample.
     */
    record Series<S>(String name, String color, String dash, Marker marker, String meaning,
            ToDoubleFunction<S> value) {}

    /** An axis from 0 to {@code max} with a tick every {@code step} ({@code max} is a whole number of steps). */
    record Axis(double max, double step) {
        private static final double[] SECOND_STEPS = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600};

        /** Time in seconds: ticks at round seconds, at most 8 intervals. */
        static Axis seconds(double tMax) {
            double t = Math.max(1, tMax);
            for (double s : SECOND_STEPS) {
                if (Math.ceil(t / s - 1e-9) <= 8) {
                    return new Axis(s * Math.ceil(t / s - 1e-9), s);
                }
            }
            double s = SECOND_STEPS[SECOND_STEPS.length - 1];
            return new Axis(s * Math.ceil(t / s), s);
        }

        /** A count: steps of 1, 2 or 5 times a power of ten, at most 5 intervals, at least up to 1. */
        static Axis count(double vMax) {
            double v = Math.max(1, vMax);
            for (double p = 1; ; p *= 10) {
                for (double m : new double[] {1, 2, 5}) {
                    double s = m * p;
                    if (Math.ceil(v / s - 1e-9) <= 5) {
                        return new Axis(s * Math.ceil(v / s - 1e-9), s);
                    }
                }
            }
        }

        int intervals() {
            return (int) Math.round(max / step);
        }
    }

    /**
     * Room left of the plot for the widest tick label of any of {@code axes} at the largest tick text size (a
     * narrow screen's), and never less than {@link #LEFT}; give all charts of a report the same, so that their
     * time axes line up.
     */
    static int left(Axis... axes) {
        int chars = 1;
        for (Axis a : axes) chars = Math.max(chars, number(a.max()).length());
        return Math.max(LEFT, (int) Math.ceil(14 + chars * 0.62 * TICK_MAX_PX));
    }

    /** Where things go: the plot's left edge and size, and its two axes. */
    private record Plot(int left, Axis x, Axis y) {
        double width() {
            return W - left - RIGHT;
        }

        double height() {
            return H - TOP - BOTTOM;
        }

        double base() {
            return TOP + height();
        }

        double px(double t) {
            return left + width() * Math.min(t, x.max()) / x.max();
        }

        double py(double v) {
            return base() - height() * Math.min(v, y.max()) / y.max();
        }
    }

    /**
     * The chart. {@code kind} names it for tools ({@code data-kind}); {@code left} is the room for the y
     * ticks ({@link #left}); {@code loadStop} is when the load stopped, in seconds on the time axis (not drawn
     * when not positive).
     */
    static <S extends Timed> String svg(String kind, String yTitle, String label, List<S> samples,
            List<Series<S>> series, int left, Axis x, Axis y, double loadStop) {
        Plot p = new Plot(left, x, y);
        StringBuilder b = new StringBuilder();
        b.append("<svg class=\"chart\" data-kind=\"").append(kind).append("\" viewBox=\"0 0 ").append(W).append(' ').append(H)
                .append("\" role=\"img\" aria-label=\"").append(StormReport.esc(label)).append("\">\n");
        if (loadStop > 0) {
            b.append(f("<rect class=\"load\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"#eef2f8\"/>\n",
                    left, TOP, p.px(loadStop) - left, p.height()));
        }
        for (int i = 0; i <= y.intervals(); i++) {
            double yy = p.py(y.step() * i);
            b.append(f("<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>", left, yy, W - RIGHT, yy,
                    i == 0 ? "#888" : "#dcdcdc"));
            b.append(f("<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"middle\">%s</text>\n",
                    left - 8, yy, number(y.step() * i)));
        }
        for (int i = 0; i <= x.intervals(); i++) {
            double xx = p.px(x.step() * i);
            b.append(f("<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", xx, TOP, xx,
                    p.base() + 5, i == 0 ? "#888" : "#ececec"));
            b.append(f("<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" dominant-baseline=\"hanging\">%ss</text>\n",
                    xx, p.base() + 20, number(x.step() * i)));
        }
        b.append(f("<text class=\"axis-title\" x=\"4\" y=\"%d\">%s</text>\n", TOP_TEXT, StormReport.esc(yTitle)));
        b.append(f("<text class=\"axis-title\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">time since the load started</text>\n",
                left + p.width() / 2, H - 6));
        for (Series<S> s : series) {
            line(b, samples, s, p);
        }
        for (int s = 0; s < series.size(); s++) {
            markers(b, samples, series.get(s), s, series.size(), p);
        }
        if (loadStop > 0) {
            loadStop(b, p, loadStop, yTitle);
        }
        return b.append("</svg>\n").toString();
    }

    private static <S extends Timed> void line(StringBuilder b, List<S> samples, Series<S> s, Plot p) {
        StringBuilder pts = new StringBuilder();
        for (S smp : samples) {
            pts.append(f("%.1f,%.1f ", p.px(smp.t()), p.py(s.value().applyAsDouble(smp))));
        }
        b.append("<polyline class=\"series\" data-series=\"").append(StormReport.esc(s.name())).append("\" fill=\"none\" stroke=\"")
                .append(s.color()).append("\" stroke-width=\"2.5\" stroke-linecap=\"round\" stroke-linejoin=\"round\"");
        if (!s.dash().isEmpty()) {
            b.append(" stroke-dasharray=\"").append(s.dash()).append('"');
        }
        b.append(" points=\"").append(pts.toString().trim()).append("\"><title>").append(StormReport.esc(s.name()))
                .append("</title></polyline>\n");
    }

    /** About seven markers per series, each series shifted by a fraction of the spacing so none hides another. */
    private static <S extends Timed> void markers(StringBuilder b, List<S> samples, Series<S> s, int index, int count,
            Plot p) {
        int n = samples.size();
        int every = Math.max(1, (int) Math.round(n / 7.0));
        b.append("<g class=\"markers\" data-series=\"").append(StormReport.esc(s.name())).append("\" fill=\"").append(s.color())
                .append("\" stroke=\"#fff\" stroke-width=\"1\">");
        for (int i = every * index / count; i < n; i += every) {
            S smp = samples.get(i);
            b.append(shape(s.marker(), p.px(smp.t()), p.py(s.value().applyAsDouble(smp)), 4.5));
        }
        b.append("</g>\n");
    }

    /** A marker centred on (cx, cy), about 2r across. Also used, small, in the legend. */
    static String shape(Marker m, double cx, double cy, double r) {
        return switch (m) {
            case CIRCLE -> f("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"/>", cx, cy, r);
            case SQUARE -> f("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", cx - r * 0.85, cy - r * 0.85,
                    r * 1.7, r * 1.7);
            case TRIANGLE -> f("<path d=\"M%.1f,%.1fL%.1f,%.1fL%.1f,%.1fZ\"/>", cx, cy - r * 1.1, cx + r, cy + r * 0.8,
                    cx - r, cy + r * 0.8);
            case DIAMOND -> f("<path d=\"M%.1f,%.1fL%.1f,%.1fL%.1f,%.1fL%.1f,%.1fZ\"/>", cx, cy - r * 1.2, cx + r, cy,
                    cx, cy + r * 1.2, cx - r, cy);
        };
    }

    private static void loadStop(StringBuilder b, Plot p, double loadStop, String yTitle) {
        double xs = p.px(loadStop);
        b.append(f("<line class=\"load-stop\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\" "
                + "stroke-width=\"1.5\" stroke-dasharray=\"5 4\"/>", xs, TOP - 12, xs, p.base()));
        // The label sits in the top margin beside the line, where no series runs: to its left unless it would
        // run into the axis title there. Widths are estimated at the largest text sizes (a narrow screen's).
        String text = "load stops at " + number(Math.round(loadStop * 10) / 10.0) + "s";
        double titleEnd = 4 + yTitle.length() * 0.56 * TITLE_MAX_PX;
        boolean left = xs - 6 - text.length() * 0.56 * MARK_MAX_PX >= titleEnd + 12;
        b.append(f("<text class=\"mark\" x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>\n",
                left ? xs - 6 : xs + 6, TOP_TEXT, left ? "end" : "start", text));
    }

    /** The largest text sizes the page's CSS gives ticks, axis titles and marks, in SVG units (see StormReport). */
    static final int TICK_MAX_PX = 26;
    static final int TITLE_MAX_PX = 26;
    static final int MARK_MAX_PX = 24;

    static String number(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
