package dev.scalpel.experiments.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.djl.training.ParameterStore;
import dev.scalpel.djl.ParameterInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One pre-norm transformer block from DJL blocks (GPT-2's layout): {@code x + attention(LayerNorm(x))} (masked
 * self-attention), optionally {@code x + attention(LayerNorm(x), memory)} (cross-attention to an encoder's output),
 * then {@code x + W2·gelu(W1·LayerNorm(x))}. No dropout. Masks are DJL's: (B, queries, keys), 1 keep, 0 drop.
 */
final class TransformerLayer {
  final LayerNorm norm1;
  final ScaledDotProductAttentionBlock self;
  final LayerNorm normCross; // null without cross-attention
  final ScaledDotProductAttentionBlock cross;
  final LayerNorm norm2;
  final Linear up;
  final Linear down;

  private TransformerLayer(int width, int heads, int hidden, boolean withCross) {
    this.norm1 = norm();
    this.self = attention(width, heads);
    this.normCross = withCross ? norm() : null;
    this.cross = withCross ? attention(width, heads) : null;
    this.norm2 = norm();
    this.up = Linear.builder().setUnits(hidden).build();
    this.down = Linear.builder().setUnits(width).build();
  }

  /** A block for inputs of up to {@code length} positions of width {@code width}, initialised by DJL. */
  static TransformerLayer build(NDManager m, int length, int width, int heads, int hidden, boolean withCross) {
    TransformerLayer l = new TransformerLayer(width, heads, hidden, withCross);
    Shape x = new Shape(1, length, width);
    l.norm1.initialize(m, DataType.FLOAT32, x);
    l.self.initialize(m, DataType.FLOAT32, x);
    if (withCross) {
      l.normCross.initialize(m, DataType.FLOAT32, x);
      l.cross.initialize(m, DataType.FLOAT32, x);
    }
    l.norm2.initialize(m, DataType.FLOAT32, x);
    l.up.initialize(m, DataType.FLOAT32, x);
    l.down.initialize(m, DataType.FLOAT32, new Shape(1, length, hidden));
    return l;
  }

  private static ScaledDotProductAttentionBlock attention(int width, int heads) {
    return ScaledDotProductAttentionBlock.builder().setEmbeddingSize(width).setHeadCount(heads)
        .optAttentionProbsDropoutProb(0f).build();
  }

  /** A LayerNorm over the last axis of (B, T, d). */
  static LayerNorm norm() {
    return LayerNorm.builder().axis(2).build();
  }

  /**
   * The block on {@code x} (B, T, d) with self-attention mask {@code mask} (B, T, T); with cross-attention, to
   * {@code memory} (B, S, d) under {@code memoryMask} (B, T, S).
   */
  NDArray forward(ParameterStore store, NDArray x, NDArray mask, NDArray memory, NDArray memoryMask,
      boolean training) {
    NDArray h = norm1.forward(store, new NDList(x), training).singletonOrThrow();
    x = x.add(self.forward(store, new NDList(h, mask), training).singletonOrThrow());
    if (cross != null) {
      h = normCross.forward(store, new NDList(x), training).singletonOrThrow();
      x = x.add(cross.forward(store, new NDList(memory, h, memory, memoryMask), training).singletonOrThrow());
    }
    h = norm2.forward(store, new NDList(x), training).singletonOrThrow();
    h = Activation.gelu(up.forward(store, new NDList(h), training).singletonOrThrow());
    return x.add(down.forward(store, new NDList(h), training).singletonOrThrow());
  }

  /** Its blocks, in parameter order. */
  List<Block> blocks() {
    List<Block> bs = new ArrayList<>(List.of(norm1, self));
    if (cross != null) {
      bs.add(normCross);
      bs.add(cross);
    }
    bs.addAll(List.of(norm2, up, down));
    return bs;
  }

  /** The (B, T, T) causal mask: 1 where key position ≤ query position. */
  static NDArray causalMask(NDManager m, long b, int t) {
    float[] tri = new float[t * t];
    for (int q = 0; q < t; q++) {
      for (int k = 0; k <= q; k++) {
        tri[q * t + k] = 1;
      }
    }
    return m.create(tri, new Shape(1, t, t)).broadcast(new Shape(b, t, t));
  }

  /** Number of floats in {@code parameters}. */
  static long count(List<Parameter> parameters) {
    long n = 0;
    for (Parameter p : parameters) {
      n += p.getArray().getShape().size();
    }
    return n;
  }

  /** The parameters of {@code blocks}, in order. */
  static List<Parameter> parameters(List<Block> blocks) {
    List<Parameter> ps = new ArrayList<>();
    for (Block b : blocks) {
      b.getParameters().forEach(p -> ps.add(p.getValue()));
    }
    return ps;
  }

  /**
   * GPT-2's initialisation drawn in Java from {@code SplittableRandom(seed)} in parameter order: weights and
   * embeddings normal with sd 0.02, the projections that write into the residual stream (attention outputs, the
   * feed-forward's second layer) with sd 0.02/√(2·depth); biases and LayerNorm shifts 0, LayerNorm scales 1.
   *
   * @param blocks     the model's blocks in parameter order
   * @param layers     its transformer blocks (whose {@code down} layers write into the residual stream)
   * @param depth      the number of residual blocks the sd is scaled for
   * @param parameters the step's view of the same parameters
   */
  static float[][] initialValues(List<Block> blocks, List<TransformerLayer> layers, int depth,
      List<ParameterInfo> parameters, long seed) {
    List<Double> sds = new ArrayList<>(); // per parameter: NaN = ones, 0 = zeros, else normal with this sd
    double residualSd = 0.02 / Math.sqrt(2.0 * depth);
    for (Block b : blocks) {
      boolean writesResidual = layers.stream().anyMatch(l -> l.down == b);
      for (var e : b.getParameters()) {
        String key = e.getKey();
        int dims = e.getValue().getArray().getShape().dimension();
        if (key.endsWith("gamma")) {
          sds.add(Double.NaN);
        } else if (dims < 2) {
          sds.add(0.0);
        } else {
          sds.add(writesResidual || key.startsWith("resultProjection") ? residualSd : 0.02);
        }
      }
    }
    if (sds.size() != parameters.size()) {
      throw new IllegalArgumentException("parameters (" + parameters.size() + ") must be the model's ("
          + sds.size() + ")");
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    float[][] out = new float[parameters.size()][];
    for (ParameterInfo p : parameters) {
      float[] a = new float[p.size()];
      double sd = sds.get(p.index());
      if (Double.isNaN(sd)) {
        Arrays.fill(a, 1f);
      } else if (sd > 0) {
        for (int i = 0; i < a.length; i++) {
          double u = 1 - rnd.nextDouble(); // Box–Muller, one of the pair
          double v = rnd.nextDouble();
          a[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v) * sd);
        }
      }
      out[p.index()] = a;
    }
    return out;
  }

  /** Checks model sizes: each at least 1, width a multiple of heads. */
  static void check(Object[][] sizes, int width, int heads) {
    for (Object[] e : sizes) {
      if ((int) e[1] < 1) {
        throw new IllegalArgumentException(e[0] + " (" + e[1] + ") must be >= 1");
      }
    }
    if (width % heads != 0) {
      throw new IllegalArgumentException("width (" + width + ") must be a multiple of heads (" + heads + ")");
    }
  }
}
