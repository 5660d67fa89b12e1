package dev.scalpel.cli;

import dev.scalpel.experiments.io.AtomicFiles;
import dev.scalpel.experiments.io.DirectoryLock;
import dev.scalpel.experiments.io.Csv;
import dev.scalpel.cli.io.Progress;
import dev.scalpel.cli.io.ProgressListener;
import dev.scalpel.cli.plot.DiagnosticsPlot;
import dev.scalpel.experiments.RunLoop;
import dev.scalpel.cli.sweep.MethodLabel;
import dev.scalpel.experiments.RunResult;
import dev.scalpel.experiments.Setting;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.TaskSettings;
import dev.scalpel.experiments.Tasks;
import dev.scalpel.core.GradientSurgery;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scalpel train}: one run of a task for one method and λ, into a run directory that records what it was
 * started with ({@code run.properties}); {@code --resume DIR} continues it from its last checkpoint with the
 * recorded settings. Running the same command again also resumes.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    header = "Train one run of a task for one method and λ, or continue one.",
    description = "Train once: --task T --method SPEC --lambda X --out DIR [--set key=value ...], or continue "
        + "with --resume DIR. Writes DIR/run.properties (what the run was started with), DIR/metrics.csv (one row "
        + "per evaluation, with the surgery's diagnostics), DIR/checkpoint.bin, DIR/diagnostics.png, "
        + "DIR/curves.png and DIR/result.csv at the end. Running the same command again resumes. scalpel tasks lists each task's "
        + "settings.")
public final class TrainCommand implements Callable<Integer> {

  static final class Fresh {
    @Option(names = "--task", required = true, completionCandidates = TaskNames.class,
        description = "one of ${COMPLETION-CANDIDATES} (scalpel tasks)")
    String task;

    @Option(names = "--method", required = true, description = "method spec, e.g. bloop:ema=0.01")
    String method;

    @Option(names = "--lambda", description = "λ (overrides the spec's)")
    Double lambda;

    @Option(names = "--out", required = true, description = "run directory (created)")
    Path out;
  }

  static final class Mode {
    @ArgGroup(exclusive = false)
    Fresh fresh;

    @Option(names = "--resume", description = "continue the run in this directory with its recorded settings")
    Path resume;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Mode mode;

  @Mixin
  TaskFlags flags = new TaskFlags();

  /** What this run is, as run.properties: every setting (only those that change results are compared). */
  private static void write(Path dir, Task task, GradientSurgery method, TaskSettings settings)
      throws java.io.IOException {
    Files.createDirectories(dir);
    StringBuilder b = new StringBuilder("# scalpel train: what this run was started with\n");
    b.append("task=").append(task.name()).append('\n');
    b.append("method=").append(method).append('\n');
    settings.values().forEach((k, v) -> b.append("setting.").append(k).append('=').append(v).append('\n'));
    AtomicFiles.write(dir.resolve("run.properties"), b.toString());
  }

