package dev.scalpel.core;

/*
 * Bloop for k losses (Hsieh et al., ICML 2024, §2.3): d = s (g_0 + Σ_{j≥1} λ_j π(g_j; span(m_0..m_{j−1})^⊥)),
 * m_i the EMA of g_i, updated first (g_i itself with ema = 1 when k ≥ 3). Gram–Schmidt runs on the small EMA
 * Gramian: q_i = m_i − Σ_{h<i} <m_i,q_h>/(|q_h|²+eps) q_h, a basis vector nearly collinear with the earlier ones
 * (|q_i|² ≤ 1e-12 |m_i|²) is dropped; π(g_j) = g_j − Σ_{h<j} <g_j,q_h>/(|q_h|²+eps) q_h.
 *
 * k = 2 is the two-loss Bloop, with its exact expressions: r = <e,g_1>/(|e|²+eps) (0 when not finite),
 * d = s (g_0 + λ (g_1 − r e)), or with ratio-only d = s ((1 − λr) g_0 + λ g_1).
 */
final class Bloop extends Rule {
  static final double DROP = 1e-12;

  Bloop(SurgeryConfig c) {
    super(c);
  }

  @Override
  int[] streams(int k) {
    return leadingStreams(k, k - 1);
  }

  /** Vector index of m_i: its stream, or g_i itself without streams. */
  static int m(int i, int k, int[] streams) {
    return streams.length == 0 ? i : k + i;
  }

  @Override
  int[][] pairs(int k, int[] streams) {
    java.util.List<int[]> p = new java.util.ArrayList<>();
    for (int a = 0; a < k - 1; a++) {
      p.add(new int[] {m(a, k, streams), m(a, k, streams)});
      for (int b = a + 1; b < k - 1; b++) {
        p.add(new int[] {m(a, k, streams), m(b, k, streams)});
      }
      for (int j = a + 1; j < k; j++) {
        p.add(new int[] {m(a, k, streams), j});
      }
    }
    return p.toArray(new int[0][]);
  }

  @Override
  void coefficients(StepContext x) {
    int k = x.k;
    double s = config.scale(k);
    double eps = config.eps();
    int[] streams = x.streamSource;
    if (k == 2) {
      int e = m(0, 2, streams);
      double ee = x.g(e, e);
      double ea = x.g(e, 1);
      double lambda = config.lambda(1);
      double r = ea / (ee + eps);
      if (!Double.isFinite(r)) { // |e| = 0 with eps = 0: nothing to project out
        r = 0;
      }
      x.ratio = r;
      if (config.ratioOnly()) {
        x.coef[0] = s * (1 - lambda * r);
        x.coef[1] = s * lambda;
      } else {
        x.coef[0] = s;
        x.coef[1] = s * lambda;
        x.coef[e] = -s * lambda * r;
        if (ee > 0 && r != 0) {
          x.unit[e] = -s * lambda * (ea / Math.sqrt(ee)) * (ee / (ee + eps));
        }
      }
      return;
    }
    // Gram–Schmidt on m_0..m_{k-2}: q_h = Σ_l basis[h][l] m_l
    int n = k - 1;
    double[][] basis = new double[n][n];
    double[] sq = new double[n];
    boolean[] kept = new boolean[n];
    for (int i = 0; i < n; i++) {
      int mi = m(i, k, streams);
      basis[i][i] = 1;
      for (int h = 0; h < i; h++) {
        if (!kept[h]) {
          continue;
        }
        double dot = 0; // <m_i, q_h>
        for (int l = 0; l <= h; l++) {
          dot += basis[h][l] * x.g(mi, m(l, k, streams));
        }
        double beta = dot / (sq[h] + eps);
        if (!Double.isFinite(beta)) {
          beta = 0;
        }
        for (int l = 0; l <= h; l++) {
          basis[i][l] -= beta * basis[h][l];
        }
      }
      double norm = 0;
      for (int a = 0; a <= i; a++) {
        for (int b = 0; b <= i; b++) {
          norm += basis[i][a] * basis[i][b] * x.g(m(a, k, streams), m(b, k, streams));
        }
      }
      sq[i] = Math.max(norm, 0);
      double own = x.g(mi, mi);
      kept[i] = own > 0 && sq[i] > DROP * own;
    }
    x.coef[0] += s;
    for (int j = 1; j < k; j++) {
      double lj = config.lambda(j);
      x.coef[j] += s * lj;
      for (int h = 0; h < j; h++) {
        if (!kept[h]) {
          continue;
        }
        double dot = 0; // <g_j, q_h>
        for (int l = 0; l <= h; l++) {
          dot += basis[h][l] * x.g(m(l, k, streams), j);
        }
        double beta = dot / (sq[h] + eps);
        if (!Double.isFinite(beta)) {
          beta = 0;
        }
        if (j == 1 && h == 0) {
          x.ratio = beta;
        }
        for (int l = 0; l <= h; l++) {
          x.coef[m(l, k, streams)] -= s * lj * beta * basis[h][l];
        }
      }
    }
    if (Double.isNaN(x.ratio)) {
      x.ratio = 0;
    }
  }
}
