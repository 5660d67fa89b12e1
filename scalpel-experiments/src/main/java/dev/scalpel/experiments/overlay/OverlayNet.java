package dev.scalpel.experiments.overlay;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import dev.scalpel.djl.ParameterInfo;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small residual network with two heads, sized for two CPU cores: a 3×3 stem of {@code w} channels at 28×28, two
 * residual blocks (3×3 stride-2 then 3×3, with a 1×1 stride-2 projection as shortcut) to 2w channels at 14×14 and
 * 4w at 7×7, global average pooling, then two linear heads of 10 classes (background, digit) on the shared
 * features. No batch normalisation: the state of a run is its parameters and optimiser alone (exact resume), and
 * two blocks train without it.
 */
public final class OverlayNet {
  /** The shared trunk: input (N, 1, 28, 28), output (N, 4w). */
  public final SequentialBlock trunk;
  /** The main head (background class). */
  public final Linear mainHead;
  /** The auxiliary head (digit class). */
  public final Linear auxHead;

  private OverlayNet(SequentialBlock trunk, Linear mainHead, Linear auxHead) {
    this.trunk = trunk;
    this.mainHead = mainHead;
    this.auxHead = auxHead;
  }

  /** Builds and initialises (by DJL; see {@link #initialValues}) the network with base width {@code w}. */
  public static OverlayNet build(NDManager manager, int w) {
    SequentialBlock trunk = new SequentialBlock()
        .add(conv(w, 1)).add(Activation.reluBlock())
        .add(residual(2 * w)).add(Activation.reluBlock())
        .add(residual(4 * w)).add(Activation.reluBlock())
        .add(Pool.globalAvgPool2dBlock())
        .add(Blocks.batchFlattenBlock());
    Linear main = Linear.builder().setUnits(10).build();
    Linear aux = Linear.builder().setUnits(10).build();
    trunk.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 28, 28));
    main.initialize(manager, DataType.FLOAT32, new Shape(1, 4L * w));
    aux.initialize(manager, DataType.FLOAT32, new Shape(1, 4L * w));
    return new OverlayNet(trunk, main, aux);
  }

  private static Conv2d conv(int filters, int stride) {
    return Conv2d.builder().setKernelShape(new Shape(3, 3)).optStride(new Shape(stride, stride))
        .optPadding(new Shape(1, 1)).setFilters(filters).build();
  }

  private static Block residual(int filters) {
    SequentialBlock branch = new SequentialBlock().add(conv(filters, 2)).add(Activation.reluBlock())
        .add(conv(filters, 1));
    Block shortcut = Conv2d.builder().setKernelShape(new Shape(1, 1)).optStride(new Shape(2, 2)).setFilters(filters)
        .build();
    return new ParallelBlock(list -> new NDList(list.get(0).singletonOrThrow().add(list.get(1).singletonOrThrow())),
        List.of(branch, shortcut));
  }

  /** The trunk's, then the main head's, then the auxiliary head's parameters, as {@code KLossStep} takes them. */
  public List<ai.djl.nn.Parameter> parameters() {
    List<ai.djl.nn.Parameter> ps = new java.util.ArrayList<>();
    for (Block b : List.of(trunk, mainHead, auxHead)) {
      b.getParameters().forEach(p -> ps.add(p.getValue()));
    }
    return ps;
  }

  /**
   * Initial values drawn in Java from {@code SplittableRandom(seed)} in parameter order (so that a run is
   * reproducible whatever the engine's random state): He-normal weights (sd √(2/fan_in), fan_in the product of all
   * but the first dimension), zero biases.
   */
  public static float[][] initialValues(List<ParameterInfo> parameters, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[][] out = new float[parameters.size()][];
    for (ParameterInfo p : parameters) {
      float[] a = new float[p.size()];
      Shape s = p.shape();
      if (s.dimension() >= 2) {
        double fanIn = (double) s.size() / s.get(0);
        double sd = Math.sqrt(2 / fanIn);
        for (int i = 0; i < a.length; i++) {
          a[i] = (float) (gaussian(rnd) * sd);
        }
      }
      out[p.index()] = a;
    }
    return out;
  }

  private static double gaussian(SplittableRandom rnd) {
    double u = 1 - rnd.nextDouble(); // Box–Muller, one of the pair
    double v = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
