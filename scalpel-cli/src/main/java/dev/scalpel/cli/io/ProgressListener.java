package dev.scalpel.cli.io;

import dev.scalpel.experiments.RunListener;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Shows a run's progress on a {@link Progress}: the step bar with the step's losses, an evaluation line at most
 * every few seconds (every epoch of a long task, never the thousand rows of a toy), and, when asked, each
 * checkpoint.
 */
public final class ProgressListener implements RunListener {
  private static final double EVALUATION_SECONDS = 5;
  private final RunProgress progress;
  private final boolean checkpoints;
  private long lastEvaluation = System.nanoTime();

  /**
   * @param progress    the run's progress, where to show it
   * @param checkpoints whether each checkpoint gets a line ({@code checkpoint: step N})
   */
  public ProgressListener(RunProgress progress, boolean checkpoints) {
    this.progress = progress;
    this.checkpoints = checkpoints;
  }

  @Override
  public void onStart(long startStep, long totalSteps) {
    if (startStep > 0 && startStep == totalSteps) {
      progress.message("already finished (" + totalSteps + " steps): reporting its results");
    } else if (startStep > 0) {
      progress.message(String.format(Locale.ROOT, "resuming at step %d of %d", startStep, totalSteps));
    }
  }

  @Override
  public void onStep(long step, long totalSteps, double[] losses) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < losses.length; i++) {
      b.append(i == 0 ? "loss " : " ").append(String.format(Locale.ROOT, "%.4g", losses[i]));
    }
    progress.update(step, totalSteps, b.toString());
  }

  @Override
  public void onEvaluation(Map<String, Double> row) {
    long now = System.nanoTime();
    if ((now - lastEvaluation) / 1e9 < EVALUATION_SECONDS) {
      return;
    }
    lastEvaluation = now;
    StringBuilder b = new StringBuilder("  ");
    row.forEach((k, v) -> {
      if (k.equals("seconds") || k.equals("skipped") || k.startsWith("ratio") || k.equals("orth_error")
          || k.equals("cos_d_main") || k.equals("d_norm") || k.startsWith("cos_main_aux") && !k.equals("cos_main_aux")) {
        return;
      }
      b.append(k).append(' ').append(k.equals("epoch") || k.equals("step") ? Long.toString(v.longValue())
          : String.format(Locale.ROOT, "%.4g", v)).append("  ");
    });
    progress.message(b.toString().stripTrailing());
  }

  @Override
  public void onCheckpoint(Path file, long step) {
    if (checkpoints) {
      progress.message("checkpoint: step " + step + " → " + file);
    }
  }

  @Override
  public void onInterrupted(Path file, long step) {
    progress.message("interrupted: saved the run after step " + step + " to " + file
        + "; run the same command again to resume");
  }
}
