package dev.scalpel.djl;

import java.util.Arrays;

/**
 * The k gradients of one step, as Java arrays ({@code values()[i][t]}: loss i, parameter tensor t), with the
 * losses' values: what {@link KLossStep#gradients} computes, {@link KLossStep#aggregate} turns into the direction
 * (written over {@code values()[0]}) and {@link KLossStep#apply} applies. Between the phases the arrays may be
 * read, written or summed (e.g. a data-parallel driver adds the workers' gradients before aggregating: the
 * aggregation is not linear, so it must see the global sums). Owned by the step that made it and reused by its
 * next step: copy what must outlive that.
 */
public final class Gradients {
  final float[][][] values;
  final double[] losses;
  boolean aggregated;
  boolean skipped;

  Gradients(int k, int[] sizes) {
    values = new float[k][sizes.length][];
    for (int i = 0; i < k; i++) {
      for (int t = 0; t < sizes.length; t++) {
        values[i][t] = new float[sizes[t]];
      }
    }
    losses = new double[k];
  }

  /** Number of losses. */
  public int losses() {
    return values.length;
  }

  /** The gradient arrays themselves (not copies): {@code [loss][tensor][element]}. */
  public float[][][] values() {
    return values;
  }

  /** The value of loss i at this step's parameters (before the update). */
  public double loss(int i) {
    return losses[i];
  }

  /** All loss values (a copy). */
  public double[] lossValues() {
    return losses.clone();
  }

  /** Sets loss i's value (a driver that sums gradients across workers also averages or sums their losses). */
  public void setLoss(int i, double value) {
    losses[i] = value;
  }

  /** Adds {@code other} element by element (same losses and shapes; both sizes in the error). */
  public void addInPlace(Gradients other) {
    if (other.values.length != values.length) {
      throw new IllegalArgumentException(other.values.length + " losses added to " + values.length);
    }
    for (int i = 0; i < values.length; i++) {
      for (int t = 0; t < values[i].length; t++) {
        float[] a = values[i][t];
        float[] b = other.values[i][t];
        if (a.length != b.length) {
          throw new IllegalArgumentException("loss " + i + " tensor " + t + ": " + b.length + " floats added to "
              + a.length);
        }
        for (int e = 0; e < a.length; e++) {
          a[e] += b[e];
        }
      }
      losses[i] += other.losses[i];
    }
    aggregated = false;
  }

  /** Whether {@link KLossStep#aggregate} has written the direction over loss 0's gradient. */
  public boolean aggregated() {
    return aggregated;
  }

  @Override
  public String toString() {
    return "Gradients[losses=" + Arrays.toString(losses) + ", aggregated=" + aggregated + "]";
  }
}
