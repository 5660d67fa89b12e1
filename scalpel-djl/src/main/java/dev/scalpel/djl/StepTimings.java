package dev.scalpel.djl;

import java.util.Locale;

/**
 * Mean wall-clock milliseconds per step spent in each phase of {@link TwoLossStep#step}, since the step was built
 * or {@link TwoLossStep#resetTimings()} last called.
 *
 * @param steps     steps measured
 * @param prepare   zeroing the gradients (and, on the array path, copying the parameters out)
 * @param main      forward and backward passes of the main loss
 * @param auxiliary the auxiliary loss and its gradient (autograd: copy aside, forward, backward; analytic: Java)
 * @param surgery   the gradient surgery's direction
 * @param optimiser the optimiser's update (and, on the array path, copying the parameters back)
 * @param total     the whole step
 */
public record StepTimings(long steps, double prepare, double main, double auxiliary, double surgery,
    double optimiser, double total) {

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%d steps, ms/step: prepare %.3f, main %.3f, auxiliary %.3f, surgery %.3f, "
        + "optimiser %.3f, total %.3f", steps, prepare, main, auxiliary, surgery, optimiser, total);
  }
}
