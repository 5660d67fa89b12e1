package dev.scalpel.experiments.smooth;

import java.util.SplittableRandom;

/**
 * Accurate spectral norms (largest singular values) of small dense matrices, in double precision: power iteration
 * on {@code WᵀW} until the relative residual {@code |WᵀW v − μ v| / μ} (μ the Rayleigh quotient, v of unit norm)
 * falls below a tolerance. For a symmetric matrix that residual bounds the distance from μ to an eigenvalue, so
 * σ = √μ is then accurate to about half the tolerance, relatively.
 */
public final class SpectralNorms {
  /** The tolerance used for reported values: relative residual 1e-7, so σ to about 5e-8 relatively. */
  public static final double DEFAULT_TOLERANCE = 1e-7;
  /** Iteration cap of {@link #largestSingularValue}. */
  public static final int MAX_ITERATIONS = 50_000;

  private SpectralNorms() {
  }

  /**
   * The result of a power iteration.
   *
   * @param sigma      the largest singular value
   * @param iterations iterations done
   * @param residual   the final relative residual
   * @param converged  whether the residual reached the tolerance before the iteration cap
   * @param v          the right singular vector (unit norm)
   */
  public record Result(double sigma, int iterations, double residual, boolean converged, double[] v) {
  }

  /**
   * σ_max of the {@code rows × cols} row-major matrix {@code w}, starting from {@code start} (a right singular
   * vector estimate of length {@code cols}; null for a fixed pseudo-random start).
   */
  public static Result largestSingularValue(float[] w, int rows, int cols, double[] start, double tolerance) {
    if (w.length != (long) rows * cols) {
      throw new IllegalArgumentException("matrix has " + w.length + " elements, not " + rows + "×" + cols);
    }
    double[] v = new double[cols];
    if (start != null && start.length == cols && norm(start) > 0) {
      System.arraycopy(start, 0, v, 0, cols);
    } else {
      SplittableRandom r = new SplittableRandom(12345);
      for (int i = 0; i < cols; i++) {
        v[i] = r.nextGaussian();
      }
    }
    scale(v, 1 / norm(v));
    double[] u = new double[rows];
    double[] z = new double[cols];
    double mu = 0;
    double residual = Double.POSITIVE_INFINITY;
    int it = 0;
    while (it < MAX_ITERATIONS) {
      it++;
      multiply(w, rows, cols, v, u);          // u = W v
      multiplyTransposed(w, rows, cols, u, z); // z = Wᵀ W v
      mu = dot(v, z);                          // Rayleigh quotient, = |W v|²
      if (mu <= 0) {
        return new Result(0, it, 0, true, v);  // W v = 0 for a unit v: W = 0 (or v in its null space; restart)
      }
      double r2 = 0;
      for (int i = 0; i < cols; i++) {
        double d = z[i] - mu * v[i];
        r2 += d * d;
      }
      residual = Math.sqrt(r2) / mu;
      double nz = norm(z);
      for (int i = 0; i < cols; i++) {
        v[i] = z[i] / nz;
      }
      if (residual <= tolerance) {
        break;
      }
    }
    multiply(w, rows, cols, v, u);
    double sigma = norm(u);
    return new Result(sigma, it, residual, residual <= tolerance, v);
  }

  static void multiply(float[] w, int rows, int cols, double[] v, double[] out) {
    for (int o = 0; o < rows; o++) {
      double s = 0;
      int base = o * cols;
      for (int i = 0; i < cols; i++) {
        s += w[base + i] * v[i];
      }
      out[o] = s;
    }
  }

  static void multiplyTransposed(float[] w, int rows, int cols, double[] u, double[] out) {
    java.util.Arrays.fill(out, 0);
    for (int o = 0; o < rows; o++) {
      double uo = u[o];
      int base = o * cols;
      for (int i = 0; i < cols; i++) {
        out[i] += w[base + i] * uo;
      }
    }
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  static void scale(double[] a, double f) {
    for (int i = 0; i < a.length; i++) {
      a[i] *= f;
    }
  }
}
