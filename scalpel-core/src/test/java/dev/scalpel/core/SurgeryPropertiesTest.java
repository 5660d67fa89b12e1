package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.statistics.Statistics;

/**
 * Algebraic properties of the directions, checked on random multi-tensor gradients (jqwik). Inner products of
 * float outputs are taken in double; their tolerance is 1e-5 times the sum of the absolute values of the products
 * involved (the inner product's own condition), i.e. ~100× the float rounding of the terms (u = 6e-8, a few
 * roundings each), far below what a wrong coefficient would produce.
 */
class SurgeryPropertiesTest {
  static final double TOL = 1e-5;

  @Provide
  Arbitrary<int[]> sizes() {
    return Arbitraries.integers().between(1, 70).array(int[].class).ofMinSize(1).ofMaxSize(4);
  }

  @Provide
  Arbitrary<String> init() {
    return Arbitraries.of("grad", "zeros", "random");
  }

  @Provide
  Arbitrary<Double> emaRate() {
    return Arbitraries.oneOf(Arbitraries.of(1.0, 0.5, 0.01), Arbitraries.doubles().between(0.001, 1).ofScale(6));
  }

  /** Gradients whose g_aux has a real component along g_main (both signs), so projections matter. */
  record Run(float[][][] main, float[][][] aux, float[][] template) {
  }

  static Run run(long seed, int[] sizes, int steps) {
    Random rnd = new Random(seed);
    float[][] base = T.gaussian(rnd, sizes, 1);
    float[][][] main = new float[steps][][];
    float[][][] aux = new float[steps][][];
    for (int k = 0; k < steps; k++) {
      main[k] = T.mix(rnd, base, 1, null, 0, 0.6);
      double c = (rnd.nextBoolean() ? 1 : -1) * (0.3 + 2 * rnd.nextDouble());
      aux[k] = T.mix(rnd, main[k], c, null, 0, 1);
    }
    return new Run(main, aux, T.mix(rnd, base, 1, null, 0, 0.6));
  }

  // ---------------------------------------------------------------- random configurations vs the reference

  @Provide
  Arbitrary<SurgeryConfig> anyConfig() {
    Arbitrary<Method> method = Arbitraries.of(Method.MIXED, Method.BLOOP, Method.DYNAMIC_BARRIER, Method.PCGRAD);
    Arbitrary<Double> lambda = Arbitraries.oneOf(Arbitraries.of(0.0, 1.0),
        Arbitraries.doubles().between(0, 20).ofScale(6));
    Arbitrary<Double> eps = Arbitraries.of(0.0, 1e-7, 1e-3, 0.5, 10.0);
    Arbitrary<InitMode> init = Arbitraries.of(InitMode.class);
    return net.jqwik.api.Combinators.combine(method, lambda, emaRate(), eps, init, Arbitraries.longs(),
        Arbitraries.of(true, false), Arbitraries.of(true, false)).as((m, l, e, ep, in, seed, rescale, ratio) ->
        SurgeryConfig.of(m, l, e, in, seed, rescale, ratio && m == Method.BLOOP, ep, NonFinitePolicy.THROW));
  }

  /**
   * The golden comparison of GoldenReferenceTest on random configurations, sizes and histories (same tolerance,
   * same justification: 1e-5 of the terms' absolute sum, ~100× the float rounding of a few steps).
   */
  @Property(tries = 150)
  void anyConfigurationMatchesTheReference(@ForAll("anyConfig") SurgeryConfig config, @ForAll("sizes") int[] sizes,
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int steps) {
    GradientSurgery surgery = GradientSurgery.of(config).withThreads(1);
    Run r = run(seed, sizes, steps);
    SurgeryState state = T.init(surgery, r.template());
    ReferenceSurgery ref = ReferenceSurgery.of(config);
    switch (config.method()) {
      case MIXED -> ref.start(null, null);
      case BLOOP, DYNAMIC_BARRIER -> ref.start(T.emas(state, false), null);
      default -> ref.start(T.emas(state, false), T.emas(state, true));
    }
    for (int k = 0; k < steps; k++) {
      float[][] d = surgery.direction(r.main()[k], r.aux()[k], state);
      double[] expected = ref.step(r.main()[k], r.aux()[k]);
      GoldenReferenceTest.assertClose(expected, ref.magnitude, ReferenceSurgery.flatten(d), 1,
          config.toSpec() + " step " + k);
    }
  }

