package dev.scalpel.cli;

import dev.scalpel.cli.io.Progress;
import dev.scalpel.cli.sweep.LambdaGrid;
import dev.scalpel.cli.sweep.SweepGrid;
import dev.scalpel.cli.sweep.SweepRunner;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.TaskSettings;
import dev.scalpel.experiments.Tasks;
import dev.scalpel.core.GradientSurgery;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code scalpel sweep}: a task over methods × λ, with results.csv, trajectories and Pareto plots. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
    header = "Run a task for every method × λ (× seeds × grid), with statistics, Pareto plots and a report.",
    description = "Run a task for every method × λ (× --seeds × --grid); write DIR/results.csv (one row per run), "
        + "one run directory per run under DIR/runs/ (metrics.csv with the surgery's diagnostics, curves.png), "
        + "summary.csv, hypervolume.csv and paired.csv (statistics over seeds), the Pareto plots DIR/*.png and "
        + "*.svg, DIR/curves.png and DIR/diagnostics.png (every method at the grid's middle λ), and DIR/report.html "
        + "with all of it. Re-running the same command resumes: finished runs are kept, an interrupted or failed one "
        + "continues from its checkpoint; more methods, λ, seeds or grid values add to what DIR holds. The tasks and "
        + "their settings: scalpel tasks. Methods without λ (the aggregators) run once.")
