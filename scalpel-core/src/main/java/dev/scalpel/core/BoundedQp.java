package dev.scalpel.core;

/*
 * min ½ xᵀAx + bᵀx  subject to  x ≥ lo  (and, optionally, Σx = 1), A symmetric positive SEMI-definite k×k,
 * in double, by a primal active-set method: exact up to rounding, finite (each iteration adds a bound or frees
 * one), with a hard iteration cap that throws SolverFailedException instead of looping.
 *
 * Singular A is allowed when b has no component along the null directions of A restricted to the feasible
 * directions, which holds for every problem Scalpel poses (b ∈ range(A): MGDA, UPGrad, DualProj, CAGrad's inner
 * problem): the objective is then flat along those directions and any minimiser is a solution (the answer
 * d = Jᵀx does not depend on which). Each subproblem is solved in the null space of the active constraints with a
 * pivoted Cholesky factorisation that drops pivots below 1e-13 of the largest diagonal: exact for consistent
 * systems, and it does not amplify rounding along flat directions.
 *
 * The caller scales A (e.g. by trace/k) so that the tolerances below are relative.
 */
final class BoundedQp {
  private BoundedQp() {
  }

  static final double PIVOT_TOL = 1e-13;

  /** Iterations used by the latest solve on this thread (for tests and benchmarks). */
  static final ThreadLocal<int[]> LAST_ITERATIONS = ThreadLocal.withInitial(() -> new int[1]);

  /**
   * Solves the problem; returns x. {@code simplex} adds Σx = 1 (then Σlo ≤ 1 is required). {@code method} names
   * the caller in errors.
   */
  static double[] solve(double[][] a, double[] b, double[] lo, boolean simplex, String method) {
    return solve(a, b, lo, simplex, method, null);
  }