  // ---------------------------------------------------------------- bloop: the correction is orthogonal to e

  /**
   * bloop (not ratio-only): d − s·g_m = s λ (g_a − r e) with r = <e,g_a>/(|e|²+eps), so
   * <d − s g_m, e> = s λ <g_a,e> · eps/(|e|²+eps): zero up to that eps term, whatever ρ, init and history.
   */
  @Property(tries = 150)
  void bloopCorrectionIsOrthogonalToTheEma(@ForAll("sizes") int[] sizes, @ForAll long seed,
      @ForAll @DoubleRange(min = 0.01, max = 10) @Scale(6) double lambda, @ForAll("emaRate") double ema,
      @ForAll("init") String init, @ForAll boolean rescale, @ForAll @IntRange(min = 1, max = 5) int steps) {
    GradientSurgery bloop = GradientSurgery.parse("bloop:lambda=" + lambda + ",ema=" + ema + ",init=" + init
        + ",rescale=" + rescale + ",seed=" + seed);
    double s = rescale ? 1 / (1 + lambda) : 1;
    double eps = 1e-7;
    Run r = run(seed, sizes, steps);
    SurgeryState state = bloop.init(r.template());
    for (int k = 0; k < steps; k++) {
      float[][] gm = r.main()[k];
      float[][] ga = r.aux()[k];
      float[][] d = bloop.direction(gm, ga, state);
      float[][] e = T.emas(state, false); // the EMA after its update: the one projected out
      double inner = 0;
      double condition = 0;
      double ee = T.dot(e, e);
      double ae = T.dot(ga, e);
      for (int t = 0; t < d.length; t++) {
        for (int i = 0; i < d[t].length; i++) {
          double x = (double) d[t][i] - s * gm[t][i];
          inner += x * e[t][i];
          condition += (Math.abs(d[t][i]) + s * Math.abs(gm[t][i]) + s * lambda * Math.abs(ga[t][i])) * Math.abs(e[t][i]);
        }
      }
      double epsTerm = s * lambda * Math.abs(ae) * eps / (ee + eps);
      double bound = TOL * condition + epsTerm;
      if (!(Math.abs(inner) <= bound)) {
        fail("step " + k + ": <d - s g_m, e> = " + inner + " exceeds " + bound + " (|<s λ g_a, e>| = "
            + s * lambda * Math.abs(ae) + ")");
      }
      // the property is not vacuous: g_a itself is usually far from orthogonal to e
      Statistics.label("aux not orthogonal to e").collect(s * lambda * Math.abs(ae) > 100 * bound);
    }
    Statistics.label("aux not orthogonal to e").coverage(c -> c.check(true).percentage(p -> p > 50));
  }

  // ---------------------------------------------------------------- λ = 0 gives exactly g_main

  /**
   * With λ = 0, mixed, bloop (plain and ratio-only) and the dynamic barrier return g_m itself: c1 = s = 1 and
   * the other coefficients are 0. Bitwise for every non-zero element; an input −0.0 may come out +0.0 because
   * IEEE gives −0 + (+0) = +0 (no optimiser can tell them apart), so zeros are compared as values. pcgrad is
   * not in this list: per bloop.md its g_m is itself projected off e_a on conflict (checked below).
   */
  @Property(tries = 150)
  void lambdaZeroReturnsGMainExactly(@ForAll("sizes") int[] sizes, @ForAll long seed,
      @ForAll("zeroLambdaSpecs") String method, @ForAll("emaRate") double ema, @ForAll("init") String init,
      @ForAll boolean rescale, @ForAll @IntRange(min = 1, max = 4) int steps) {
    String spec = method + (method.equals("mixed") ? ":lambda=0,rescale=" + rescale
        : ",lambda=0,ema=" + ema + ",init=" + init + ",rescale=" + rescale + ",seed=" + seed);
    if (!spec.contains(":")) {
      spec = spec.replaceFirst(",", ":");
    }
    GradientSurgery surgery = GradientSurgery.parse(spec);
    Run r = run(seed, sizes, steps);
    SurgeryState state = T.init(surgery, r.template());
    for (int k = 0; k < steps; k++) {
      float[][] gm = T.copy(r.main()[k]);
      gm[0][0] = 0f;
      if (gm[0].length > 1) {
        gm[0][1] = -0f;
      }
      float[][] ga = r.aux()[k];
      ga[ga.length - 1][0] = 1e30f; // huge but finite: 0·g_a is still 0
      float[][] d = surgery.direction(gm, ga, state);
      for (int t = 0; t < gm.length; t++) {
        for (int i = 0; i < gm[t].length; i++) {
          boolean same = Float.floatToRawIntBits(gm[t][i]) == Float.floatToRawIntBits(d[t][i])
              || (gm[t][i] == 0f && d[t][i] == 0f);
          if (!same) {
            fail(spec + " step " + k + " tensor " + t + " element " + i + ": " + d[t][i] + " != " + gm[t][i]);
          }
        }
      }
    }
  }

