package dev.scalpel.cli.plot;

import dev.scalpel.cli.sweep.SweepStatistics;
import dev.scalpel.experiments.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A Pareto-front chart (XChart; PNG and SVG from the same chart): one line per method through its points ordered
 * by λ, each method with its own colour, marker and dash, earlier lines drawn wider so that identical curves stay
 * visible; the non-dominated front of all the points as a grey staircase beneath; the first and last λ of each
 * line written beside it; standard deviations over seeds as error bars when given. A log axis is used only when
 * asked for and readable: two powers of ten or more within the range of the positive values, so two labels or
 * more (otherwise linear, said in the axis title); points that cannot be drawn (non-finite, or ≤ 0 on a log axis) are counted in the caption.
 */
public final class ParetoPlot {
  static final int WIDTH = 1000;
  static final int HEIGHT = 580;
  private static final Color[] PALETTE = {
      new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
      new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};
  private static final Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND,
      SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS, SeriesMarkers.PLUS,
      SeriesMarkers.OVAL, SeriesMarkers.RECTANGLE, SeriesMarkers.TRAPEZOID};
  private static final float[][] DASHES = {null, {8, 4}, {2, 3}, {10, 3, 2, 3}, {4, 4}};

  /**
   * A point of a series.
   *
   * @param ySd the standard deviation of y over seeds (NaN: none drawn)
   */
  public record Point(double x, double y, double lambda, double ySd) {
    public Point(double x, double y, double lambda) {
      this(x, y, lambda, Double.NaN);
    }
  }

  /** A labelled line. */
  public record Series(String label, List<Point> points) {
  }

  /** The chart's texts and the axis kinds asked for. */
  public record Labels(String title, String xLabel, boolean xLog, String yLabel, boolean yLog,
      boolean xHigherIsBetter) {
    /** Labels of a plot of two minimised metrics (lower left is better). */
    public Labels(String title, String xLabel, boolean xLog, String yLabel, boolean yLog) {
      this(title, xLabel, xLog, yLabel, yLog, false);
    }
  }

  private ParetoPlot() {
  }

  /**
   * A region of the plane to show alone: the points with x ≤ {@code xLimit} (x ≥ it when higher x is better) and
   * y ≤ {@code yLimit}, in the plot's units (not log10) — e.g. the region a hypervolume's reference point bounds.
   *
   * @param name what the region is, for the caption (e.g. "hypervolume region")
   */
  public record Window(String name, double xLimit, double yLimit) {
  }

  /** Writes {@code dir/name.png} and {@code dir/name.svg}. */
  public static void write(Path dir, String name, Labels labels, List<Series> series) throws IOException {
    write(dir, name, labels, series, null);
  }

  /**
   * Writes {@code dir/name.png} and {@code dir/name.svg} showing only the points inside {@code window} (null: all),
   * the axes ending at the window's limits and the caption counting the points left outside.
   */
  public static void write(Path dir, String name, Labels labels, List<Series> series, Window window)
      throws IOException {
    XYChart c = window == null ? chart(labels, series) : windowed(labels, series, window);
    AtomicFiles.write(dir.resolve(name + ".png"), BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG));
    ByteArrayOutputStream svg = new ByteArrayOutputStream();
    VectorGraphicsEncoder.saveVectorGraphic(c, svg, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    AtomicFiles.write(dir.resolve(name + ".svg"), svg.toByteArray());
  }

  static XYChart windowed(Labels labels, List<Series> series, Window w) {
    List<Series> inside = new ArrayList<>();
    int outside = 0;
    for (Series s : series) {
      List<Point> keep = new ArrayList<>();
      for (Point p : s.points()) {
        boolean in = (labels.xHigherIsBetter() ? p.x() >= w.xLimit() : p.x() <= w.xLimit()) && p.y() <= w.yLimit();
        if (in) {
          keep.add(p);
        } else if (Double.isFinite(p.x()) && Double.isFinite(p.y())) {
          outside++;
        }
      }
      inside.add(new Series(s.label(), keep));
    }
    XYChart c = chart(labels, inside, w, String.format(Locale.ROOT, "%s x %s %s, y ≤ %s%s", w.name(),
        labels.xHigherIsBetter() ? "≥" : "≤", fmt(w.xLimit()), fmt(w.yLimit()),
        outside > 0 ? "; " + outside + " point(s) outside not drawn" : ""));
    if (labels.xHigherIsBetter()) {
      c.getStyler().setXAxisMin(w.xLimit());
    } else {
      c.getStyler().setXAxisMax(w.xLimit());
    }
    c.getStyler().setYAxisMax(w.yLimit());
    return c;
  }

  static XYChart chart(Labels labels, List<Series> series) {
    return chart(labels, series, null, null);
  }

  private static XYChart chart(Labels labels, List<Series> series, Window window, String note) {
    boolean xLog = labels.xLog() && logAxisReadable(series, true, window == null ? Double.NaN : window.xLimit());
    boolean yLog = labels.yLog() && logAxisReadable(series, false, window == null ? Double.NaN : window.yLimit());
    int dropped = 0;
    List<List<Point>> drawn = new ArrayList<>();
    List<SweepStatistics.Point> all = new ArrayList<>();
    for (Series s : series) {
      List<Point> keep = new ArrayList<>();
      for (Point p : s.points()) {
        boolean ok = Double.isFinite(p.x()) && Double.isFinite(p.y()) && (!xLog || p.x() > 0) && (!yLog || p.y() > 0);
        if (ok) {
          keep.add(p);
          all.add(new SweepStatistics.Point(labels.xHigherIsBetter() ? -p.x() : p.x(), p.y()));
        } else {
          dropped++;
        }
      }
      keep.sort(Comparator.comparingDouble(Point::lambda));
      drawn.add(keep);
    }
    boolean sdBars = series.stream().anyMatch(sr -> sr.points().stream().anyMatch(pt -> Double.isFinite(pt.ySd())));
    String caption = (labels.xHigherIsBetter() ? "lower right" : "lower left") + " is better"
        + (sdBars ? "; bars: ±1 sd over seeds" : "") + (dropped > 0 ? "; " + dropped + " point(s) not drawn (non-finite"
        + (xLog || yLog ? " or ≤ 0 on a log axis" : "") + ")" : "");
    XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(labels.title() + " (" + caption + ")")
        .xAxisTitle(labels.xLabel() + (xLog ? " (log)" : "") + (note == null ? "" : " — " + note))
        .yAxisTitle(labels.yLabel() + (yLog ? " (log)" : ""))
        .build();
    org.knowm.xchart.style.XYStyler st = c.getStyler();
    c.getStyler().setXAxisLogarithmic(xLog);
    c.getStyler().setYAxisLogarithmic(yLog);
    st.setLegendPosition(Styler.LegendPosition.OutsideE);
    st.setChartBackgroundColor(Color.WHITE);
    st.setPlotGridLinesColor(new Color(0xdddddd));
    st.setChartTitleBoxVisible(false);
    st.setMarkerSize(8);
    c.getStyler().setXAxisDecimalPattern("0.###E0");
    c.getStyler().setYAxisDecimalPattern(yLog ? "0.###E0" : "#,##0.###");
    if (!xLog) {
      c.getStyler().setXAxisDecimalPattern("#,##0.####");
    }
    List<SweepStatistics.Point> front = new ArrayList<>();
    for (SweepStatistics.Point p : SweepStatistics.front(all)) { // back from the minimisation's x to the plot's
      front.add(new SweepStatistics.Point(labels.xHigherIsBetter() ? -p.x() : p.x(), p.y()));
    }
    if (front.size() > 1) {
      double[] fx = new double[2 * front.size() - 1];
      double[] fy = new double[2 * front.size() - 1];
      for (int i = 0; i < front.size(); i++) { // a staircase: what the front dominates
        fx[2 * i] = front.get(i).x();
        fy[2 * i] = front.get(i).y();
        if (i + 1 < front.size()) {
          fx[2 * i + 1] = front.get(i + 1).x();
          fy[2 * i + 1] = front.get(i).y();
        }
      }
      XYSeries f = c.addSeries("non-dominated front (all)", fx, fy);
      f.setMarker(SeriesMarkers.NONE);
      f.setLineColor(new Color(0xbbbbbb));
      f.setLineStyle(new BasicStroke(7f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    }
    int n = series.size();
    for (int i = 0; i < n; i++) {
      List<Point> pts = drawn.get(i);
      if (pts.isEmpty()) {
        continue;
      }
      double[] xs = pts.stream().mapToDouble(Point::x).toArray();
      double[] ys = pts.stream().mapToDouble(Point::y).toArray();
      boolean bars = pts.stream().anyMatch(p -> Double.isFinite(p.ySd()) && p.ySd() > 0);
      XYSeries s = bars
          ? c.addSeries(series.get(i).label(), xs, ys, pts.stream().mapToDouble(p -> Double.isFinite(p.ySd())
              ? p.ySd() : 0).toArray())
          : c.addSeries(series.get(i).label(), xs, ys);
      Color color = PALETTE[i % PALETTE.length];
      float width = 1.5f + 2.5f * (n - 1 - i) / Math.max(1, n - 1);
      float[] dash = DASHES[i % DASHES.length];
      s.setLineStyle(dash == null ? new BasicStroke(width)
          : new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f));
      s.setLineColor(color);
      s.setMarkerColor(color);
      s.setMarker(MARKERS[i % MARKERS.length]);
      if (!Double.isNaN(pts.get(0).lambda())) {
        c.addAnnotation(label(pts.get(0), color));
        if (pts.size() > 1) {
          c.addAnnotation(label(pts.get(pts.size() - 1), color));
        }
      }
    }
    return c;
  }

  /**
   * The λ label of a point, beside its marker: XChart centres annotation text on the point, so the text is padded on
   * the left with as many spaces as it has characters (plus two), which puts it just right of the marker.
   */
  private static AnnotationText label(Point p, Color color) {
    String text = "λ=" + fmt(p.lambda());
    return new AnnotationText(" ".repeat(text.length() + 2) + text, p.x(), p.y(), false);
  }

  /**
   * Whether a log axis is readable: all values positive and at least two powers of ten within their range (with
   * {@code limit}, where the axis ends, if finite), so that it carries two labels or more.
   */
  private static boolean logAxisReadable(List<Series> series, boolean x, double limit) {
    double lo = Double.isFinite(limit) && limit > 0 ? limit : Double.POSITIVE_INFINITY;
    double hi = Double.isFinite(limit) && limit > 0 ? limit : Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (Point p : s.points()) {
        double v = x ? p.x() : p.y();
        if (Double.isFinite(v) && v > 0) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    return lo <= hi && Math.floor(Math.log10(hi) + 1e-12) - Math.ceil(Math.log10(lo) - 1e-12) >= 1;
  }

  /** λ as short text: {@code 0.001}, {@code 0.316227766017}, {@code 10}. */
  public static String fmtLambda(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  static String fmt(double v) {
    return new java.math.BigDecimal(String.format(Locale.ROOT, "%.3g", v)).stripTrailingZeros().toPlainString();
  }
}