  /**
   * The same, warm-started from a feasible point {@code start} (e.g. the solution of a neighbouring problem with
   * the same constraints: UPGrad's k problems in shifted variables, CAGrad's sequence in t): its free indices are
   * the first working set, so a start near the solution ends in a few iterations. Null: a cold start.
   */
  static double[] solve(double[][] a, double[] b, double[] lo, boolean simplex, String method, double[] start) {
    int k = b.length;
    double scale = 0;
    for (int i = 0; i < k; i++) {
      scale = Math.max(scale, Math.abs(a[i][i]));
    }
    double tol = 1e-12 * Math.max(scale, 1e-300);
    double[] x = lo.clone();
    boolean[] free = new boolean[k];
    if (start != null) {
      double sum = 0;
      for (int i = 0; i < k; i++) {
        x[i] = Math.max(start[i], lo[i]);
        free[i] = x[i] > lo[i];
        sum += x[i];
      }
      if (simplex && !(Math.abs(sum - 1) <= 1e-9)) {
        start = null; // not on the simplex: start cold
        x = lo.clone();
        free = new boolean[k];
      }
    }
    if (simplex && start == null) {
      double rest = 1;
      for (double l : lo) {
        rest -= l;
      }
      if (rest < -1e-12) {
        throw new IllegalArgumentException(method + ": lower bounds sum to more than 1");
      }
      // start at the best vertex lo + rest·e_j
      int best = 0;
      double bestValue = Double.POSITIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        x[j] += rest;
        double v = objective(a, b, x);
        x[j] -= rest;
        if (v < bestValue) {
          bestValue = v;
          best = j;
        }
      }
      x[best] += Math.max(rest, 0);
      free[best] = true;
    }
    double[] grad = new double[k];
    int maxIterations = 10 * k + 100;
    // after an unblocked step x is the minimiser of the current face (to rounding): a further subproblem solve
    // would only chase rounding noise amplified by cond(A), so go straight to the multipliers
    boolean atFaceMinimum = false;
    for (int it = 0; it < maxIterations; it++) {
      LAST_ITERATIONS.get()[0] = it + 1;
      gradient(a, b, x, grad);
      int[] f = indices(free, true);
      if (!atFaceMinimum) {
        double[] p = f.length == 0 ? new double[0] : subproblemStep(a, grad, f, simplex);
        double pnorm = 0;
        double xnorm = 0;
        for (int i = 0; i < f.length; i++) {
          pnorm = Math.max(pnorm, Math.abs(p[i]));
          xnorm = Math.max(xnorm, Math.abs(x[f[i]]));
        }
        if (Double.isNaN(pnorm)) {
          throw new SolverFailedException(method + ": the QP subproblem gave NaN (k=" + k + ")");
        }
        if (!(pnorm <= 1e-13 * (1 + xnorm))) {
          // step towards the subproblem's minimiser until a bound blocks
          double alpha = 1;
          int block = -1;
          for (int i = 0; i < f.length; i++) {
            if (p[i] < 0) {
              double room = (lo[f[i]] - x[f[i]]) / p[i];
              if (room < alpha) {
                alpha = Math.max(room, 0);
                block = f[i];
              }
            }
          }
          for (int i = 0; i < f.length; i++) {
            x[f[i]] += alpha * p[i];
          }
          if (block >= 0) {
            x[block] = lo[block];
            free[block] = false;
          } else {
            atFaceMinimum = true;
          }
          continue;
        }
      }
      atFaceMinimum = false;
      // at the subproblem's minimiser: are the bound multipliers non-negative?
      double mu = 0;
      if (simplex && f.length > 0) {
        for (int i : f) {
          mu += grad[i];
        }
        mu /= f.length;
      }
      // the most negative multiplier leaves the working set; after 2k + 10 iterations, the first negative one
      // (Bland's rule), which cannot cycle on degenerate problems (many gradients in few directions)
      boolean bland = it > 2 * k + 10;
      int release = -1;
      double worst = -tol;
      for (int i = 0; i < k; i++) {
        if (!free[i]) {
          double multiplier = grad[i] - (simplex && f.length > 0 ? mu : 0);
          if (simplex && f.length == 0) {
            multiplier = 0; // cannot happen: the simplex start frees one index
          }
          if (multiplier < worst) {
            worst = multiplier;
            release = i;
            if (bland) {
              break;
            }
          }
        }
      }
      if (release < 0) {
        return x;
      }
      free[release] = true;
    }
    throw new SolverFailedException(method + ": the active-set QP did not converge in " + maxIterations
        + " iterations (k=" + k + ")");
  }

  static double objective(double[][] a, double[] b, double[] x) {
    double v = 0;
    for (int i = 0; i < x.length; i++) {
      double ax = 0;
      for (int j = 0; j < x.length; j++) {
        ax += a[i][j] * x[j];
      }
      v += x[i] * (0.5 * ax + b[i]);
    }
    return v;
  }

  static void gradient(double[][] a, double[] b, double[] x, double[] out) {
    for (int i = 0; i < x.length; i++) {
      double s = b[i];
      for (int j = 0; j < x.length; j++) {
        s += a[i][j] * x[j];
      }
      out[i] = s;
    }
  }

  private static int[] indices(boolean[] flags, boolean value) {
    int n = 0;
    for (boolean f : flags) {
      if (f == value) {
        n++;
      }
    }
    int[] out = new int[n];
    n = 0;
    for (int i = 0; i < flags.length; i++) {
      if (flags[i] == value) {
        out[n++] = i;
      }
    }
    return out;
  }

  /*
   * The step p over the free indices f minimising ½pᵀA_ff p + grad_fᵀp (with Σp = 0 for the simplex), as a basic
   * solution of the reduced system: null-space basis Z (identity, or e_i − e_last for the simplex), reduced
   * Hessian ZᵀAZ, pivoted Cholesky with small pivots dropped.
   */
  private static double[] subproblemStep(double[][] a, double[] grad, int[] f, boolean simplex) {
    int nf = f.length;
    int nz = simplex ? nf - 1 : nf;
    if (nz == 0) {
      return new double[nf];
    }
    double[][] h = new double[nz][nz];
    double[] g = new double[nz];
    int last = f[nf - 1];
    for (int i = 0; i < nz; i++) {
      int fi = f[i];
      g[i] = simplex ? grad[fi] - grad[last] : grad[fi];
      for (int j = 0; j < nz; j++) {
        int fj = f[j];
        h[i][j] = simplex ? a[fi][fj] - a[fi][last] - a[last][fj] + a[last][last] : a[fi][fj];
      }
    }
    double[] y = PivotedCholesky.solveBasic(h, negate(g), PIVOT_TOL);
    double[] p = new double[nf];
    double sum = 0;
    for (int i = 0; i < nz; i++) {
      p[i] = y[i];
      sum += y[i];
    }
    if (simplex) {
      p[nf - 1] = -sum;
    }
    return p;
  }

  private static double[] negate(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = -v[i];
    }
    return out;
  }
}
