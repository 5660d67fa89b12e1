package dev.scalpel.cli.task;

/**
 * Overrides given on the command line; null means "the task's default".
 *
 * @param steps            full-batch steps (toy2d)
 * @param epochs           epochs (quadratic, smooth-mnist)
 * @param learningRate     learning rate
 * @param batchSize        minibatch size
 * @param seed             random seed (data, initialisation, shuffling)
 * @param maxStepsPerEpoch cap on steps per epoch (smooth-mnist; 0 = all)
 * @param warmupSteps      linear warmup steps, then cosine decay to 0 (smooth-mnist; 0 = constant rate)
 * @param checkpointEvery  steps between checkpoints, besides every epoch end (smooth-mnist; 0 = epoch ends only)
 */
public record TaskOptions(Integer steps, Integer epochs, Double learningRate, Integer batchSize, Long seed,
    Integer maxStepsPerEpoch, Integer warmupSteps, Integer checkpointEvery) {

  public static TaskOptions none() {
    return new TaskOptions(null, null, null, null, null, null, null, null);
  }

  /** These options with another epoch count. */
  public TaskOptions withEpochs(Integer e) {
    return new TaskOptions(steps, e, learningRate, batchSize, seed, maxStepsPerEpoch, warmupSteps, checkpointEvery);
  }

  /** Fails unless {@code value} is null or >= 0. */
  public static void nonNegative(String flag, Integer value) {
    if (value != null && value < 0) {
      throw new IllegalArgumentException(flag + " (" + value + ") must be >= 0");
    }
  }

  /** Fails, naming the flag and the task, when an option the task does not use was given. */
  public static void reject(String task, String flag, Object value) {
    if (value != null) {
      throw new IllegalArgumentException(flag + " (" + value + ") does not apply to task " + task);
    }
  }

  /** Fails unless {@code value} is null or positive. */
  public static void positive(String flag, Number value) {
    if (value != null && !(value.doubleValue() > 0)) {
      throw new IllegalArgumentException(flag + " (" + value + ") must be > 0");
    }
  }

  /**
   * The settings of a full-batch gradient-descent task (toy2d, toy3d): only --steps and --lr apply, defaults
   * filled in; every other option is an error naming the task.
   */
  public static TaskSettings fullBatch(String task, TaskOptions o, int defaultSteps, double defaultLr) {
    reject(task, "--epochs", o.epochs());
    reject(task, "--batch-size", o.batchSize());
    reject(task, "--max-steps-per-epoch", o.maxStepsPerEpoch());
    reject(task, "--warmup-steps", o.warmupSteps());
    reject(task, "--checkpoint-every", o.checkpointEvery());
    positive("--steps", o.steps());
    positive("--lr", o.learningRate());
    java.util.Map<String, String> v = new java.util.LinkedHashMap<>();
    v.put("steps", Integer.toString(o.steps() != null ? o.steps() : defaultSteps));
    v.put("lr", Double.toString(o.learningRate() != null ? o.learningRate() : defaultLr));
    return new TaskSettings(task, v);
  }
}
