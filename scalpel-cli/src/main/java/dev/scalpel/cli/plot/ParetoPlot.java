package dev.scalpel.cli.plot;

import java.awt.Color;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import dev.scalpel.experiments.io.AtomicFiles;

/**
 * A Pareto-front chart: one labelled line per method through its (x, y) points ordered by λ, written as PNG
 * and SVG from the same drawing code. On log axes, values below the axis floor (including zeros) are drawn at
 * the floor as hollow triangles, and the caption says so.
 */
public final class ParetoPlot {
  static final int WIDTH = 1000;
  static final int HEIGHT = 560;
  private static final Color[] PALETTE = {
      new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
      new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

  /** A point of a series. */
  public record Point(double x, double y, double lambda) {
  }

  /** A labelled line. */
  public record Series(String label, List<Point> points) {
  }

  /** The chart's texts and axis kinds. */
  public record Labels(String title, String xLabel, boolean xLog, String yLabel, boolean yLog) {
  }

  private ParetoPlot() {
  }

  /** Writes {@code dir/name.png} and {@code dir/name.svg}. */
  public static void write(Path dir, String name, Labels labels, List<Series> series) throws IOException {
    SvgCanvas svg = new SvgCanvas(WIDTH, HEIGHT);
    draw(svg, labels, series);
    AtomicFiles.write(dir.resolve(name + ".svg"), svg.finish());
    PngCanvas png = new PngCanvas(WIDTH, HEIGHT);
    draw(png, labels, series);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(png.finish(), "png", bytes);
    AtomicFiles.write(dir.resolve(name + ".png"), bytes.toByteArray());
  }

  static void draw(Canvas c, Labels labels, List<Series> series) {
    double left = 90;
    double right = WIDTH - 330;
    double top = 50;
    double bottom = HEIGHT - 70;
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (Series s : series) {
      for (Point p : s.points()) {
        xs.add(p.x());
        ys.add(p.y());
      }
    }
    Axis ax = Axis.of(xs, labels.xLog(), left, right);
    Axis ay = Axis.of(ys, labels.yLog(), bottom, top);
    Color grid = new Color(0xdddddd);
    Color ink = new Color(0x222222);
    for (Axis.Tick t : ax.ticks()) {
      double px = ax.pixel(t.value());
      c.line(px, top, px, bottom, grid, 1, true);
      c.line(px, bottom, px, bottom + 5, ink, 1, false);
      c.text(px, bottom + 20, t.label(), 12, Canvas.Anchor.MIDDLE, ink, false);
    }
    for (Axis.Tick t : ay.ticks()) {
      double py = ay.pixel(t.value());
      c.line(left, py, right, py, grid, 1, true);
      c.line(left - 5, py, left, py, ink, 1, false);
      c.text(left - 8, py + 4, t.label(), 12, Canvas.Anchor.END, ink, false);
    }
    c.rect(left, top, right - left, bottom - top, ink);
    c.text((left + right) / 2, 30, labels.title(), 16, Canvas.Anchor.MIDDLE, ink, false);
    c.text((left + right) / 2, bottom + 45, labels.xLabel() + (labels.xLog() ? " (log)" : ""), 13,
        Canvas.Anchor.MIDDLE, ink, false);
    c.text(25, (top + bottom) / 2, labels.yLabel() + (labels.yLog() ? " (log)" : ""), 13, Canvas.Anchor.MIDDLE,
        ink, true);
    boolean anyClipped = false;
    int skipped = 0;
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      Color color = PALETTE[i % PALETTE.length];
      List<Point> pts = new ArrayList<>();
      for (Point p : s.points()) {
        if (Double.isNaN(p.x()) || Double.isNaN(p.y()) || Double.isInfinite(p.x()) || Double.isInfinite(p.y())) {
          skipped++;
        } else {
          pts.add(p);
        }
      }
      pts.sort((p, q) -> Double.compare(p.lambda(), q.lambda()));
      double[] px = new double[pts.size()];
      double[] py = new double[pts.size()];
      for (int k = 0; k < pts.size(); k++) {
        px[k] = ax.pixel(pts.get(k).x());
        py[k] = ay.pixel(pts.get(k).y());
      }
      c.polyline(px, py, color, 2 + 1.5 * (series.size() - 1 - i)); // earlier lines wider: overlaps stay visible
      for (int k = 0; k < pts.size(); k++) {
        boolean clipped = ax.clipped(pts.get(k).x()) || ay.clipped(pts.get(k).y());
        anyClipped |= clipped;
        c.marker(px[k], py[k], color, clipped);
      }
      if (!pts.isEmpty() && !Double.isNaN(pts.get(0).lambda())) { // λ-free methods (aggregators): one unlabelled point
        Point first = pts.get(0);
        Point last = pts.get(pts.size() - 1);
        c.text(px[0] + 6, py[0] - 6, "λ=" + fmt(first.lambda()), 10, Canvas.Anchor.START, color, false);
        if (pts.size() > 1) {
          c.text(px[pts.size() - 1] + 6, py[pts.size() - 1] - 6, "λ=" + fmt(last.lambda()), 10,
              Canvas.Anchor.START, color, false);
        }
      }
      double ly = top + 10 + 22 * i;
      c.line(right + 15, ly, right + 45, ly, color, 2.5, false);
      c.marker(right + 30, ly, color, false);
      c.text(right + 52, ly + 4, s.label(), 12, Canvas.Anchor.START, ink, false);
    }
    double noteY = top + 22 * series.size() + 20;
    if (anyClipped) {
      c.text(right + 15, noteY, "▽ below the axis floor", 11, Canvas.Anchor.START, ink, false);
      c.text(right + 15, noteY + 15, "  (≤ 0 or tiny), drawn at it", 11, Canvas.Anchor.START, ink, false);
      noteY += 35;
    }
    if (skipped > 0) {
      c.text(right + 15, noteY, skipped + " non-finite point(s) not shown", 11, Canvas.Anchor.START, ink, false);
    }
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
