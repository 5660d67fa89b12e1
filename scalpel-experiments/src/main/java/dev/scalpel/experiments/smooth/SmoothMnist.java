package dev.scalpel.experiments.smooth;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.core.Method;
import dev.scalpel.train.data.Mnist;
import java.nio.file.Path;

/**
 * What the smooth-MNIST experiment of the Bloop paper (§5.2, and its reference script) is made of: an MLP
 * 784-256-128-10 with ReLU ({@link Mlp}), cross-entropy as the main loss, {@code log ∏_l σ(W_l)²} (its Lipschitz
 * bound, squared; {@link SpectralNormLoss}) as the auxiliary loss, the reference methods, and the MNIST arrays.
 * Training goes through the shared run loop: {@link SmoothMnistTask}.
 */
public final class SmoothMnist {
  /** Network widths. */
  public static final int[] WIDTHS = {784, 256, 128, 10};
  /** The reference λ grid: logspace(-4, 0, 9). */
  public static final double[] LAMBDAS = logspace(-4, 0, 9);

  private static volatile Data cached;

  private SmoothMnist() {
  }

  /** The reference settings of a method for λ: ρ (ema) 0.01 for bloop, 1 for mixed, pcgrad, dynamic barrier. */
  public static GradientSurgery referenceMethod(Method method, double lambda) {
    String spec = method.specName() + ":lambda=" + lambda;
    if (method != Method.MIXED) {
      spec += ",ema=" + (method == Method.BLOOP ? "0.01" : "1");
    }
    return GradientSurgery.parse(spec);
  }

  /**
   * The normalised MNIST arrays ({@code (x/255 − 0.1307)/0.3081}, row-major 784 wide; labels 0..9), loaded once per
   * data directory and kept for later runs of the process (about 220 MB).
   *
   * @param dataDir the MNIST directory or cache (null: {@link Mnist#defaultDataDir()})
   */
  public static Data data(Path dataDir) {
    Path key = dataDir == null ? Mnist.defaultDataDir() : dataDir;
    Data d = cached;
    if (d != null && d.key.equals(key)) {
      return d;
    }
    synchronized (SmoothMnist.class) {
      d = cached;
      if (d != null && d.key.equals(key)) {
        return d;
      }
      Mnist mnist = Mnist.load(key);
      d = new Data(key, mnist.train().normalisedImages(), mnist.train().labelsAsInts(),
          mnist.test().normalisedImages(), mnist.test().labelsAsInts());
      cached = d;
      return d;
    }
  }

  /**
   * MNIST as arrays.
   *
   * @param key    the data directory it came from
   * @param trainX training images, 60000 × 784
   * @param trainY training labels
   * @param testX  test images, 10000 × 784
   * @param testY  test labels
   */
  public record Data(Path key, float[] trainX, int[] trainY, float[] testX, int[] testY) {
  }

  static double[] logspace(double from, double to, int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = Math.pow(10, from + (to - from) * i / (n - 1));
    }
    return out;
  }
}
