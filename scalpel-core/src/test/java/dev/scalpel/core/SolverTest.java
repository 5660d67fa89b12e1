package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The optimality conditions of every small solver, on random, singular and large (k = 64) problems: the
 * active-set QP (KKT: feasibility, stationarity on the free set, signs of the bound multipliers,
 * complementarity), the simplex QP, the Jacobi eigensolver (reconstruction, orthonormality, order), Nash-MTL's
 * Newton (Gα = 1/α), CAGrad (no simplex point does better) and MGDA (the min-norm element).
 */
class SolverTest {

  /** A random PSD k×k matrix of rank r (scaled by 1 on average on the diagonal). */
  static double[][] psd(Random rnd, int k, int r) {
    double[][] j = K.random(rnd, k, r, 1);
    return K.gramian(j);
  }

  static void assertKkt(double[][] a, double[] b, double[] lo, boolean simplex, double[] x, String what) {
    int k = b.length;
    double[] g = new double[k];
    BoundedQp.gradient(a, b, x, g);
    double scale = 1;
    for (int i = 0; i < k; i++) {
      scale = Math.max(scale, Math.abs(a[i][i]) + Math.abs(b[i]));
    }
    double tol = 1e-9 * scale * (1 + k);
    double sum = 0;
    for (int i = 0; i < k; i++) {
      assertTrue(x[i] >= lo[i] - 1e-12, what + ": x[" + i + "] = " + x[i] + " below its bound " + lo[i]);
      sum += x[i];
    }
    double mu = 0;
    if (simplex) {
      assertEquals(1, sum, 1e-12, what + ": on the simplex");
      int free = 0;
      for (int i = 0; i < k; i++) {
        if (x[i] > lo[i] + 1e-12) {
          mu += g[i];
          free++;
        }
      }
      mu /= Math.max(free, 1);
    }
    for (int i = 0; i < k; i++) {
      double m = g[i] - mu;
      if (x[i] > lo[i] + 1e-9) {
        assertEquals(0, m, tol, what + ": stationary on free index " + i);
      } else {
        assertTrue(m >= -tol, what + ": multiplier of bound " + i + " is " + m);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 8, 16, 64})
  void boundedQpSatisfiesItsKktConditions(int k) {
    Random rnd = new Random(k);
    for (int trial = 0; trial < 10; trial++) {
      int rank = trial % 3 == 0 ? Math.max(1, k / 2) : k + 2; // singular every third problem
      double[][] a = psd(rnd, k, rank);
      double[] lo = new double[k];
      for (int i = 0; i < k; i++) {
        lo[i] = trial % 2 == 0 ? 0 : rnd.nextDouble();
      }
      double[] c = new double[k];
      for (int j = 0; j < k; j++) {
        c[j] = rnd.nextGaussian();
      }
      double[] b = new double[k];
      for (int i = 0; i < k; i++) { // b = A·c: in the range of A, as in every problem Scalpel poses
        for (int j = 0; j < k; j++) {
          b[i] += a[i][j] * c[j];
        }
      }
      double[] x = BoundedQp.solve(a, b, lo, false, "test");
      assertKkt(a, b, lo, false, x, "k=" + k + " trial " + trial);
      double[] xs = BoundedQp.solve(a, b, new double[k], true, "test");
      assertKkt(a, b, new double[k], true, xs, "simplex k=" + k + " trial " + trial);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4, 7, 16, 64})
  void jacobiDecomposesExactly(int k) {
    Random rnd = new Random(100 + k);
    double[][] a = psd(rnd, k, Math.max(1, k - 2));
    SymmetricEigen e = SymmetricEigen.of(a, "test");
    double norm = 0;
    for (double[] row : a) {
      for (double v : row) {
        norm = Math.max(norm, Math.abs(v));
      }
    }
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        double rec = 0;
        double orth = 0;
        for (int c = 0; c < k; c++) {
          rec += e.vectors[i][c] * e.values[c] * e.vectors[j][c];
          orth += e.vectors[c][i] * e.vectors[c][j];
        }
        assertEquals(a[i][j], rec, 1e-12 * norm * k, "V Λ Vᵀ = A at " + i + "," + j);
        assertEquals(i == j ? 1 : 0, orth, 1e-12 * k, "VᵀV = I at " + i + "," + j);
      }
    }
    for (int c = 1; c < k; c++) {
      assertTrue(e.values[c - 1] >= e.values[c], "decreasing");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 8, 32, 64})
  void nashNewtonSolvesTheBargainingEquations(int k) {
    Random rnd = new Random(200 + k);
    double[][] g = psd(rnd, k, k + 3);
    double[] alpha = NashMtl.newton(g);
    for (int i = 0; i < k; i++) {
      double ga = 0;
      for (int j = 0; j < k; j++) {
        ga += g[i][j] * alpha[j];
      }
      assertTrue(alpha[i] > 0);
      assertEquals(1, alpha[i] * ga, 1e-10, "α_i (Gα)_i = 1 for i = " + i);
    }
  }

  /**
   * Nearly Pareto-stationary gradients (found on the three-loss toy: g0 and g1 at correlation −0.9999999): the
   * solution is huge (β ~ 1.6e5), the objective's rounding exceeds Newton's predicted decrease, and Newton must
   * still converge (it once stalled in its line search) to the accuracy the conditioning allows.
   */
  @Test
  void nashNewtonConvergesNearParetoStationarity() {
    double a = 0.35408077244209146;
    double b = 2.7279797941443147E-4;
    double c = 0.025132613349705693;
    double[][] j = {{(float) a, 0, 0}, {(float) (a - 1), (float) b, 0}, {(float) (a - 1), (float) (b - 1), (float) c}};
    double[][] g = K.gramian(j);
    double[][] corr = new double[3][3];
    for (int r = 0; r < 3; r++) {
      for (int q = 0; q < 3; q++) {
        corr[r][q] = g[r][q] / Math.sqrt(g[r][r] * g[q][q]);
      }
    }
    double[] beta = NashMtl.newton(corr);
    for (int r = 0; r < 3; r++) {
      double s = 0;
      for (int q = 0; q < 3; q++) {
        s += corr[r][q] * beta[q];
      }
      assertEquals(1, beta[r] * s, 1e-4, "β_i (Cβ)_i = 1 to the conditioning's accuracy (cond ~ 1e10)");
    }
    assertEquals(163223, beta[0], 1);
    double[] d = K.direction("nash-mtl:max-norm=0", j);
    for (double v : d) {
      assertTrue(Double.isFinite(v));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 5, 16, 64})
  void mgdaFindsTheMinNormElementOfTheHull(int k) {
    Random rnd = new Random(300 + k);
    double[][] g = psd(rnd, k, Math.max(2, k - 1));
    double[] w = Mgda.minNormWeights(g, "test");
    double best = CaGrad.quad(g, w);
    double sum = 0;
    for (double v : w) {
      assertTrue(v >= 0);
      sum += v;
    }
    assertEquals(1, sum, 1e-12);
    for (int trial = 0; trial < 2000; trial++) { // no simplex point, near or far, does better
      double[] u = randomSimplexPoint(rnd, k, trial % 2 == 0 ? w : null);
      assertTrue(CaGrad.quad(g, u) >= best - 1e-12 * (1 + best), "k=" + k + " trial " + trial);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 5, 8})
  void cagradMinimisesItsObjectiveOverTheSimplex(int k) {
    Random rnd = new Random(400 + k);
    double[][] g = psd(rnd, k, k + 2);
    double[] a = new double[k];
    double mean2 = 0;
    double maxDiag = 0;
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        a[i] += g[i][j] / k;
        mean2 += g[i][j] / ((double) k * k);
      }
      maxDiag = Math.max(maxDiag, g[i][i]);
    }
    double phi = 0.7 * Math.sqrt(mean2);
    double[] w = CaGrad.solve(g, a, phi, Math.sqrt(maxDiag));
    double best = objective(g, a, phi, w);
    for (int trial = 0; trial < 3000; trial++) {
      double[] u = randomSimplexPoint(rnd, k, trial % 2 == 0 ? w : null);
      assertTrue(objective(g, a, phi, u) >= best - 1e-10 * (1 + Math.abs(best)), "k=" + k + " trial " + trial);
    }
  }

  static double objective(double[][] g, double[] a, double phi, double[] w) {
    double v = 0;
    for (int i = 0; i < w.length; i++) {
      v += a[i] * w[i];
    }
    return v + phi * Math.sqrt(Math.max(CaGrad.quad(g, w), 0));
  }

  /** Uniform on the simplex, or a small random move from {@code near} that stays on it. */
  static double[] randomSimplexPoint(Random rnd, int k, double[] near) {
    double[] u = new double[k];
    double sum = 0;
    for (int i = 0; i < k; i++) {
      u[i] = near == null ? -Math.log(1 - rnd.nextDouble()) : Math.max(0, near[i] + 1e-3 * rnd.nextGaussian());
      sum += u[i];
    }
    for (int i = 0; i < k; i++) {
      u[i] /= sum;
    }
    return u;
  }

  /**
   * Nearly parallel gradients (a base vector plus relative noise 0.03 … 1e-5, or exact copies): harmless inputs
   * that once made the active set chase rounding noise amplified by the conditioning (a new user found nash-mtl
   * and mgda:normalization=l2 failing on 40 % of them). Every Gramian method must solve every one.
   */
  @Test
  void nearlyParallelGradientsAreSolved() {
    Random rnd = new Random(18);
    String[] specs = {"mgda", "mgda:normalization=l2", "nash-mtl", "nash-mtl:max-norm=0", "upgrad", "dualproj",
        "cagrad", "cagrad:c=1", "imtl-g", "aligned-mtl"};
    int solved = 0;
    for (double noise : new double[] {0.03, 0.01, 1e-3, 1e-5, 0}) {
      for (int k : new int[] {2, 3, 5}) {
        for (int trial = 0; trial < 60; trial++) {
          double[] base = new double[6];
          for (int q = 0; q < 6; q++) {
            base[q] = rnd.nextGaussian();
          }
          double[][] j = new double[k][6];
          for (int i = 0; i < k; i++) {
            for (int q = 0; q < 6; q++) {
              j[i][q] = (float) (base[q] * (1 + noise * rnd.nextGaussian()));
            }
          }
          for (String spec : specs) {
            double[] d = K.direction(spec, j); // throws SolverFailedException on a failure
            for (double v : d) {
              assertTrue(Double.isFinite(v), spec);
            }
            solved++;
          }
        }
      }
    }
    assertEquals(5 * 3 * 60 * specs.length, solved);
  }

  /** Every method solves k = 64 losses (the upper end), finite and non-conflicting where promised. */
  @Test
  void sixtyFourLosses() {
    Random rnd = new Random(64);
    double[][] j = K.random(rnd, 64, 80, 1);
    for (String spec : K.EVERY_METHOD) {
      double[] d = K.direction(spec, j);
      for (double v : d) {
        assertTrue(Double.isFinite(v), spec);
      }
      if (K.NON_CONFLICTING.contains(spec)) {
        double[] jd = K.times(j, d);
        for (double x : jd) {
          assertTrue(x >= -1e-5 * K.norm(d) * 80, spec + ": " + x);
        }
      }
    }
  }
}