  @Provide
  Arbitrary<String> zeroLambdaSpecs() {
    return Arbitraries.of("mixed", "bloop", "bloop:ratio-only=true", "dynamic-barrier");
  }

  /** pcgrad at λ = 0 is d = s (g_m − r2 e_a): g_m exactly when <e_a, g_m> >= 0, projected otherwise. */
  @Property(tries = 100)
  void pcgradAtLambdaZeroOnlyProjectsGMain(@ForAll("sizes") int[] sizes, @ForAll long seed,
      @ForAll("emaRate") double ema, @ForAll boolean rescale) {
    GradientSurgery pc = GradientSurgery.parse("pcgrad:lambda=0,ema=" + ema + ",rescale=" + rescale);
    Run r = run(seed, sizes, 1);
    float[][] gm = r.main()[0];
    float[][] ga = r.aux()[0];
    SurgeryState state = pc.init(r.template(), T.mix(new Random(seed), ga, 1, null, 0, 0.5));
    float[][] d = pc.direction(gm, ga, state);
    float[][] ea = T.emas(state, true);
    double r2 = Math.min(T.dot(ea, gm) / (T.dot(ea, ea) + 1e-7), 0);
    for (int t = 0; t < gm.length; t++) {
      for (int i = 0; i < gm[t].length; i++) {
        if (r2 == 0) {
          assertEquals(gm[t][i], d[t][i], 0f, "no conflict: g_m itself");
        } else {
          double expected = gm[t][i] - r2 * ea[t][i];
          double tol = TOL * (1 + Math.abs(gm[t][i]) + Math.abs(r2 * ea[t][i]));
          assertEquals(expected, d[t][i], tol, "conflict: g_m projected off e_a");
        }
      }
    }
    Statistics.collect(r2 == 0 ? "no conflict" : "conflict");
  }

  // ---------------------------------------------------------------- ρ = 1: the papers' closed forms

