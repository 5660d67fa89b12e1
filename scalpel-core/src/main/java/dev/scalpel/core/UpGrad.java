package dev.scalpel.core;

/*
 * UPGrad (Quinton & Rey 2024; TorchJD): for each i, v_i = argmin_{v ≥ p_i e_i} vᵀĜv, w = Σ_i v_i; with
 * Ĝ = G/trace(G) + reg·I (TorchJD: reg = 1e-4; here 0 by default, which solves the exact problem). d = Jᵀw is
 * non-conflicting (Jd ≥ 0). pref p: 1/k each (TorchJD's default), one value, or one per loss. G = 0: d = 0.
 */
final class UpGrad extends GramianWeighting {
  UpGrad(SurgeryConfig c) {
    super(c);
  }

  @Override
  void coefficients(StepContext x) {
    int k = x.k;
    double[] p = preference(config, k);
    double[][] g = regularised(x, config.number("reg"));
    if (g == null) {
      System.arraycopy(p, 0, x.coef, 0, k);
      return;
    }
    double[] warm = null; // the k problems share their constraints in shifted variables: warm-start each
    for (int i = 0; i < k; i++) {
      double[] lo = new double[k];
      lo[i] = p[i];
      double[] y = shiftedSolve(g, lo, "upgrad", warm);
      for (int j = 0; j < k; j++) {
        x.coef[j] += y[j] + lo[j];
      }
      warm = y;
    }
  }

  /** argmin_{y ≥ 0} ½yᵀGy + (G lo)ᵀy, i.e. v − lo for v = argmin_{v ≥ lo} ½vᵀGv. */
  static double[] shiftedSolve(double[][] g, double[] lo, String method, double[] warm) {
    int k = lo.length;
    double[] b = new double[k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        b[i] += g[i][j] * lo[j];
      }
    }
    return BoundedQp.solve(g, b, new double[k], false, method, warm);
  }

  /** G/trace(G) + reg·I, or null when G is zero. */
  static double[][] regularised(StepContext x, double reg) {
    int k = x.k;
    double trace = 0;
    for (int i = 0; i < k; i++) {
      trace += x.g(i, i);
    }
    if (!(trace > 0)) {
      return null;
    }
    double[][] g = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        g[i][j] = x.g(i, j) / trace + (i == j ? reg : 0);
      }
    }
    return g;
  }

  /** argmin_{v ≥ lo} ½vᵀGv, as lo + argmin_{y ≥ 0} ½yᵀGy + (G lo)ᵀy. */
  static double[] projectWeights(double[][] g, double[] lo, String method) {
    double[] y = shiftedSolve(g, lo, method, null);
    for (int i = 0; i < lo.length; i++) {
      y[i] += lo[i];
    }
    return y;
  }
}
