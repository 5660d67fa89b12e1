package dev.scalpel.core;

import java.util.List;
import java.util.Random;

/** Helpers for the k-loss tests: Jacobians as gradients, one-step directions, Gramians in double. */
final class K {
  private K() {
  }

  /** Every method, each in a configuration that works for any number of losses ≥ 2. */
  static final List<String> EVERY_METHOD = List.of("mixed:lambda=0.5", "bloop:lambda=0.5,ema=1",
      "bloop:lambda=0.7,ema=0.3", "dynamic-barrier:lambda=0.5,ema=1", "dynamic-barrier:lambda=2,ema=0.4",
      "pcgrad:lambda=1,ema=1", "pcgrad:lambda=0.5,ema=0.5,seed=3", "mean", "sum", "constant:weights=0.5",
      "random:seed=3", "mgda", "mgda:normalization=l2", "upgrad", "upgrad:reg=1e-4", "dualproj", "cagrad",
      "cagrad:c=1,rescale=1", "nash-mtl", "nash-mtl:max-norm=0", "imtl-g", "aligned-mtl",
      "aligned-mtl:scale=median,pref=1", "gradvac:seed=5", "graddrop:seed=7", "graddrop:leak=0.2");

  /** The methods whose direction satisfies J·d ≥ 0 whenever a non-conflicting direction exists. */
  static final List<String> NON_CONFLICTING = List.of("mgda", "upgrad", "dualproj", "nash-mtl",
      "nash-mtl:max-norm=0", "cagrad:c=1", "cagrad:c=2");

  /** k gradients of one tensor each, from the rows of j (rounded to float). */
  static float[][][] gradients(double[][] j) {
    float[][][] g = new float[j.length][1][];
    for (int i = 0; i < j.length; i++) {
      g[i][0] = new float[j[i].length];
      for (int p = 0; p < j[i].length; p++) {
        g[i][0][p] = (float) j[i][p];
      }
    }
    return g;
  }

  /** One direction of a fresh state (init from the same gradients), as doubles. */
  static double[] direction(String spec, double[][] j) {
    GradientSurgery s = GradientSurgery.parse(spec).withThreads(1);
    float[][][] g = gradients(j);
    SurgeryState st = s.init(g);
    float[] d = s.direction(g, st)[0];
    double[] out = new double[d.length];
    for (int i = 0; i < d.length; i++) {
      out[i] = d[i];
    }
    return out;
  }

  static double[][] random(Random rnd, int k, int p, double scale) {
    double[][] j = new double[k][p];
    for (int i = 0; i < k; i++) {
      for (int q = 0; q < p; q++) {
        j[i][q] = (float) (scale * rnd.nextGaussian());
      }
    }
    return j;
  }

  static double[] times(double[][] j, double[] d) {
    double[] out = new double[j.length];
    for (int i = 0; i < j.length; i++) {
      for (int q = 0; q < d.length; q++) {
        out[i] += j[i][q] * d[q];
      }
    }
    return out;
  }

  static double norm(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return Math.sqrt(s);
  }

  static double maxAbs(double[][] j) {
    double m = 0;
    for (double[] row : j) {
      for (double v : row) {
        m = Math.max(m, Math.abs(v));
      }
    }
    return m;
  }

  static double[][] gramian(double[][] j) {
    int k = j.length;
    double[][] g = new double[k][k];
    for (int a = 0; a < k; a++) {
      for (int b = 0; b < k; b++) {
        for (int q = 0; q < j[a].length; q++) {
          g[a][b] += j[a][q] * j[b][q];
        }
      }
    }
    return g;
  }
}
