package dev.scalpel.djl.smooth;

import dev.scalpel.core.GradientSurgery;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal developer entry point for one smooth-MNIST run (the user-facing command is {@code scalpel train}):
 * {@code SmoothMnistMain --run-dir DIR [--method SPEC] [--epochs N] [--max-steps N] [--checkpoint-every N]
 * [--eval-train N] [--deterministic true|false] [--seed N]}. Resumes automatically from {@code DIR}. Prints one
 * line per checkpoint and per epoch.
 */
public final class SmoothMnistMain {
  private SmoothMnistMain() {
  }

  public static void main(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
      }
      o.put(args[i].substring(2), args[i + 1]);
    }
    if (!o.containsKey("run-dir")) {
      throw new IllegalArgumentException("--run-dir DIR is required");
    }
    SmoothMnist.Config d = SmoothMnist.Config.defaults();
    SmoothMnist.Config cfg = d
        .withEpochs(Integer.parseInt(o.getOrDefault("epochs", "" + d.epochs())))
        .withMaxStepsPerEpoch(Integer.parseInt(o.getOrDefault("max-steps", "0")))
        .withCheckpointEverySteps(Integer.parseInt(o.getOrDefault("checkpoint-every", "" + d.checkpointEverySteps())))
        .withEvalTrainSamples(Integer.parseInt(o.getOrDefault("eval-train", "0")))
        .withDeterministic(Boolean.parseBoolean(o.getOrDefault("deterministic", "true")))
        .withSeed(Long.parseLong(o.getOrDefault("seed", "0")));
    GradientSurgery method = GradientSurgery.parse(o.getOrDefault("method", "bloop:lambda=0.01,ema=0.01"));
    SmoothMnist.Summary s = SmoothMnist.run(cfg, method, Path.of(o.get("run-dir")), new SmoothMnist.Listener() {
      @Override
      public void onStart(long startStep, long totalSteps) {
        System.out.println("start step " + startStep + " of " + totalSteps);
      }

      @Override
      public void onCheckpoint(Path file, long step) {
        System.out.println("checkpoint step " + step);
      }

      @Override
      public void onEpoch(EpochMetrics m, int epochs) {
        System.out.println("epoch " + m.epoch() + "/" + epochs + ": " + m.csv());
      }
    });
    System.out.printf(Locale.ROOT, "done: %d steps, test acc %.4f, aux %.6f, %.1fs%n", s.steps(), s.testAcc(),
        s.auxLoss(), s.seconds());
  }
}
