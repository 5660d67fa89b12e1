package dev.scalpel.experiments.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.nn.transformer.IdEmbedding;
import ai.djl.training.ParameterStore;
import dev.scalpel.djl.ParameterInfo;
import java.util.ArrayList;
import java.util.List;

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
  private final IdEmbedding bytes;
  private final IdEmbedding positions;
  private final List<TransformerLayer> layers;
  private final LayerNorm finalNorm;
  private final Linear out;

  private ByteDecoder(int context, IdEmbedding bytes, IdEmbedding positions, List<TransformerLayer> layers,
      LayerNorm finalNorm, Linear out) {
    this.context = context;
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
    List<TransformerLayer> ls = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      ls.add(TransformerLayer.build(manager, context, width, heads, hidden, false));
    }
    LayerNorm fin = TransformerLayer.norm();
    fin.initialize(manager, DataType.FLOAT32, new Shape(1, context, width));
    Linear out = Linear.builder().setUnits(VOCAB).build();
    out.initialize(manager, DataType.FLOAT32, new Shape(1, context, width));
    return new ByteDecoder(context, bytes, positions, List.copyOf(ls), fin, out);
  }

  static void check(int context, int width, int layers, int heads, int hidden) {
    TransformerLayer.check(new Object[][] {{"context", context}, {"width", width}, {"layers", layers},
        {"heads", heads}, {"hidden", hidden}}, width, heads);
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
    NDArray mask = TransformerLayer.causalMask(m, b, t);
    for (TransformerLayer l : layers) {
      x = l.forward(store, x, mask, null, null, training);
    }
    x = finalNorm.forward(store, new NDList(x), training).singletonOrThrow();
    return out.forward(store, new NDList(x), training).singletonOrThrow();
  }

  /** Every block, in parameter order. */
  private List<Block> blocks() {
    List<Block> bs = new ArrayList<>(List.of(bytes, positions));
    for (TransformerLayer l : layers) {
      bs.addAll(l.blocks());
    }
    bs.add(finalNorm);
    bs.add(out);
    return bs;
  }

  /** All parameters in a fixed order (embeddings, each block, final norm, output), as {@code KLossStep} takes them. */
  public List<Parameter> parameters() {
    return TransformerLayer.parameters(blocks());
  }

  /** Number of parameters (floats). */
  public long parameterCount() {
    return TransformerLayer.count(parameters());
  }

  /**
   * Initial values drawn in Java from {@code SplittableRandom(seed)} in {@link #parameters()} order (GPT-2's; see
   * {@code TransformerLayer.initialValues}).
   *
   * @param parameters the step's view of {@link #parameters()}, same order
   */
  public float[][] initialValues(List<ParameterInfo> parameters, long seed) {
    return TransformerLayer.initialValues(blocks(), layers, layers.size(), parameters, seed);
  }
}
