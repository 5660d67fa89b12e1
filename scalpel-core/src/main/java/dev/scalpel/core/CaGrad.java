package dev.scalpel.core;

/*
 * CAGrad (Liu et al., NeurIPS 2021): g0 = (1/k)Σg_i, φ = c|g0|, w = argmin over the simplex of
 * F(w) = wᵀG1/k + φ√(wᵀGw), d = g0 + (φ/|g_w|) g_w with g_w = Jᵀw, divided by 1+c² (rescale=1, official code and
 * LibMTL), by 1+c (rescale=2, official toy) or not at all (rescale=0, TorchJD; the default). Non-conflicting for
 * c ≥ 1.
 *
 * Solved exactly: √q = min_t (q/(2t) + t/2), so for fixed t the problem is a simplex QP
 * w(t) = argmin wᵀa + (φ/(2t)) wᵀGw, and the optimum is the root of h(t) = 1 − w(t)ᵀGw(t)/t², which is
 * non-decreasing (the partial minimum over w is convex in t). The root is bracketed in (0, max_i √G_ii] and found
 * by bisection on log t to double precision (at most 200 QPs; SolverFailedException beyond). When the hull of
 * the gradients contains 0 (|g_w| → 0) the direction is undefined: d = g0, reported in the status. φ = 0
 * (c = 0 or g0 = 0): d = g0.
 */
final class CaGrad extends GramianWeighting {
  CaGrad(SurgeryConfig c) {
    super(c);
  }

  @Override
  void coefficients(StepContext x) {
    int k = x.k;
    double c = config.number("c");
    int rescale = Integer.parseInt(config.choice("rescale"));
    double div = rescale == 1 ? 1 + c * c : rescale == 2 ? 1 + c : 1;
    double[][] g = normalisedGramian(x);
    double mean2 = 0; // |g0|² in the normalised scale
    double[] a = new double[k];
    double maxDiag = 0;
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        a[i] += g[i][j] / k;
        mean2 += g[i][j] / ((double) k * k);
      }
      maxDiag = Math.max(maxDiag, g[i][i]);
    }
    double phi = c * Math.sqrt(Math.max(mean2, 0));
    for (int i = 0; i < k; i++) {
      x.coef[i] = 1.0 / k / div;
    }
    if (!(phi > 0)) {
      return;
    }
    // 0 in the hull of the gradients (Pareto-stationary): the direction g_w/|g_w| is undefined; found first with
    // MGDA's exact min-norm element (relative to the largest gradient), as the bisection would only chase it
    if (CaGrad.quad(g, Mgda.minNormWeights(g, "cagrad")) <= 1e-12 * maxDiag) {
      x.status = "cagrad: the convex hull of the gradients contains 0 (Pareto-stationary); d = mean";
      return;
    }
    double[] w = solve(g, a, phi, Math.sqrt(maxDiag));
    double q = quad(g, w);
    double s = Math.sqrt(Math.max(q, 0));
    if (!(s > 1e-12 * Math.sqrt(maxDiag))) {
      x.status = "cagrad: the convex hull of the gradients contains 0 (Pareto-stationary); d = mean";
      return;
    }
    for (int i = 0; i < k; i++) {
      x.coef[i] = (1.0 / k + phi / s * w[i]) / div;
    }
  }

  static double quad(double[][] g, double[] w) {
    double q = 0;
    for (int i = 0; i < w.length; i++) {
      for (int j = 0; j < w.length; j++) {
        q += w[i] * g[i][j] * w[j];
      }
    }
    return q;
  }

  private static double[] inner(double[][] g, double[] a, double phi, double t) {
    return inner(g, a, phi, t, null);
  }

  /* The simplex QP for one t, warm-started from the solution for a nearby t (same constraints). */
  private static double[] inner(double[][] g, double[] a, double phi, double t, double[] warm) {
    int k = a.length;
    double[][] h = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        h[i][j] = g[i][j] * phi / t;
      }
    }
    return BoundedQp.solve(h, a, new double[k], true, "cagrad", warm);
  }

  static double[] solve(double[][] g, double[] a, double phi, double tMax) {
    // h(t) = 1 − q(w(t))/t² is non-decreasing; h(tMax) ≥ 0. Find the smallest t with h ≥ 0 by bisection in log t.
    double hi = tMax;
    double[] wHi = inner(g, a, phi, hi);
    double lo = hi;
    double[] w = wHi;
    int evaluations = 1;
    while (true) { // bracket: shrink lo until h(lo) < 0, or give up at a tiny t (Pareto-stationary)
      lo *= 0.5;
      if (lo < tMax * 1e-30) {
        return inner(g, a, phi, lo);
      }
      double[] wLo = inner(g, a, phi, lo, wHi);
      evaluations++;
      if (1 - quad(g, wLo) / (lo * lo) < 0) {
        break;
      }
      hi = lo;
      wHi = wLo;
    }
    while (hi - lo > 1e-15 * hi) {
      if (++evaluations > 200) {
        throw new SolverFailedException("cagrad: the bisection on t did not converge in 200 QPs (k=" + a.length
            + ")");
      }
      double mid = Math.sqrt(lo * hi);
      if (mid <= lo || mid >= hi) {
        break;
      }
      double[] wm = inner(g, a, phi, mid, wHi);
      if (1 - quad(g, wm) / (mid * mid) < 0) {
        lo = mid;
      } else {
        hi = mid;
        wHi = wm;
      }
    }
    return wHi;
  }
}
