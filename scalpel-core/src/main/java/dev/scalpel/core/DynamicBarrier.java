package dev.scalpel.core;

/*
 * Dynamic barrier (Gong & Liu, NeurIPS 2021) with Bloop's EMA: the auxiliary sum a = Σ_j λ_j g_j is projected off
 * the main EMA e only as far as it would cancel the main gradient: r = min(<e,a>/(|e|²+eps), 1) (0 if not
 * finite), d = s (g_0 + a − r e). With ema = 1 and k = 2 this is max(1 − λ<g_0,g_1>/|g_0|², 0) g_0 + λ g_1.
 * k = 2 keeps the two-loss expressions: r = min(<e,g_1>/(|e|²+eps), 1/λ), d = s (g_0 + λ (g_1 − r e)).
 */
final class DynamicBarrier extends Rule {
  DynamicBarrier(SurgeryConfig c) {
    super(c);
  }

  @Override
  int[] streams(int k) {
    return leadingStreams(k, 1);
  }

  @Override
  int[][] pairs(int k, int[] streams) {
    int e = streams.length == 0 ? 0 : k;
    int[][] p = new int[k][];
    p[0] = new int[] {e, e};
    for (int j = 1; j < k; j++) {
      p[j] = new int[] {e, j};
    }
    return p;
  }

  @Override
  void coefficients(StepContext x) {
    int k = x.k;
    int e = x.streamCount == 0 ? 0 : k;
    double s = config.scale(k);
    double eps = config.eps();
    double ee = x.g(e, e);
    if (k == 2) {
      double lambda = config.lambda(1);
      double ea = x.g(e, 1);
      double r = ea / (ee + eps);
      if (lambda > 0) {
        r = Math.min(r, 1.0 / lambda);
      }
      if (!Double.isFinite(r)) {
        r = 0;
      }
      x.ratio = r;
      x.coef[0] = s;
      x.coef[1] = s * lambda;
      x.coef[e] = -s * lambda * r;
      if (ee > 0 && r != 0 && r != 1.0 / lambda) {
        x.unit[e] = -s * lambda * (ea / Math.sqrt(ee)) * (ee / (ee + eps));
      }
      return;
    }
    double ea = 0;
    x.coef[0] += s;
    for (int j = 1; j < k; j++) {
      double lj = config.lambda(j);
      ea += lj * x.g(e, j);
      x.coef[j] += s * lj;
    }
    double r = Math.min(ea / (ee + eps), 1);
    if (!Double.isFinite(r)) {
      r = 0;
    }
    x.ratio = r;
    x.coef[e] -= s * r;
  }
}
