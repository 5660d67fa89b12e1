package dev.scalpel.djl;

/**
 * What one {@link KLossStep#step} did.
 *
 * @param step    number of steps done so far, this one included
 * @param losses  the k losses on this step's batches, before the update, in priority order
 * @param skipped true if the surgery skipped the update (non-finite gradient or overflow under nonfinite=skip)
 * @param ratio   the surgery's projection ratio of this step (NaN where the method has none)
 */
public record KStepResult(long step, double[] losses, boolean skipped, double ratio) {
  public KStepResult {
    losses = losses.clone();
  }

  /** The main loss (losses()[0]). */
  public double mainLoss() {
    return losses[0];
  }
}
