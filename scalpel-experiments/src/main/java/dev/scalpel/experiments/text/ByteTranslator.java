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
 * A byte-level transformer encoder-decoder from DJL blocks (pre-norm, no dropout, no BatchNorm): the encoder reads
 * the source bytes with self-attention over its non-padding positions; the decoder reads {@link #BOS} and the target
 * bytes so far with causal self-attention and cross-attention to the encoder's output, and predicts the next target
 * byte or {@link #EOS}. Source and target share one embedding table (259 ids: 256 bytes, BOS, EOS, PAD); each side
 * has its own learned positions.
 *
 * <p>Shapes: source ids (B, S) and target input ids (B, T) as int32, PAD after the text; {@link #forward} returns
 * logits (B, T, {@value #OUTPUTS}) over the 256 bytes and EOS. Target position t depends on source bytes and on
 * target ids 0..t only.
 */
public final class ByteTranslator {
  /** Begin-of-target id, fed to the decoder first. */
  public static final int BOS = 256;
  /** End-of-target id, predicted after the last byte. */
  public static final int EOS = 257;
  /** Padding id (never attended to as a source key, never a target). */
  public static final int PAD = 258;
  /** Predicted classes: the 256 bytes and EOS. */
  public static final int OUTPUTS = 258;

  private final int sourceLength;
  private final int targetLength;
  private final IdEmbedding embedding;
  private final IdEmbedding sourcePositions;
  private final IdEmbedding targetPositions;
  private final List<TransformerLayer> encoder;
  private final LayerNorm encoderNorm;
  private final List<TransformerLayer> decoder;
  private final LayerNorm decoderNorm;
  private final Linear out;

  private ByteTranslator(int sourceLength, int targetLength, IdEmbedding embedding, IdEmbedding sourcePositions,
      IdEmbedding targetPositions, List<TransformerLayer> encoder, LayerNorm encoderNorm, List<TransformerLayer> decoder,
      LayerNorm decoderNorm, Linear out) {
    this.sourceLength = sourceLength;
    this.targetLength = targetLength;
    this.embedding = embedding;
    this.sourcePositions = sourcePositions;
    this.targetPositions = targetPositions;
    this.encoder = encoder;
    this.encoderNorm = encoderNorm;
    this.decoder = decoder;
    this.decoderNorm = decoderNorm;
    this.out = out;
  }

  /**
   * Builds the model (DJL-initialised; see {@link #initialValues}).
   *
   * @param sourceLength longest source in ids
   * @param targetLength longest decoder input in ids (BOS + target bytes)
   * @param width        model width d, a multiple of {@code heads}
   * @param layers       blocks of the encoder and of the decoder (each)
   * @param heads        attention heads
   * @param hidden       feed-forward width
   * @throws IllegalArgumentException for a size below 1 or a width that {@code heads} does not divide
   */
  public static ByteTranslator build(NDManager m, int sourceLength, int targetLength, int width, int layers, int heads,
      int hidden) {
    check(sourceLength, targetLength, width, layers, heads, hidden);
    IdEmbedding emb = new IdEmbedding.Builder().setDictionarySize(PAD + 1).setEmbeddingSize(width).build();
    IdEmbedding sp = new IdEmbedding.Builder().setDictionarySize(sourceLength).setEmbeddingSize(width).build();
    IdEmbedding tp = new IdEmbedding.Builder().setDictionarySize(targetLength).setEmbeddingSize(width).build();
    emb.initialize(m, DataType.FLOAT32, new Shape(1, sourceLength));
    sp.initialize(m, DataType.FLOAT32, new Shape(1, sourceLength));
    tp.initialize(m, DataType.FLOAT32, new Shape(1, targetLength));
    List<TransformerLayer> enc = new ArrayList<>();
    List<TransformerLayer> dec = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      enc.add(TransformerLayer.build(m, sourceLength, width, heads, hidden, false));
    }
    for (int i = 0; i < layers; i++) {
      dec.add(TransformerLayer.build(m, targetLength, width, heads, hidden, true));
    }
    LayerNorm en = TransformerLayer.norm();
    en.initialize(m, DataType.FLOAT32, new Shape(1, sourceLength, width));
    LayerNorm dn = TransformerLayer.norm();
    dn.initialize(m, DataType.FLOAT32, new Shape(1, targetLength, width));
    Linear out = Linear.builder().setUnits(OUTPUTS).build();
    out.initialize(m, DataType.FLOAT32, new Shape(1, targetLength, width));
    return new ByteTranslator(sourceLength, targetLength, emb, sp, tp, List.copyOf(enc), en, List.copyOf(dec), dn,
        out);
  }

  static void check(int sourceLength, int targetLength, int width, int layers, int heads, int hidden) {
    TransformerLayer.check(new Object[][] {{"source length", sourceLength}, {"target length", targetLength},
        {"width", width}, {"layers", layers}, {"heads", heads}, {"hidden", hidden}}, width, heads);
  }

  /** Longest source. */
  public int sourceLength() {
    return sourceLength;
  }

  /** Longest decoder input (BOS + target bytes). */
  public int targetLength() {
    return targetLength;
  }

  /** The encoder's output (B, S, d) for {@code source} (B, S) int32. {@code sourceMask}: {@link #keyMask}. */
  public NDArray encode(ParameterStore store, NDArray source, NDArray sourceMask, boolean training) {
    NDManager m = source.getManager();
    int s = Math.toIntExact(source.getShape().get(1));
    if (s > sourceLength) {
      throw new IllegalArgumentException("source length (" + s + ") must be at most " + sourceLength);
    }
    NDArray x = embed(store, source, sourcePositions, m, s, training);
    for (TransformerLayer l : encoder) {
      x = l.forward(store, x, sourceMask, null, null, training);
    }
    return encoderNorm.forward(store, new NDList(x), training).singletonOrThrow();
  }

  /**
   * Logits (B, T, {@value #OUTPUTS}) after each decoder input position of {@code target} (B, T) int32, given the
   * encoder's {@code memory} and the source's padding {@code sourceKeys} (B, S): 1 for a real byte, 0 for PAD.
   */
  public NDArray decode(ParameterStore store, NDArray target, NDArray memory, NDArray sourceKeys, boolean training) {
    NDManager m = target.getManager();
    long b = target.getShape().get(0);
    int t = Math.toIntExact(target.getShape().get(1));
    if (t > targetLength) {
      throw new IllegalArgumentException("target length (" + t + ") must be at most " + targetLength);
    }
    long s = sourceKeys.getShape().get(1);
    NDArray x = embed(store, target, targetPositions, m, t, training);
    NDArray causal = TransformerLayer.causalMask(m, b, t);
    NDArray cross = sourceKeys.reshape(b, 1, s).broadcast(new Shape(b, t, s));
    for (TransformerLayer l : decoder) {
      x = l.forward(store, x, causal, memory, cross, training);
    }
    x = decoderNorm.forward(store, new NDList(x), training).singletonOrThrow();
    return out.forward(store, new NDList(x), training).singletonOrThrow();
  }

  /** Teacher-forced logits: {@link #encode} then {@link #decode}. {@code sourceKeys} (B, S): 1 real, 0 PAD. */
  public NDArray forward(ParameterStore store, NDArray source, NDArray sourceKeys, NDArray target, boolean training) {
    NDArray memory = encode(store, source, keyMask(sourceKeys), training);
    return decode(store, target, memory, sourceKeys, training);
  }

  /** The encoder's self-attention mask (B, S, S) from the source's key flags (B, S). */
  public static NDArray keyMask(NDArray sourceKeys) {
    long b = sourceKeys.getShape().get(0);
    long s = sourceKeys.getShape().get(1);
    return sourceKeys.reshape(b, 1, s).broadcast(new Shape(b, s, s));
  }

  private NDArray embed(ParameterStore store, NDArray ids, IdEmbedding positions, NDManager m, int len,
      boolean training) {
    NDArray pos = m.arange(0, len, 1, DataType.INT32).reshape(1, len);
    return embedding.forward(store, new NDList(ids), training).singletonOrThrow()
        .add(positions.forward(store, new NDList(pos), training).singletonOrThrow());
  }

  private List<Block> blocks() {
    List<Block> bs = new ArrayList<>(List.of(embedding, sourcePositions, targetPositions));
    for (TransformerLayer l : encoder) {
      bs.addAll(l.blocks());
    }
    bs.add(encoderNorm);
    for (TransformerLayer l : decoder) {
      bs.addAll(l.blocks());
    }
    bs.add(decoderNorm);
    bs.add(out);
    return bs;
  }

  /** All parameters in a fixed order, as {@code KLossStep} takes them. */
  public List<Parameter> parameters() {
    return TransformerLayer.parameters(blocks());
  }

  /** Number of parameters (floats). */
  public long parameterCount() {
    return TransformerLayer.count(parameters());
  }

  /** GPT-2's initialisation in Java from the seed (see {@code TransformerLayer.initialValues}). */
  public float[][] initialValues(List<ParameterInfo> parameters, long seed) {
    List<TransformerLayer> all = new ArrayList<>(encoder);
    all.addAll(decoder);
    return TransformerLayer.initialValues(blocks(), all, all.size(), parameters, seed);
  }
}