  @Override
  public Integer call() throws Exception {
    Task task;
    GradientSurgery method;
    TaskSettings settings;
    Path dir;
    if (mode.resume != null) {
      dir = mode.resume;
      Path file = dir.resolve("run.properties");
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("--resume " + dir + ": no such directory; start a run with "
            + "scalpel train --task T --method SPEC --out DIR");
      }
      if (!Files.exists(file)) {
        boolean sweep = Files.exists(dir.resolve("sweep.properties"));
        boolean sweepRun = !sweep && Files.exists(dir.resolve("metrics.csv"));
        throw new IllegalArgumentException("--resume " + dir + ": no run.properties there; " + (sweep
            ? "it is a sweep directory: re-run its sweep command to resume it"
            : sweepRun ? "a run of a sweep is resumed by re-running the sweep command"
            : "start a run with scalpel train --task T --method SPEC --out DIR"));
      }
      Properties p = new Properties();
      p.load(new StringReader(Files.readString(file)));
      if (p.getProperty("task") == null || p.getProperty("method") == null) {
        throw new IllegalArgumentException(file + " names no task or method: " + dir
            + " is not a scalpel train directory");
      }
      task = Tasks.byName(p.getProperty("task"));
      method = GradientSurgery.parse(p.getProperty("method"));
      Map<String, String> values = new LinkedHashMap<>();
      for (String k : p.stringPropertyNames()) {
        if (k.startsWith("setting.")) {
          values.put(k.substring("setting.".length()), p.getProperty(k));
        }
      }
      // settings that do not change results (checkpoint_every, diagnostics) may be given anew
      Map<String, String> given = flags.given();
      for (Map.Entry<String, String> e : given.entrySet()) {
        Setting s = task.fullSchema().stream().filter(x -> x.name().equals(e.getKey())).findFirst().orElse(null);
        if (s == null || s.affectsResults()) {
          throw new IllegalArgumentException("--resume continues with the recorded settings; " + e.getKey()
              + " changes results and cannot be given (only checkpoint_every and diagnostics can)");
        }
        values.put(e.getKey(), e.getValue());
      }
      settings = task.settings(values);
      write(dir, task, method, settings);
    } else {
      Fresh f = mode.fresh;
      task = Tasks.byName(f.task);
      method = GradientSurgery.parse(f.method);
      if (f.lambda != null) {
        method = method.withLambda(f.lambda);
      }
      settings = task.settings(flags.given());
      method.config().checkLosses(task.losses());
      dir = f.out;
      if (dir.toString().isBlank()) {
        throw new IllegalArgumentException("--out (\"" + dir + "\") must name a directory");
      }
      Path file = dir.resolve("run.properties");
      if (Files.exists(file)) {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(file)));
        List<String> differ = new ArrayList<>();
        if (!task.name().equals(p.getProperty("task"))) {
          differ.add("task " + p.getProperty("task") + " → " + task.name());
        }
        if (!method.toString().equals(p.getProperty("method"))) {
          differ.add("method " + p.getProperty("method") + " → " + method);
        }
        for (Setting s : task.fullSchema()) {
          String was = p.getProperty("setting." + s.name());
          if (s.affectsResults() && !settings.get(s.name()).equals(was)) {
            differ.add(s.name() + " " + was + " → " + settings.get(s.name()));
          }
        }
        // a start that failed before its first step (e.g. a model too large to allocate) pins nothing
        boolean started = Files.exists(dir.resolve(RunLoop.CHECKPOINT))
            || Files.exists(dir.resolve(RunLoop.METRICS));
        if (!differ.isEmpty() && started) {
          throw new IllegalArgumentException(dir + " holds another run (" + String.join(", ", differ)
              + "); continue it with --resume " + dir + ", or use another --out");
        }
      }
      write(dir, task, method, settings);
    }
    Progress progress = Progress.stderr();
    String label = MethodLabel.of(method.config())
        + (method.method().hasLambda() ? " λ=" + method.config().get("lambda") : "");
    progress.startSweep(0, 1);
    Progress.Run run = progress.startRun(label);
    RunResult r;
    try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
      r = RunLoop.of(task, settings).run(method, dir, new ProgressListener(run, true));
    } catch (ArithmeticException e) { // the core's non-finite gradient, overflow and solver failures
      throw new RunFailedException("the run failed: " + e.getMessage() + (Files.exists(dir.resolve("metrics.csv"))
          ? " (metrics until then: " + dir.resolve("metrics.csv") + ")" : ""), e);
    }
    boolean plotted = DiagnosticsPlot.write(dir, task.name() + ", " + label);
    boolean curves = DiagnosticsPlot.curves(dir.resolve("curves.png"), task.name() + ", " + label,
        java.util.Map.of(label, dir), DiagnosticsPlot.axisLabels(task.plots()));
    run.end(String.format(Locale.ROOT, "main %.4g, aux %.4g (%.1fs)", r.mainLoss(), r.auxLoss(),
        r.seconds()));
    List<String> header = new ArrayList<>(List.of("method", "lambda"));
    List<String> row = new ArrayList<>(List.of(method.toString(),
        method.method().hasLambda() ? method.config().get("lambda") : ""));
    r.metrics().forEach((k, v) -> {
      header.add(k);
      row.add(Csv.num(v));
    });
    header.addAll(List.of("steps", "seconds"));
    row.addAll(List.of(Long.toString(r.steps()), String.format(Locale.ROOT, "%.3f", r.seconds())));
    AtomicFiles.write(dir.resolve("result.csv"), Csv.line(header) + Csv.line(row));
    r.metrics().forEach((k, v) -> System.out.printf(Locale.ROOT, "%-16s %s%n", k, Csv.num(v)));
    System.out.println("run: " + dir + " (metrics.csv" + (plotted ? ", diagnostics.png" : "")
        + (curves ? ", curves.png" : "") + ")");
    return 0;
  }
}
