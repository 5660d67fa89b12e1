package dev.scalpel.experiments;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The final metrics of one run, keyed by the task's {@link Task#metricColumns()}.
 *
 * @param metrics column → value (NaN allowed: written as {@code NaN})
 * @param steps   optimisation steps taken
 * @param seconds wall time of the run
 */
public record RunResult(Map<String, Double> metrics, long steps, double seconds) {
  public RunResult {
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  public double mainLoss() {
    return metrics.get("main_loss");
  }

  public double auxLoss() {
    return metrics.get("aux_loss");
  }
}
