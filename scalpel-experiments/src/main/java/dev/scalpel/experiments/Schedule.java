package dev.scalpel.experiments;

/**
 * How a run is laid out: {@code epochs} epochs of {@code stepsPerEpoch} steps, evaluated every
 * {@code evaluateEvery} epochs and after the last one, and before the first step when {@code evaluateAtStart}.
 * A full-batch task of N steps is N epochs of one step each.
 *
 * @param epochs          epochs (≥ 1)
 * @param stepsPerEpoch   steps per epoch (≥ 1)
 * @param evaluateEvery   evaluation period in epochs (≥ 1); the last epoch is always evaluated
 * @param evaluateAtStart whether the initial point is evaluated (a row with epoch 0 and step 0)
 */
public record Schedule(int epochs, int stepsPerEpoch, int evaluateEvery, boolean evaluateAtStart) {
  public Schedule {
    if (epochs < 1 || stepsPerEpoch < 1 || evaluateEvery < 1) {
      throw new IllegalArgumentException("schedule (" + epochs + " epochs of " + stepsPerEpoch
          + " steps, evaluated every " + evaluateEvery + ") must have epochs, steps and period >= 1");
    }
  }

  /** Every step: epochs × stepsPerEpoch. */
  public long totalSteps() {
    return (long) epochs * stepsPerEpoch;
  }

  /** Whether the loop evaluates after {@code epochsDone} epochs (1-based). */
  public boolean evaluatesAfter(int epochsDone) {
    return epochsDone == epochs || epochsDone % evaluateEvery == 0;
  }
}
