package dev.scalpel.djl;

/** How a {@link TwoLossStep} moves gradients between the native tensors and the surgery and optimiser code. */
public enum GradientPath {
  /**
   * Zero-copy where possible: direct {@link java.nio.FloatBuffer} views over the tensors' own memory
   * ({@code toByteBuffer(true)} on CPU tensors); the direction is written into the gradient tensors and the
   * optimiser updates the parameter tensors in place. Only the autograd auxiliary path copies the main gradient
   * once (autograd accumulates into the same gradient tensors).
   */
  NATIVE,
  /**
   * The gradients are copied into Java arrays (one memory copy each) and the surgery runs on arrays; the optimiser
   * still updates the parameter tensors in place through their views, reading the direction from the arrays.
   */
  GRADIENT_ARRAYS,
  /**
   * Copies the gradients and the parameters to Java arrays and back every step (the straightforward way; kept for
   * comparison).
   */
  ARRAYS
}
