package dev.scalpel.core;

/*
 * Nash-MTL (Navon et al., ICML 2022): the Nash bargaining weights α > 0 with Gα = 1/α (elementwise), i.e. the
 * minimiser of ½αᵀGα − Σ log α_i, found by damped Newton (Hessian G + diag(1/α²), positive definite; step kept
 * inside α > 0, Armijo backtracking, full steps once the Newton decrement is below 1e-8) until
 * max_i |α_i (Gα)_i − 1| ≤ 1e-13, a Newton decrement below 1e-20, or Newton stalling in its quadratic
 * region (rounding reached; near Pareto-stationarity that is cond(G)·ε): exact to rounding, 5–30 iterations, and
 * SolverFailedException after 500. It runs on the correlation matrix D^{−1/2}GD^{−1/2} (α = β/√diag G), so
 * gradients of very different norms do not make it ill-conditioned. The official code instead runs a few warm-started convex sub-problems (cvxpy)
 * per step, which makes its α depend on the history; this α does not.
 * d = Jᵀα, scaled down to |d| = max-norm when longer (TorchJD's exact rescale; the official code clips the whole
 * gradient with clip_grad_norm_). normalization=frobenius solves on G/|G|_F as the official code (its α is then
 * √|G|_F times larger before the clip).
 * Zero gradients get α = 0. When the other gradients are Pareto-stationary (0 is in their convex hull, so no
 * bargaining solution exists: the objective is unbounded), d = 0 and the status says so.
 */
final class NashMtl extends GramianWeighting {
  NashMtl(SurgeryConfig c) {
    super(c);
  }

