package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden comparisons against {@link ReferenceSurgery} (double precision, written from bloop.md): multi-tensor
 * models, 20 steps of random gradients, every method and option.
 *
 * <p>Tolerance. The implementation keeps its EMAs in float and combines in float; the reference is double. Each
 * EMA update is a convex combination rounded once or twice (relative error ≤ 2u, u = 2^-24 ≈ 6e-8) and the
 * recursion is contractive, so after 20 steps an EMA element is off by at most ~40u ≈ 2.4e-6 of the gradients'
 * scale. A direction element is a float sum of 2–4 terms: its rounding is ≤ 4u times the sum of the terms'
 * absolute values (their condition), plus the EMA error propagated through r (computed in double from float
 * EMAs, so r's error is ≤ ~40u of Σ|e_i g_a_i|/|e|²). Hence: |d − d_ref| ≤ 1e-5 (scale + Σ|terms|), about 100×
 * the worst rounding expected, while any real slip (a wrong sign, a missing eps or rescale, an EMA of the wrong
 * vector, per-tensor instead of global dots, r off by 1e-3) is orders of magnitude larger.
 */
class GoldenReferenceTest {
  static final double TOL = 1e-5;
  static final int STEPS = 20;

  /** Branch coverage across all cases, so the golden cases are known to exercise clip and conflict paths. */
  static final AtomicInteger BARRIER_CLIPPED = new AtomicInteger();
  static final AtomicInteger BARRIER_FREE = new AtomicInteger();
  static final AtomicInteger PC_AUX_PROJECTED = new AtomicInteger();
  static final AtomicInteger PC_AUX_FREE = new AtomicInteger();
  static final AtomicInteger PC_MAIN_PROJECTED = new AtomicInteger();
  static final AtomicInteger PC_MAIN_FREE = new AtomicInteger();

  record Case(String spec, int[] sizes, double scale, long seed) {
    @Override
    public String toString() {
      return spec + " sizes=" + Arrays.toString(sizes) + " scale=" + scale;
    }
  }

  static Stream<Case> cases() {
    List<Case> cases = new ArrayList<>();
    long seed = 1;
    for (double lambda : new double[] {0, 0.1, 3}) {
      for (boolean rescale : new boolean[] {false, true}) {
        cases.add(new Case("mixed:lambda=" + lambda + ",rescale=" + rescale, T.SMALL, 1, seed++));
      }
    }
    double[] lambdas = {0.3, 2, 10};
    String[] epss = {"1e-7", "0", "0.01", "1"};
    int k = 0;
    for (String method : new String[] {"bloop", "dynamic-barrier", "pcgrad", "bloop-ratio"}) {
      for (String ema : new String[] {"0.01", "0.1", "0.5", "1"}) {
        for (String init : new String[] {"grad", "zeros", "random"}) {
          for (boolean rescale : new boolean[] {false, true}) {
            String name = method.equals("bloop-ratio") ? "bloop" : method;
            String spec = name + ":lambda=" + lambdas[k % 3] + ",ema=" + ema + ",init=" + init + ",rescale="
                + rescale + ",eps=" + epss[(k / 3) % 4] + ",seed=" + k
                + (method.equals("bloop-ratio") ? ",ratio-only=true" : "");
            cases.add(new Case(spec, T.SMALL, 1, seed++));
            k++;
          }
        }
      }
    }
    // chunk boundaries, other scales, the spelling "gradients", defaults
    cases.add(new Case("bloop:lambda=0.5,ema=0.05", T.ACROSS_CHUNK, 1, seed++));
    cases.add(new Case("dynamic-barrier:lambda=2,ema=0.2,rescale=true", T.ACROSS_CHUNK, 1, seed++));
    cases.add(new Case("pcgrad:lambda=0.7,ema=0.3,init=random", T.ACROSS_CHUNK, 1, seed++));
    cases.add(new Case("mixed:lambda=0.25", T.ACROSS_CHUNK, 1, seed++));
    cases.add(new Case("bloop:lambda=0.5,ema=0.1,ratio-only=true", T.ACROSS_CHUNK, 1, seed++));
    cases.add(new Case("bloop:lambda=1,ema=0.1,init=gradients", T.SMALL, 1e-3, seed++));
    cases.add(new Case("dynamic-barrier:lambda=5,ema=0.5", T.SMALL, 1e3, seed++));
    cases.add(new Case("pcgrad:lambda=0.2,ema=0.1,rescale=true", T.SMALL, 1e-4, seed++));
    cases.add(new Case("bloop", new int[] {1}, 1, seed++));
    cases.add(new Case("pcgrad", new int[] {3, 0, 2}, 1, seed++));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesTheDoubleReferenceOverTwentySteps(Case c) {
    GradientSurgery surgery = GradientSurgery.parse(c.spec()).withThreads(1);
    SurgeryConfig config = surgery.config();
    Random rnd = new Random(c.seed());
    int[] sizes = c.sizes();
    float[][] baseMain = T.gaussian(rnd, sizes, c.scale());
    float[][] baseAux = T.gaussian(rnd, sizes, c.scale());
    float[][] template = T.mix(rnd, baseMain, 1, null, 0, 0.5 * c.scale());
    float[][] auxTemplate = T.mix(rnd, baseAux, 1, null, 0, 0.5 * c.scale());

    SurgeryState state = config.method() == Method.PCGRAD ? surgery.init(template, auxTemplate)
        : surgery.init(template);
    ReferenceSurgery ref = ReferenceSurgery.of(config);
    switch (config.method()) {
      case MIXED -> ref.start(null, null);
      case BLOOP, DYNAMIC_BARRIER -> ref.start(startOf(config, template, T.emas(state, false)), null);
      case PCGRAD -> ref.start(startOf(config, template, T.emas(state, false)),
          startOf(config, auxTemplate, T.emas(state, true)));
      default -> fail();
    }

    for (int step = 0; step < STEPS; step++) {
      float[][] gm = T.mix(rnd, baseMain, 1, null, 0, 0.7 * c.scale());
      double coupling = -5 + 10 * rnd.nextDouble(); // g_aux = coupling·g_main + own part: both signs, both regimes
      float[][] ga = T.mix(rnd, gm, coupling, baseAux, 1, 0.3 * c.scale());
      float[][] gmIn = T.copy(gm);
      float[][] gaIn = T.copy(ga);

      float[][] d = surgery.direction(gmIn, gaIn, state);
      double[] dRef = ref.step(gm, ga);

      T.assertBitwise(gm, gmIn, "g_main must not be modified");
      T.assertBitwise(ga, gaIn, "g_aux must not be modified");
      String where = c + " step " + step;
      assertClose(dRef, ref.magnitude, ReferenceSurgery.flatten(d), c.scale(), where + " direction");
      assertEquals(step + 1, state.step(), where);
      switch (config.method()) {
        case MIXED -> assertTrue(Double.isNaN(state.lastRatio()), where + " mixed has no ratio");
        case BLOOP, DYNAMIC_BARRIER -> {
          assertEma(ref.e, T.emas(state, false), c.scale(), where + " EMA");
          assertRatio(ref.r, ref.ratioScale, state.lastRatio(), where);
          if (config.method() == Method.DYNAMIC_BARRIER) {
            (ref.clipped ? BARRIER_CLIPPED : BARRIER_FREE).incrementAndGet();
            assertTrue(state.lastRatio() <= 1 / config.lambda() * (1 + 1e-12), where + " clipped ratio");
          }
        }
        case PCGRAD -> {
          assertEma(ref.e, T.emas(state, false), c.scale(), where + " main EMA");
          assertEma(ref.ea, T.emas(state, true), c.scale(), where + " aux EMA");
          assertRatio(ref.r1, ref.ratioScale, state.lastRatio(), where + " r1");
          assertRatio(ref.r2, ref.ratioScale, state.lastRatioAux(), where + " r2");
          assertTrue(state.lastRatio() <= 0 && state.lastRatioAux() <= 0, where + " pcgrad ratios are <= 0");
          (ref.projectedAux ? PC_AUX_PROJECTED : PC_AUX_FREE).incrementAndGet();
          (ref.projectedMain ? PC_MAIN_PROJECTED : PC_MAIN_FREE).incrementAndGet();
        }
        default -> fail();
      }
    }
  }

  /** The reference's EMA start: the template for init=grad, zeros for init=zeros, the state's own for random. */
  private static float[][] startOf(SurgeryConfig config, float[][] template, float[][] stateEma) {
    return switch (config.init()) {
      case GRAD -> {
        T.assertBitwise(template, stateEma, "init=grad copies the template");
        yield template;
      }
      case ZEROS -> {
        T.assertBitwise(T.zerosLike(T.emaSizes(template)), stateEma, "init=zeros");
        yield stateEma;
      }
      case RANDOM -> stateEma; // checked for its distribution in InitTest
    };
  }

  static void assertClose(double[] expected, double[] magnitude, double[] actual, double scale, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double tol = TOL * (scale + magnitude[i]);
      if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
        fail(what + ": element " + i + " expected " + expected[i] + " got " + actual[i] + " (|diff| "
            + Math.abs(actual[i] - expected[i]) + " > " + tol + ")");
      }
    }
  }

  static void assertEma(double[] expected, float[][] actual, double scale, String what) {
    double[] a = ReferenceSurgery.flatten(actual);
    assertEquals(expected.length, a.length, what);
    for (int i = 0; i < a.length; i++) {
      double tol = TOL * (scale + Math.abs(expected[i]));
      if (!(Math.abs(a[i] - expected[i]) <= tol)) {
        fail(what + ": element " + i + " expected " + expected[i] + " got " + a[i]);
      }
    }
  }

  static void assertRatio(double expected, double ratioScale, double actual, String what) {
    double tol = TOL * (ratioScale + Math.abs(expected)) + 1e-300;
    if (!(Math.abs(actual - expected) <= tol)) {
      fail(what + ": ratio expected " + expected + " got " + actual + " (tol " + tol + ")");
    }
  }

  @AfterAll
  static void theCasesCoverEveryBranch() {
    assertTrue(BARRIER_CLIPPED.get() > 10, "dynamic-barrier steps clipped: " + BARRIER_CLIPPED);
    assertTrue(BARRIER_FREE.get() > 10, "dynamic-barrier steps not clipped: " + BARRIER_FREE);
    assertTrue(PC_AUX_PROJECTED.get() > 10, "pcgrad steps projecting g_aux: " + PC_AUX_PROJECTED);
    assertTrue(PC_AUX_FREE.get() > 10, "pcgrad steps not projecting g_aux: " + PC_AUX_FREE);
    assertTrue(PC_MAIN_PROJECTED.get() > 10, "pcgrad steps projecting g_main: " + PC_MAIN_PROJECTED);
    assertTrue(PC_MAIN_FREE.get() > 10, "pcgrad steps not projecting g_main: " + PC_MAIN_FREE);
  }

  /** The reference itself against numbers worked out by hand, so a slip in it cannot hide a slip in the code. */
  @Test
  void referenceAgreesWithHandComputedValues() {
    float[][] gm = {{1, 0}, {0}};
    float[][] ga = {{1, 1}, {2}};
    // mixed, λ = 0.5, rescale: s = 2/3; d = 2/3 (g_m + 0.5 g_a) = 2/3 (1.5, 0.5, 1) = (1, 1/3, 2/3)
    double[] d = new ReferenceSurgery("mixed", 0.5, 1, true, false, 0).step(gm, ga);
    assertArrayClose(new double[] {1, 1.0 / 3, 2.0 / 3}, d);
    // bloop, ρ = 1, eps 0: e = g_m, r = <g_m,g_a>/|g_m|² = 1, d = g_m + λ (g_a − g_m) = (1, λ, 2λ)
    ReferenceSurgery b = new ReferenceSurgery("bloop", 0.5, 1, false, false, 0).start(new float[][] {{9, 9}, {9}}, null);
    assertArrayClose(new double[] {1, 0.5, 1}, b.step(gm, ga));
    assertEquals(1, b.r, 0);
    // bloop, ρ = 0.5 from e0 = (3, 0, 0): e = (2, 0, 0), r = 2/4 = 0.5, d = g_m + λ (g_a − 0.5 e) = (1, λ, 2λ)
    ReferenceSurgery b2 = new ReferenceSurgery("bloop", 2, 0.5, false, false, 0).start(new float[][] {{3, 0}, {0}}, null);
    assertArrayClose(new double[] {1, 2, 4}, b2.step(gm, ga));
    assertArrayClose(new double[] {2, 0, 0}, b2.e);
    // ratio-only: d = (1 − λ r) g_m + λ g_a = 0·g_m + 2 g_a with λ = 2, r = 0.5
    ReferenceSurgery b3 = new ReferenceSurgery("bloop", 2, 0.5, false, true, 0).start(new float[][] {{3, 0}, {0}}, null);
    assertArrayClose(new double[] {2, 2, 4}, b3.step(gm, ga));
    // barrier, λ = 4 clips r = 1 to 1/4: d = g_m + 4 (g_a − 0.25 g_m) = (4, 4, 8)
    ReferenceSurgery db = new ReferenceSurgery("dynamic-barrier", 4, 1, false, false, 0).start(new float[][] {{0, 0}, {0}}, null);
    assertArrayClose(new double[] {4, 4, 8}, db.step(gm, ga));
    assertTrue(db.clipped);
    // pcgrad, ρ = 1, conflicting: g_m = (1, 0), g_a = (−1, 1): r1 = −1/1, r2 = −1/2
    // d = (g_m + 0.5 g_a) + λ (g_a + g_m) = (0.5, 0.5) + λ (0, 1)
    ReferenceSurgery pc = new ReferenceSurgery("pcgrad", 3, 1, false, false, 0)
        .start(new float[][] {{0, 0}}, new float[][] {{0, 0}});
    assertArrayClose(new double[] {0.5, 3.5}, pc.step(new float[][] {{1, 0}}, new float[][] {{-1, 1}}));
    assertEquals(-1, pc.r1, 0);
    assertEquals(-0.5, pc.r2, 0);
    // pcgrad without conflict is mixed
    ReferenceSurgery pc2 = new ReferenceSurgery("pcgrad", 3, 1, false, false, 0)
        .start(new float[][] {{0, 0}}, new float[][] {{0, 0}});
    assertArrayClose(new double[] {4, 3}, pc2.step(new float[][] {{1, 0}}, new float[][] {{1, 1}}));
    assertFalse(pc2.projectedAux || pc2.projectedMain);
  }

  private static void assertArrayClose(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-12, "element " + i);
    }
  }
}
