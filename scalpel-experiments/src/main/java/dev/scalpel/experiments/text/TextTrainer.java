package dev.scalpel.experiments.text;

import ai.djl.ndarray.NDManager;
import dev.scalpel.core.SurgeryState;
import dev.scalpel.djl.KLossStep;
import dev.scalpel.experiments.Schedule;
import dev.scalpel.experiments.Setting;
import dev.scalpel.experiments.TaskSettings;
import dev.scalpel.experiments.Trainer;
import dev.scalpel.train.optim.LearningRateSchedule;
import java.util.ArrayList;
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

  /**
   * The settings both text tasks have, in order: the schedule, Adam's rate, the batch, then the model's sizes
   * (after {@code data}, the task's data settings), the seed and the held-out fraction.
   */
  static List<Setting> commonSettings(double lr, String lrNote, String batchUnit, List<Setting> data, String layers,
      String seedWhat, double heldOut, String heldOutWhat) {
    List<Setting> s = new ArrayList<>(List.of(
        Setting.integer("epochs", 8, 1, "evaluation periods (each steps_per_epoch steps)"),
        Setting.integer("steps_per_epoch", 100, 1, "steps between evaluations"),
        Setting.positive("lr", lr, "Adam learning rate" + lrNote + ", the same for every λ"),
        Setting.integer("warmup_steps", 50, 0, "steps of linear warm-up from 0 to lr"),
        Setting.flag("cosine", true, "cosine decay of the rate to 0 at the last step (false: constant)"),
        Setting.integer("batch_size", 16, 1, batchUnit + " per data set per step").atMost(1024)));
    s.addAll(data);
    s.addAll(List.of(
        Setting.integer("width", 64, 1, "model width d").atMost(512),
        Setting.integer("layers", 2, 1, layers).atMost(12),
        Setting.integer("heads", 4, 1, "attention heads (must divide width)").atMost(16),
        Setting.integer("hidden", 256, 1, "feed-forward width").atMost(4096),
        Setting.seed("seed", 0L, "seed of the split, the initialisation and the " + seedWhat),
        Setting.positive("held_out", heldOut, "fraction of " + heldOutWhat + " held out").atMost(0.5)));
    return s;
  }

  /** The run's schedule: epochs of steps_per_epoch steps, evaluated after each and before the first. */
  static Schedule schedule(TaskSettings s) {
    return new Schedule(s.intValue("epochs"), s.intValue("steps_per_epoch"), 1, true);
  }

  /** Adam's rate: a linear warm-up to lr, then a cosine to 0 at the last step (cosine=false: lr after the warm-up). */
  static LearningRateSchedule rate(TaskSettings s, long totalSteps) {
    double lr = s.doubleValue("lr");
    long warmup = Math.min(s.intValue("warmup_steps"), totalSteps);
    return LearningRateSchedule.warmupCosine(lr, warmup, totalSteps, s.booleanValue("cosine") ? 0 : lr);
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
