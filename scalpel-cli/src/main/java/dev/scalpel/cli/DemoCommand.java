package dev.scalpel.cli;

import dev.scalpel.cli.io.Progress;
import dev.scalpel.cli.sweep.LambdaGrid;
import dev.scalpel.cli.sweep.SweepRunner;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.Tasks;
import dev.scalpel.core.GradientSurgery;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scalpel demo}: the main job on embedded defaults. Runs the paper's toy problem, the same toy with a third
 * loss (with the multi-task aggregators beside the priority methods), the reference quadratic and (where built
 * in) short smooth-MNIST, overlay (Fashion-MNIST background, MNIST digit), language-model and translation sweeps,
 * and prints where the results and Pareto plots are. Re-running resumes.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    header = "The main job: real results and plots on embedded defaults.",
    description = "toy2d, toy3d (three losses, with the multi-task aggregators), quadratic and short "
        + "smooth-MNIST, overlay, lm and translate sweeps, with results.csv, Pareto plots and diagnostics under "
        + "--out. Re-running resumes finished work.")
public final class DemoCommand implements Callable<Integer> {

  /** One sweep of the demo. */
  record Part(String task, List<String> methods, String lambdas, Map<String, String> settings) {
  }

  @Option(names = "--out", description = "output directory (default: ${DEFAULT-VALUE})", defaultValue = "runs/demo")
  Path out;

  @Option(names = "--skip-mnist",
      description = "leave out the sweeps that need data: smooth-mnist, overlay, lm and translate")
  boolean skipMnist;

  static List<Part> parts(boolean mnist) {
    List<Part> parts = new ArrayList<>();
    parts.add(new Part("toy2d", List.of("mixed", "bloop", "dynamic-barrier", "pcgrad"), "1e-3:10:9",
        Map.of()));
    parts.add(new Part("toy3d", List.of("mixed", "bloop", "bloop:ema=1", "pcgrad:ema=1", "mgda", "upgrad",
        "nash-mtl", "cagrad"), "1e-2:3:6", Map.of())); // GD with lr 0.1 is stable for λ < 9.5
    parts.add(new Part("quadratic", List.of("mixed", "bloop:ema=0.01,init=zeros", "dynamic-barrier:ema=1,init=zeros",
        "pcgrad:ema=1,init=zeros"), "1e-3:1e3:10", Map.of()));
    if (mnist && hasTask("smooth-mnist")) {
      parts.add(new Part("smooth-mnist", List.of("mixed", "bloop:ema=0.01", "dynamic-barrier:ema=1",
          "pcgrad:ema=1"), "1e-3:1:4",
          Map.of("epochs", "1")));
    }
    if (mnist && hasTask("overlay")) {
      // the paper's two-head vision task, mixed against Bloop at λ = 1: 450 steps each at a constant rate (the digit
      // head starts learning after ~300 steps; shorter or decayed runs leave it at chance)
      parts.add(new Part("overlay", List.of("mixed", "bloop:ema=0.001"), "1",
          Map.of("epochs", "3", "max_steps_per_epoch", "150", "train_samples", "19200", "test_samples", "2000",
              "eval_train_samples", "1000", "cosine", "false")));
    }
    if (mnist && hasTask("lm")) {
      // the joint-data language model (Gutenberg books main, Brown press aux), mixed against Bloop at λ = 1: 300
      // steps each of the small byte decoder (held-out bits per byte fall from 8 to about 3.7)
      parts.add(new Part("lm", List.of("mixed", "bloop:ema=0.01"), "1",
          Map.of("epochs", "3", "steps_per_epoch", "100", "eval_windows", "128")));
    }
    if (mnist && hasTask("translate")) {
      // EN→DE on LibreOffice's help (generic modules main, Math module aux), mixed against Bloop at λ = 1: 300 steps
      // each of the byte encoder-decoder, chrF of 64 greedy translations of held-out Math paragraphs
      parts.add(new Part("translate", List.of("mixed", "bloop:ema=0.01"), "1",
          Map.of("epochs", "3", "steps_per_epoch", "100", "eval_pairs", "128", "chrf_pairs", "64")));
    }
    return parts;
  }

  static boolean hasTask(String name) {
    for (String n : Tasks.names()) {
      if (n.equals(name)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Integer call() throws Exception {
    Progress progress = Progress.stderr();
    List<String> report = new ArrayList<>();
    int failed = 0;
    long start = System.nanoTime();
    for (Part p : parts(!skipMnist)) {
      Task t = Tasks.byName(p.task());
      List<GradientSurgery> methods = new ArrayList<>();
      for (String s : p.methods()) {
        methods.add(GradientSurgery.parse(s));
      }
      Path dir = out.resolve(p.task());
      progress.message(String.format(Locale.ROOT, "demo: %s, %s × λ %s → %s", p.task(), p.methods(), p.lambdas(),
          dir));
      List<SweepRunner.Row> rows = new SweepRunner(t, t.settings(p.settings()), methods, LambdaGrid.parse(p.lambdas()),
          dir).run(progress);
      failed += (int) rows.stream().filter(r -> !r.status().equals("ok")).count();
      report.add(p.task() + ": " + dir.resolve("results.csv"));
      for (var plot : t.plots()) {
        report.add("    " + dir.resolve(plot.name() + ".png") + " (and .svg)");
      }
      report.add("    " + dir.resolve("diagnostics.png") + " (every method's diagnostics at the middle λ)");
      report.add("    " + dir.resolve("curves.png") + " (training curves at the middle λ)");
      report.add("    " + dir.resolve("report.html") + " (all of it, with statistics and every run)");
    }
    System.out.printf(Locale.ROOT, "demo done in %s; results and plots:%n",
        Progress.duration((System.nanoTime() - start) / 1e9));
    report.forEach(System.out::println);
    if (failed > 0) {
      System.err.println("scalpel: " + failed + " run(s) failed; see the status column of the results.csv files");
      return 1;
    }
    return 0;
  }
}
