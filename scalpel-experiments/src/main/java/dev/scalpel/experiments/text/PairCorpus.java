package dev.scalpel.experiments.text;

import dev.scalpel.train.data.TextPair;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Translation pairs as bytes, split into training and held-out pairs by seed, with batches in the layout of
 * {@link ByteTranslator}: source ids padded with PAD, decoder input {@code BOS y₁ … y_n PAD …}, targets
 * {@code y₁ … y_n EOS} with weight 1 and weight 0 on padding.
 *
 * <p>Only pairs whose source has at most {@code maxBytes} bytes and whose target has at most {@code maxBytes}
 * bytes (UTF-8) are kept; each kept pair is held out with probability {@code heldOut}, drawn from
 * {@code SplittableRandom(seed)} in corpus order. Training batches draw pairs uniformly with replacement from a
 * generator seeded by (seed, step, stream): step s reads the same pairs whenever it runs (exact resume).
 */
public final class PairCorpus {
  private final String name;
  private final List<byte[][]> train;
  private final List<byte[][]> heldOut;
  private final List<TextPair> heldOutText;
  private final int maxBytes;
  private final long seed;

  private PairCorpus(String name, List<byte[][]> train, List<byte[][]> heldOut, List<TextPair> heldOutText,
      int maxBytes, long seed) {
    this.name = name;
    this.train = train;
    this.heldOut = heldOut;
    this.heldOutText = heldOutText;
    this.maxBytes = maxBytes;
    this.seed = seed;
  }