  /**
   * With ρ = 1 the EMA update is e' = 0·e + 1·g_m = g_m exactly, whatever e was, and the methods reduce to the
   * no-EMA formulas of the papers (with the eps that the library adds to squared norms):
   * bloop d = s (g_m + λ (g_a − <g_m,g_a>/(|g_m|²+eps) g_m)); barrier d = s (max(1 − λ<g_m,g_a>/(|g_m|²+eps), 0) g_m
   * + λ g_a); pcgrad d = s (g_m + λ g_a) if <g_m,g_a> > 0, else s (π(g_m; g_a) + λ π(g_a; g_m)) with
   * π(x; y) = x − <x,y>/(|y|²+eps) y.
   */
  @Property(tries = 200)
  void rhoOneGivesTheClosedForms(@ForAll("sizes") int[] sizes, @ForAll long seed,
      @ForAll("closedFormMethods") String method, @ForAll @DoubleRange(min = 0, max = 20) @Scale(6) double lambda,
      @ForAll("init") String init, @ForAll boolean rescale, @ForAll("epsilons") double eps) {
    GradientSurgery surgery = GradientSurgery.parse(method + ":lambda=" + lambda + ",ema=1,init=" + init
        + ",rescale=" + rescale + ",eps=" + eps + ",seed=" + seed);
    double s = rescale ? 1 / (1 + lambda) : 1;
    Run r = run(seed, sizes, 2);
    SurgeryState state = T.init(surgery, r.template());
    surgery.direction(r.main()[0], r.aux()[0], state); // an arbitrary history: ρ = 1 must forget it
    float[][] gm = r.main()[1];
    float[][] ga = r.aux()[1];
    float[][] d = surgery.direction(gm, ga, state);
    T.assertBitwise(gm, T.emas(state, false), "ρ = 1: the EMA is g_m");
    double mm = T.dot(gm, gm);
    double ma = T.dot(gm, ga);
    double aa = T.dot(ga, ga);
    String regime;
    for (int t = 0; t < gm.length; t++) {
      for (int i = 0; i < gm[t].length; i++) {
        double g = gm[t][i];
        double a = ga[t][i];
        double expected;
        double magnitude;
        switch (method) {
          case "bloop" -> {
            double rr = ma / (mm + eps);
            expected = s * (g + lambda * (a - rr * g));
            magnitude = s * (Math.abs(g) + lambda * Math.abs(a) + lambda * Math.abs(rr * g));
          }
          case "dynamic-barrier" -> {
            double coef = Math.max(1 - lambda * ma / (mm + eps), 0);
            expected = s * (coef * g + lambda * a);
            magnitude = s * ((1 + Math.abs(lambda * ma / (mm + eps))) * Math.abs(g) + lambda * Math.abs(a));
          }
          case "pcgrad" -> {
            if (ma > 0) {
              expected = s * (g + lambda * a);
              magnitude = s * (Math.abs(g) + lambda * Math.abs(a));
            } else {
              double pm = g - ma / (aa + eps) * a;
              double pa = a - ma / (mm + eps) * g;
              expected = s * (pm + lambda * pa);
              magnitude = s * (Math.abs(g) + Math.abs(ma / (aa + eps) * a) + lambda * Math.abs(a)
                  + lambda * Math.abs(ma / (mm + eps) * g));
            }
          }
          default -> throw new AssertionError(method);
        }
        double tol = TOL * (1 + magnitude);
        if (!(Math.abs(d[t][i] - expected) <= tol)) {
          fail(method + " tensor " + t + " element " + i + ": expected " + expected + ", got " + d[t][i]);
        }
      }
    }
    if (method.equals("dynamic-barrier")) {
      regime = lambda * ma / (mm + eps) > 1 ? "barrier clipped" : "barrier free";
    } else if (method.equals("pcgrad")) {
      regime = ma > 0 ? "pcgrad agree" : "pcgrad conflict";
    } else {
      regime = "bloop";
    }
    Statistics.collect(regime);
  }

  @Provide
  Arbitrary<String> closedFormMethods() {
    return Arbitraries.of("bloop", "dynamic-barrier", "pcgrad");
  }

  @Provide
  Arbitrary<Double> epsilons() {
    return Arbitraries.of(0.0, 1e-7, 1e-3, 2.0);
  }

  // ---------------------------------------------------------------- pcgrad without conflict is mixed

  /**
   * With every gradient and the EMA start elementwise positive, every inner product is positive, so pcgrad never
   * projects (r1 = r2 = 0) and its direction is mixed's, bit for bit (adding −0·e leaves a positive sum as is).
   */
  @Property(tries = 100)
  void pcgradWithoutConflictIsMixed(@ForAll("sizes") int[] sizes, @ForAll long seed,
      @ForAll @DoubleRange(min = 0, max = 10) @Scale(6) double lambda, @ForAll("emaRate") double ema,
      @ForAll boolean rescale, @ForAll boolean zerosInit, @ForAll @IntRange(min = 1, max = 5) int steps) {
    GradientSurgery pc = GradientSurgery.parse("pcgrad:lambda=" + lambda + ",ema=" + ema + ",rescale=" + rescale
        + ",init=" + (zerosInit ? "zeros" : "grad"));
    GradientSurgery mixed = GradientSurgery.parse("mixed:lambda=" + lambda + ",rescale=" + rescale);
    Random rnd = new Random(seed);
    SurgeryState ps = T.init(pc, positive(rnd, sizes));
    SurgeryState ms = mixed.init(positive(rnd, sizes));
    for (int k = 0; k < steps; k++) {
      float[][] gm = positive(rnd, sizes);
      float[][] ga = positive(rnd, sizes);
      T.assertBitwise(mixed.direction(gm, ga, ms), pc.direction(gm, ga, ps), "pcgrad vs mixed step " + k);
      assertEquals(0.0, ps.lastRatio(), 0.0);
      assertEquals(0.0, ps.lastRatioAux(), 0.0);
    }
  }

