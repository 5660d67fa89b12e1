package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bit-exact re-derivation of the determinism contract written in {@link Kernel}'s comment (and the coefficient
 * algebra of bloop.md): EMA in float as keep*e + rho*g; dots in double, element j of a chunk into lane j % 8,
 * lanes summed l0 + l1 + ... + l7, chunks of Layout.CHUNK per tensor summed in (tensor, offset) order;
 * combinations in float left to right. Plain loops here, nothing shared with the kernels. The golden tests
 * bound the error against exact arithmetic; this one pins the exact bits, so that a change of rounding (a
 * reordered reduction, a fused multiply-add, another chunking) cannot slip in unnoticed: it would make results
 * differ from earlier releases and from snapshots taken with them.
 */
class DocumentedRoundingTest {
  static final int[] SIZES = {Layout.CHUNK + 13, 5, 2 * Layout.CHUNK + 9, 0, 77};

  /** Σ over chunks (in order) of the chunk's 8-lane sum of x_j·y_j, x = keep*e + rho*g in float. */
  static double[] documentedDots(float[][] g, float[][] a, float[][] e, float keep, float rho) {
    double sumXX = 0;
    double sumXA = 0;
    for (int t = 0; t < g.length; t++) {
      for (int off = 0; off < g[t].length; off += Layout.CHUNK) {
        int n = Math.min(Layout.CHUNK, g[t].length - off);
        double[] xx = new double[8];
        double[] xa = new double[8];
        for (int j = 0; j < n; j++) {
          float x = keep * e[t][off + j] + rho * g[t][off + j];
          xx[j % 8] += (double) x * (double) x;
          xa[j % 8] += (double) x * (double) a[t][off + j];
        }
        double cx = xx[0];
        double ca = xa[0];
        for (int l = 1; l < 8; l++) {
          cx += xx[l];
          ca += xa[l];
        }
        sumXX += 0.0 + cx;
        sumXA += 0.0 + ca;
      }
    }
    return new double[] {sumXX, sumXA};
  }

  static float[][] documentedEma(float[][] g, float[][] e, float keep, float rho) {
    float[][] out = new float[g.length][];
    for (int t = 0; t < g.length; t++) {
      out[t] = new float[g[t].length];
      for (int i = 0; i < g[t].length; i++) {
        out[t][i] = keep * e[t][i] + rho * g[t][i];
      }
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"mixed:lambda=0.3,rescale=true", "bloop:lambda=0.7,ema=0.1,rescale=true",
      "bloop:lambda=0.7,ema=0.3,ratio-only=true", "dynamic-barrier:lambda=6,ema=0.5",
      "pcgrad:lambda=0.4,ema=0.2,rescale=true"})
  void directionsAndEmasHaveTheDocumentedBits(String spec) {
    GradientSurgery s = GradientSurgery.parse(spec).withThreads(2);
    SurgeryConfig c = s.config();
    Random rnd = new Random(99);
    float[][] e = T.gaussian(rnd, SIZES, 1);
    float[][] f = T.gaussian(rnd, SIZES, 1);
    SurgeryState st = c.method() == Method.PCGRAD ? s.init(e, f) : s.init(e);
    float keep = (float) (1 - c.ema());
    float rho = (float) c.ema();
    double scale = c.rescale() ? 1 / (1 + c.lambda()) : 1;
    double lambda = c.lambda();
    for (int step = 0; step < 3; step++) {
      float[][] g = T.gaussian(rnd, SIZES, 1);
      float[][] a = T.mix(rnd, g, step == 1 ? 1.5 : -0.7, null, 0, 1);
      float[][] d = s.direction(g, a, st);
      float[][] expected = new float[g.length][];
      switch (c.method()) {
        case MIXED -> {
          float c1 = (float) scale;
          float c2 = (float) (scale * lambda);
          for (int t = 0; t < g.length; t++) {
            expected[t] = new float[g[t].length];
            for (int i = 0; i < g[t].length; i++) {
              expected[t][i] = c1 * g[t][i] + c2 * a[t][i];
            }
          }
        }
        case BLOOP, DYNAMIC_BARRIER -> {
          double[] dots = documentedDots(g, a, e, keep, rho);
          double r = dots[1] / (dots[0] + c.eps());
          if (c.method() == Method.DYNAMIC_BARRIER) {
            r = Math.min(r, 1 / lambda);
          }
          e = documentedEma(g, e, keep, rho);
          float c1 = (float) (c.ratioOnly() ? scale * (1 - lambda * r) : scale);
          float c2 = (float) (scale * lambda);
          float c3 = c.ratioOnly() ? 0f : (float) (-scale * lambda * r);
          for (int t = 0; t < g.length; t++) {
            expected[t] = new float[g[t].length];
            for (int i = 0; i < g[t].length; i++) {
              expected[t][i] = (c1 * g[t][i] + c2 * a[t][i]) + c3 * e[t][i];
            }
          }
          assertEquals(Double.doubleToLongBits(r), Double.doubleToLongBits(st.lastRatio()), "ratio bits");
          T.assertBitwise(e, T.emas(st, false), "EMA bits, step " + step);
        }
        case PCGRAD -> {
          double[] dm = documentedDots(g, a, e, keep, rho);
          double[] da = documentedDots(a, g, f, keep, rho);
          double r1 = Math.min(dm[1] / (dm[0] + c.eps()), 0);
          double r2 = Math.min(da[1] / (da[0] + c.eps()), 0);
          e = documentedEma(g, e, keep, rho);
          f = documentedEma(a, f, keep, rho);
          float c1 = (float) scale;
          float c2 = (float) (scale * lambda);
          float c3 = (float) (-scale * lambda * r1);
          float c4 = (float) (-scale * r2);
          for (int t = 0; t < g.length; t++) {
            expected[t] = new float[g[t].length];
            for (int i = 0; i < g[t].length; i++) {
              expected[t][i] = ((c1 * g[t][i] + c2 * a[t][i]) + c3 * e[t][i]) + c4 * f[t][i];
            }
          }
          assertEquals(Double.doubleToLongBits(r1), Double.doubleToLongBits(st.lastRatio()), "r1 bits");
          assertEquals(Double.doubleToLongBits(r2), Double.doubleToLongBits(st.lastRatioAux()), "r2 bits");
          T.assertBitwise(e, T.emas(st, false), "main EMA bits, step " + step);
          T.assertBitwise(f, T.emas(st, true), "aux EMA bits, step " + step);
        }
        default -> throw new AssertionError();
      }
      T.assertBitwise(expected, d, spec + " direction bits, step " + step);
    }
  }
}
