package dev.scalpel.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Computes one scalar loss with DJL operations, inside a gradient collector opened by {@link TwoLossStep}.
 * Create every array of the computation (inputs, labels) on {@code stepManager}: it is closed at the end of the
 * step, which frees the native memory of the whole forward pass.
 *
 * <pre>{@code
 * LossFunction main = m -> {
 *   NDArray x = m.create(images, new Shape(batch, 784));
 *   NDArray y = m.create(labels);
 *   NDArray logits = block.forward(step.parameterStore(), new NDList(x), true).singletonOrThrow();
 *   return Loss.softmaxCrossEntropyLoss().evaluate(new NDList(y), new NDList(logits));
 * };
 * }</pre>
 */
@FunctionalInterface
public interface LossFunction {
  /** The loss: an array with exactly one element, differentiable in the model's parameters. */
  NDArray compute(NDManager stepManager);
}