  private static float[][] positive(Random rnd, int[] sizes) {
    float[][] x = T.gaussian(rnd, sizes, 1);
    for (float[] t : x) {
      for (int i = 0; i < t.length; i++) {
        t[i] = Math.abs(t[i]) + 0.01f;
      }
    }
    return x;
  }

  // ---------------------------------------------------------------- the dynamic barrier's bound

  /**
   * Dynamic barrier, any ρ, eps = 0. With e the updated EMA, d = s (g_m + λ g_a − λ r̃ e), r̃ = min(r, 1/λ),
   * r = <g_a,e>/|e|². Then <d − s g_m, e> = s (λ<g_a,e> − λ r̃ |e|²):
   * if λ r ≤ 1 (not clipped) this is s λ (<g_a,e> − <g_a,e>) = 0; if λ r > 1 (clipped) it is
   * s (λ<g_a,e> − |e|²) > 0. So the invariant is
   * <d, e> = s (<g_m, e> + max(0, λ<g_a,e> − |e|²)) ≥ s <g_m, e>:
   * the auxiliary part never pushes against the EMA of the main gradient, and g_m's coefficient 1 − λ r̃ never
   * goes below 0. With ρ = 1 (e = g_m) it reads <d, g_m> = s max(|g_m|², λ<g_a,g_m>) ≥ s|g_m|²: the main loss
   * decreases at least as fast as under plain g_m (Gong and Liu's barrier).
   */
  @Property(tries = 200)
  void dynamicBarrierNeverOpposesTheEma(@ForAll("sizes") int[] sizes, @ForAll long seed,
      @ForAll @DoubleRange(min = 0.05, max = 20) @Scale(6) double lambda, @ForAll("emaRate") double ema,
      @ForAll("init") String init, @ForAll boolean rescale, @ForAll @IntRange(min = 1, max = 4) int steps) {
    GradientSurgery db = GradientSurgery.parse("dynamic-barrier:lambda=" + lambda + ",ema=" + ema + ",init=" + init
        + ",rescale=" + rescale + ",eps=0,seed=" + seed);
    double s = rescale ? 1 / (1 + lambda) : 1;
    Run r = run(seed, sizes, steps);
    SurgeryState state = db.init(r.template());
    for (int k = 0; k < steps; k++) {
      float[][] gm = r.main()[k];
      float[][] ga = r.aux()[k];
      float[][] d = db.direction(gm, ga, state);
      float[][] e = T.emas(state, false);
      double de = T.dot(d, e);
      double me = T.dot(gm, e);
      double ae = T.dot(ga, e);
      double ee = T.dot(e, e);
      double condition = 0;
      for (int t = 0; t < d.length; t++) {
        for (int i = 0; i < d[t].length; i++) {
          condition += (Math.abs(d[t][i]) + s * Math.abs(gm[t][i]) + s * lambda * Math.abs(ga[t][i]))
              * Math.abs(e[t][i]);
        }
      }
      condition += s * ee;
      double tol = TOL * condition;
      double expected = s * (me + Math.max(0, lambda * ae - ee));
      if (!(Math.abs(de - expected) <= tol)) {
        fail("step " + k + ": <d, e> = " + de + ", expected s(<g_m,e> + max(0, λ<g_a,e> − |e|²)) = " + expected);
      }
      assertTrue(de >= s * me - tol, "the barrier never opposes e: " + de + " < " + s * me);
      assertTrue(state.lastRatio() <= 1 / lambda, "r is clipped at 1/λ: " + state.lastRatio());
      if (ema == 1.0) {
        double dm = T.dot(d, gm);
        double mm = T.dot(gm, gm);
        assertEquals(s * Math.max(mm, lambda * T.dot(ga, gm)), dm, tol, "ρ = 1: <d, g_m> = s max(|g_m|², λ<g_a,g_m>)");
        assertTrue(dm >= s * mm - tol, "ρ = 1: at least plain g_m's descent");
      }
      Statistics.collect(lambda * ae > ee ? "clipped" : "free");
    }
    Statistics.coverage(c -> {
      c.check("clipped").percentage(p -> p > 10);
      c.check("free").percentage(p -> p > 10);
    });
  }
}
