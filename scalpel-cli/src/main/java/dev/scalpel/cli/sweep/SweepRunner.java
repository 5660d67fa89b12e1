package dev.scalpel.cli.sweep;

import dev.scalpel.experiments.io.AtomicFiles;
import dev.scalpel.experiments.io.Csv;
import dev.scalpel.cli.io.Progress;
import dev.scalpel.cli.io.ProgressListener;
import dev.scalpel.cli.plot.DiagnosticsPlot;
import dev.scalpel.cli.plot.ParetoPlot;
import dev.scalpel.experiments.PlotSpec;
import dev.scalpel.experiments.RunLoop;
import dev.scalpel.experiments.RunResult;
import dev.scalpel.experiments.Setting;
import dev.scalpel.experiments.io.DirectoryLock;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.Tasks;
import dev.scalpel.experiments.TaskSettings;
import dev.scalpel.core.GradientSurgery;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/*
 * Runs a task over methods × λ, Caffeine-simulator style (methods without λ, the multi-task aggregators, run
 * once, with an empty λ):
 *   DIR/sweep.properties            the task and its resolved settings that change results; a DIR is only resumed
 *                                   with the same ones (checkpoint_every and diagnostics may change)
 *   DIR/runs/<label>_lambda=<λ>[_seed=<s>]/  one directory per run (label: method and --grid point; RunLoop):
 *                                   metrics.csv (with the diagnostics),
 *                                   checkpoint.bin, then result.csv written atomically when the run is finished
 *   DIR/diagnostics.png             every method's diagnostics at the grid's middle λ, one line per method
 *   DIR/curves.png                  every method's training curves (metrics.csv) at the grid's middle λ
 *   DIR/runs/.../curves.png         each run's training curves
 *   DIR/results.csv                 one row per method × λ of this invocation, then the finished runs of earlier
 *                                   invocations into DIR (other methods or λ), rewritten after every run
 *   DIR/.lock                       held while a sweep runs: a second sweep into DIR is refused
 *   DIR/<plot>.png, DIR/<plot>.svg  the task's Pareto plots, one labelled line per method
 * Resuming: a run whose result.csv exists for the same canonical method spec is not run again; an interrupted
 * run (no result.csv) resumes from its last checkpoint.
 * A run that throws is recorded with status "failed: <message>" and NaN metrics, so one diverging λ does not sink
 * the sweep; a re-run tries it again (from its last checkpoint, so a deterministic failure costs little).
 */
/** Runs a sweep of a task over methods × λ and writes results.csv, per-run trajectories and Pareto plots. */
public final class SweepRunner {
  /**
   * One finished (or failed) run.
   *
   * @param method the canonical method spec, λ included
   * @param label  the variant's label (method, grid point), shared by its runs over λ and seeds
   * @param lambda the grid's λ (NaN for a method without λ); with λ weight vectors, the factor t of λ_j = t·w_j
   * @param seed   the seed's text, empty without --seeds
   * @param grid   the run's task settings from --grid ({@code lr=0.1}), empty without task axes
   */
  public record Row(String method, String label, double lambda, String seed, String grid, RunResult result,
      String status, Path runDir) {
  }

  private final Task task;
  private final TaskSettings settings;
  private final List<GradientSurgery> methods;
  private final List<Double> lambdas;
  private final Path out;
  private final List<Long> seeds;
  private SweepGrid grid = SweepGrid.none();
  private List<SweepGrid.Variant> variants;
  private int jobs = 1;
  private SweepStatistics.Point hvReference;
  private String command = "(not recorded)";

  public SweepRunner(Task task, TaskSettings settings, List<GradientSurgery> methods, List<Double> lambdas,
      Path out) {
    this(task, settings, methods, lambdas, List.of(), out);
  }

