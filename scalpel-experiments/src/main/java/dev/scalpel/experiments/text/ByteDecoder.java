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
import ai.djl.nn.transformer.IdEmbedding;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.djl.training.ParameterStore;
import dev.scalpel.djl.ParameterInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A causal byte-level transformer decoder built from DJL blocks (GPT-2's pre-norm layout): byte and position
 * embeddings of width d; {@code layers} blocks of {@code x + attention(LayerNorm(x))} with a causal mask and
 * {@code x + W2·gelu(W1·LayerNorm(x))}; a final LayerNorm and a linear map to 256 logits. No dropout (a run's
 * state is its parameters and optimiser alone) and no BatchNorm (DJL's {@code TransformerEncoderBlock} normalises
 * across batch and time, which would leak later bytes into earlier positions).
 *
 * <p>Input: byte ids (B, T) as int32, T at most {@code context}; output: logits (B, T, 256), position t depending on
 * bytes 0..t only. {@link #initialValues} draws the initial parameters in Java from a seed.
 */
public final class ByteDecoder {
  /** The size of the byte vocabulary. */
  public static final int VOCAB = 256;

  private final int context;
  private final int width;
  private final IdEmbedding bytes;
  private final IdEmbedding positions;
  private final List<Layer> layers;
  private final LayerNorm finalNorm;
  private final Linear out;

  /** One pre-norm block. */
  record Layer(LayerNorm norm1, ScaledDotProductAttentionBlock attention, LayerNorm norm2, Linear up, Linear down) {
    List<Block> blocks() {
      return List.of(norm1, attention, norm2, up, down);
    }
  }

  private ByteDecoder(int context, int width, IdEmbedding bytes, IdEmbedding positions, List<Layer> layers,
      LayerNorm finalNorm, Linear out) {
    this.context = context;
    this.width = width;
    this.bytes = bytes;
    this.positions = positions;
    this.layers = layers;
    this.finalNorm = finalNorm;
    this.out = out;
  }

  /**
   * Builds the decoder (DJL-initialised; see {@link #initialValues}).
   *
   * @param context the longest input, in bytes
   * @param width   the model width d (a multiple of {@code heads})
   * @param layers  number of blocks
   * @param heads   attention heads per block
   * @param hidden  width of the feed-forward layer
   * @throws IllegalArgumentException for a size below 1 or a width that {@code heads} does not divide
   */
  public static ByteDecoder build(NDManager manager, int context, int width, int layers, int heads, int hidden) {
    check(context, width, layers, heads, hidden);
    IdEmbedding bytes = new IdEmbedding.Builder().setDictionarySize(VOCAB).setEmbeddingSize(width).build();
    IdEmbedding positions = new IdEmbedding.Builder().setDictionarySize(context).setEmbeddingSize(width).build();
    bytes.initialize(manager, DataType.FLOAT32, new Shape(1, context));
    positions.initialize(manager, DataType.FLOAT32, new Shape(1, context));
    List<Layer> ls = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      Layer l = new Layer(norm(), ScaledDotProductAttentionBlock.builder().setEmbeddingSize(width).setHeadCount(heads)
          .optAttentionProbsDropoutProb(0f).build(), norm(), Linear.builder().setUnits(hidden).build(),
          Linear.builder().setUnits(width).build());
      l.norm1.initialize(manager, DataType.FLOAT32, new Shape(1, context, width));
      l.attention.initialize(manager, DataType.FLOAT32, new Shape(1, context, width));
      l.norm2.initialize(manager, DataType.FLOAT32, new Shape(1, context, width));
      l.up.initialize(manager, DataType.FLOAT32, new Shape(1, context, width));
      l.down.initialize(manager, DataType.FLOAT32, new Shape(1, context, hidden));
      ls.add(l);
    }
    LayerNorm fin = norm();
    fin.initialize(manager, DataType.FLOAT32, new Shape(1, context, width));
    Linear out = Linear.builder().setUnits(VOCAB).build();
    out.initialize(manager, DataType.FLOAT32, new Shape(1, context, width));
    return new ByteDecoder(context, width, bytes, positions, List.copyOf(ls), fin, out);
  }

  static void check(int context, int width, int layers, int heads, int hidden) {
    for (var e : new Object[][] {{"context", context}, {"width", width}, {"layers", layers}, {"heads", heads},
        {"hidden", hidden}}) {
      if ((int) e[1] < 1) {
        throw new IllegalArgumentException(e[0] + " (" + e[1] + ") must be >= 1");
      }
    }
    if (width % heads != 0) {
      throw new IllegalArgumentException("width (" + width + ") must be a multiple of heads (" + heads + ")");
    }
  }

  static LayerNorm norm() {
    return LayerNorm.builder().axis(2).build();
  }

  /** The longest input. */
  public int context() {
    return context;
  }

  /**
   * Logits (B, T, 256) of the next byte after each position of {@code ids} (B, T) int32.
   *
   * @throws IllegalArgumentException when T exceeds the context
   */
  public NDArray forward(ParameterStore store, NDArray ids, boolean training) {
    long b = ids.getShape().get(0);
    int t = Math.toIntExact(ids.getShape().get(1));
    if (t > context) {
      throw new IllegalArgumentException("input length (" + t + ") must be at most the context (" + context + ")");
    }
    NDManager m = ids.getManager();
    NDArray pos = m.arange(0, t, 1, DataType.INT32).reshape(1, t);
    NDArray x = bytes.forward(store, new NDList(ids), training).singletonOrThrow()
        .add(positions.forward(store, new NDList(pos), training).singletonOrThrow());
    NDArray mask = causalMask(m, b, t);
    for (Layer l : layers) {
      NDArray h = l.norm1.forward(store, new NDList(x), training).singletonOrThrow();
      x = x.add(l.attention.forward(store, new NDList(h, mask), training).singletonOrThrow());
      h = l.norm2.forward(store, new NDList(x), training).singletonOrThrow();
      h = Activation.gelu(l.up.forward(store, new NDList(h), training).singletonOrThrow());
      x = x.add(l.down.forward(store, new NDList(h), training).singletonOrThrow());
    }
    x = finalNorm.forward(store, new NDList(x), training).singletonOrThrow();
    return out.forward(store, new NDList(x), training).singletonOrThrow();
  }

  /** The (B, T, T) mask of {@link ScaledDotProductAttentionBlock}: 1 where key position ≤ query position. */
  static NDArray causalMask(NDManager m, long b, int t) {
    float[] tri = new float[t * t];
    for (int q = 0; q < t; q++) {
      for (int k = 0; k <= q; k++) {
        tri[q * t + k] = 1;
      }
    }
    return m.create(tri, new Shape(1, t, t)).broadcast(new Shape(b, t, t));
  }

  /** Every block, in parameter order. */
  private List<Block> blocks() {
    List<Block> bs = new ArrayList<>(List.of(bytes, positions));
    for (Layer l : layers) {
      bs.addAll(l.blocks());
    }
    bs.add(finalNorm);
    bs.add(out);
    return bs;
  }

  /** All parameters in a fixed order (embeddings, each block, final norm, output), as {@code KLossStep} takes them. */
  public List<Parameter> parameters() {
    List<Parameter> ps = new ArrayList<>();
    for (Block b : blocks()) {
      b.getParameters().forEach(p -> ps.add(p.getValue()));
    }
    return ps;
  }

  /** Number of parameters (floats). */
  public long parameterCount() {
    long n = 0;
    for (Parameter p : parameters()) {
      n += p.getArray().getShape().size();
    }
    return n;
  }

  /**
   * Initial values drawn in Java from {@code SplittableRandom(seed)} in {@link #parameters()} order (GPT-2's):
   * weights and embeddings normal with sd 0.02, the two projections that write into the residual stream (attention
   * output, the feed-forward's second layer) with sd 0.02/√(2·layers); biases and LayerNorm shifts 0, LayerNorm
   * scales 1.
   *
   * @param parameters the step's view of {@link #parameters()}, same order
   */
  public float[][] initialValues(List<ParameterInfo> parameters, long seed) {
    List<Double> sds = new ArrayList<>(); // per parameter: NaN = ones, 0 = zeros, else normal with this sd
    double residualSd = 0.02 / Math.sqrt(2.0 * layers.size());
    for (Block b : blocks()) {
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
      throw new IllegalArgumentException("parameters (" + parameters.size() + ") must be this decoder's ("
          + sds.size() + ")");
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    float[][] out = new float[parameters.size()][];
    for (ParameterInfo p : parameters) {
      float[] a = new float[p.size()];
      double sd = sds.get(p.index());
      if (Double.isNaN(sd)) {
        java.util.Arrays.fill(a, 1f);
      } else if (sd > 0) {
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
