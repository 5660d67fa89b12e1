package dev.scalpel.experiments.text;

import ai.djl.ndarray.NDManager;
import dev.scalpel.core.SurgeryState;
import dev.scalpel.djl.KLossStep;
import dev.scalpel.experiments.Trainer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the trainers of the text tasks share: the model's manager, the k-loss step (its state is the run's whole
 * state: parameters, Adam's moments, the surgery's EMA), losses in bits, and final metrics read from the last
 * evaluation row.
 */
abstract class TextTrainer implements Trainer {
  static final double LN2 = Math.log(2);

  /** The manager of the model's parameters; closed with the trainer. */
  final NDManager manager = NDManager.newBaseManager();
  /** Set by the subclass's constructor (which closes this trainer when it fails). */
  KLossStep step;
  private final Map<String, String> summaryColumns;

  /** @param summaryColumns each final metric with the evaluation column it is read from, in metric order */
  TextTrainer(Map<String, String> summaryColumns) {
    this.summaryColumns = summaryColumns;
  }

  /** Nats to bits, for every loss of a step. */
  static double[] bits(double[] nats) {
    double[] b = nats.clone();
    for (int i = 0; i < b.length; i++) {
      b[i] /= LN2;
    }
    return b;
  }

  @Override
  public SurgeryState surgeryState() {
    return step.surgeryState();
  }

  @Override
  public void save(Map<String, byte[]> sections) {
    sections.putAll(step.saveState());
  }

  @Override
  public void restore(Map<String, byte[]> sections) {
    step.restoreState(sections);
  }

  @Override
  public Map<String, Double> summary(List<Map<String, Double>> rows) {
    Map<String, Double> last = rows.get(rows.size() - 1);
    Map<String, Double> m = new LinkedHashMap<>();
    summaryColumns.forEach((metric, column) -> m.put(metric, last.get(column)));
    return m;
  }

  @Override
  public void close() {
    try {
      if (step != null) {
        step.close();
      }
    } finally {
      manager.close();
    }
  }
}
