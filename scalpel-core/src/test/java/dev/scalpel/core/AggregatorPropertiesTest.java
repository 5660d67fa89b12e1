package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The property suite of aggregators.md (TorchJD's, and more), run over every method: finite output of the right
 * shape on inputs scaled ×0 … ×1e15; non-conflicting where promised; permutation invariance; linearity under
 * scaling; d ≠ 0 off the Pareto-stationary set; zero, one-row, rank-deficient and duplicated-row inputs;
 * pcgrad(k=2) = upgrad(pref=1) when the two conflict; fresh states are independent.
 */
class AggregatorPropertiesTest {

  static Stream<String> every() {
    return K.EVERY_METHOD.stream();
  }

  static Stream<String> nonConflicting() {
    return K.NON_CONFLICTING.stream();
  }

  /** Methods whose direction does not depend on the order of the losses. */
  static Stream<String> permutationInvariant() {
    return Stream.of("mean", "sum", "mgda", "mgda:normalization=l2", "upgrad", "upgrad:reg=1e-4", "dualproj",
        "cagrad", "cagrad:c=1,rescale=1", "nash-mtl", "nash-mtl:max-norm=0", "imtl-g", "aligned-mtl",
        "aligned-mtl:scale=median,pref=1", "aligned-mtl:scale=rmse");
  }

  /** Methods with d(cJ) = c d(J) for c > 0 (their weights depend only on the Gramian's shape). */
  static Stream<String> linear() {
    return Stream.of("mixed:lambda=0.5", "mean", "sum", "constant:weights=0.5", "random:seed=3", "mgda",
        "upgrad", "dualproj", "cagrad", "imtl-g", "aligned-mtl", "graddrop:seed=7", "bloop:lambda=0.5,ema=1,eps=0",
        "pcgrad:lambda=1,ema=1,eps=0");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("every")
  void finiteAndOfTheRightShapeOnInputsScaledFromZeroToHuge(String spec) {
    Random rnd = new Random(1);
    double[][] base = K.random(rnd, 3, 7, 1);
    for (double scale : new double[] {0, 1e-30, 1e-10, 1e-3, 1, 1e3, 1e10, 1e15}) {
      double[][] j = new double[3][7];
      for (int i = 0; i < 3; i++) {
        for (int q = 0; q < 7; q++) {
          j[i][q] = (float) (base[i][q] * scale);
        }
      }
      double[] d = K.direction(spec, j);
      assertEquals(7, d.length);
      for (double v : d) {
        assertTrue(Double.isFinite(v), spec + " ×" + scale + ": " + java.util.Arrays.toString(d));
      }
      if (scale == 0) {
        assertArrayEquals(new double[7], d, 0.0, spec + ": zero gradients give d = 0");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nonConflicting")
  void nonConflictingWherePromised(String spec) {
    Random rnd = new Random(2);
    for (int trial = 0; trial < 40; trial++) {
      int k = 2 + trial % 4;
      double[][] j = K.random(rnd, k, k + 3 + trial % 3, 1 + trial);
      double[] d = K.direction(spec, j);
      double[] jd = K.times(j, d);
      double tol = 1e-5 * K.maxAbs(j) * K.norm(d) * j[0].length;
      for (int i = 0; i < k; i++) {
        assertTrue(jd[i] >= -tol, spec + " trial " + trial + ": <g_" + i + ", d> = " + jd[i]);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("permutationInvariant")
  void invariantUnderPermutationsOfTheLosses(String spec) {
    Random rnd = new Random(3);
    for (int trial = 0; trial < 10; trial++) {
      double[][] j = K.random(rnd, 4, 9, 1);
      double[][] p = {j[2], j[0], j[3], j[1]};
      double[] d = K.direction(spec, j);
      double[] dp = K.direction(spec, p);
      assertArrayEquals(d, dp, 1e-5 * (1 + K.norm(d)), spec + " trial " + trial);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("linear")
  void linearUnderPositiveScaling(String spec) {
    Random rnd = new Random(4);
    double[][] j = K.random(rnd, 3, 8, 1);
    double[] d = K.direction(spec, j);
    for (double c : new double[] {8, 0.125, 1024}) { // powers of two: the inputs scale exactly
      double[][] cj = new double[3][8];
      for (int i = 0; i < 3; i++) {
        for (int q = 0; q < 8; q++) {
          cj[i][q] = c * j[i][q];
        }
      }
      double[] dc = K.direction(spec, cj);
      for (int q = 0; q < 8; q++) {
        assertEquals(c * d[q], dc[q], 1e-5 * c * (1 + K.norm(d)), spec + " ×" + c);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("every")
  void nonZeroOffTheParetoStationarySet(String spec) {
    Random rnd = new Random(5);
    for (int trial = 0; trial < 10; trial++) {
      double[][] j = K.random(rnd, 3, 10, 1); // 3 generic gradients in R^10: not Pareto-stationary
      assertTrue(K.norm(K.direction(spec, j)) > 1e-3, spec + " trial " + trial);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("every")
  void rankDeficientAndDuplicatedRows(String spec) {
    Random rnd = new Random(6);
    double[][] base = K.random(rnd, 2, 6, 1);
    double[][] dup = {base[0], base[1], base[1].clone()};
    double[][] wide = K.random(rnd, 5, 3, 1); // 5 losses in R^3: rank 3
    double[][] collinear = {base[0], scaled(base[0], 2), scaled(base[0], 0.5)};
    for (double[][] j : new double[][][] {dup, wide, collinear}) {
      double[] d = K.direction(spec, j);
      for (double v : d) {
        assertTrue(Double.isFinite(v), spec + ": " + java.util.Arrays.toString(d));
      }
      if (K.NON_CONFLICTING.contains(spec) && j != wide) {
        double[] jd = K.times(j, d);
        for (double x : jd) {
          assertTrue(x >= -1e-5 * (1 + K.norm(d)), spec + ": " + java.util.Arrays.toString(jd));
        }
      }
    }
    // collinear gradients agree: every method but the random and dropping ones moves along them
    double[] d = K.direction(spec, collinear);
    double along = 0;
    for (int q = 0; q < d.length; q++) {
      along += d[q] * base[0][q];
    }
    assertTrue(along > 0, spec + " moves along agreeing gradients: " + along);
  }

  private static double[] scaled(double[] x, double c) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = (float) (c * x[i]);
    }
    return y;
  }

  /** One loss: every aggregator moves along it (priority methods need a main and an auxiliary loss). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("every")
  void oneRow(String spec) {
    double[][] j = {{3, -1, 0.5, 2}};
    GradientSurgery s = GradientSurgery.parse(spec);
    if (s.method().family() == Method.Family.PRIORITY) {
      String m = assertThrows(IllegalArgumentException.class, () -> s.init(K.gradients(j))).getMessage();
      assertTrue(m.contains("at least 2 losses") && m.contains("got 1"), m);
      return;
    }
    double[] d = K.direction(spec, j);
    double c = d[0] / 3;
    assertTrue(c > 0, spec + ": " + java.util.Arrays.toString(d));
    assertArrayEquals(new double[] {3 * c, -c, 0.5 * c, 2 * c}, d, 1e-6 * (1 + c), spec);
  }

  @Test
  void pcgradForTwoConflictingLossesIsUpgradWithUnitPreferences() {
    Random rnd = new Random(7);
    int conflicting = 0;
    for (int trial = 0; trial < 30; trial++) {
      double[][] j = K.random(rnd, 2, 6, 1);
      double dot = 0;
      for (int q = 0; q < 6; q++) {
        dot += j[0][q] * j[1][q];
      }
      if (dot >= 0) {
        continue;
      }
      conflicting++;
      assertArrayEquals(K.direction("pcgrad:lambda=1,ema=1,eps=0", j), K.direction("upgrad:pref=1", j), 1e-5,
          "trial " + trial);
    }
    assertTrue(conflicting > 5);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("every")
  void freshStatesAreIndependent(String spec) {
    Random rnd = new Random(8);
    GradientSurgery s = GradientSurgery.parse(spec).withThreads(1);
    float[][][] first = K.gradients(K.random(rnd, 3, 50, 1));
    float[][][] second = K.gradients(K.random(rnd, 3, 50, 1));
    SurgeryState a = s.init(first);
    float[][] a1 = s.direction(first, a);
    s.direction(second, a);
    SurgeryState b = s.init(first);
    T.assertBitwise(a1, s.direction(first, b), spec + ": a fresh state repeats the first step");
  }

  @Test
  void everyMethodIsInTheSuite() {
    for (Method m : Method.values()) {
      assertTrue(K.EVERY_METHOD.stream().anyMatch(spec -> GradientSurgery.parse(spec).method() == m), m + "");
    }
    assertEquals(List.of(), K.NON_CONFLICTING.stream().filter(s -> !GradientSurgery.parse(s).method().family()
        .equals(Method.Family.AGGREGATOR)).toList());
  }
}
