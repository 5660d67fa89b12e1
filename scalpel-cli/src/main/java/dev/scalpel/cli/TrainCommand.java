package dev.scalpel.cli;

import dev.scalpel.experiments.io.AtomicFiles;
import dev.scalpel.experiments.io.Csv;
import dev.scalpel.cli.io.Progress;
import dev.scalpel.cli.io.ProgressListener;
import dev.scalpel.cli.plot.DiagnosticsPlot;
import dev.scalpel.experiments.RunLoop;
import dev.scalpel.cli.sweep.MethodLabel;
import dev.scalpel.experiments.RunResult;
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
    description = {"Train once: --task T --method SPEC --lambda X --out DIR [--set key=value ...], or continue",
        "with --resume DIR. Writes DIR/run.properties, DIR/metrics.csv (one row per evaluation, with the",
        "surgery's diagnostics), DIR/checkpoint.bin, DIR/diagnostics.png and DIR/result.csv at the end.",
        "scalpel tasks lists each task's settings."})
public final class TrainCommand implements Callable<Integer> {

  static final class Fresh {
    @Option(names = "--task", required = true, description = "toy2d | toy3d | quadratic | smooth-mnist "
        + "(scalpel tasks)")
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

  @Override
  public Integer call() throws Exception {
    Task task;
    GradientSurgery method;
    TaskSettings settings;
    Path dir;
    if (mode.resume != null) {
      dir = mode.resume;
      Path file = dir.resolve("run.properties");
      if (!Files.exists(file)) {
        throw new IllegalArgumentException("--resume " + dir + ": no run.properties there; start a run with "
            + "scalpel train --task T --method SPEC --out DIR");
      }
      if (flags.any()) {
        throw new IllegalArgumentException("--resume continues with the recorded settings; leave out --set, "
            + "--steps, --epochs, --lr, --batch-size, --seed and --checkpoint-every");
      }
      Properties p = new Properties();
      p.load(new StringReader(Files.readString(file)));
      task = Tasks.byName(p.getProperty("task"));
      method = GradientSurgery.parse(p.getProperty("method"));
      Map<String, String> values = new LinkedHashMap<>();
      for (String k : p.stringPropertyNames()) {
        if (k.startsWith("setting.")) {
          values.put(k.substring("setting.".length()), p.getProperty(k));
        }
      }
      settings = task.settings(values);
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
      Files.createDirectories(dir);
      StringBuilder b = new StringBuilder("# scalpel train: what this run was started with\n");
      b.append("task=").append(task.name()).append('\n');
      b.append("method=").append(method).append('\n');
      settings.values().forEach((k, v) -> b.append("setting.").append(k).append('=').append(v).append('\n'));
      Path file = dir.resolve("run.properties");
      if (Files.exists(file) && !Files.readString(file).equals(b.toString())) {
        throw new IllegalArgumentException(dir + " holds a run started with other settings (see " + file
            + "); continue it with --resume " + dir + ", or use another --out");
      }
      AtomicFiles.write(file, b.toString());
    }
    Progress progress = Progress.stderr();
    String label = MethodLabel.of(method.config())
        + (method.method().hasLambda() ? " λ=" + method.config().get("lambda") : "");
    progress.startSweep(0, 1);
    progress.startRun(label);
    RunResult r = RunLoop.of(task, settings).run(method, dir, new ProgressListener(progress, true));
    DiagnosticsPlot.write(dir, task.name() + ", " + label);
    progress.endRun(String.format(Locale.ROOT, "main %.4g, aux %.4g (%.1fs)", r.mainLoss(), r.auxLoss(),
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
    System.out.println("run: " + dir + " (metrics.csv, diagnostics.png)");
    return 0;
  }
}
