package dev.scalpel.cli.task;

import dev.scalpel.cli.io.Progress;
import dev.scalpel.core.GradientSurgery;
import java.nio.file.Path;
import java.util.List;

/**
 * One experiment the sweep runner can run for a method and a λ. A run writes what it records over time into
 * {@code runDir} (at least {@code trajectory.csv}) and returns its final metrics.
 */
public interface Task {

  /** The name used with {@code --task}. */
  String name();

  /** One line for the help text. */
  String description();

  /**
   * The metric columns of {@link RunResult#metrics()}, in order; the first two are always {@code main_loss} and
   * {@code aux_loss}.
   */
  List<String> metricColumns();

  /** The number of losses the task gives a method (2 unless the task says otherwise). */
  default int losses() {
    return 2;
  }

  /** The plots a sweep draws from results.csv (the first is {@code pareto}). */
  List<PlotSpec> plots();

  /** The settings this task will use, defaults filled in; fails on options that do not apply. */
  TaskSettings settings(TaskOptions options);

  /**
   * Runs one training with {@code method} (its λ already set) and writes its trajectory into {@code runDir}
   * ({@code trajectory.csv}; smooth-mnist: {@code metrics.csv}, one row per epoch).
   * A run interrupted midway may be resumed by calling again with the same {@code runDir}; tasks that
   * checkpoint pick up where they stopped, the others start again.
   */
  RunResult run(GradientSurgery method, TaskSettings settings, Path runDir, Progress progress) throws Exception;
}
