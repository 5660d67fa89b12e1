package dev.scalpel.experiments.overlay;

import dev.scalpel.experiments.Batches;
import dev.scalpel.train.data.FashionMnist;
import dev.scalpel.train.data.Mnist;
import java.util.SplittableRandom;

/**
 * The two-task images of the overlay experiment (the paper's Cifar10Mnist analogue with Fashion-MNIST as the
 * background): each image is a Fashion-MNIST picture with an MNIST digit in its foreground.
 *
 * <p>Composition of image i of a split, all in unsigned bytes: the background is Fashion-MNIST image i of the split,
 * dimmed to {@value #BACKGROUND_LEVEL} of its intensity (rounded half up); the digit is MNIST image π(i) of the same
 * split (π a permutation drawn from the seed), at full size, shifted by (dx, dy) ∈ [−{@value #MAX_SHIFT},
 * {@value #MAX_SHIFT}]² drawn from the seed (MNIST centres its digits by their centre of mass in a 28×28 frame, so a
 * shift can push some ink out: measured over uniform shifts, 15 % of digits lose some, 3 % more than 5 % of it); the
 * result is the pixelwise maximum of the two. The digit's thin strokes (up to 255) stand out over the dimmed
 * background (at most 128), which shows between them: both stay readable. The background's label is the main task, the
 * digit's the auxiliary one. (A first version shrank the digit to 14×14 in a random quarter of the image: the
 * two-block network did not learn it in 450 steps, at chance on the digit while 71 % on the background.) Train
 * overlays come from the training splits, test overlays from the test splits. Pixels are then normalised with the
 * training overlays' mean and standard deviation.
 */
public final class OverlayData {
  /** The background's intensity after dimming. */
  public static final double BACKGROUND_LEVEL = 0.5;
  /** The largest shift of the digit, in pixels, along each axis. */
  public static final int MAX_SHIFT = 4;

  /**
   * One split of overlays.
   *
   * @param x           {@code count × 784} normalised pixels, row-major 28×28
   * @param background  the background's class (Fashion-MNIST label of image i), the main task
   * @param digit       the digit's class (MNIST label), the auxiliary task
   * @param digitSource the index of the MNIST image in each overlay (distinct)
   * @param dx          the digit's shift to the right, in [−4, 4]
   * @param dy          the digit's shift down, in [−4, 4]
   */
  public record Split(float[] x, int[] background, int[] digit, int[] digitSource, int[] dx, int[] dy) {
    public int count() {
      return background.length;
    }
  }

  /** Training and test overlays, the raw bytes kept for inspection. */
  public record Data(Split train, Split test, byte[] trainBytes, byte[] testBytes, double mean, double std) {
  }

  private OverlayData() {
  }

  /**
   * Builds {@code trainCount} training and {@code testCount} test overlays (at most 60,000 and 10,000) from the
   * data sets in their caches (fetched on first use), deterministically from {@code seed}.
   */
  public static Data build(int trainCount, int testCount, long seed) {
    return build(FashionMnist.load(null), Mnist.load(null), trainCount, testCount, seed);
  }

  /** {@link #build(int, int, long)} from given data sets. */
  public static Data build(Mnist fashion, Mnist digits, int trainCount, int testCount, long seed) {
    if (trainCount < 1 || trainCount > fashion.train().count()) {
      throw new IllegalArgumentException("train_samples (" + trainCount + ") must be in [1, "
          + fashion.train().count() + "]");
    }
    if (testCount < 1 || testCount > fashion.test().count()) {
      throw new IllegalArgumentException("test_samples (" + testCount + ") must be in [1, " + fashion.test().count()
          + "]");
    }
    SplittableRandom trainRnd = new SplittableRandom(seed);
    SplittableRandom testRnd = trainRnd.split();
    int[] trainDigits = digitIndex(digits.train(), trainCount, trainRnd);
    int[] testDigits = digitIndex(digits.test(), testCount, testRnd);
    int[][] trainOffsets = offsets(trainCount, trainRnd);
    int[][] testOffsets = offsets(testCount, testRnd);
    byte[] train = compose(fashion.train(), digits.train(), trainDigits, trainOffsets);
    byte[] test = compose(fashion.test(), digits.test(), testDigits, testOffsets);
    double sum = 0;
    double sq = 0;
    for (byte b : train) {
      double v = (b & 0xff) / 255.0;
      sum += v;
      sq += v * v;
    }
    double mean = sum / train.length;
    double std = Math.sqrt(Math.max(sq / train.length - mean * mean, 1e-12));
    return new Data(split(train, fashion.train(), digits.train(), trainDigits, trainOffsets, mean, std),
        split(test, fashion.test(), digits.test(), testDigits, testOffsets, mean, std), train, test, mean, std);
  }