  /**
   * A sweep over methods × λ × seeds: each seed sets the task's {@code seed} setting (an empty list: one run with
   * the settings' seed).
   */
  public SweepRunner(Task task, TaskSettings settings, List<GradientSurgery> methods, List<Double> lambdas,
      List<Long> seeds, Path out) {
    if (!seeds.isEmpty() && !settings.values().containsKey("seed")) {
      throw new IllegalArgumentException("--seeds: task " + task.name() + " has no setting 'seed' (it is "
          + "deterministic without one)");
    }
    this.seeds = List.copyOf(seeds);
    if (methods.isEmpty()) {
      throw new IllegalArgumentException("no --method given; e.g. --method mixed --method bloop:ema=0.01");
    }
    if (out.toString().isBlank()) {
      throw new IllegalArgumentException("--out (\"" + out + "\") must name a directory");
    }
    this.task = task;
    this.settings = settings;
    this.methods = methods;
    this.lambdas = lambdas;
    this.out = out;
    this.variants = grid.expand(task, settings.values(), methods, task.losses());
  }

  /**
   * Adds the axes of {@code --grid} (task settings, method keys): every method runs at every point of the axes it
   * has, each point a line of its own in the plots.
   *
   * @param given the task settings given explicitly (the rest are defaults); a grid's task key may not be one
   * @throws IllegalArgumentException for a bad value or a clash of labels, before any run
   */
  public SweepRunner withGrid(SweepGrid grid, Map<String, String> given) {
    this.grid = grid;
    Map<String, String> base = new LinkedHashMap<>(given);
    if (!seeds.isEmpty()) {
      base.remove("seed");
    }
    this.variants = grid.expand(task, base, methods, task.losses());
    return this;
  }

  /** The task settings the grid varies. */
  public List<String> gridKeys() {
    return grid.taskKeys();
  }

  /**
   * Runs up to {@code jobs} runs at the same time, each in a JVM of its own ({@link JobProcess}: DJL's engine
   * trains one model per process), about one core each. Results do not depend on it: every run is deterministic
   * by itself. With more than one job the task must be one the command line knows by name ({@link Tasks}).
   */
  public SweepRunner withJobs(int jobs) {
    if (jobs < 1 || jobs > 256) {
      throw new IllegalArgumentException("--jobs (" + jobs + ") must be between 1 and 256");
    }
    if (jobs > 1) {
      try {
        if (Tasks.byName(task.name()).getClass() != task.getClass()) {
          throw new IllegalArgumentException("x");
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--jobs " + jobs + " runs each run in a process of its own, which knows "
            + "only the registered tasks; task " + task.name() + " is not one (run it with --jobs 1)");
      }
    }
    this.jobs = jobs;
    return this;
  }

  /**
   * Fixes the hypervolume's reference point (in the space of the task's first plot, logs taken on log axes) so
   * that two sweeps' hypervolumes compare; by default it is derived from this sweep's runs and recorded.
   */
  public SweepRunner withHypervolumeReference(double x, double y) {
    this.hvReference = new SweepStatistics.Point(x, y);
    return this;
  }

  /** The command line shown in report.html. */
  public SweepRunner withCommand(String commandLine) {
    this.command = commandLine;
    return this;
  }

  /** Runs what is not done yet; returns every row of the grid, in method, grid point, λ then seed order. */
  public List<Row> run(Progress progress) throws IOException {
    try (DirectoryLock lock = DirectoryLock.acquire(out)) {
      return runLocked(progress);
    }
  }

  private record Pending(int index, SweepGrid.Variant variant, double lambda, GradientSurgery method, Path dir,
      Long seed) {
  }

