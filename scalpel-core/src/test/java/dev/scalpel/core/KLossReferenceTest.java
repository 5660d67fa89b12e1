package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The priority methods with three and four losses against an independent double-precision reference written from
 * the paper's formulas on whole vectors (Gram–Schmidt on the EMA vectors themselves, not on a Gramian), over
 * multi-step sequences with EMAs; the general path for two losses against the two-loss fast path; and the
 * three-loss toy's fixed points.
 */
class KLossReferenceTest {

  /** Flattened double reference of bloop / mixed / dynamic-barrier / pcgrad for k losses. */
  static final class Reference {
    final String method;
    final double[] lambda;
    final double rho;
    final double eps;
    final boolean rescale;
    final long seed;
    double[][] ema;

    Reference(SurgeryConfig c, int k) {
      method = c.method().specName();
      lambda = new double[k];
      lambda[0] = 1;
      for (int j = 1; j < k; j++) {
        lambda[j] = c.lambda(j);
      }
      rho = c.ema();
      eps = c.eps();
      rescale = c.rescale();
      seed = c.seed();
    }

    static double dot(double[] x, double[] y) {
      double s = 0;
      for (int i = 0; i < x.length; i++) {
        s += x[i] * y[i];
      }
      return s;
    }

    static void axpy(double a, double[] x, double[] y) {
      for (int i = 0; i < x.length; i++) {
        y[i] += a * x[i];
      }
    }

    double[] step(double[][] g, long step) {
      int k = g.length;
      int p = g[0].length;
      double sum = 0;
      for (int j = 1; j < k; j++) {
        sum += lambda[j];
      }
      double s = rescale ? 1 / (1 + sum) : 1;
      double[][] m = new double[k][];
      for (int i = 0; i < k; i++) {
        if (ema != null && ema[i] != null) {
          for (int q = 0; q < p; q++) {
            ema[i][q] = (1 - rho) * ema[i][q] + rho * g[i][q]; // updated first
          }
          m[i] = ema[i];
        } else {
          m[i] = g[i];
        }
      }
      double[] d = new double[p];
      switch (method) {
        case "mixed" -> {
          for (int j = 0; j < k; j++) {
            axpy(s * lambda[j], g[j], d);
          }
        }
        case "bloop" -> {
          double[][] q = new double[k - 1][];
          for (int i = 0; i < k - 1; i++) { // Gram–Schmidt on the EMA vectors
            q[i] = m[i].clone();
            for (int h = 0; h < i; h++) {
              if (q[h] != null) {
                axpy(-dot(m[i], q[h]) / (dot(q[h], q[h]) + eps), q[h], q[i]);
              }
            }
            if (!(dot(q[i], q[i]) > 1e-12 * dot(m[i], m[i]))) {
              q[i] = null;
            }
          }
          axpy(s, g[0], d);
          for (int j = 1; j < k; j++) {
            double[] pj = g[j].clone();
            for (int h = 0; h < j; h++) {
              if (q[h] != null) {
                axpy(-dot(g[j], q[h]) / (dot(q[h], q[h]) + eps), q[h], pj);
              }
            }
            axpy(s * lambda[j], pj, d);
          }
        }
        case "dynamic-barrier" -> {
          double[] a = new double[p];
          for (int j = 1; j < k; j++) {
            axpy(lambda[j], g[j], a);
          }
          double r = Math.min(dot(m[0], a) / (dot(m[0], m[0]) + eps), 1);
          axpy(s, g[0], d);
          axpy(s, a, d);
          axpy(-s * r, m[0], d);
        }
        case "pcgrad" -> {
          int[] order = new int[k - 1];
          for (int i = 0; i < k; i++) {
            double[] pc = g[i].clone();
            CounterRandom.othersInRandomOrder(seed, step, i, k, order); // the same order (an input, not math)
            for (int j : order) {
              double r = Math.min(dot(pc, m[j]) / (dot(m[j], m[j]) + eps), 0);
              axpy(-r, m[j], pc);
            }
            axpy(s * lambda[i], pc, d);
          }
        }
        default -> throw new AssertionError(method);
      }
      return d;
    }
  }

  static double[] flatten(float[][] x) {
    int n = 0;
    for (float[] t : x) {
      n += t.length;
    }
    double[] out = new double[n];
    int o = 0;
    for (float[] t : x) {
      for (float v : t) {
        out[o++] = v;
      }
    }
    return out;
  }

  static Stream<String> specs() {
    return Stream.of("bloop:lambda=0.5/0.2,ema=0.3", "bloop:lambda=2,ema=0.05,init=zeros,rescale=true",
        "bloop:lambda=0.7/0.1,ema=1,eps=0", "bloop:lambda=1,ema=0.5,eps=0.01,init=random,seed=3",
        "mixed:lambda=0.3/2,rescale=true", "dynamic-barrier:lambda=3/0.5,ema=0.2",
        "dynamic-barrier:lambda=0.4,ema=1,rescale=true", "pcgrad:lambda=1,ema=1,seed=4",
        "pcgrad:lambda=0.5/2,ema=0.3,seed=9,init=zeros", "bloop:lambda=0.5/0.3/0.1,ema=0.2");
  }

