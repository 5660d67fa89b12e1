package dev.scalpel.experiments;

import dev.scalpel.djl.Gradients;
import dev.scalpel.djl.KLossStep;
import dev.scalpel.djl.KStepResult;
import dev.scalpel.djl.Losses;

/**
 * A {@link DataParallelTrainer} that trains with a {@link KLossStep}: the parameters are the step's, a micro-batch's
 * gradients are the step's gradients of the micro-batch's losses, and the driver finishes with the step's surgery and
 * optimiser. Implementations give the step, the micro-batch's losses and how a micro-batch is cut.
 */
public interface KLossDataParallelTrainer extends DataParallelTrainer {
  /** The k-loss step this trainer trains with. */
  KLossStep kLossStep();

  @Override
  default int[] sizes() {
    return kLossStep().sizes();
  }

  @Override
  default float[][] parameterValues() {
    return kLossStep().parameterValues();
  }

  @Override
  default void setParameterValues(float[][] values) {
    kLossStep().setParameterValues(values);
  }

  /** Checks that {@code micro} names one of {@code count} micro-batches. */
  static void checkMicroBatch(int micro, int count) {
    if (micro < 0 || micro >= count) {
      throw new IllegalArgumentException("micro-batch (" + micro + ") must be in [0, " + count + ")");
    }
  }

  /**
   * The k gradients of {@code losses} (one micro-batch's) at the step's current parameters, copied into
   * {@code out[i][t]}; returns the k loss values.
   */
  default double[] gradientsInto(Losses losses, float[][][] out) {
    Gradients g = kLossStep().gradients(losses);
    for (int i = 0; i < out.length; i++) {
      for (int t = 0; t < out[i].length; t++) {
        System.arraycopy(g.values()[i][t], 0, out[i][t], 0, out[i][t].length);
      }
    }
    return g.lossValues();
  }

  /**
   * Finishes the step from the mean gradients and losses over the micro-batches (the surgery, then the optimiser),
   * what {@link #finishStep} does.
   */
  default KStepResult finishWith(float[][][] meanGradients, double[] meanLosses) {
    Gradients g = kLossStep().emptyGradients(meanGradients.length);
    for (int i = 0; i < meanGradients.length; i++) {
      for (int t = 0; t < meanGradients[i].length; t++) {
        System.arraycopy(meanGradients[i][t], 0, g.values()[i][t], 0, meanGradients[i][t].length);
      }
      g.setLoss(i, meanLosses[i]);
    }
    return kLossStep().finish(g);
  }
}
