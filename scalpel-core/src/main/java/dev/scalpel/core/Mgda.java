package dev.scalpel.core;

/*
 * MGDA (Désidéri 2012; Sener & Koltun, NeurIPS 2018): w = argmin over the simplex of wᵀGw, d = Jᵀw, the
 * min-norm element of the convex hull of the gradients. Solved exactly: u = argmin_{u ≥ 0} ½uᵀ(Ĝ+11ᵀ)u − 1ᵀu,
 * w = u/Σu (the KKT conditions of the two problems coincide), Ĝ = G·k/trace(G). TorchJD's Frank–Wolfe and
 * LibMTL's projected gradient are iterative approximations of the same w.
 * normalization=l2: solved on unit gradients g_i/|g_i| and applied to them (LibMTL, rep_grad off);
 * l2-weights: those weights applied to the original gradients (Sener & Koltun's code). Zero gradients get w = 0.
 * All gradients zero: d = 0 (w = 1/k reported).
 */
final class Mgda extends GramianWeighting {
  Mgda(SurgeryConfig c) {
    super(c);
  }

  @Override
  void coefficients(StepContext x) {
    int k = x.k;
    String norm = config.choice("normalization");
    double[] n = new double[k];
    double[][] g = new double[k][k];
    for (int i = 0; i < k; i++) {
      n[i] = norm.equals("none") ? 1 : Math.sqrt(x.g(i, i));
    }
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        g[i][j] = n[i] > 0 && n[j] > 0 ? x.g(i, j) / (n[i] * n[j]) : 0;
      }
    }
    double[] w = minNormWeights(g, "mgda");
    for (int i = 0; i < k; i++) {
      x.coef[i] = norm.equals("l2") ? (n[i] > 0 ? w[i] / n[i] : 0) : w[i];
    }
  }

  /** The simplex weights of the min-norm element for a Gramian g (any scale); 1/k when g is zero. */
  static double[] minNormWeights(double[][] g, String method) {
    int k = g.length;
    double trace = 0;
    for (int i = 0; i < k; i++) {
      trace += g[i][i];
    }
    double[] w = new double[k];
    if (!(trace > 0)) {
      java.util.Arrays.fill(w, 1.0 / k);
      return w;
    }
    double f = k / trace;
    double[][] a = new double[k][k];
    double[] b = new double[k];
    for (int i = 0; i < k; i++) {
      b[i] = -1;
      for (int j = 0; j < k; j++) {
        a[i][j] = g[i][j] * f + 1;
      }
    }
    double[] u = BoundedQp.solve(a, b, new double[k], false, method);
    double sum = 0;
    for (double v : u) {
      sum += v;
    }
    for (int i = 0; i < k; i++) {
      w[i] = u[i] / sum;
    }
    return w;
  }
}