  private List<Row> runLocked(Progress progress) throws IOException {
    checkSettings();
    List<Row> rows = new ArrayList<>();
    List<Pending> pending = new ArrayList<>();
    for (SweepGrid.Variant v : variants) {
      // λ-free methods (the multi-task aggregators) run once, whatever the grid
      for (double lambda : v.method().method().hasLambda() ? lambdas : List.of(Double.NaN)) {
        GradientSurgery m = v.at(lambda);
        for (Long seed : seeds.isEmpty() ? java.util.Collections.<Long>singletonList(null) : seeds) {
          Path dir = runDir(v, lambda, seed);
          Row done = load(m, v, lambda, seed, dir);
          rows.add(done);
          if (done == null) {
            pending.add(new Pending(rows.size() - 1, v, lambda, m, dir, seed));
          }
        }
      }
    }
    int total = rows.size();
    progress.startSweep(total - pending.size(), total);
    if (pending.size() < total) {
      progress.message("resuming " + out + ": " + (total - pending.size()) + " of " + total
          + " runs already done");
    }
    if (jobs == 1 || pending.size() <= 1) {
      for (Pending p : pending) {
        finish(p, runOne(p, progress), rows);
      }
    } else {
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
          Math.min(jobs, pending.size()), r -> {
            Thread t = new Thread(r, "scalpel-sweep-job");
            t.setDaemon(true);
            return t;
          });
      try {
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (Pending p : pending) {
          futures.add(pool.submit(() -> {
            finish(p, runOne(p, progress), rows);
            return null;
          }));
        }
        for (var f : futures) {
          try {
            f.get();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
          } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
              throw io;
            }
            if (e.getCause() instanceof SweepInterruptedException
                || e.getCause() instanceof RunLoop.InterruptedRunException) {
              throw new SweepInterruptedException();
            }
            throw new IllegalStateException(e.getCause());
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }
    // runs of earlier invocations into this directory (other methods or λ) stay in results.csv and the plots
    List<Row> all = new ArrayList<>(rows);
    all.addAll(earlierRuns(rows));
    writeResults(all);
    writePlots(all);
    new SweepSummary(task, all, hvReference).write(out);
    SweepReport.write(out, "scalpel sweep: " + task.name(), command);
    return rows;
  }

