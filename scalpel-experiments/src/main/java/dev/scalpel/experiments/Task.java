package dev.scalpel.experiments;

import dev.scalpel.core.GradientSurgery;
import java.util.List;
import java.util.Map;

/**
 * One experiment: a model, its data and its k losses, with the settings it declares. The shared run loop
 * ({@link RunLoop}) drives the {@link Trainer} a task builds for each run: steps, evaluations, metrics,
 * diagnostics, checkpoints and resumption are the loop's; the task only says how to take one step, how to
 * evaluate, and what state it has.
 *
 * <p>Register a task with {@link Tasks#register}; the command line then knows it by {@link #name()}, lists its
 * settings ({@code scalpel tasks}) and accepts them with {@code --set key=value}.
 */
public interface Task {

  /** The name used with {@code --task}. */
  String name();

  /** One line for the help text. */
  String description();

  /**
   * The settings this task accepts, in order, with their defaults. The loop's own settings ({@link RunLoop#CHECKPOINT_EVERY}, {@link RunLoop#DIAGNOSTICS})
   * are added by {@link #settings(Map)} unless the task declares them itself (to change a default).
   */
  List<Setting> schema();

  /** The number of losses k the task gives a method (2 unless the task says otherwise). */
  default int losses() {
    return 2;
  }

  /**
   * Whether the task's trainers are {@link DataParallelTrainer}s (a step's batch cut into {@code micro_batches} that
   * workers can compute: scalpel-spark trains such tasks); false unless the task says otherwise.
   */
  default boolean dataParallel() {
    return false;
  }

  /**
   * The columns of the final metrics ({@link RunResult#metrics()}), in order; the first two are always
   * {@code main_loss} and {@code aux_loss}.
   */
  List<String> metricColumns();

  /** The Pareto plots a sweep draws from results.csv (the first is {@code pareto}). */
  List<PlotSpec> plots();

  /**
   * Builds the trainer of one run: model, data and optimiser at their initial state, {@code method} (its λ set,
   * diagnostics switched on or off by the loop) ready to take its first step.
   */
  Trainer trainer(GradientSurgery method, TaskSettings settings) throws Exception;

  /** The whole schema: {@link #schema()} and the loop's settings the task does not declare itself. */
  default List<Setting> fullSchema() {
    return RunLoop.withLoopSettings(schema());
  }

  /**
   * The settings of a run: {@code given} checked against {@link #fullSchema()}, defaults filled in.
   *
   * @throws IllegalArgumentException naming this task, for a key it does not have or a bad value
   */
  default TaskSettings settings(Map<String, String> given) {
    return TaskSettings.resolve(name(), fullSchema(), given);
  }
}
