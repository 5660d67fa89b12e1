package dev.scalpel.cli;

import dev.scalpel.cli.io.Progress;
import dev.scalpel.cli.sweep.LambdaGrid;
import dev.scalpel.cli.sweep.SweepRunner;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.TaskSettings;
import dev.scalpel.experiments.Tasks;
import dev.scalpel.core.GradientSurgery;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code scalpel sweep}: a task over methods × λ, with results.csv, trajectories and Pareto plots. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
    header = "Run a task for every method × λ, with results.csv and Pareto plots.",
    description = "Run a task for every method × λ; write DIR/results.csv, one run directory per run under "
        + "DIR/runs/ (metrics.csv with the surgery's diagnostics), the Pareto plots DIR/*.png and *.svg, and "
        + "DIR/diagnostics.png (every method's diagnostics at the grid's middle λ). Re-running the same command "
        + "resumes: finished runs are kept, an interrupted or failed one continues from its checkpoint. Tasks: "
        + "toy2d, toy3d (three losses), quadratic, smooth-mnist; their settings: scalpel tasks. Methods without λ "
        + "(the aggregators) run once.")
public final class SweepCommand implements Callable<Integer> {

  @Option(names = "--task", required = true, description = "toy2d | toy3d | quadratic | smooth-mnist")
  String task;

  @Option(names = "--method", required = true,
      description = "a method spec, repeatable: name[:key=value,...]. Priority methods mixed, bloop, "
          + "dynamic-barrier, pcgrad (keys lambda, ema, init, seed, rescale, ratio-only, eps, nonfinite; λ is set by "
          + "--lambdas, the same for every auxiliary loss); aggregators mean, sum, constant:weights=W/W/..., random, "
          + "mgda, upgrad, dualproj, cagrad, nash-mtl, imtl-g, aligned-mtl, gradvac, graddrop (their keys: "
          + "docs/methods.md).")
  List<String> methods = new ArrayList<>();

  @Option(names = "--lambdas",
      description = "a list 0.01,0.1,1 or a log range START:STOP:COUNT (1e-3:1e3:10 = numpy logspace(-3,3,10)); "
          + "required unless every method is an aggregator without λ")
  String lambdas;

  @Option(names = "--out", required = true, description = "output directory (created; resumed if it exists)")
  Path out;

  @Mixin
  TaskFlags flags = new TaskFlags();

  @Override
  public Integer call() throws Exception {
    Task t = Tasks.byName(task);
    TaskSettings settings = t.settings(flags.given());
    List<GradientSurgery> ms = new ArrayList<>();
    for (String spec : methods) {
      ms.add(GradientSurgery.parse(spec));
    }
    boolean anyLambda = ms.stream().anyMatch(m -> m.method().hasLambda());
    if (anyLambda && lambdas == null) {
      throw new IllegalArgumentException("--lambdas is required: " + ms.stream().filter(m -> m.method().hasLambda())
          .map(m -> m.method().specName()).distinct().toList() + " take λ (e.g. --lambdas 1e-3:1:4)");
    }
    List<Double> grid = lambdas == null ? List.of() : LambdaGrid.parse(lambdas);
    Progress progress = Progress.stderr();
    progress.message(String.format(Locale.ROOT, "sweep %s: %d method(s) × %d λ into %s (settings %s)", t.name(),
        ms.size(), grid.size(), out, settings.values()));
    List<SweepRunner.Row> rows = new SweepRunner(t, settings, ms, grid, out).run(progress);
    long failed = rows.stream().filter(r -> !r.status().equals("ok")).count();
    boolean aux2 = t.metricColumns().contains("aux2_loss");
    System.out.printf(Locale.ROOT, "%-34s %12s %14s %14s%s%n", "method", "lambda", "main_loss", "aux_loss",
        aux2 ? String.format(Locale.ROOT, " %14s", "aux2_loss") : "");
    for (SweepRunner.Row r : rows) {
      System.out.printf(Locale.ROOT, "%-34s %12s %14.6g %14.6g%s%s%n", r.label(),
          Double.isNaN(r.lambda()) ? "–" : String.format(Locale.ROOT, "%.4g", r.lambda()), r.result().mainLoss(),
          r.result().auxLoss(), aux2 ? String.format(Locale.ROOT, " %14.6g",
              r.result().metrics().getOrDefault("aux2_loss", Double.NaN)) : "",
          r.status().equals("ok") ? "" : "  " + r.status());
    }
    System.out.println("results: " + out.resolve("results.csv"));
    for (var p : t.plots()) {
      System.out.println("plot:    " + out.resolve(p.name() + ".png") + " (and .svg)");
    }
    System.out.println("plot:    " + out.resolve("diagnostics.png") + " (diagnostics at the grid's middle λ)");
    if (failed > 0) {
      System.err.println("scalpel: " + failed + " run(s) failed; see the status column of results.csv. Running the "
          + "same command again tries them again (from their checkpoints); delete a run's directory under "
          + out.resolve("runs") + " to start it afresh");
      return 1;
    }
    return 0;
  }
}
