package dev.scalpel.experiments.smooth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import dev.scalpel.djl.ParameterInfo;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Spectral norms against a double-precision reference (cyclic Jacobi eigenvalues of WᵀW) on small matrices, and
 * the training-time gradient 2uvᵀ/σ against finite differences of the accurate Σ 2 log σ.
 */
class SpectralNormTest {

  @Test
  void accurateSigmaMatchesJacobiReference() {
    int[][] shapes = {{5, 8}, {12, 7}, {30, 20}, {1, 6}, {6, 1}};
    for (int[] s : shapes) {
      float[] w = random(s[0] * s[1], 31L * s[0] + s[1]);
      double ref = jacobiSigmaMax(w, s[0], s[1]);
      SpectralNorms.Result r = SpectralNorms.largestSingularValue(w, s[0], s[1], null,
          SpectralNorms.DEFAULT_TOLERANCE);
      assertTrue(r.converged(), "converged for " + s[0] + "x" + s[1]);
      assertEquals(ref, r.sigma(), 1e-7 * ref, s[0] + "x" + s[1] + " after " + r.iterations() + " iterations");
    }
    // a matrix with two nearly equal top singular values still gives σ_max accurately
    float[] w = new float[4 * 4];
    w[0] = 3f;
    w[5] = 2.9999f;
    w[10] = 1f;
    w[15] = 0.5f;
    assertEquals(3.0, SpectralNorms.largestSingularValue(w, 4, 4, null, 1e-7).sigma(), 1e-6);
  }

  @Test
  void lossValueAndGradientMatchFiniteDifferences() {
    List<ParameterInfo> ps = List.of(new ParameterInfo(0, "w1", new Shape(6, 4)),
        new ParameterInfo(1, "b1", new Shape(6)), new ParameterInfo(2, "w2", new Shape(3, 6)));
    float[][] values = {random(24, 1), random(6, 2), random(18, 3)};
    SpectralNormLoss loss = new SpectralNormLoss(200, 5); // many rounds: u, v converge, the gradient is exact
    loss.bind(ps);
    float[][] grad = {new float[24], new float[6], new float[18]};
    double value = loss.valueAndGradient(wrap(values), grad);
    double accurate = loss.accurateValue(values);
    assertEquals(accurate, value, 1e-5);
    double expected = 2 * Math.log(jacobiSigmaMax(values[0], 6, 4)) + 2 * Math.log(jacobiSigmaMax(values[2], 3, 6));
    assertEquals(expected, accurate, 1e-9);
    for (float g : grad[1]) {
      assertEquals(0f, g);
    }
    double h = 1e-3;
    for (int t : new int[] {0, 2}) {
      for (int i = 0; i < values[t].length; i++) {
        double[] fd = new double[2];
        for (int sgn = 0; sgn < 2; sgn++) {
          float[][] moved = {values[0].clone(), values[1].clone(), values[2].clone()};
          moved[t][i] += (float) (sgn == 0 ? h : -h);
          fd[sgn] = 2 * Math.log(jacobiSigmaMax(moved[0], 6, 4)) + 2 * Math.log(jacobiSigmaMax(moved[2], 3, 6));
        }
        double numeric = (fd[0] - fd[1]) / (2 * h);
        assertEquals(numeric, grad[t][i], 2e-3, "tensor " + t + " element " + i);
      }
    }
    // state round trip
    SpectralNormLoss other = new SpectralNormLoss(200, 99);
    other.bind(ps);
    other.restoreState(loss.saveState());
    assertEquals(java.util.Arrays.toString(loss.saveState()), java.util.Arrays.toString(other.saveState()));
  }

  @Test
  void onePowerIterationPerStepConvergesOverSteps() {
    List<ParameterInfo> ps = List.of(new ParameterInfo(0, "w", new Shape(20, 10)));
    float[][] values = {random(200, 9)};
    SpectralNormLoss loss = new SpectralNormLoss(1, 1);
    loss.bind(ps);
    float[][] grad = {new float[200]};
    double v = 0;
    for (int k = 0; k < 300; k++) {
      v = loss.valueAndGradient(wrap(values), grad);
    }
    assertEquals(2 * Math.log(jacobiSigmaMax(values[0], 20, 10)), v, 1e-5);
  }

  static FloatBuffer[] wrap(float[][] a) {
    FloatBuffer[] b = new FloatBuffer[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = FloatBuffer.wrap(a[i]).asReadOnlyBuffer();
    }
    return b;
  }

  static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }

  /** σ_max = sqrt(λ_max(WᵀW)) by the cyclic Jacobi eigenvalue method in double. */
  static double jacobiSigmaMax(float[] w, int rows, int cols) {
    int n = cols;
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int o = 0; o < rows; o++) {
          s += (double) w[o * cols + i] * w[o * cols + j];
        }
        a[i][j] = s;
      }
    }
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          off += a[p][q] * a[p][q];
        }
      }
      if (off < 1e-30) {
        break;
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          if (Math.abs(a[p][q]) < 1e-300) {
            continue;
          }
          double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < n; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
          }
          for (int k = 0; k < n; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
          }
        }
      }
    }
    double max = 0;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, a[i][i]);
    }
    return Math.sqrt(max);
  }
}
