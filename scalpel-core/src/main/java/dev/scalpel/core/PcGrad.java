package dev.scalpel.core;

/*
 * PCGrad (Yu et al., NeurIPS 2020) for k losses with EMA targets: for each i, g_i^PC starts at g_i and, for each
 * j ≠ i in a random order drawn from (seed, step, i), is projected off the target t_j (the EMA of g_j, updated
 * first; g_j itself with ema = 1 when k ≥ 3) when they conflict: r = min(<g_i^PC, t_j>/(|t_j|²+eps), 0),
 * g_i^PC ← g_i^PC − r t_j. Projections are against the ORIGINAL targets, not the projected ones (official code,
 * LibMTL, TorchJD). d = s Σ_i λ_i g_i^PC, λ_0 = 1: a sum. k = 2 needs no order and keeps the two-loss expressions
 * r1 = min(<e_0,g_1>/(|e_0|²+eps), 0), r2 = min(<e_1,g_0>/(|e_1|²+eps), 0), d = s((g_0 − r2 e_1) + λ(g_1 − r1 e_0)).
 */
final class PcGrad extends Rule {
  PcGrad(SurgeryConfig c) {
    super(c);
  }

  @Override
  int[] streams(int k) {
    return leadingStreams(k, k);
  }

  static int target(int j, int k, int[] streams) {
    return streams.length == 0 ? j : k + j;
  }

  @Override
  int[][] pairs(int k, int[] streams) {
    java.util.LinkedHashSet<Long> seen = new java.util.LinkedHashSet<>();
    java.util.List<int[]> p = new java.util.ArrayList<>();
    if (k == 2) { // the two-loss order: <e0,e0>, <e0,g1>, <e1,e1>, <e1,g0>
      p.add(new int[] {2, 2});
      p.add(new int[] {1, 2});
      p.add(new int[] {3, 3});
      p.add(new int[] {0, 3});
      return p.toArray(new int[0][]);
    }
    for (int j = 0; j < k; j++) {
      int tj = target(j, k, streams);
      for (int l = j; l < k; l++) {
        add(p, seen, tj, target(l, k, streams));
      }
      for (int i = 0; i < k; i++) {
        if (i != j) {
          add(p, seen, i, tj);
        }
      }
    }
    return p.toArray(new int[0][]);
  }

  private static void add(java.util.List<int[]> p, java.util.Set<Long> seen, int a, int b) {
    int lo = Math.min(a, b);
    int hi = Math.max(a, b);
    if (seen.add(((long) lo << 32) | hi)) {
      p.add(new int[] {lo, hi});
    }
  }

  @Override
  void coefficients(StepContext x) {
    int k = x.k;
    double s = config.scale(k);
    double eps = config.eps();
    int[] streams = x.streamSource;
    if (k == 2) {
      double lambda = config.lambda(1);
      double ee = x.g(2, 2);
      double ea = x.g(2, 1);
      double aa = x.g(3, 3);
      double am = x.g(3, 0);
      double r1 = Math.min(ea / (ee + eps), 0);
      double r2 = Math.min(am / (aa + eps), 0);
      if (!Double.isFinite(r1)) {
        r1 = 0;
      }
      if (!Double.isFinite(r2)) {
        r2 = 0;
      }
      x.ratio = r1;
      x.ratioAux = r2;
      x.coef[0] = s;
      x.coef[1] = s * lambda;
      x.coef[2] = -s * lambda * r1;
      x.coef[3] = -s * r2;
      return;
    }
    int[] order = new int[k - 1];
    double[] c = new double[k];
    for (int i = 0; i < k; i++) {
      double li = i == 0 ? 1 : config.lambda(i);
      java.util.Arrays.fill(c, 0);
      CounterRandom.othersInRandomOrder(config.seed(), x.step, i, k, order);
      for (int j : order) {
        int tj = target(j, k, streams);
        double dot = x.g(i, tj);
        for (int l = 0; l < k; l++) {
          if (c[l] != 0) {
            dot -= c[l] * x.g(target(l, k, streams), tj);
          }
        }
        double r = Math.min(dot / (x.g(tj, tj) + eps), 0);
        if (!Double.isFinite(r)) {
          r = 0;
        }
        if (i == 1 && j == 0) {
          x.ratio = r;
        }
        if (i == 0 && j == 1) {
          x.ratioAux = r;
        }
        c[j] += r;
      }
      x.coef[i] += s * li;
      for (int l = 0; l < k; l++) {
        x.coef[target(l, k, streams)] -= s * li * c[l];
      }
    }
  }
}
