package dev.scalpel.core;

/*
 * Counter-based random numbers: every draw is a pure function of (seed, step, stream, index), hashed with
 * SplitMix64's finaliser (Steele, Lea & Flood 2014). Nothing is carried from call to call, so results do not
 * depend on thread count or chunk order, and a restored state continues the very same sequence: the random
 * state of a method is its seed and its step counter, both in the snapshot.
 */
final class CounterRandom {
  private CounterRandom() {
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  static long hash(long seed, long step, long stream, long index) {
    long h = mix(seed + 0x9e3779b97f4a7c15L);
    h = mix(h ^ (step * 0xd1b54a32d192ed03L + 0x632be59bd9b4e019L));
    h = mix(h ^ (stream * 0xaf251af3b0f025b5L + 0x2545f4914f6cdd1dL));
    return mix(h ^ (index * 0x9e3779b97f4a7c15L + 0x1b873593L));
  }

  /** Uniform in [0, 1) with 53 random bits. */
  static double uniform(long seed, long step, long stream, long index) {
    return (hash(seed, step, stream, index) >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, 1) with 24 random bits, as a float (GradDrop's per-coordinate U). */
  static float uniformFloat(long seed, long step, long stream, long index) {
    return (hash(seed, step, stream, index) >>> 40) * 0x1.0p-24f;
  }

  /** Standard normal by Box–Muller from two uniforms of (stream, 2·index) and (stream, 2·index+1). */
  static double gaussian(long seed, long step, long stream, long index) {
    double u1 = 1.0 - uniform(seed, step, stream, 2 * index); // (0, 1]
    double u2 = uniform(seed, step, stream, 2 * index + 1);
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Fills {@code out} (length k−1) with the indices 0..k−1 except {@code i}, in a random order (Fisher–Yates). */
  static void othersInRandomOrder(long seed, long step, int i, int k, int[] out) {
    int n = 0;
    for (int j = 0; j < k; j++) {
      if (j != i) {
        out[n++] = j;
      }
    }
    for (int a = n - 1; a > 0; a--) {
      long h = hash(seed, step, i, a);
      int b = (int) Math.unsignedMultiplyHigh(h, a + 1L); // in [0, a]
      int t = out[a];
      out[a] = out[b];
      out[b] = t;
    }
  }
}
