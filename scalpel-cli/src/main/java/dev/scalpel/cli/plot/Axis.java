package dev.scalpel.cli.plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/*
 * A plot axis mapping data values to pixels. A log axis spans its positive data; it never spans more than
 * MAX_DECADES below its largest value, and values under its floor (zero, negative, or tiny) are "clipped":
 * drawn at the floor with a distinct marker, never silently dropped. A linear axis spans all finite data.
 */
final class Axis {
  static final double MAX_DECADES = 12;

  final boolean log;
  final double lo;
  final double hi;
  final double floor;
  private final double p0;
  private final double p1;

  private Axis(boolean log, double lo, double hi, double floor, double p0, double p1) {
    this.log = log;
    this.lo = lo;
    this.hi = hi;
    this.floor = floor;
    this.p0 = p0;
    this.p1 = p1;
  }

  /** An axis over {@code values} drawn from pixel {@code p0} (low values) to {@code p1} (high values). */
  static Axis of(List<Double> values, boolean log, double p0, double p1) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      if (Double.isFinite(v) && (!log || v > 0)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    if (log) {
      if (min == Double.POSITIVE_INFINITY) {
        min = 1e-3;
        max = 1;
      }
      double floor = Math.max(min, max * Math.pow(10, -MAX_DECADES));
      double a = Math.log10(floor);
      double b = Math.log10(max);
      if (b - a < 1e-9) {
        a -= 0.5;
        b += 0.5;
      }
      double pad = 0.05 * (b - a);
      return new Axis(true, Math.pow(10, a - pad), Math.pow(10, b + pad), floor, p0, p1);
    }
    if (min == Double.POSITIVE_INFINITY) {
      min = 0;
      max = 1;
    }
    if (max - min < 1e-12 * Math.max(1, Math.abs(max))) {
      double d = Math.max(1e-3, Math.abs(max) * 0.1);
      min -= d;
      max += d;
    }
    double pad = 0.05 * (max - min);
    return new Axis(false, min - pad, max + pad, Double.NEGATIVE_INFINITY, p0, p1);
  }

  /** Whether a value is drawn at the floor instead of its place. */
  boolean clipped(double v) {
    return log && !(v >= floor);
  }

  double pixel(double v) {
    double t;
    if (log) {
      double x = clipped(v) ? floor : v;
      t = (Math.log10(x) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
    } else {
      t = (v - lo) / (hi - lo);
    }
    return p0 + t * (p1 - p0);
  }

  /** Tick values with their labels. */
  List<Tick> ticks() {
    List<Tick> ticks = new ArrayList<>();
    if (log) {
      int a = (int) Math.ceil(Math.log10(lo) - 1e-9);
      int b = (int) Math.floor(Math.log10(hi) + 1e-9);
      int span = b - a;
      int step = Math.max(1, (int) Math.ceil(span / 7.0));
      for (int k = a; k <= b; k += step) {
        ticks.add(new Tick(Math.pow(10, k), "1e" + k));
      }
      if (ticks.size() < 3) { // less than ~2 decades: label the mantissas too
        int[] mantissas = span < 1 ? new int[] {2, 3, 4, 5, 6, 7, 8, 9} : new int[] {2, 5};
        for (int k = a - 1; k <= b; k++) {
          for (int m : mantissas) {
            double v = m * Math.pow(10, k);
            if (v >= lo && v <= hi) {
              ticks.add(new Tick(v, plain(v)));
            }
          }
        }
        ticks.sort((x, y) -> Double.compare(x.value(), y.value()));
      }
      return ticks;
    }
    double raw = (hi - lo) / 6;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
    for (double v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) {
      double r = Math.abs(v) < step * 1e-9 ? 0 : v;
      ticks.add(new Tick(r, plain(r)));
    }
    return ticks;
  }

  /** A tick label such as {@code 0.5}, {@code 2}, {@code 0.97}. */
  static String plain(double v) {
    return new java.math.BigDecimal(String.format(Locale.ROOT, "%.4g", v)).stripTrailingZeros().toPlainString();
  }

  record Tick(double value, String label) {
  }
}