  /**
   * Tolerance: EMAs in float drift from the double reference by a few ulps per step (contractive), the ratios
   * are computed in double from them, and a direction element is a float sum of up to 2k terms: 1e-5 of the
   * terms' scale is ~100× that rounding, while any real slip (a wrong projection order, a missing eps, an EMA of
   * the wrong gradient, per-stream instead of Gram–Schmidt) is of order 1e-1.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void matchesTheVectorReferenceOverTwentySteps(String spec) {
    GradientSurgery s = GradientSurgery.parse(spec).withThreads(1);
    int k = spec.contains("0.5/0.3/0.1") ? 4 : 3;
    int[] sizes = T.SMALL;
    Random rnd = new Random(spec.hashCode());
    float[][][] base = new float[k][][];
    for (int i = 0; i < k; i++) {
      base[i] = T.gaussian(rnd, sizes, 1);
    }
    float[][][] g0 = new float[k][][];
    for (int i = 0; i < k; i++) {
      g0[i] = T.mix(rnd, base[i], 1, null, 0, 0.3);
    }
    SurgeryState st = s.init(g0);
    Reference ref = new Reference(s.config(), k);
    ref.ema = new double[k][];
    for (int src = 0; src < st.streamCount(); src++) {
      float[][] e = new float[sizes.length][];
      for (int t = 0; t < sizes.length; t++) {
        e[t] = st.stream(src, t);
      }
      ref.ema[st.streamSource(src)] = flatten(e);
    }
    if (st.streamCount() == 0) {
      ref.ema = null;
    }
    for (int step = 0; step < 20; step++) {
      float[][][] g = new float[k][][];
      for (int i = 0; i < k; i++) {
        g[i] = T.mix(rnd, i == 0 ? base[0] : g[i - 1], i == 0 ? 1 : -1 + 2 * rnd.nextDouble(), base[i], i == 0 ? 0 : 1,
            0.5);
      }
      double[][] gd = new double[k][];
      double scale = 0;
      for (int i = 0; i < k; i++) {
        gd[i] = flatten(g[i]);
        for (double v : gd[i]) {
          scale = Math.max(scale, Math.abs(v));
        }
      }
      double[] expected = ref.step(gd, st.step());
      double[] actual = flatten(s.direction(g, st));
      for (int q = 0; q < expected.length; q++) {
        assertEquals(expected[q], actual[q], 1e-5 * scale * (1 + Math.abs(expected[q])),
            spec + " step " + step + " element " + q);
      }
    }
  }

  /**
   * The general k-loss path with two losses computes the two-loss methods: the same Gramian (the same lane sums,
   * bit for bit), the same scalar algebra; only the final combination differs, formed in double and rounded once
   * where the fast path keeps the two-loss release's float sum.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("twoLossSpecs")
  void theGeneralPathWithTwoLossesAgreesWithTheFastPath(String spec) {
    Surgery fast = (Surgery) GradientSurgery.parse(spec).withThreads(1);
    Surgery general = fast.general();
    Random rnd = new Random(11);
    float[][] gm0 = T.gaussian(rnd, T.ACROSS_CHUNK, 1);
    float[][] ga0 = T.gaussian(rnd, T.ACROSS_CHUNK, 1);
    SurgeryState a = fast.init(gm0, ga0);
    SurgeryState b = general.init(gm0, ga0);
    assertEquals(Plan.Mode.FUSED, a.plan.mode);
    assertEquals(Plan.Mode.GENERAL, b.plan.mode);
    for (int step = 0; step < 10; step++) {
      float[][] gm = T.mix(rnd, gm0, 1, null, 0, 0.5);
      float[][] ga = T.mix(rnd, gm, -2 + 4 * rnd.nextDouble(), ga0, 1, 0.5);
      float[][] da = fast.direction(gm, ga, a);
      float[][] db = general.direction(gm, ga, b);
      for (int t = 0; t < da.length; t++) {
        for (int i = 0; i < da[t].length; i++) {
          assertEquals(da[t][i], db[t][i], 1e-5 * (1 + Math.abs(da[t][i])), spec + " step " + step);
        }
      }
      if (!Double.isNaN(a.lastRatio()) && !spec.startsWith("dynamic-barrier")) {
        assertEquals(a.lastRatio(), b.lastRatio(), 1e-9 * (1 + Math.abs(a.lastRatio())), spec);
      }
      for (int s = 0; s < a.streamCount(); s++) { // the EMAs are float in both: the very same bits
        for (int t = 0; t < da.length; t++) {
          assertEquals(java.util.Arrays.toString(a.stream(s, t)), java.util.Arrays.toString(b.stream(s, t)));
        }
      }
    }
  }

  static Stream<String> twoLossSpecs() {
    return Stream.of("mixed:lambda=0.7", "bloop:lambda=0.5,ema=0.2", "bloop:lambda=2,ema=0.1,ratio-only=true",
        "dynamic-barrier:lambda=3,ema=0.3", "pcgrad:lambda=0.8,ema=0.4", "bloop:lambda=0.5,ema=1,rescale=true");
  }

  // ------------------------------------------------------------------ the three-loss toy (§3.3 with a third loss)

  /** θ=(a,b,c); f0=½a², f1=½((a−1)²+b²), f2=½((a−1)²+(b−1)²+c²); full-batch GD from (1,1,1), lr 0.1. */
  static double[] toy(String spec, int steps) {
    GradientSurgery s = GradientSurgery.parse(spec).withThreads(1);
    float[] th = {1, 1, 1};
    SurgeryState st = null;
    for (int i = 0; i < steps; i++) {
      float a = th[0];
      float b = th[1];
      float c = th[2];
      float[][][] g = {{{a, 0, 0}}, {{a - 1, b, 0}}, {{a - 1, b - 1, c}}};
      if (st == null) {
        st = s.init(g);
      }
      float[] d = s.direction(g, st)[0];
      for (int q = 0; q < 3; q++) {
        th[q] -= 0.1f * d[q];
      }
    }
    return new double[] {th[0], th[1], th[2]};
  }

