package dev.scalpel.experiments;

import java.util.SplittableRandom;

/**
 * The data order: epoch {@code e} visits the training set in a permutation drawn from a generator seeded by
 * {@code (seed, e)} alone, so the position in the data is fully described by (epoch, batch index) and a resumed run
 * sees exactly the batches an uninterrupted one would. Batches have exactly {@code batchSize} examples; the
 * remainder of each epoch's permutation (60000 mod 256 = 96 for MNIST) is not used in that epoch.
 */
public final class Batches {
  private Batches() {
  }

  /** The permutation of {@code 0..n-1} for an epoch (Fisher–Yates). */
  public static int[] permutation(int n, long seed, int epoch) {
    return permutation(n, new SplittableRandom(mix(seed, epoch)));
  }

  /** A permutation of {@code 0..n-1} (Fisher–Yates, from the last position down) drawn from {@code r}. */
  public static int[] permutation(int n, SplittableRandom r) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** The data order of a run: the current epoch's permutation, drawn again only when the epoch changes. */
  public static final class Order {
    private final int n;
    private final long seed;
    private int[] perm;
    private int epoch = -1;

    public Order(int n, long seed) {
      this.n = n;
      this.seed = seed;
    }

    /** The permutation of {@code 0..n-1} for {@code epoch}. */
    public int[] of(int epoch) {
      if (epoch != this.epoch) {
        perm = permutation(n, seed, epoch);
        this.epoch = epoch;
      }
      return perm;
    }
  }

  /** Full batches per epoch, capped by {@code maxSteps} when positive. */
  public static int stepsPerEpoch(int n, int batchSize, int maxSteps) {
    int full = n / batchSize;
    return maxSteps > 0 ? Math.min(full, maxSteps) : full;
  }

  private static long mix(long seed, int epoch) {
    long z = seed * 0x9E3779B97F4A7C15L + (epoch + 1) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
