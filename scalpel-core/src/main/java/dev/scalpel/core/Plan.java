package dev.scalpel.core;

import java.util.Arrays;

/*
 * What a state computes each step, fixed at init: the number of losses k, the EMA streams (stream s is the EMA
 * of gradient streamSource[s], vector k + s), the inner products (pairs of vector indices), and which passes run:
 *   FUSED   k = 2 with mixed, bloop, dynamic-barrier or pcgrad: the two-loss fused kernels (bit-identical to the
 *           two-loss release), streams as that release kept them (even with ema = 1).
 *   GENERAL every other case: the blocked Gramian pass and the k-vector combine.
 *   PER_COORDINATE GradDrop: no inner products; a per-coordinate combine.
 * Partial sums per chunk: one slot per pair, then one per vector (its max |x|).
 */
final class Plan {
  enum Mode {
    FUSED, GENERAL, PER_COORDINATE
  }

  final int k;
  final int[] streams;
  final int m;
  final int[] pa;
  final int[] pb;
  final int np;
  final boolean[] inPair;
  final Mode mode;
  final int slots;
  final int methodStateSize;
  /** Elements per block of the general passes: the m vectors' double scratch (8m·block bytes) stays in L2. */
  final int block;

  /** Whether every pair of vectors is computed, for {@link Diagnostics}. */
  final boolean diagnostics;

  Plan(Rule rule, int k, boolean forceGeneral, boolean diagnostics) {
    this.diagnostics = diagnostics;
    this.k = k;
    Method method = rule.config.method();
    boolean twoLoss = k == 2 && method.family() == Method.Family.PRIORITY;
    this.streams = rule.streams(k);
    this.m = k + streams.length;
    int[][] pairs = rule.pairs(k, streams);
    if (diagnostics && !rule.perCoordinate()) { // every pair of the m vectors, the method's own among them
      pairs = new int[m * (m + 1) / 2][];
      int n = 0;
      for (int a = 0; a < m; a++) {
        for (int b = a; b < m; b++) {
          pairs[n++] = new int[] {a, b};
        }
      }
    }
    if (rule.perCoordinate()) {
      mode = Mode.PER_COORDINATE;
    } else if (twoLoss && !forceGeneral) {
      mode = Mode.FUSED;
    } else {
      mode = Mode.GENERAL;
    }
    int[][] p = new int[pairs.length][];
    for (int i = 0; i < pairs.length; i++) {
      p[i] = new int[] {Math.min(pairs[i][0], pairs[i][1]), Math.max(pairs[i][0], pairs[i][1])};
    }
    if (mode == Mode.GENERAL || diagnostics) { // strips of pairs sharing their first vector
      Arrays.sort(p, (x, y) -> x[0] != y[0] ? Integer.compare(x[0], y[0]) : Integer.compare(x[1], y[1]));
    }
    np = p.length;
    pa = new int[np];
    pb = new int[np];
    inPair = new boolean[m];
    for (int i = 0; i < np; i++) {
      pa[i] = p[i][0];
      pb[i] = p[i][1];
      inPair[pa[i]] = true;
      inPair[pb[i]] = true;
    }
    slots = np + m;
    methodStateSize = rule.methodStateSize(k);
    block = m <= 16 ? 1024 : GramKernel.BLOCK;
  }
}
