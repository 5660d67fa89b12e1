package dev.scalpel.experiments;

/**
 * A trainer whose steps can be spread over workers (synchronous data parallelism). Each step's batch is cut into
 * {@link #microBatches()} fixed micro-batches; the k gradients of micro-batch m at given parameters can be computed by
 * any instance of the trainer built with the same settings (a worker, in another JVM or on another machine); the
 * driver takes their mean in micro-batch order and finishes the step: the surgery sees the global gradients (its
 * aggregation is not linear, so each of the k gradients is reduced before it) and the optimiser moves the
 * parameters.
 *
 * <p>Exactness: micro-batch m's gradients depend only on the parameters, the seed and the position, and the mean is
 * taken in micro-batch order ({@code ((g_0 + g_1) + …) · (1/M)} in float, {@link #meanInPlace}), so a step is the
 * same bits however the micro-batches are spread over workers (1, 2 or N) and as the in-process run with the same
 * number of micro-batches ({@link #stepInProcess}). A different number of micro-batches is a different computation
 * (a mean of means is not the mean over the whole batch in floating point).
 */
public interface DataParallelTrainer extends Trainer {

  /** The {@code micro_batches} setting of a data-parallel task whose batch is made of {@code units}. */
  static Setting microBatchesSetting(String units) {
    return Setting.integer("micro_batches", 1, 1, "micro-batches per step, each " + units
        + " batch_size/micro_batches (data parallelism; 1: one batch)").atMost(1024);
  }

  /** Checks that micro_batches divides batch_size. */
  static void checkMicroBatches(TaskSettings s) {
    if (s.intValue("batch_size") % s.intValue("micro_batches") != 0) {
      throw new IllegalArgumentException("micro_batches (" + s.intValue("micro_batches") + ") must divide batch_size ("
          + s.intValue("batch_size") + ")");
    }
  }

  /** Micro-batches per step (≥ 1). */
  int microBatches();

  /** The number of losses k. */
  int losses();

  /** Floats per parameter tensor, in tensor order. */
  int[] sizes();

  /** Copies of the current parameter values, in tensor order. */
  float[][] parameterValues();

  /** Overwrites the parameter values (a worker takes the driver's before each step). */
  void setParameterValues(float[][] values);

  /**
   * On a worker: the k gradients of micro-batch {@code micro} of the step at ({@code epoch}, {@code batch}) at the
   * current parameters, written into {@code out[i][t]} (loss i, tensor t); returns the k losses (the trainer's own
   * unit, e.g. nats).
   */
  double[] microGradients(int epoch, int batch, int micro, float[][][] out) throws Exception;

  /**
   * On the driver: the rest of the step from the mean gradients over the micro-batches and the mean losses —
   * the surgery's aggregation and the optimiser's update; returns what {@link #step} returns.
   */
  double[] finishStep(float[][][] meanGradients, double[] meanLosses) throws Exception;

  /** Adds {@code g} to {@code sum} element by element (sizes must agree). */
  static void addInPlace(float[][][] sum, float[][][] g) {
    for (int i = 0; i < sum.length; i++) {
      for (int t = 0; t < sum[i].length; t++) {
        float[] a = sum[i][t];
        float[] b = g[i][t];
        if (a.length != b.length) {
          throw new IllegalArgumentException("loss " + i + " tensor " + t + ": " + b.length + " floats added to "
              + a.length);
        }
        for (int e = 0; e < a.length; e++) {
          a[e] += b[e];
        }
      }
    }
  }

  /** Divides the sum of {@code count} micro-batch gradients by {@code count} (in float, as {@code · (1/count)}). */
  static void meanInPlace(float[][][] sum, int count) {
    float inv = 1f / count;
    for (float[][] loss : sum) {
      for (float[] t : loss) {
        for (int e = 0; e < t.length; e++) {
          t[e] *= inv;
        }
      }
    }
  }

  /** New zeroed gradient arrays {@code [losses][tensor][element]}. */
  static float[][][] zeros(int losses, int[] sizes) {
    float[][][] g = new float[losses][sizes.length][];
    for (int i = 0; i < losses; i++) {
      for (int t = 0; t < sizes.length; t++) {
        g[i][t] = new float[sizes[t]];
      }
    }
    return g;
  }

  /**
   * One step with every micro-batch computed here, in order: gradients, their mean, {@link #finishStep}. What a
   * distributed driver does with the micro-batches computed elsewhere.
   */
  static double[] stepInProcess(DataParallelTrainer t, int epoch, int batch) throws Exception {
    int m = t.microBatches();
    float[][][] sum = zeros(t.losses(), t.sizes());
    float[][][] g = zeros(t.losses(), t.sizes());
    double[] losses = new double[t.losses()];
    for (int micro = 0; micro < m; micro++) {
      double[] l = t.microGradients(epoch, batch, micro, g);
      addInPlace(sum, g);
      for (int i = 0; i < losses.length; i++) {
        losses[i] += l[i];
      }
    }
    meanInPlace(sum, m);
    for (int i = 0; i < losses.length; i++) {
      losses[i] /= m;
    }
    return t.finishStep(sum, losses);
  }
}
