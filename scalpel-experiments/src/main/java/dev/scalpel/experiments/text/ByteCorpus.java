package dev.scalpel.experiments.text;

import dev.scalpel.train.data.TextDocument;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A byte corpus split into training and held-out parts, with windows drawn deterministically from either.
 *
 * <p>Split: every document is cut into consecutive blocks of {@code block} bytes (its last block shorter); each block
 * is held out with probability {@code heldOut}, drawn from {@code SplittableRandom(seed)} in document and block order,
 * so the split is a function of the documents and the seed. A window is {@code length} consecutive bytes inside
 * one block (never across two): bytes 0..length−2 are the input, bytes 1..length−1 the next-byte targets.
 *
 * <p>Training windows: {@link #sample} draws a start uniformly over every possible start in the training blocks from
 * a generator seeded by (seed, step), so step s reads the same bytes whenever it runs (exact resume).
 * Evaluation windows ({@link #evaluationWindows}): non-overlapping windows of each block, a seeded subset.
 */
public final class ByteCorpus {
  private final String name;
  private final List<byte[]> train;
  private final List<byte[]> heldOut;
  private final int length;
  private final long[] trainStarts; // cumulative count of valid starts per training block
  private final long seed;

  private ByteCorpus(String name, List<byte[]> train, List<byte[]> heldOut, int length, long seed) {
    this.name = name;
    this.train = train;
    this.heldOut = heldOut;
    this.length = length;
    this.seed = seed;
    this.trainStarts = new long[train.size()];
    long total = 0;
    for (int i = 0; i < train.size(); i++) {
      total += Math.max(0, train.get(i).length - length + 1);
      trainStarts[i] = total;
    }
  }

  /**
   * Splits {@code docs}.
   *
   * @param name     the corpus name, for messages
   * @param block    bytes per block of the split (at least {@code length})
   * @param heldOut  probability that a block is held out, in [0, 1)
   * @param length   window length in bytes: context + 1
   * @param seed     seed of the split and of the windows
   * @throws IllegalArgumentException for bad sizes, or when either part has no window of {@code length} bytes
   */
  public static ByteCorpus split(String name, List<TextDocument> docs, int block, double heldOut, int length,
      long seed) {
    if (length < 2) {
      throw new IllegalArgumentException("window length (" + length + ") must be >= 2");
    }
    if (block < length) {
      throw new IllegalArgumentException("block (" + block + ") must be >= the window length (" + length + ")");
    }
    if (!(heldOut >= 0 && heldOut < 1)) {
      throw new IllegalArgumentException("held-out fraction (" + heldOut + ") must be in [0, 1)");
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    List<byte[]> train = new ArrayList<>();
    List<byte[]> held = new ArrayList<>();
    for (TextDocument d : docs) {
      byte[] t = d.text();
      for (int from = 0; from < t.length; from += block) {
        byte[] b = Arrays.copyOfRange(t, from, Math.min(t.length, from + block));
        (rnd.nextDouble() < heldOut ? held : train).add(b);
      }
    }
    ByteCorpus c = new ByteCorpus(name, List.copyOf(train), List.copyOf(held), length, seed);
    if (c.trainWindows() == 0) {
      throw new IllegalArgumentException(name + ": no training window of " + length + " bytes");
    }
    if (heldOut > 0 && c.heldOutBytes() < length) {
      throw new IllegalArgumentException(name + ": the held-out part (" + c.heldOutBytes() + " bytes) has no window of "
          + length + " bytes; use a larger held-out fraction or a smaller block");
    }
    return c;
  }

  /** The corpus name. */
  public String name() {
    return name;
  }

  /** Window length in bytes (context + 1). */
  public int windowLength() {
    return length;
  }

  /** Number of possible training window starts. */
  public long trainWindows() {
    return trainStarts.length == 0 ? 0 : trainStarts[trainStarts.length - 1];
  }

  /** Bytes in the training blocks. */
  public long trainBytes() {
    return train.stream().mapToLong(b -> b.length).sum();
  }

  /** Bytes in the held-out blocks. */
  public long heldOutBytes() {
    return heldOut.stream().mapToLong(b -> b.length).sum();
  }

  /**
   * Fills {@code inputs} and {@code targets} (each {@code count × (length−1)}, row-major) with {@code count} training
   * windows for step {@code step} (and stream {@code stream}, so that two corpora with the same seed differ).
   */
  public void sample(long step, int stream, int count, int[] inputs, long[] targets) {
    SplittableRandom rnd = new SplittableRandom(mix(seed, step, stream));
    long total = trainWindows();
    int t = length - 1;
    for (int i = 0; i < count; i++) {
      long r = rnd.nextLong(total);
      int blk = Arrays.binarySearch(trainStarts, r + 1);
      blk = blk >= 0 ? blk : -blk - 1;
      while (blk > 0 && trainStarts[blk - 1] > r) {
        blk--;
      }
      long offset = r - (blk == 0 ? 0 : trainStarts[blk - 1]);
      byte[] b = train.get(blk);
      int o = Math.toIntExact(offset);
      for (int j = 0; j < t; j++) {
        inputs[i * t + j] = b[o + j] & 0xFF;
        targets[i * t + j] = b[o + j + 1] & 0xFF;
      }
    }
  }

  /**
   * Up to {@code max} non-overlapping windows of the held-out blocks ({@code heldOut} true) or the training blocks,
   * each {@code length} bytes: all such windows, block by block, then a seeded subset of {@code max} of them in
   * their original order. Fixed for the corpus: every evaluation of a run reads the same windows.
   */
  public byte[][] evaluationWindows(boolean heldOut, int max) {
    List<byte[]> ws = new ArrayList<>();
    for (byte[] b : heldOut ? this.heldOut : train) {
      for (int from = 0; from + length <= b.length; from += length) {
        ws.add(Arrays.copyOfRange(b, from, from + length));
      }
    }
    if (max > 0 && ws.size() > max) {
      SplittableRandom rnd = new SplittableRandom(mix(seed, heldOut ? 1 : 2, -1));
      boolean[] keep = new boolean[ws.size()];
      int[] idx = new int[ws.size()];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = i;
      }
      for (int i = 0; i < max; i++) { // partial Fisher–Yates
        int j = i + rnd.nextInt(idx.length - i);
        int tmp = idx[i];
        idx[i] = idx[j];
        idx[j] = tmp;
        keep[idx[i]] = true;
      }
      List<byte[]> kept = new ArrayList<>();
      for (int i = 0; i < ws.size(); i++) {
        if (keep[i]) {
          kept.add(ws.get(i));
        }
      }
      ws = kept;
    }
    return ws.toArray(new byte[0][]);
  }

  static long mix(long seed, long a, long b) {
    long h = seed * 0x9E3779B97F4A7C15L + a;
    h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L + b;
    h = (h ^ (h >>> 29)) * 0x94D049BB133111EBL;
    return h ^ (h >>> 32);
  }

  @Override
  public String toString() {
    return name + ": " + train.size() + " training blocks (" + trainBytes() + " bytes), " + heldOut.size()
        + " held out (" + heldOutBytes() + " bytes)";
  }
}