  @Override
  void coefficients(StepContext x) {
    int k = x.k;
    double maxDiag = 0;
    for (int i = 0; i < k; i++) {
      maxDiag = Math.max(maxDiag, x.g(i, i));
    }
    if (!(maxDiag > 0)) {
      x.status = "nash-mtl: every gradient is zero; d = 0";
      return;
    }
    double floor = 1e-30 * maxDiag;
    int[] live = java.util.stream.IntStream.range(0, k).filter(i -> x.g(i, i) > floor).toArray();
    int n = live.length;
    // solve on the correlation matrix C = D^{-1/2} G D^{-1/2} (unit diagonal): Gα = 1/α ⇔ Cβ = 1/β with
    // α = β/√diag(G); well scaled whatever the gradients' norms
    double[][] g = new double[n][n];
    double[] root = new double[n];
    for (int a = 0; a < n; a++) {
      root[a] = Math.sqrt(x.g(live[a], live[a]));
    }
    double frob = 0;
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        double v = x.g(live[a], live[b]);
        g[a][b] = a == b ? 1 : v / (root[a] * root[b]);
        frob += v * v;
      }
    }
    double minNorm = CaGrad.quad(g, Mgda.minNormWeights(g, "nash-mtl"));
    if (!(minNorm > 1e-13)) {
      x.status = "nash-mtl: the gradients are Pareto-stationary (0 is in their convex hull): no bargaining"
          + " solution; d = 0";
      return;
    }
    double[] beta = newton(g);
    double residual = 0;
    for (int a = 0; a < n; a++) {
      double s = 0;
      for (int b = 0; b < n; b++) {
        s += g[a][b] * beta[b];
      }
      residual = Math.max(residual, Math.abs(beta[a] * s - 1));
    }
    if (residual > 1e-9) {
      x.status = String.format(java.util.Locale.ROOT, "nash-mtl: solved to a residual max|α_i(Gα)_i − 1| of %.1e"
          + " (the gradients are nearly Pareto-stationary: min-norm² of their hull %.1e)", residual, minNorm);
    }
    // normalization=frobenius (official code): α solved on G/|G|_F, i.e. α(G)·√|G|_F
    double unscale = config.choice("normalization").equals("frobenius") ? Math.sqrt(Math.sqrt(frob)) : 1;
    double[] full = new double[k];
    for (int a = 0; a < n; a++) {
      full[live[a]] = beta[a] / root[a] * unscale;
    }
    double norm2 = 0;
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        norm2 += full[i] * full[j] * x.g(i, j);
      }
    }
    double maxNorm = config.number("max-norm");
    double norm = Math.sqrt(Math.max(norm2, 0));
    double f = maxNorm > 0 && norm > maxNorm ? maxNorm / norm : 1;
    for (int i = 0; i < k; i++) {
      x.coef[i] = full[i] * f;
    }
  }

  /** α > 0 with gα = 1/α, g positive definite on the positive orthant's directions (checked by the caller). */
  static double[] newton(double[][] g) {
    int n = g.length;
    double[] alpha = new double[n];
    for (int i = 0; i < n; i++) {
      alpha[i] = 1 / Math.sqrt(g[i][i]);
    }
    double[] grad = new double[n];
    double[][] h = new double[n][n];
    double previous = Double.POSITIVE_INFINITY;
    for (int it = 0; it < 500; it++) {
      double residual = 0; // max_i |α_i (Gα)_i − 1|: 0 exactly at the solution, scale-free
      for (int i = 0; i < n; i++) {
        double s = 0;
        for (int j = 0; j < n; j++) {
          s += g[i][j] * alpha[j];
          h[i][j] = g[i][j];
        }
        grad[i] = s - 1 / alpha[i];
        h[i][i] += 1 / (alpha[i] * alpha[i]);
        residual = Math.max(residual, Math.abs(alpha[i] * s - 1));
      }
      if (residual <= 1e-13) {
        return alpha;
      }
      double[] step = PivotedCholesky.solveBasic(h, negate(grad), 0);
      double decrement = 0;
      for (int i = 0; i < n; i++) {
        decrement -= grad[i] * step[i];
      }
      if (!(decrement >= 0)) {
        break; // NaN: cannot happen for a positive definite Hessian
      }
      if (decrement <= 1e-20 || (decrement <= 1e-8 && decrement > 0.25 * previous)) {
        // at the minimiser to rounding: the step is negligible, or Newton, in its quadratic region, no longer
        // gains (a nearly singular G, near Pareto-stationarity, leaves residual and step at cond(G)·ε)
        for (int i = 0; i < n; i++) {
          alpha[i] += step[i];
        }
        return alpha;
      }
      previous = decrement;
      double t = 1;
      for (int i = 0; i < n; i++) { // stay inside α > 0 (fraction to the boundary)
        if (step[i] < 0) {
          t = Math.min(t, -0.99 * alpha[i] / step[i]);
        }
      }
      double[] next = new double[n];
      if (decrement > 1e-8 || t < 1) { // far from the solution: Armijo backtracking on the objective
        double f0 = objective(g, alpha);
        double t0 = t;
        boolean decreased = false;
        for (int tries = 0; tries < 40 && !decreased; tries++) {
          for (int i = 0; i < n; i++) {
            next[i] = alpha[i] + t * step[i];
          }
          decreased = objective(g, next) <= f0 - 0.25 * t * decrement;
          t *= 0.5;
        }
        if (!decreased && decrement < 1e-4) {
          // near a nearly singular solution the objective's rounding (|β|²·ε) exceeds the decrease Newton
          // predicts: the test cannot see progress, the quadratic model can; take the (boundary-safe) Newton step
          for (int i = 0; i < n; i++) {
            next[i] = alpha[i] + t0 * step[i];
          }
        }
      } else { // the quadratic-convergence region: full Newton steps (objective differences are below rounding)
        for (int i = 0; i < n; i++) {
          next[i] = alpha[i] + step[i];
        }
      }
      alpha = next;
    }
    throw new SolverFailedException("nash-mtl: damped Newton did not converge in 500 iterations (k=" + n + ")");
  }

  static double objective(double[][] g, double[] alpha) {
    double v = 0.5 * CaGrad.quad(g, alpha);
    for (double a : alpha) {
      v -= Math.log(a);
    }
    return v;
  }

  private static double[] negate(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = -v[i];
    }
    return out;
  }
}
