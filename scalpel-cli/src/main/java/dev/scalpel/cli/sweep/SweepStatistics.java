package dev.scalpel.cli.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The statistics of a sweep's Pareto fronts, all for minimisation in both coordinates: the non-dominated front,
 * the 2-D hypervolume against a reference point, the exact two-sided sign test and Student-t 95 % intervals for
 * paired differences across seeds. Non-finite points are left out everywhere.
 */
public final class SweepStatistics {
  private SweepStatistics() {
  }

  /** A point in the space the hypervolume is measured in. */
  public record Point(double x, double y) {
    boolean finite() {
      return Double.isFinite(x) && Double.isFinite(y);
    }
  }

  /**
   * The non-dominated points (no other point is ≤ in both coordinates and &lt; in one), sorted by x; duplicates kept
   * once.
   */
  public static List<Point> front(List<Point> points) {
    List<Point> s = new ArrayList<>();
    for (Point p : points) {
      if (p.finite()) {
        s.add(p);
      }
    }
    s.sort(Comparator.comparingDouble(Point::x).thenComparingDouble(Point::y));
    List<Point> f = new ArrayList<>();
    double bestY = Double.POSITIVE_INFINITY;
    for (Point p : s) {
      if (p.y() < bestY) {
        f.add(p);
        bestY = p.y();
      }
    }
    return f;
  }

  /**
   * The area dominated by {@code points} and bounded by {@code ref} (points not strictly better than ref in both
   * coordinates add nothing): Σ over the front sorted by x of (x_{i+1} − x_i)(ref.y − y_i), x_{n} = ref.x.
   */
  public static double hypervolume(List<Point> points, Point ref) {
    List<Point> f = new ArrayList<>();
    for (Point p : front(points)) {
      if (p.x() < ref.x() && p.y() < ref.y()) {
        f.add(p);
      }
    }
    double hv = 0;
    for (int i = 0; i < f.size(); i++) {
      double nextX = i + 1 < f.size() ? f.get(i + 1).x() : ref.x();
      hv += (nextX - f.get(i).x()) * (ref.y() - f.get(i).y());
    }
    return hv;
  }

  /**
   * The exact two-sided sign test of {@code wins} against {@code losses} (ties left out): 2·P(Bin(n, ½) ≤ min),
   * at most 1; 1 when n = 0.
   */
  public static double signTest(int wins, int losses) {
    int n = wins + losses;
    int k = Math.min(wins, losses);
    double tail = 0;
    double c = 1; // C(n, 0)
    for (int i = 0; i <= k; i++) {
      tail += c;
      c = c * (n - i) / (i + 1);
    }
    return Math.min(1, 2 * tail / Math.pow(2, n));
  }

  private static final double[] T975 = {Double.NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
      2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
      2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

  /** Student's t 0.975 quantile for {@code df} degrees of freedom (≥ 1; beyond 30 the value for 30, conservative). */
  public static double t975(int df) {
    if (df < 1) {
      throw new IllegalArgumentException("degrees of freedom (" + df + ") must be >= 1");
    }
    return T975[Math.min(df, 30)];
  }

  /**
   * Mean, sample standard deviation and the half-width of the 95 % Student-t interval of {@code x} (NaN spread
   * and interval for fewer than two values).
   */
  public static double[] meanSdHalfWidth(List<Double> x) {
    int n = x.size();
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= n;
    if (n < 2) {
      return new double[] {mean, Double.NaN, Double.NaN};
    }
    double ss = 0;
    for (double v : x) {
      ss += (v - mean) * (v - mean);
    }
    double sd = Math.sqrt(ss / (n - 1));
    return new double[] {mean, sd, t975(n - 1) * sd / Math.sqrt(n)};
  }
}
