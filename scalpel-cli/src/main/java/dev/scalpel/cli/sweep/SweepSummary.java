package dev.scalpel.cli.sweep;

import dev.scalpel.cli.sweep.SweepStatistics.Point;
import dev.scalpel.experiments.PlotSpec;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.io.AtomicFiles;
import dev.scalpel.experiments.io.Csv;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/*
 * The statistics files of a sweep (finished runs only; failed runs are left out and counted):
 *   summary.csv      one row per method × λ: n seeds, mean and sample standard deviation of every final metric
 *   hypervolume.csv  one row per method × seed: the points over λ, how many are on the non-dominated front, and
 *                    the hypervolume in the space of the task's first Pareto plot (its x and y columns, log10
 *                    taken on log axes: e.g. log10(main_loss) × aux_loss), against the reference point written on
 *                    every row (derived from the sweep's runs — the worst coordinate of all plus 5 % of the range —
 *                    unless given); two sweeps compare only with the same reference point
 *   paired.csv       for each Bloop variant against each other method at the same task settings of --grid: the per-seed differences of hypervolume
 *                    (Bloop − other; larger hypervolume is better), their mean, standard deviation, 95 % Student-t
 *                    interval, wins/losses and the exact two-sided sign test
 */
/** Writes summary.csv, hypervolume.csv and paired.csv for a sweep's rows. */
final class SweepSummary {
  private final Task task;
  private final List<SweepRunner.Row> rows;
  private final Point reference;
  private final PlotSpec space;

  SweepSummary(Task task, List<SweepRunner.Row> rows, Point reference) {
    this.task = task;
    this.rows = rows;
    this.space = task.plots().get(0);
    this.reference = reference != null ? reference : derivedReference();
  }

  double x(SweepRunner.Row r) {
    double x = coordinate(r.result().metrics().getOrDefault(space.x(), Double.NaN), space.xLog());
    return space.xHigherIsBetter() ? -x : x; // the hypervolume minimises both coordinates
  }

  double y(SweepRunner.Row r) {
    return coordinate(r.result().metrics().getOrDefault(space.y(), Double.NaN), space.yLog());
  }

  private static double coordinate(double v, boolean log) {
    return log ? (v > 0 ? Math.log10(v) : Double.NaN) : v;
  }

  private List<SweepRunner.Row> ok() {
    List<SweepRunner.Row> ok = new ArrayList<>();
    for (SweepRunner.Row r : rows) {
      if (r != null && r.status().equals("ok")) {
        ok.add(r);
      }
    }
    return ok;
  }

