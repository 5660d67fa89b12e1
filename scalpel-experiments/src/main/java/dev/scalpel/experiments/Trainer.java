package dev.scalpel.experiments;

import dev.scalpel.core.SurgeryState;
import java.util.List;
import java.util.Map;

/**
 * The task-specific half of a run, driven by {@link RunLoop}: it owns the model, data, optimiser and surgery state
 * and knows how to take a step, evaluate, and save and restore all of that. The loop owns the position (epoch,
 * step), the metrics rows, the diagnostics, the checkpoint file and progress.
 *
 * <p>Determinism contract: {@link #step} for a position depends only on the state {@link #save} records and on the
 * position itself (data order is a function of the seed and the epoch, or is saved), so that a run restored at
 * any checkpoint continues exactly as the uninterrupted run did.
 */
public interface Trainer extends AutoCloseable {

  /** The run's layout. */
  Schedule schedule();

  /** The names of the values {@link #evaluate} returns, in order. */
  List<String> evaluationColumns();

  /**
   * Takes one training step.
   *
   * @param epoch 0-based epoch
   * @param batch 0-based step within the epoch
   * @return the step's k losses (on its batch; for progress only; NaN where not computed)
   */
  double[] step(int epoch, int batch) throws Exception;

  /** Evaluates the model after {@code epochsDone} epochs (0: before training); one value per evaluation column. */
  double[] evaluate(int epochsDone) throws Exception;

  /** The surgery state (for diagnostics), or null before the first step. */
  SurgeryState surgeryState();

  /** Adds the trainer's state to {@code sections} (names must not start with {@code run.}). */
  void save(Map<String, byte[]> sections);

  /** Restores what {@link #save} wrote; fails with a {@code CheckpointException} on missing or malformed state. */
  void restore(Map<String, byte[]> sections);

  /**
   * The run's final metrics, in the task's {@link Task#metricColumns()} order, from every evaluation row (each
   * row: {@code epoch}, {@code step}, the evaluation columns, the diagnostics, {@code seconds}).
   */
  Map<String, Double> summary(List<Map<String, Double>> rows);

  @Override
  default void close() throws Exception {
  }
}
