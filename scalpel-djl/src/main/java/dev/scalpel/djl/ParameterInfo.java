package dev.scalpel.djl;

import ai.djl.ndarray.types.Shape;

/**
 * One parameter tensor as a {@link TwoLossStep} sees it.
 *
 * @param index position in the step's tensor order
 * @param name  the DJL parameter name (e.g. {@code 01Linear_weight})
 * @param shape its shape (a DJL {@code Linear} weight is {@code (out, in)})
 */
public record ParameterInfo(int index, String name, Shape shape) {
  /** Number of elements. */
  public int size() {
    return Math.toIntExact(shape.size());
  }

  /** Whether it is a matrix (two dimensions), such as a dense layer's weight. */
  public boolean isMatrix() {
    return shape.dimension() == 2;
  }
}
