package dev.scalpel.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * The autograd losses of one {@link KLossStep} step, in priority order (the main loss first), computed together
 * inside one gradient collection. Computing them from one forward pass is how a shared trunk with k heads trains:
 * the step runs k backward passes through the kept graph, one per loss. Losses on separate batches (joint-data
 * training) are computed by separate forward passes in the same call: {@link #of(LossFunction...)}.
 * Create every array on {@code stepManager}: it is closed at the end of the step.
 *
 * <pre>{@code
 * Losses heads = m -> {                                  // one forward, two heads
 *   NDList out = model.forward(step.parameterStore(), new NDList(m.create(x, shape)), true);
 *   return new NDList(ce.evaluate(labelsA(m), new NDList(out.get(0))), ce.evaluate(labelsB(m), new NDList(out.get(1))));
 * };
 * }</pre>
 */
@FunctionalInterface
public interface Losses {

  /** The losses, each an array with exactly one element, in priority order. */
  NDList compute(NDManager stepManager);

  /** Losses each computed by its own function (e.g. on its own batch: joint-data training). */
  static Losses of(LossFunction... each) {
    if (each == null || each.length == 0) {
      throw new IllegalArgumentException("at least one loss function is needed");
    }
    for (int i = 0; i < each.length; i++) {
      if (each[i] == null) {
        throw new IllegalArgumentException("loss function " + i + " is null");
      }
    }
    LossFunction[] fs = each.clone();
    return m -> {
      NDArray[] out = new NDArray[fs.length];
      for (int i = 0; i < fs.length; i++) {
        out[i] = fs[i].compute(m);
      }
      return new NDList(out);
    };
  }
}