  /** The sweep stopped because its process is shutting down (Ctrl-C, kill); its runs saved themselves. */
  public static final class SweepInterruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SweepInterruptedException() {
      super("interrupted: the runs under way saved themselves; run the same command again to resume");
    }
  }

  /** Whether the JVM is shutting down (a hook can no longer be added then). */
  static boolean shuttingDown() {
    Thread probe = new Thread(() -> { });
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }

  /** Runs one pending run; a failure inside it becomes a failed row (NaN metrics, the message as status). */
  private Row runOne(Pending p, Progress progress) throws IOException {
    if (shuttingDown()) { // Ctrl-C: start nothing new
      throw new SweepInterruptedException();
    }
    GradientSurgery m = p.method();
    String seedText = p.seed() == null ? "" : Long.toString(p.seed());
    TaskSettings runSettings = p.seed() == null ? p.variant().settings()
        : p.variant().settings().with("seed", seedText);
    String label = p.variant().label();
    Progress.Run run = progress.startRun((m.method().hasLambda() ? label + " λ=" + ParetoPlot.fmtLambda(p.lambda())
        : label) + (p.seed() == null ? "" : " seed " + p.seed()));
    Files.createDirectories(p.dir());
    try {
      RunResult r = jobs > 1 ? JobProcess.run(task.name(), runSettings.values(), m.toString(), p.dir(), run, jobs)
          : RunLoop.of(task, runSettings).run(m, p.dir(), new ProgressListener(run, false));
      run.end(String.format(Locale.ROOT, "main %.4g, aux %.4g (%.1fs)", r.mainLoss(), r.auxLoss(), r.seconds()));
      return new Row(m.toString(), label, p.lambda(), seedText, p.variant().grid(), r, "ok", p.dir());
    } catch (RunLoop.InterruptedRunException e) {
      throw e; // saved by its run: not a failure, and the sweep stops with the process
    } catch (Exception e) {
      if (shuttingDown()) { // a run's process stopped by the same Ctrl-C: it saved itself; nothing to record
        throw new SweepInterruptedException();
      }
      Map<String, Double> nan = new LinkedHashMap<>();
      for (String c : task.metricColumns()) {
        nan.put(c, Double.NaN);
      }
      String msg = String.valueOf(e.getMessage()).replace('\n', ' ').replace('\r', ' ');
      run.end("FAILED: " + msg);
      return new Row(m.toString(), label, p.lambda(), seedText, p.variant().grid(), new RunResult(nan, 0, 0),
          "failed: " + msg, p.dir());
    }
  }

  /** Records a finished run: its result.csv, then results.csv with every row so far. */
  private void finish(Pending p, Row row, List<Row> rows) throws IOException {
    DiagnosticsPlot.curves(p.dir().resolve("curves.png"), task.name() + ", " + p.variant().label()
        + (Double.isNaN(p.lambda()) ? "" : " λ=" + ParetoPlot.fmtLambda(p.lambda()))
        + (p.seed() == null ? "" : " seed " + p.seed()), Map.of(p.variant().label(), p.dir()), curveLabels());
    synchronized (rows) {
      writeRow(row);
      rows.set(p.index(), row);
      writeResults(rows);
    }
  }

  /** The finished runs under DIR/runs that this invocation's grid does not name, in directory order. */
  private List<Row> earlierRuns(List<Row> current) throws IOException {
    java.util.Set<Path> mine = new java.util.HashSet<>();
    for (Row r : current) {
      mine.add(r.runDir().toAbsolutePath().normalize());
    }
    List<Row> others = new ArrayList<>();
    Path runs = out.resolve("runs");
    if (!Files.isDirectory(runs)) {
      return others;
    }
    List<Path> dirs;
    try (var s = Files.list(runs)) {
      dirs = s.filter(Files::isDirectory).sorted().toList();
    }
    for (Path dir : dirs) {
      if (mine.contains(dir.toAbsolutePath().normalize()) || !Files.exists(dir.resolve("result.csv"))) {
        continue;
      }
      List<Map<String, String>> rows = Csv.read(dir.resolve("result.csv"));
      if (rows.size() != 1) {
        continue;
      }
      Map<String, String> row = rows.get(0);
      Map<String, Double> metrics = new LinkedHashMap<>();
      for (String c : task.metricColumns()) {
        String v = row.get(c);
        metrics.put(c, v == null ? Double.NaN : Double.parseDouble(v));
      }
      String lambda = row.getOrDefault("lambda", "");
      others.add(new Row(row.get("method"), row.get("label"), lambda.isEmpty() ? Double.NaN
          : Double.parseDouble(lambda), row.getOrDefault("seed", ""), row.getOrDefault("grid", ""), new RunResult(metrics, Long.parseLong(row.get("steps")),
          Double.parseDouble(row.get("seconds"))), row.get("status"), dir));
    }
    return others;
  }

  private Path runDir(SweepGrid.Variant v, double lambda, Long seed) {
    return out.resolve("runs").resolve(MethodLabel.slug(v.label())
        + (v.method().method().hasLambda() ? "_lambda=" + ParetoPlot.fmtLambda(lambda) : "")
        + (seed == null ? "" : "_seed=" + seed));
  }

  private void checkSettings() throws IOException {
    Path file = out.resolve("sweep.properties");
    Properties want = new Properties();
    want.setProperty("task", task.name());
    for (Setting s : task.fullSchema()) {
      if (s.affectsResults() && !(s.name().equals("seed") && !seeds.isEmpty()) && !grid.taskKeys().contains(s.name())) {
        want.setProperty("setting." + s.name(), settings.get(s.name()));
      }
    }
    if (Files.exists(file)) {
      Properties have = new Properties();
      have.load(new StringReader(Files.readString(file)));
      if (!have.equals(want)) {
        // a setting the task gained after the sweep was made: its default is what the sweep's runs did
        Map<String, String> defaults = new HashMap<>();
        task.fullSchema().forEach(st -> defaults.put("setting." + st.name(), st.defaultValue()));
        List<String> differ = new ArrayList<>();
        java.util.Set<String> keys = new java.util.TreeSet<>(have.stringPropertyNames());
        keys.addAll(want.stringPropertyNames());
        for (String k : keys) {
          String h = have.getProperty(k);
          String w = want.getProperty(k);
          String name = k.replaceFirst("^setting\\.", "");
          if (h == null && w != null && w.equals(defaults.get(k))) {
            continue;
          } else if (h == null) {
            differ.add(name + " is not fixed there (on its --grid or --seeds) but " + w + " here");
          } else if (w == null) {
            differ.add(name + " is " + h + " there but on this command's --grid or --seeds");
          } else if (!h.equals(w)) {
            differ.add(name + " is " + h + " there, " + w + " here");
          }
        }
        if (!differ.isEmpty()) {
          throw new IllegalArgumentException(out + " holds a sweep with other settings: " + String.join("; ", differ)
              + ". Use another --out, or the same settings (a default counts as given).");
        }
      }
      return;
    }
    StringBuilder b = new StringBuilder("# scalpel sweep settings; a resumed sweep must use the same\n");
    b.append("task=").append(task.name()).append('\n');
    for (Setting s : task.fullSchema()) {
      if (s.affectsResults() && !(s.name().equals("seed") && !seeds.isEmpty()) && !grid.taskKeys().contains(s.name())) {
        b.append("setting.").append(s.name()).append('=').append(settings.get(s.name())).append('\n');
      }
    }
    AtomicFiles.write(file, b.toString());
  }

  private List<String> header() {
    List<String> h = new ArrayList<>(List.of("method", "label", "lambda", "seed", "grid"));
    h.addAll(task.metricColumns());
    h.addAll(List.of("steps", "seconds", "status", "run_dir"));
    return h;
  }

  private List<String> fields(Row r) {
    List<String> f = new ArrayList<>(List.of(r.method(), r.label(),
        Double.isNaN(r.lambda()) ? "" : Csv.num(r.lambda()), r.seed(), r.grid())); // empty: no λ, seed, grid
    for (String c : task.metricColumns()) {
      f.add(Csv.num(r.result().metrics().getOrDefault(c, Double.NaN)));
    }
    f.add(Long.toString(r.result().steps()));
    f.add(String.format(Locale.ROOT, "%.3f", r.result().seconds()));
    f.add(r.status());
    f.add(out.relativize(r.runDir()).toString());
    return f;
  }

  private void writeRow(Row r) throws IOException {
    AtomicFiles.write(r.runDir().resolve("result.csv"), Csv.line(header()) + Csv.line(fields(r)));
  }

  private Row load(GradientSurgery m, SweepGrid.Variant variant, double lambda, Long seed, Path dir) throws IOException {
    Path file = dir.resolve("result.csv");
    if (!Files.exists(file)) {
      return null;
    }
    List<Map<String, String>> rows = Csv.read(file);
    if (rows.size() != 1 || !m.toString().equals(rows.get(0).get("method"))
        || !"ok".equals(rows.get(0).get("status"))) {
      return null; // not this method, or failed: run it again (it resumes from its checkpoint)
    }
    Map<String, String> row = rows.get(0);
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (String c : task.metricColumns()) {
      String v = row.get(c);
      if (v == null) {
        return null;
      }
      metrics.put(c, Double.parseDouble(v));
    }
    RunResult r = new RunResult(metrics, Long.parseLong(row.get("steps")), Double.parseDouble(row.get("seconds")));
    return new Row(m.toString(), variant.label(), lambda, seed == null ? "" : Long.toString(seed), variant.grid(), r,
        row.get("status"), dir);
  }

  private void writeResults(List<Row> rows) throws IOException {
    StringBuilder b = new StringBuilder(Csv.line(header()));
    for (Row r : rows) {
      if (r != null) {
        b.append(Csv.line(fields(r)));
      }
    }
    AtomicFiles.write(out.resolve("results.csv"), b.toString());
  }

  /**
   * The diagnostics of every method side by side ({@code diagnostics.png}) at one λ of the grid: the middle one of
   * the sorted grid (λ-free methods at their only run). Each run's own diagnostics are in its metrics.csv.
   */
  private void writeDiagnostics(List<Row> rows) throws IOException {
    List<Double> sorted = new ArrayList<>(lambdas);
    java.util.Collections.sort(sorted);
    double mid = sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
    Map<String, Path> runs = new LinkedHashMap<>();
    for (Row r : rows) {
      if (r.status().equals("ok") && (Double.isNaN(r.lambda()) || r.lambda() == mid)
          && Files.exists(r.runDir().resolve("metrics.csv"))) {
        runs.putIfAbsent(r.label(), r.runDir()); // with seeds: the first seed's run that kept its metrics
      }
    }
    String title = task.name() + (Double.isNaN(mid) ? "" : ", λ=" + ParetoPlot.fmtLambda(mid));
    DiagnosticsPlot.compare(out.resolve("diagnostics.png"), title, runs);
    DiagnosticsPlot.curves(out.resolve("curves.png"), title, runs, curveLabels());
  }

  /** Axis labels of the task's plots by column, for the panels of the training curves. */
  private Map<String, String> curveLabels() {
    return DiagnosticsPlot.axisLabels(task.plots());
  }

  private void writePlots(List<Row> rows) throws IOException {
    writeDiagnostics(rows);
    for (PlotSpec spec : task.plots()) {
      // one point per method × λ: the mean over seeds (a single run without --seeds)
      Map<String, Map<Double, double[]>> sums = new LinkedHashMap<>();
      for (Row r : rows) {
        if (!r.status().equals("ok")) {
          continue;
        }
        double x = r.result().metrics().getOrDefault(spec.x(), Double.NaN);
        double y = r.result().metrics().getOrDefault(spec.y(), Double.NaN);
        double[] s = sums.computeIfAbsent(r.label(), k -> new LinkedHashMap<>()).computeIfAbsent(r.lambda(),
            k -> new double[4]);
        s[0] += x;
        s[1] += y;
        s[2]++;
        s[3] += y * y;
      }
      // the mean over seeds, with the sample standard deviation of y as an error bar (two seeds or more)
      Map<String, List<ParetoPlot.Point>> byLabel = new LinkedHashMap<>();
      sums.forEach((label, byLambda) -> byLambda.forEach((lambda, s) -> {
        double my = s[1] / s[2];
        double sd = s[2] > 1 ? Math.sqrt(Math.max(0, (s[3] - s[2] * my * my) / (s[2] - 1))) : Double.NaN;
        byLabel.computeIfAbsent(label, k -> new ArrayList<>()).add(new ParetoPlot.Point(s[0] / s[2], my, lambda,
            sd));
      }));
      List<ParetoPlot.Series> series = new ArrayList<>();
      byLabel.forEach((label, pts) -> series.add(new ParetoPlot.Series(label, pts)));
      ParetoPlot.Labels labels = new ParetoPlot.Labels(spec.title(), spec.xLabel(), spec.xLog(), spec.yLabel(),
          spec.yLog(), spec.xHigherIsBetter());
      ParetoPlot.write(out, spec.name(), labels, series);
      if (hvReference != null && spec.equals(task.plots().get(0))) {
        // the region the hypervolume measures, alone: a collapsed run far outside it no longer squeezes the rest
        double rx = spec.xHigherIsBetter() ? -hvReference.x() : hvReference.x();
        double ry = hvReference.y();
        ParetoPlot.write(out, spec.name() + "_hv", labels, series, new ParetoPlot.Window("hypervolume region",
            spec.xLog() ? Math.pow(10, rx) : rx, spec.yLog() ? Math.pow(10, ry) : ry));
      }
    }
  }
}