public final class SweepCommand implements Callable<Integer> {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--task", required = true, completionCandidates = TaskNames.class,
      description = "one of ${COMPLETION-CANDIDATES} (scalpel tasks)")
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

  @Option(names = "--seeds", paramLabel = "A:B|LIST",
      description = "run every method × λ for each seed: A:B is A, A+1, …, B−1 (0:3 = 0, 1, 2), or a list 0,4,7; "
          + "sets the task's seed setting; summary.csv, hypervolume.csv and paired.csv then give means, spreads and "
          + "paired differences over seeds")
  String seedsText;

  @Option(names = "--grid", paramLabel = "KEY=V1,V2,...",
      description = "another axis, repeatable (the product of all is run): a task setting (lr=0.01,0.1; scalpel "
          + "tasks lists them) or a method key (ema=0.001,0.01,0.1,1 for the EMA ablation; methods without the key "
          + "run once); lambda=1/0.1,1/1 gives λ weight vectors for three losses, each multiplied by every --lambdas "
          + "value; write task.KEY or method.KEY where a key is both. Each point is a line of its own. Not on the grid: "
          + "seed (use --seeds), settings that do not change results, a key a --method spec gives itself.")
  List<String> gridTexts = new ArrayList<>();

  @Option(names = "--jobs", paramLabel = "N", defaultValue = "1",
      description = "runs at the same time (default 1), each in a JVM of its own with its share of the cores; worth "
          + "it for runs of a minute or more (a JVM start and JIT warm-up per run; docs/benchmarks.md measures it)")
  int jobs;

  @Option(names = "--hv-ref", paramLabel = "X,Y",
      description = "the hypervolume's reference point in the space of the task's first plot (e.g. log10 main "
          + "loss, aux loss), so that two sweeps compare; also plots the region it bounds alone (pareto_hv.png); "
          + "default: derived from this sweep's runs and recorded")
  String hvRef;

  /** Parses --seeds. */
  static List<Long> seeds(String text) {
    if (text == null) {
      return List.of();
    }
    List<Long> out = new ArrayList<>();
    try {
      if (text.contains(":")) {
        String[] p = text.split(":", -1);
        if (p.length != 2) {
          throw new IllegalArgumentException("--seeds (" + text + ") must be A:B or a list like 0,1,2");
        }
        long a = Long.parseLong(p[0].trim());
        long b = Long.parseLong(p[1].trim());
        if (b <= a) {
          throw new IllegalArgumentException("--seeds (" + text + "): A:B runs A, …, B−1; B must be > A");
        }
        if (b - a > 1000) {
          throw new IllegalArgumentException("--seeds (" + text + ") asks for " + (b - a) + " seeds; at most 1000");
        }
        for (long s = a; s < b; s++) {
          out.add(s);
        }
      } else {
        for (String s : text.split(",")) {
          long v = Long.parseLong(s.trim());
          if (out.contains(v)) {
            throw new IllegalArgumentException("--seeds (" + text + ") lists " + v + " twice");
          }
          out.add(v);
        }
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--seeds (" + text + ") must be A:B or a list of integers like 0,1,2", e);
    }
    return out;
  }

  @Mixin
  TaskFlags flags = new TaskFlags();

  @Override
  public Integer call() throws Exception {
    Task t = Tasks.byName(task);
    TaskSettings settings = t.settings(flags.given());
    if (seedsText != null && flags.given().containsKey("seed")) {
      throw new IllegalArgumentException("--seeds " + seedsText + " and --seed/--set seed=" + flags.given().get("seed")
          + " both give the seed; give it in one place");
    }
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
    SweepRunner runner = new SweepRunner(t, settings, ms, grid, seeds(seedsText), out)
        .withGrid(SweepGrid.parse(gridTexts, t, ms, flags.given(), methods), flags.given())
        .withJobs(jobs)
        .withCommand("scalpel " + String.join(" ", spec.commandLine().getParseResult().originalArgs()
            .stream().map(a -> a.matches("[A-Za-z0-9_./:=,+@-]+") ? a : "'" + a.replace("'", "'\\''") + "'")
            .toList()));
    // the settings every run shares (not those of the grid or --seeds)
    Map<String, String> shared = new java.util.LinkedHashMap<>(settings.values());
    runner.gridKeys().forEach(shared::remove);
    if (seedsText != null) {
      shared.remove("seed");
    }
    progress.message(String.format(Locale.ROOT, "sweep %s: %d method(s)%s × %d λ%s into %s (settings %s)%s",
        t.name(), ms.size(), gridTexts.isEmpty() ? "" : " × grid " + String.join(" × ", gridTexts), grid.size(),
        seedsText == null ? "" : " × seeds " + seedsText, out, shared,
        jobs > 1 ? ", " + jobs + " runs at a time" : ""));
    if (jobs > Runtime.getRuntime().availableProcessors()) {
      progress.message("note: --jobs " + jobs + " on " + Runtime.getRuntime().availableProcessors() + " cores: the runs "
          + "share the cores (each in its own JVM); more jobs than cores gains nothing");
    }
    if (hvRef != null) {
      String[] p = hvRef.split(",");
      try {
        if (p.length != 2) {
          throw new NumberFormatException();
        }
        runner.withHypervolumeReference(Double.parseDouble(p[0].trim()), Double.parseDouble(p[1].trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--hv-ref (" + hvRef + ") must be two numbers X,Y", e);
      }
    }
    List<SweepRunner.Row> rows = runner.run(progress);
    long failed = rows.stream().filter(r -> !r.status().equals("ok")).count();
    boolean aux2 = t.metricColumns().contains("aux2_loss");
    System.out.printf(Locale.ROOT, "%-34s %12s %14s %14s%s%n", "method", "lambda", "main_loss", "aux_loss",
        aux2 ? String.format(Locale.ROOT, " %14s", "aux2_loss") : "");
    for (SweepRunner.Row r : rows) {
      System.out.printf(Locale.ROOT, "%-34s %12s %14.6g %14.6g%s%s%n",
          r.label() + (r.seed().isEmpty() ? "" : " seed " + r.seed()),
          Double.isNaN(r.lambda()) ? "–" : String.format(Locale.ROOT, "%.4g", r.lambda()), r.result().mainLoss(),
          r.result().auxLoss(), aux2 ? String.format(Locale.ROOT, " %14.6g",
              r.result().metrics().getOrDefault("aux2_loss", Double.NaN)) : "",
          r.status().equals("ok") ? "" : "  " + r.status());
    }
    System.out.println("report:  " + out.resolve("report.html"));
    System.out.println("results: " + out.resolve("results.csv") + "; statistics: summary.csv, hypervolume.csv, "
        + "paired.csv");
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
