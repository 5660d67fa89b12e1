package dev.scalpel.cli.plot;

import dev.scalpel.experiments.io.AtomicFiles;
import dev.scalpel.experiments.io.Csv;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The per-run diagnostics chart ({@code diagnostics.png}, XChart), drawn from a run's {@code metrics.csv}: four
 * panels against the training step — the cosines between the main gradient and the auxiliary ones, the EMA and the
 * direction; the projection ratio r; |d|; the orthogonality error of the auxiliary part (Bloop: about 0). Each point
 * is the mean over the steps since the previous evaluation; undefined means (zero vectors, no steps) are left out;
 * runs with more than {@value #MAX_POINTS} evaluations are thinned evenly for drawing (metrics.csv keeps them all).
 */
public final class DiagnosticsPlot {
  /** At most this many points per series: longer runs are thinned evenly (the last row always kept). */
  static final int MAX_POINTS = 500;
  private static final Color[] PALETTE = {
      new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
      new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

  private DiagnosticsPlot() {
  }

  /**
   * Writes {@code runDir/diagnostics.png} from {@code runDir/metrics.csv}; returns false (writing nothing) when the
   * run recorded no diagnostics.
   *
   * @param title the chart's title (task and method)
   */
  public static boolean write(Path runDir, String title) throws IOException {
    List<Map<String, String>> all = read(runDir);
    if (all == null) {
      return false;
    }
    long skipped = skipped(all);
    List<Map<String, String>> rows = thin(all);
    List<String> cols = new ArrayList<>(rows.get(0).keySet());
    Map<String, String> cosines = new LinkedHashMap<>();
    Map<String, String> ratios = new LinkedHashMap<>();
    for (String c : cols) {
      if (c.startsWith("cos_main_aux")) {
        String i = c.substring("cos_main_aux".length());
        cosines.put(c, "cos(g_main, g_aux" + i + ")");
      }
      if (c.startsWith("ratio_aux")) {
        String i = c.substring("ratio_aux".length());
        ratios.put(c, "r" + i + " = <g_aux" + i + ", m>/|m|²");
      }
    }
    cosines.put("cos_ema_main", "cos(m, g_main): EMA freshness");
    cosines.put("cos_d_main", "cos(d, g_main)");
    List<XYChart> charts = new ArrayList<>();
    XYChart a = chart("cosines (m: EMA of g_main)", "cosine");
    XYChart b = chart("projection ratio (what Bloop removes along m)", "r");
    XYChart c = chart("|d| (before the learning rate)", "|d|");
    XYChart d = chart("orthogonality error cos(d − g_main, m) (Bloop: 0 while |m|² ≫ eps)" + (skipped > 0 ? "; skipped steps: " + skipped
        : ""), "cosine");
    int drawn = add(a, rows, cosines) + add(b, rows, ratios) + add(c, rows, Map.of("d_norm", "|d|"))
        + add(d, rows, Map.of("orth_error", "orthogonality error"));
    if (drawn == 0) {
      return false;
    }
    a.getStyler().setYAxisMin(-1.05).setYAxisMax(1.05);
    d.getStyler().setYAxisMin(-1.05).setYAxisMax(1.05);
    if (twoDecades(widen(emptyRange(), rows, "d_norm"))) {
      c.getStyler().setYAxisLogarithmic(true);
    }
    charts.addAll(List.of(a, b, c, d));
    a.setTitle(title + " — " + a.getTitle());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BitmapEncoder.saveBitmap(charts, 2, 2, out, BitmapEncoder.BitmapFormat.PNG);
    AtomicFiles.write(runDir.resolve("diagnostics.png"), out.toByteArray());
    return true;
  }

  /**
   * Writes {@code file} (PNG): the main diagnostics of several runs side by side, one line per run — cos(g_main,
   * g_aux), cos(m, g_main), the orthogonality error and |d| against the step. Runs without diagnostics are left
   * out; returns false (writing nothing) when none has any.
   *
   * @param runs label → run directory, in legend order
   */
  public static boolean compare(Path file, String title, Map<String, Path> runs) throws IOException {
    XYChart a = chart(title + " — cos(g_main, g_aux)", "cosine");
    XYChart b = chart("cos(m, g_main): EMA freshness (m: EMA of g_main)", "cosine");
    XYChart c = chart("orthogonality error cos(d − g_main, m) (Bloop: 0 while |m|² ≫ eps)", "cosine");
    XYChart d = chart("|d| (before the learning rate)", "|d|");
    double[] dRange = emptyRange();
    int drawn = 0;
    int index = 0;
    for (Map.Entry<String, Path> e : runs.entrySet()) {
      Color color = PALETTE[index++ % PALETTE.length]; // one colour per run in every panel
      List<Map<String, String>> all = read(e.getValue());
      if (all == null) {
        continue;
      }
      List<Map<String, String>> rows = thin(all);
      long skipped = skipped(all);
      String label = e.getKey() + (skipped > 0 ? " (" + skipped + " skipped)" : "");
      drawn += add(a, rows, Map.of("cos_main_aux", label)) + add(b, rows, Map.of("cos_ema_main", label))
          + add(c, rows, Map.of("orth_error", label)) + add(d, rows, Map.of("d_norm", label));
      for (XYChart x : List.of(a, b, c, d)) {
        XYSeries s = x.getSeries(label);
        if (s != null) {
          s.setLineColor(color);
          s.setMarkerColor(color);
        }
      }
      widen(dRange, rows, "d_norm");
    }
    // earlier lines wider, so that lines lying on top of each other (several methods at cos = 1) stay visible
    for (XYChart x : List.of(a, b, c, d)) {
      int n = x.getSeriesCollection().size();
      int i = 0;
      for (XYSeries sr : x.getSeriesCollection()) {
        sr.setLineWidth(1.5f + 4.5f * (n - 1 - i++) / Math.max(1, n - 1));
        sr.setLineStyle(new java.awt.BasicStroke(sr.getLineWidth()));
      }
    }
    if (drawn == 0) {
      return false;
    }
    for (XYChart x : List.of(a, b, c)) {
      x.getStyler().setYAxisMin(-1.05).setYAxisMax(1.05);
    }
    if (twoDecades(dRange)) {
      d.getStyler().setYAxisLogarithmic(true);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BitmapEncoder.saveBitmap(List.of(a, b, c, d), 2, 2, out, BitmapEncoder.BitmapFormat.PNG);
    AtomicFiles.write(file, out.toByteArray());
    return true;
  }

  /**
   * Writes {@code file} (PNG): the training curves of one or several runs, one panel per evaluation column of
   * their metrics.csv (the task's losses and accuracies: everything but the step, the time and the diagnostics)
   * against the step, one line per run, a log axis where a panel's values are positive and span two decades.
   * Returns false (writing nothing) when no run has a metrics.csv with an evaluation column.
   *
   * @param runs label → run directory, in legend order
   */
  public static boolean curves(Path file, String title, Map<String, Path> runs) throws IOException {
    return curves(file, title, runs, Map.of());
  }

  /**
   * {@link #curves(Path, String, Map)} with a panel title per column: {@code labels.get(col)} where given (e.g. the
   * task's axis labels, "main: Gutenberg bits per byte (held out)"), followed by the column name.
   */
  public static boolean curves(Path file, String title, Map<String, Path> runs, Map<String, String> labels)
      throws IOException {
    Map<String, XYChart> panels = new LinkedHashMap<>();
    Map<String, double[]> ranges = new LinkedHashMap<>();
    int index = 0;
    for (Map.Entry<String, Path> e : runs.entrySet()) {
      Color color = PALETTE[index++ % PALETTE.length];
      Path metrics = e.getValue().resolve("metrics.csv");
      if (!Files.exists(metrics)) {
        continue;
      }
      List<Map<String, String>> all = Csv.read(metrics);
      if (all.isEmpty()) {
        continue;
      }
      List<Map<String, String>> rows = thin(all);
      for (String col : all.get(0).keySet()) {
        if (!isCurve(col)) {
          continue;
        }
        XYChart chart = panels.computeIfAbsent(col, k -> labels.containsKey(k)
            ? chart(labels.get(k) + " — " + k, labels.get(k)) : chart(k, k));
        if (add(chart, rows, Map.of(col, e.getKey())) > 0) {
          XYSeries sr = chart.getSeries(e.getKey());
          sr.setLineColor(color);
          sr.setMarkerColor(color);
          widen(ranges.computeIfAbsent(col, k -> emptyRange()), rows, col);
        }
      }
    }
    List<XYChart> charts = new ArrayList<>();
    for (Map.Entry<String, XYChart> e : panels.entrySet()) {
      if (e.getValue().getSeriesCollection().isEmpty()) {
        continue;
      }
      double[] r = ranges.get(e.getKey());
      if (r != null && twoDecades(r)) {
        e.getValue().getStyler().setYAxisLogarithmic(true);
      }
      charts.add(e.getValue());
    }
    if (charts.isEmpty()) {
      return false;
    }
    charts.get(0).setTitle(title + " — " + charts.get(0).getTitle());
    int cols = charts.size() == 1 ? 1 : 2;
    while (charts.size() % cols != 0) {
      XYChart blank = chart("", ""); // XChart's grid wants full rows: an empty, invisible panel
      var st = blank.getStyler();
      st.setAxisTicksVisible(false);
      st.setAxisTitlesVisible(false);
      st.setPlotGridLinesVisible(false);
      st.setPlotBorderVisible(false);
      st.setLegendVisible(false);
      st.setChartTitleVisible(false);
      st.setPlotBackgroundColor(Color.WHITE);
      charts.add(blank);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BitmapEncoder.saveBitmap(charts, charts.size() / cols, cols, out, BitmapEncoder.BitmapFormat.PNG);
    AtomicFiles.write(file, out.toByteArray());
    return true;
  }

  /** The task's axis labels by column (from its Pareto plots), for the panels of {@link #curves}. */
  public static Map<String, String> axisLabels(List<dev.scalpel.experiments.PlotSpec> plots) {
    Map<String, String> labels = new java.util.HashMap<>();
    for (var spec : plots) {
      labels.putIfAbsent(spec.x(), spec.xLabel());
      labels.putIfAbsent(spec.y(), spec.yLabel());
    }
    return labels;
  }

  /** Whether a metrics.csv column is a training curve (not the step, the time or a diagnostic). */
  static boolean isCurve(String col) {
    return !(col.equals("epoch") || col.equals("step") || col.equals("seconds") || col.equals("skipped")
        || col.startsWith("cos_") || col.startsWith("ratio") || col.equals("d_norm") || col.equals("orth_error"));
  }

  /** The rows of {@code runDir/metrics.csv}, or null when it is missing or has no diagnostics columns. */
  private static List<Map<String, String>> read(Path runDir) throws IOException {
    Path metrics = runDir.resolve("metrics.csv");
    if (!Files.exists(metrics)) {
      return null;
    }
    List<Map<String, String>> all = Csv.read(metrics);
    return all.isEmpty() || !all.get(0).containsKey("cos_ema_main") ? null : all;
  }

  private static long skipped(List<Map<String, String>> rows) {
    long skipped = 0;
    for (Map<String, String> r : rows) {
      double s = Double.parseDouble(r.getOrDefault("skipped", "0"));
      skipped += Double.isFinite(s) ? (long) s : 0;
    }
    return skipped;
  }

  /** At most about {@link #MAX_POINTS} rows, evenly spaced, the last one kept. */
  private static List<Map<String, String>> thin(List<Map<String, String>> all) {
    int stride = (all.size() + MAX_POINTS - 1) / MAX_POINTS;
    List<Map<String, String>> rows = new ArrayList<>();
    for (int i = 0; i < all.size(); i += stride) {
      rows.add(all.get(i));
    }
    if (rows.get(rows.size() - 1) != all.get(all.size() - 1)) {
      rows.add(all.get(all.size() - 1));
    }
    return rows;
  }

  private static XYChart chart(String title, String yLabel) {
    XYChart c = new XYChartBuilder().width(760).height(400).title(title).xAxisTitle("step").yAxisTitle(yLabel)
        .build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setXAxisMin(0.0);
    c.getStyler().setXAxisTickMarkSpacingHint(160);
    c.getStyler().setMarkerSize(4);
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
    c.getStyler().setSeriesColors(PALETTE);
    c.getStyler().setChartTitleBoxVisible(false);
    c.getStyler().setLegendBackgroundColor(new Color(255, 255, 255, 200));
    return c;
  }

  /** Adds one series per column with at least one finite value; returns how many. */
  private static int add(XYChart chart, List<Map<String, String>> rows, Map<String, String> columns) {
    int n = 0;
    for (Map.Entry<String, String> e : columns.entrySet()) {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (Map<String, String> r : rows) {
        String v = r.get(e.getKey());
        if (v == null) {
          continue;
        }
        double y = Double.parseDouble(v);
        if (Double.isFinite(y)) {
          xs.add(Double.parseDouble(r.get("step")));
          ys.add(y);
        }
      }
      if (!xs.isEmpty()) {
        XYSeries s = chart.addSeries(e.getValue(), xs, ys);
        s.setMarker(xs.size() > 60 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        n++;
      }
    }
    return n;
  }

  /** Widens {@code range} ({min, max}) by the finite values of {@code col}; returns it. */
  private static double[] widen(double[] range, List<Map<String, String>> rows, String col) {
    for (Map<String, String> r : rows) {
      double v = Double.parseDouble(r.getOrDefault(col, "NaN"));
      if (Double.isFinite(v)) {
        range[0] = Math.min(range[0], v);
        range[1] = Math.max(range[1], v);
      }
    }
    return range;
  }

  /** An empty range for {@link #widen}. */
  private static double[] emptyRange() {
    return new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
  }

  /** Whether a log axis suits {@code range}: positive and two decades wide (a log axis labels only powers of ten). */
  private static boolean twoDecades(double[] range) {
    return range[0] > 0 && range[1] >= 100 * range[0];
  }

}
