package dev.scalpel.cli.task;

import dev.scalpel.cli.io.Progress;
import dev.scalpel.core.GradientSurgery;
import dev.scalpel.djl.smooth.EpochMetrics;
import dev.scalpel.djl.smooth.SmoothMnist;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/*
 * The paper's §5.2 experiment through scalpel-djl: MLP 784-256-128-10 (ReLU), cross-entropy main loss,
 * log ∏ σ(W_l)² auxiliary loss (power iteration), Adam lr 3e-4, batch 256, 25 epochs. Runs in scalpel-djl's
 * deterministic mode (one PyTorch thread, one surgery thread): a killed run resumes from its checkpoint
 * (runDir/checkpoint.bin) and ends with the metrics of an uninterrupted run. The per-run trajectory is
 * runDir/metrics.csv (one row per epoch). main_loss is the final training cross-entropy over the whole
 * training set; aux_loss the accurate log ∏ σ² at the end.
 */
/** Smooth MNIST (paper §5.2) on DJL/PyTorch. */
public final class SmoothMnistTask implements Task {

  @Override
  public String name() {
    return "smooth-mnist";
  }

  @Override
  public String description() {
    return "paper §5.2: MLP 784-256-128-10 on MNIST, aux log ∏σ(W)², Adam 3e-4, batch 256, 25 epochs";
  }

  @Override
  public List<String> metricColumns() {
    return List.of("main_loss", "aux_loss", "train_acc", "test_loss", "test_acc");
  }

  @Override
  public List<PlotSpec> plots() {
    return List.of(
        new PlotSpec("pareto", "smooth MNIST: train loss vs Lipschitz bound", "main_loss", "train cross-entropy",
            true, "aux_loss", "aux loss log ∏σ(W)²", false),
        new PlotSpec("pareto_test", "smooth MNIST: test loss vs Lipschitz bound", "test_loss", "test cross-entropy",
            true, "aux_loss", "aux loss log ∏σ(W)²", false),
        new PlotSpec("pareto_accuracy", "smooth MNIST: test accuracy vs Lipschitz bound", "test_acc",
            "test accuracy", false, "aux_loss", "aux loss log ∏σ(W)²", false));
  }

  @Override
  public TaskSettings settings(TaskOptions o) {
    TaskOptions.reject(name(), "--steps", o.steps());
    TaskOptions.positive("--epochs", o.epochs());
    TaskOptions.positive("--lr", o.learningRate());
    TaskOptions.positive("--batch-size", o.batchSize());
    TaskOptions.nonNegative("--max-steps-per-epoch", o.maxStepsPerEpoch());
    TaskOptions.nonNegative("--warmup-steps", o.warmupSteps());
    TaskOptions.nonNegative("--checkpoint-every", o.checkpointEvery());
    SmoothMnist.Config d = SmoothMnist.Config.defaults();
    Map<String, String> v = new LinkedHashMap<>();
    v.put("epochs", Integer.toString(o.epochs() != null ? o.epochs() : d.epochs()));
    v.put("lr", Double.toString(o.learningRate() != null ? o.learningRate() : d.learningRate()));
    v.put("batch_size", Integer.toString(o.batchSize() != null ? o.batchSize() : d.batchSize()));
    v.put("seed", Long.toString(o.seed() != null ? o.seed() : d.seed()));
    v.put("max_steps_per_epoch", Integer.toString(o.maxStepsPerEpoch() != null ? o.maxStepsPerEpoch() : 0));
    v.put("warmup_steps", Integer.toString(o.warmupSteps() != null ? o.warmupSteps() : d.warmupSteps()));
    v.put("checkpoint_every", Integer.toString(o.checkpointEvery() != null ? o.checkpointEvery()
        : d.checkpointEverySteps()));
    return new TaskSettings(name(), v);
  }

  static SmoothMnist.Config config(TaskSettings s) {
    return SmoothMnist.Config.defaults()
        .withEpochs(s.intValue("epochs"))
        .withLearningRate(s.doubleValue("lr"))
        .withBatchSize(s.intValue("batch_size"))
        .withSeed(s.longValue("seed"))
        .withMaxStepsPerEpoch(s.intValue("max_steps_per_epoch"))
        .withWarmupSteps(s.intValue("warmup_steps"))
        .withCheckpointEverySteps(s.intValue("checkpoint_every"))
        .withDeterministic(true);
  }

  @Override
  public RunResult run(GradientSurgery method, TaskSettings settings, Path runDir, Progress progress) {
    SmoothMnist.Summary s = SmoothMnist.run(config(settings), method, runDir, new SmoothMnist.Listener() {
      @Override
      public void onStart(long startStep, long totalSteps) {
        if (startStep > 0) {
          progress.message(String.format(Locale.ROOT, "resuming %s at step %d of %d", runDir, startStep,
              totalSteps));
        }
      }

      @Override
      public void onStep(long step, long totalSteps, double mainLoss, double auxLoss) {
        progress.update(step, totalSteps, String.format(Locale.ROOT, "loss %.4f aux %.3f", mainLoss, auxLoss));
      }

      @Override
      public void onEpoch(EpochMetrics m, int epochs) {
        progress.message(String.format(Locale.ROOT, "  epoch %d/%d: train %.4f (acc %.4f), test %.4f (acc %.4f), "
            + "aux %.4f", m.epoch(), epochs, m.trainLoss(), m.trainAcc(), m.testLoss(), m.testAcc(), m.auxLoss()));
      }
    });
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("main_loss", s.trainLoss());
    m.put("aux_loss", s.auxLoss());
    m.put("train_acc", s.trainAcc());
    m.put("test_loss", s.testLoss());
    m.put("test_acc", s.testAcc());
    return new RunResult(m, s.steps(), s.seconds());
  }
}