  /** The digit index of each overlay: π(i) for i < count, π a seeded permutation of the digit split. */
  private static int[] digitIndex(Mnist.Split digits, int count, SplittableRandom rnd) {
    int[] perm = Batches.permutation(digits.count(), rnd);
    return java.util.Arrays.copyOf(perm, count);
  }

  /** {dx, dy} of each overlay. */
  private static int[][] offsets(int count, SplittableRandom rnd) {
    int[][] o = new int[2][count];
    for (int i = 0; i < count; i++) {
      o[0][i] = rnd.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT;
      o[1][i] = rnd.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT;
    }
    return o;
  }

  private static byte[] compose(Mnist.Split bg, Mnist.Split digits, int[] which, int[][] offsets) {
    int count = which.length;
    byte[] out = new byte[count * 784];
    byte[] bgPix = bg.pixels();
    byte[] dPix = digits.pixels();
    for (int i = 0; i < count; i++) {
      int dx = offsets[0][i];
      int dy = offsets[1][i];
      int o = i * 784;
      for (int p = 0; p < 784; p++) {
        out[o + p] = (byte) Math.floor((bgPix[o + p] & 0xff) * BACKGROUND_LEVEL + 0.5);
      }
      int d = which[i] * 784;
      for (int r = 0; r < 28; r++) {
        for (int c = 0; c < 28; c++) {
          int rr = r + dy;
          int cc = c + dx;
          if (rr >= 0 && rr < 28 && cc >= 0 && cc < 28) {
            int v = dPix[d + r * 28 + c] & 0xff;
            int at = o + rr * 28 + cc;
            if (v > (out[at] & 0xff)) {
              out[at] = (byte) v;
            }
          }
        }
      }
    }
    return out;
  }

  private static Split split(byte[] bytes, Mnist.Split bg, Mnist.Split digits, int[] which, int[][] offsets,
      double mean, double std) {
    int count = which.length;
    float[] x = new float[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      x[i] = (float) (((bytes[i] & 0xff) / 255.0 - mean) / std);
    }
    int[] b = new int[count];
    int[] d = new int[count];
    int[] bl = bg.labelsAsInts();
    int[] dl = digits.labelsAsInts();
    for (int i = 0; i < count; i++) {
      b[i] = bl[i];
      d[i] = dl[which[i]];
    }
    return new Split(x, b, d, which.clone(), offsets[0].clone(), offsets[1].clone());
  }

  /**
   * Writes a PNG grid of the first {@code rows × cols} training overlays (each 28×28 scaled ×3, grey levels as
   * stored), to look at what the network sees.
   */
  public static void writeSamples(java.nio.file.Path png, Data data, int rows, int cols) throws java.io.IOException {
    int z = 3;
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(cols * (28 * z + 4), rows * (28 * z + 4),
        java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    byte[] px = data.trainBytes();
    for (int k = 0; k < rows * cols && k < data.train().count(); k++) {
      int ox = (k % cols) * (28 * z + 4) + 2;
      int oy = (k / cols) * (28 * z + 4) + 2;
      for (int r = 0; r < 28 * z; r++) {
        for (int c = 0; c < 28 * z; c++) {
          int v = px[k * 784 + (r / z) * 28 + c / z] & 0xff;
          img.getRaster().setSample(ox + c, oy + r, 0, v);
        }
      }
    }
    javax.imageio.ImageIO.write(img, "png", png.toFile());
  }
}