  private Point derivedReference() {
    double minX = Double.POSITIVE_INFINITY;
    double maxX = Double.NEGATIVE_INFINITY;
    double minY = Double.POSITIVE_INFINITY;
    double maxY = Double.NEGATIVE_INFINITY;
    for (SweepRunner.Row r : ok()) {
      double x = x(r);
      double y = y(r);
      if (Double.isFinite(x) && Double.isFinite(y)) {
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
    }
    if (minX > maxX) {
      return new Point(Double.NaN, Double.NaN);
    }
    return new Point(maxX + 0.05 * Math.max(maxX - minX, 1e-12), maxY + 0.05 * Math.max(maxY - minY, 1e-12));
  }

  String spaceName() {
    return (space.xHigherIsBetter() ? "-" : "") + (space.xLog() ? "log10(" + space.x() + ")" : space.x()) + " x "
        + (space.yLog() ? "log10(" + space.y() + ")" : space.y());
  }

  void write(Path out) throws IOException {
    writeSummary(out);
    Map<String, Map<String, Double>> hv = writeHypervolumes(out);
    writePaired(out, hv);
  }

  private void writeSummary(Path out) throws IOException {
    Map<String, List<SweepRunner.Row>> groups = new LinkedHashMap<>();
    for (SweepRunner.Row r : ok()) {
      groups.computeIfAbsent(r.label() + "\u0000" + (Double.isNaN(r.lambda()) ? "" : Csv.num(r.lambda())),
          k -> new ArrayList<>()).add(r);
    }
    List<String> header = new ArrayList<>(List.of("label", "lambda", "n"));
    for (String c : task.metricColumns()) {
      header.add(c + "_mean");
      header.add(c + "_sd");
    }
    StringBuilder b = new StringBuilder(Csv.line(header));
    for (List<SweepRunner.Row> g : groups.values()) {
      SweepRunner.Row first = g.get(0);
      List<String> f = new ArrayList<>(List.of(first.label(),
          Double.isNaN(first.lambda()) ? "" : Csv.num(first.lambda()), Integer.toString(g.size())));
      for (String c : task.metricColumns()) {
        List<Double> v = new ArrayList<>();
        for (SweepRunner.Row r : g) {
          v.add(r.result().metrics().getOrDefault(c, Double.NaN));
        }
        double[] m = SweepStatistics.meanSdHalfWidth(v);
        f.add(Csv.num(m[0]));
        f.add(Csv.num(m[1]));
      }
      b.append(Csv.line(f));
    }
    AtomicFiles.write(out.resolve("summary.csv"), b.toString());
  }

  /** label → seed → hypervolume. */
  private Map<String, Map<String, Double>> writeHypervolumes(Path out) throws IOException {
    Map<String, Map<String, List<Point>>> points = new LinkedHashMap<>();
    for (SweepRunner.Row r : ok()) {
      points.computeIfAbsent(r.label(), k -> new TreeMap<>()).computeIfAbsent(r.seed(), k -> new ArrayList<>())
          .add(new Point(x(r), y(r)));
    }
    Map<String, Map<String, Double>> hv = new LinkedHashMap<>();
    StringBuilder b = new StringBuilder(Csv.line(List.of("label", "seed", "points", "front_points", "hypervolume",
        "space", "ref_x", "ref_y")));
    for (var byLabel : points.entrySet()) {
      for (var bySeed : byLabel.getValue().entrySet()) {
        double h = SweepStatistics.hypervolume(bySeed.getValue(), reference);
        hv.computeIfAbsent(byLabel.getKey(), k -> new TreeMap<>()).put(bySeed.getKey(), h);
        b.append(Csv.line(List.of(byLabel.getKey(), bySeed.getKey(), Integer.toString(bySeed.getValue().size()),
            Integer.toString(SweepStatistics.front(bySeed.getValue()).size()), Csv.num(h), spaceName(),
            Csv.num(reference.x()), Csv.num(reference.y()))));
      }
    }
    AtomicFiles.write(out.resolve("hypervolume.csv"), b.toString());
    return hv;
  }

  private void writePaired(Path out, Map<String, Map<String, Double>> hv) throws IOException {
    StringBuilder b = new StringBuilder(Csv.line(List.of("method", "baseline", "seeds", "mean_difference", "sd",
        "ci95_low", "ci95_high", "wins", "losses", "sign_test_p")));
    Map<String, String> gridOf = new LinkedHashMap<>();
    for (SweepRunner.Row r : ok()) {
      gridOf.putIfAbsent(r.label(), r.grid());
    }
    for (String a : hv.keySet()) {
      if (!a.startsWith("bloop")) {
        continue;
      }
      for (String base : hv.keySet()) {
        if (base.startsWith("bloop") || !gridOf.get(a).equals(gridOf.get(base))) {
          continue; // with task settings on the grid (lr=…), methods are compared at the same settings
        }
        List<Double> d = new ArrayList<>();
        int wins = 0;
        int losses = 0;
        for (var e : hv.get(a).entrySet()) {
          Double other = hv.get(base).get(e.getKey());
          if (other != null) {
            double diff = e.getValue() - other;
            d.add(diff);
            // a difference within rounding of the two hypervolumes (identical fronts) is a tie, not a win or loss
            double tie = 1e-9 * Math.max(Math.abs(e.getValue()), Math.abs(other));
            wins += diff > tie ? 1 : 0;
            losses += diff < -tie ? 1 : 0;
          }
        }
        if (d.isEmpty()) {
          continue;
        }
        double[] m = SweepStatistics.meanSdHalfWidth(d);
        b.append(Csv.line(List.of(a, base, Integer.toString(d.size()), Csv.num(m[0]), Csv.num(m[1]),
            Csv.num(m[0] - m[2]), Csv.num(m[0] + m[2]), Integer.toString(wins), Integer.toString(losses),
            Csv.num(SweepStatistics.signTest(wins, losses)))));
      }
    }
    AtomicFiles.write(out.resolve("paired.csv"), b.toString());
  }
}