  /**
   * Filters and splits {@code pairs}.
   *
   * @throws IllegalArgumentException when no training pair (or, with {@code heldOut > 0}, no held-out pair) is left
   */
  public static PairCorpus split(String name, List<TextPair> pairs, int maxBytes, double heldOut, long seed) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("max_bytes (" + maxBytes + ") must be >= 1");
    }
    if (!(heldOut >= 0 && heldOut < 1)) {
      throw new IllegalArgumentException("held-out fraction (" + heldOut + ") must be in [0, 1)");
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    List<byte[][]> train = new ArrayList<>();
    List<byte[][]> held = new ArrayList<>();
    List<TextPair> heldText = new ArrayList<>();
    for (TextPair p : pairs) {
      byte[] s = p.source().getBytes(StandardCharsets.UTF_8);
      byte[] t = p.target().getBytes(StandardCharsets.UTF_8);
      if (s.length > maxBytes || t.length > maxBytes) {
        continue;
      }
      if (rnd.nextDouble() < heldOut) {
        held.add(new byte[][] {s, t});
        heldText.add(p);
      } else {
        train.add(new byte[][] {s, t});
      }
    }
    int kept = train.size() + held.size();
    if (kept == 0 || heldOut > 0 && kept < 2) {
      throw new IllegalArgumentException(name + ": " + kept + " of " + pairs.size() + " pairs have at most "
          + maxBytes + " bytes a side; use a larger max_bytes");
    }
    if (train.isEmpty()) {
      throw new IllegalArgumentException(name + ": all its " + kept + " pairs of at most " + maxBytes
          + " bytes a side were held out; use a smaller held_out");
    }
    if (heldOut > 0 && held.isEmpty()) {
      throw new IllegalArgumentException(name + ": none of its " + kept + " pairs of at most " + maxBytes
          + " bytes a side was held out; use a larger held_out or max_bytes");
    }
    return new PairCorpus(name, List.copyOf(train), List.copyOf(held), List.copyOf(heldText), maxBytes, seed);
  }

  /** The corpus name. */
  public String name() {
    return name;
  }

  /** Training pairs. */
  public int trainCount() {
    return train.size();
  }

  /** Held-out pairs. */
  public int heldOutCount() {
    return heldOut.size();
  }

  /** Source ids per pair (S = maxBytes). */
  public int sourceLength() {
    return maxBytes;
  }

  /** Decoder positions per pair (T = maxBytes + 1: BOS and the bytes, or the bytes and EOS). */
  public int targetLength() {
    return maxBytes + 1;
  }

  /** The held-out pairs' texts, in order. */
  public List<TextPair> heldOutText() {
    return heldOutText;
  }

  /** A batch's arrays, row-major: sources and key flags (B × S), decoder inputs, labels and weights (B × T). */
  public static final class Batch {
    final int count;
    final int[] source;
    final float[] sourceKeys;
    final int[] input;
    final long[] labels;
    final float[] weights;
    int targetBytes;
    /** The loss's factor: 1 for a whole batch, M for one of M micro-batches (whose targetBytes is the batch's). */
    float scale = 1;

    Batch(int count, int s, int t) {
      this.count = count;
      this.source = new int[count * s];
      this.sourceKeys = new float[count * s];
      this.input = new int[count * t];
      this.labels = new long[count * t];
      this.weights = new float[count * t];
    }
  }

  Batch newBatch(int count) {
    return new Batch(count, sourceLength(), targetLength());
  }

  /**
   * Fills {@code into} (micro-batch {@code micro} of {@code micros}) with rows micro·n … (micro+1)·n − 1 of
   * {@code from} (n = into.count), keeping {@code from}'s count of target bytes and scaling the loss by
   * {@code micros}: the mean of the M micro-batch losses is the batch's loss, each real target byte of the batch
   * weighed 1/targetBytes as in one batch.
   */
  void slice(Batch from, int micro, int micros, Batch into) {
    int n = into.count;
    int s = sourceLength();
    int t = targetLength();
    System.arraycopy(from.source, micro * n * s, into.source, 0, n * s);
    System.arraycopy(from.sourceKeys, micro * n * s, into.sourceKeys, 0, n * s);
    System.arraycopy(from.input, micro * n * t, into.input, 0, n * t);
    System.arraycopy(from.labels, micro * n * t, into.labels, 0, n * t);
    System.arraycopy(from.weights, micro * n * t, into.weights, 0, n * t);
    into.targetBytes = from.targetBytes;
    into.scale = micros;
  }

  /** Fills {@code b} with {@code b.count} training pairs drawn for step {@code step} of stream {@code stream}. */
  void sample(long step, int stream, Batch b) {
    SplittableRandom rnd = new SplittableRandom(ByteCorpus.mix(seed, step, stream));
    for (int i = 0; i < b.count; i++) {
      put(b, i, train.get(rnd.nextInt(train.size())));
    }
    count(b);
  }

  /** Fills rows 0..n−1 of {@code b} with held-out ({@code heldOut}) or training pairs from..from+n−1. */
  void fill(boolean heldOut, int from, int n, Batch b) {
    List<byte[][]> src = heldOut ? this.heldOut : train;
    for (int i = 0; i < b.count; i++) {
      if (i < n) {
        put(b, i, src.get(from + i));
      } else {
        clear(b, i);
      }
    }
    count(b);
  }

  /** Number of held-out or training pairs. */
  int size(boolean heldOut) {
    return heldOut ? this.heldOut.size() : train.size();
  }

  private void put(Batch b, int row, byte[][] pair) {
    int s = sourceLength();
    int t = targetLength();
    byte[] src = pair[0];
    byte[] tgt = pair[1];
    for (int j = 0; j < s; j++) {
      boolean real = j < src.length;
      b.source[row * s + j] = real ? src[j] & 0xFF : ByteTranslator.PAD;
      b.sourceKeys[row * s + j] = real ? 1 : 0;
    }
    for (int j = 0; j < t; j++) {
      b.input[row * t + j] = j == 0 ? ByteTranslator.BOS : j <= tgt.length ? tgt[j - 1] & 0xFF : ByteTranslator.PAD;
      boolean real = j <= tgt.length;
      b.labels[row * t + j] = j < tgt.length ? tgt[j] & 0xFF : j == tgt.length ? ByteTranslator.EOS : 0;
      b.weights[row * t + j] = real ? 1 : 0;
    }
  }

  private void clear(Batch b, int row) {
    int s = sourceLength();
    int t = targetLength();
    for (int j = 0; j < s; j++) {
      b.source[row * s + j] = ByteTranslator.PAD;
      b.sourceKeys[row * s + j] = j == 0 ? 1 : 0; // one key, so that attention is defined; weight 0 below
    }
    for (int j = 0; j < t; j++) {
      b.input[row * t + j] = ByteTranslator.PAD;
      b.labels[row * t + j] = 0;
      b.weights[row * t + j] = 0;
    }
  }

  private static void count(Batch b) {
    int n = 0;
    for (float w : b.weights) {
      n += (int) w;
    }
    b.targetBytes = n;
  }

  @Override
  public String toString() {
    return name + ": " + train.size() + " training pairs, " + heldOut.size() + " held out (at most " + maxBytes
        + " bytes a side)";
  }
}