  /** The paper's claim: on the toy, bloop's Gram–Schmidt direction is exactly (a, λ1 b, λ2 c). */
  @Test
  void bloopsDirectionOnTheToyIsTheScaledCoordinates() {
    Random rnd = new Random(12);
    GradientSurgery s = GradientSurgery.parse("bloop:lambda=0.7/2.5,ema=1,eps=0").withThreads(1);
    for (int trial = 0; trial < 50; trial++) {
      float a = (float) rnd.nextGaussian();
      float b = (float) rnd.nextGaussian();
      float c = (float) rnd.nextGaussian();
      float[][][] g = {{{a, 0, 0}}, {{a - 1, b, 0}}, {{a - 1, b - 1, c}}};
      float[] d = s.direction(g, s.init(g))[0];
      assertEquals(a, d[0], 1e-5 * (1 + 1 / Math.abs(a)));
      assertEquals(0.7 * b, d[1], 1e-5 * (1 + 1 / Math.abs(b)));
      assertEquals(2.5 * c, d[2], 1e-5);
    }
  }

  /**
   * Hence full-batch GD approaches the origin for every λ (each coordinate decays by 1 − 0.1λ per step), the main
   * loss all the way. Finite precision ends the approach, as docs/methods.md says: Gram–Schmidt on the Gramian
   * squares the condition number, so once b is ~1e-5 the projection of g2 off q1 ≈ (0, b, 0) carries a relative
   * error ~1e-16/b², and below |q1|² = 1e-12 |g1|² q1 is dropped: g1 is then collinear with g0 in working
   * precision, g2's y-component is no longer projected out, and b is pushed back up (a limit cycle, not a
   * divergence). And a run must end before a underflows (0.9^n < 1e-38 near n = 850).
   */
  @Test
  void bloopApproachesTheOriginForEveryLambda() {
    for (String lambda : new String[] {"1/1", "1/0.5", "3/2", "0.5/5", "8/0.7"}) {
      double closest = Double.POSITIVE_INFINITY;
      double[] th = null;
      for (int steps = 100; steps <= 700; steps += 50) {
        th = toy("bloop:lambda=" + lambda + ",ema=1,eps=0", steps);
        closest = Math.min(closest, Math.max(Math.abs(th[0]), Math.max(Math.abs(th[1]), Math.abs(th[2]))));
      }
      assertTrue(closest < 1e-4, "bloop λ=" + lambda + " comes within 1e-4 of (0,0,0): " + closest);
      assertEquals(0, th[0], 1e-9, "bloop λ=" + lambda + ": the main loss goes all the way");
      assertEquals(0, th[2], 1e-9, "bloop λ=" + lambda + ": c, projected off nothing it conflicts with");
    }
  }

  /**
   * Mixed minimises f0 + λ1 f1 + λ2 f2: ∂a = a + (λ1+λ2)(a−1) = 0, ∂b = λ1 b + λ2 (b−1) = 0, ∂c = λ2 c = 0, so
   * (a, b, c) = ((λ1+λ2)/(1+λ1+λ2), λ2/(λ1+λ2), 0).
   */
  @Test
  void mixedReachesItsWeightedMinimiser() {
    for (double[] l : new double[][] {{0.5, 0.5}, {1, 2}, {3, 0.5}}) {
      double[] th = toy("mixed:lambda=" + l[0] + "/" + l[1], 6000);
      assertEquals((l[0] + l[1]) / (1 + l[0] + l[1]), th[0], 1e-4);
      assertEquals(l[1] / (l[0] + l[1]), th[1], 1e-4);
      assertEquals(0, th[2], 1e-4);
    }
  }

  @Test
  void bloopWithEmaStillProtectsTheMainLossOnTheToy() {
    double[] th = toy("bloop:lambda=1/1,ema=0.5,eps=0", 6000);
    assertTrue(Math.abs(th[0]) < 1e-2, java.util.Arrays.toString(th));
  }
}
