package dev.scalpel.experiments.smooth;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import dev.scalpel.djl.ParameterInfo;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The smooth-MNIST network: a multilayer perceptron with ReLU between dense layers (784-256-128-10 by default),
 * initialised in Java like PyTorch's {@code nn.Linear} default (weights and biases uniform in
 * {@code ±1/√fan_in}) from a seed, so that runs are reproducible whatever the engine's random state.
 */
public final class Mlp {
  private Mlp() {
  }

  /** A DJL block with dense layers of the given widths ({@code [784, 256, 128, 10]}), initialised by DJL. */
  public static SequentialBlock build(NDManager manager, int... widths) {
    if (widths.length < 2) {
      throw new IllegalArgumentException("an MLP needs at least an input and an output width");
    }
    SequentialBlock block = new SequentialBlock();
    for (int l = 1; l < widths.length; l++) {
      block.add(Linear.builder().setUnits(widths[l]).build());
      if (l < widths.length - 1) {
        block.add(Activation::relu);
      }
    }
    block.initialize(manager, DataType.FLOAT32, new Shape(1, widths[0]));
    return block;
  }

  /**
   * Values for the parameters (in the given order) like PyTorch's {@code nn.Linear} default: a weight of shape
   * (out, in) and the bias that follows it uniform in {@code ±1/√in}. Drawn from {@code SplittableRandom(seed)}
   * in tensor order.
   */
  public static float[][] initialValues(List<ParameterInfo> parameters, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[][] out = new float[parameters.size()][];
    double bound = 0;
    for (ParameterInfo p : parameters) {
      Shape s = p.shape();
      if (p.isMatrix()) {
        bound = 1 / Math.sqrt(s.get(1));
      } else if (bound == 0) {
        throw new IllegalArgumentException("parameter " + p.name() + " is not preceded by a weight matrix");
      }
      float[] a = new float[p.size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
      }
      out[p.index()] = a;
    }
    return out;
  }
}
