package dev.scalpel.experiments;

import java.nio.file.Path;
import java.util.Map;

/** What a run reports while it goes, all on the training thread; every method has an empty default. */
public interface RunListener {
  /** Reports nothing. */
  RunListener NONE = new RunListener() {
  };

  /** Once before training: {@code startStep} > 0 when the run resumes from a checkpoint. */
  default void onStart(long startStep, long totalSteps) {
  }

  /** After each step: its number (1-based), the total, and the step's k losses (NaN where not computed). */
  default void onStep(long step, long totalSteps, double[] losses) {
  }

  /** After each evaluation: the row written to {@code metrics.csv}. */
  default void onEvaluation(Map<String, Double> row) {
  }

  /** After each checkpoint. */
  default void onCheckpoint(Path file, long step) {
  }

  /**
   * When the process is being stopped (SIGINT, SIGTERM: the JVM's shutdown) and the run has saved its position after
   * step {@code step} to {@code file}; called on the training thread, the run then ends with
   * {@link RunLoop.InterruptedRunException}.
   */
  default void onInterrupted(Path file, long step) {
  }
}
