package dev.scalpel.djl;

/**
 * What one {@link TwoLossStep#step} did.
 *
 * @param step     number of steps done so far, this one included
 * @param mainLoss the main loss on this step's batch (before the update)
 * @param auxLoss  the auxiliary loss (before the update)
 * @param skipped  true if the surgery skipped the update (non-finite gradient under {@code nonfinite=skip})
 * @param ratio    the surgery's projection ratio r of this step (NaN for mixed)
 */
public record StepResult(long step, double mainLoss, double auxLoss, boolean skipped, double ratio) {
}
