package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Vector API kernel must be BIT-IDENTICAL to the scalar one: each kernel on random lengths (every tail
 * length), offsets and awkward values, then whole runs with one or the other plugged into the state's runner.
 * Skipped when jdk.incubator.vector is not in the JVM (surefire adds it).
 */
class KernelEquivalenceTest {
  static final Kernel VECTOR = Kernel.vectorOrNull();

  @Test
  void theVectorKernelIsTheDefaultWhenAvailable() {
    assumeTrue(VECTOR != null, "jdk.incubator.vector not available");
    assertEquals("vector", Kernel.DEFAULT.name());
    assertEquals("scalar", Kernel.SCALAR.name());
    assertNotNull(VECTOR);
  }

  /** Values that stress rounding: normal, huge, tiny, subnormal, signed zeros; NaN/Inf when asked. */
  static float[] values(Random rnd, int n, boolean nonFinite) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      int kind = rnd.nextInt(nonFinite ? 12 : 10);
      x[i] = switch (kind) {
        case 0 -> 0f;
        case 1 -> -0f;
        case 2 -> Float.MIN_VALUE * rnd.nextInt(1000) * (rnd.nextBoolean() ? 1 : -1);
        case 3 -> (float) (rnd.nextGaussian() * 1e30);
        case 4 -> (float) (rnd.nextGaussian() * 1e-30);
        case 10 -> Float.NaN;
        case 11 -> rnd.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
        default -> (float) rnd.nextGaussian();
      };
    }
    return x;
  }

  static void sameFloats(float[] a, float[] b, String what) {
    for (int i = 0; i < a.length; i++) {
      if (Float.floatToIntBits(a[i]) != Float.floatToIntBits(b[i])) { // NaNs compare as NaN, all else by bits
        fail(what + ": element " + i + " scalar " + a[i] + " vector " + b[i]);
      }
    }
  }

  @Property(tries = 300)
  void eachKernelMatchesBitForBit(@ForAll @IntRange(min = 0, max = 80) int n,
      @ForAll @IntRange(min = 0, max = 9) int go, @ForAll @IntRange(min = 0, max = 9) int ao,
      @ForAll @IntRange(min = 0, max = 9) int eo, @ForAll @IntRange(min = 0, max = 9) int oo, @ForAll long seed,
      @ForAll boolean nonFinite) {
    assumeTrue(VECTOR != null, "jdk.incubator.vector not available");
    Random rnd = new Random(seed);
    int len = n + 10;
    float[] g = values(rnd, len, nonFinite);
    float[] a = values(rnd, len, nonFinite);
    float[] e = values(rnd, len, false);
    float[] f = values(rnd, len, false);
    double rhoD = rnd.nextDouble();
    float keep = (float) (1 - rhoD);
    float rho = (float) rhoD;
    float c1 = (float) rnd.nextGaussian();
    float c2 = (float) rnd.nextGaussian();
    float c3 = (float) rnd.nextGaussian();
    float c4 = (float) rnd.nextGaussian();

    double[] accS = {rnd.nextGaussian(), rnd.nextGaussian(), 7, 8};
    double[] accV = accS.clone();
    Kernel.SCALAR.emaDots(g, go, a, ao, e, eo, n, keep, rho, accS, 1);
    VECTOR.emaDots(g, go, a, ao, e, eo, n, keep, rho, accV, 1);
    for (int i = 0; i < 4; i++) {
      assertEquals(Double.doubleToLongBits(accS[i]), Double.doubleToLongBits(accV[i]), "emaDots slot " + i
          + ": " + accS[i] + " vs " + accV[i]);
    }

    float[] oS = values(rnd, len, false);
    float[] oV = oS.clone();
    float checkS = Kernel.SCALAR.combine2(g, go, a, ao, oS, oo, n, c1, c2);
    float checkV = VECTOR.combine2(g, go, a, ao, oV, oo, n, c1, c2);
    sameFloats(oS, oV, "combine2");
    assertEquals(Float.isNaN(checkS), Float.isNaN(checkV), "combine2's finiteness check");
    boolean anyNonFinite = false;
    for (int i = 0; i < n; i++) {
      anyNonFinite |= !Float.isFinite(oS[oo + i]);
    }
    assertEquals(anyNonFinite, Float.isNaN(checkS), "combine2 returns NaN iff an output is not finite");

    float[] eS = e.clone();
    float[] eV = e.clone();
    Kernel.SCALAR.updateCombine3InPlace(g, go, a, ao, eS, eo, oS, oo, n, keep, rho, c1, c2, c3);
    VECTOR.updateCombine3InPlace(g, go, a, ao, eV, eo, oV, oo, n, keep, rho, c1, c2, c3);
    sameFloats(eS, eV, "updateCombine3InPlace's EMA");
    sameFloats(oS, oV, "updateCombine3InPlace");
    for (int i = 0; i < n; i++) { // the documented formula, element by element
      float ei = keep * e[eo + i] + rho * g[go + i];
      assertEquals(Float.floatToIntBits(ei), Float.floatToIntBits(eS[eo + i]), "EMA element " + i);
      float di = (c1 * g[go + i] + c2 * a[ao + i]) + c3 * ei;
      assertEquals(Float.floatToIntBits(di), Float.floatToIntBits(oS[oo + i]), "direction element " + i);
    }

    float[] e4S = e.clone();
    float[] e4V = e.clone();
    float[] f4S = f.clone();
    float[] f4V = f.clone();
    Kernel.SCALAR.updateCombine4InPlace(g, go, a, ao, e4S, eo, f4S, eo, oS, oo, n, keep, rho, c1, c2, c3, c4);
    VECTOR.updateCombine4InPlace(g, go, a, ao, e4V, eo, f4V, eo, oV, oo, n, keep, rho, c1, c2, c3, c4);
    sameFloats(e4S, e4V, "updateCombine4InPlace's main EMA");
    sameFloats(f4S, f4V, "updateCombine4InPlace's aux EMA");
    sameFloats(oS, oV, "updateCombine4InPlace");
    for (int i = 0; i < n; i++) {
      float ei = keep * e[eo + i] + rho * g[go + i];
      float fi = keep * f[eo + i] + rho * a[ao + i];
      assertEquals(Float.floatToIntBits(fi), Float.floatToIntBits(f4S[eo + i]), "aux EMA element " + i);
      float di = ((c1 * g[go + i] + c2 * a[ao + i]) + c3 * ei) + c4 * fi;
      assertEquals(Float.floatToIntBits(di), Float.floatToIntBits(oS[oo + i]), "pcgrad direction element " + i);
    }
  }

  /** The scalar kernel's dot against the documented order, written out here: lane j % 8, then l0 + ... + l7. */
  @Test
  void theScalarDotFollowsTheDocumentedOrder() {
    Random rnd = new Random(5);
    for (int n : new int[] {0, 1, 7, 8, 9, 63, 100, Layout.CHUNK}) {
      float[] g = values(rnd, n, false);
      float[] a = values(rnd, n, false);
      float[] e = values(rnd, n, false);
      float keep = 0.75f;
      float rho = 0.25f;
      double[] lanesS = new double[8];
      double[] lanesT = new double[8];
      for (int j = 0; j < n; j++) {
        float x = keep * e[j] + rho * g[j];
        lanesS[j % 8] += (double) x * x;
        lanesT[j % 8] += (double) x * a[j];
      }
      double s = lanesS[0];
      double t = lanesT[0];
      for (int l = 1; l < 8; l++) {
        s += lanesS[l];
        t += lanesT[l];
      }
      double[] acc = new double[2];
      Kernel.SCALAR.emaDots(g, 0, a, 0, e, 0, n, keep, rho, acc, 0);
      assertEquals(Double.doubleToLongBits(s), Double.doubleToLongBits(acc[0]), "n = " + n);
      assertEquals(Double.doubleToLongBits(t), Double.doubleToLongBits(acc[1]), "n = " + n);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mixed:lambda=0.3,rescale=true", "bloop:lambda=0.5,ema=0.1",
      "bloop:ratio-only=true,ema=0.7,init=random", "dynamic-barrier:lambda=4,ema=0.5", "pcgrad:lambda=0.5,ema=0.3"})
  void wholeRunsMatchWithEitherKernel(String spec) {
    assumeTrue(VECTOR != null, "jdk.incubator.vector not available");
    for (int threads : new int[] {1, 2}) {
      GradientSurgery s = GradientSurgery.parse(spec).withThreads(threads);
      int[] sizes = threads == 1 ? T.ACROSS_CHUNK : T.LARGE;
      Random rnd = new Random(spec.hashCode());
      float[][] template = T.gaussian(rnd, sizes, 1);
      SurgeryState scalar = T.init(s, template);
      SurgeryState vector = T.init(s, template);
      scalar.runner.kernel = Kernel.SCALAR;
      vector.runner.kernel = VECTOR;
      for (int k = 0; k < 3; k++) {
        float[][] gm = T.gaussian(rnd, sizes, 1);
        float[][] ga = T.mix(rnd, gm, k == 1 ? 2 : -1, null, 0, 1);
        T.assertBitwise(s.direction(gm, ga, scalar), s.direction(gm, ga, vector), spec + " threads " + threads
            + " step " + k);
      }
      assertArrayEquals(scalar.snapshot(), vector.snapshot(), "states");
      assertSame(Kernel.SCALAR, scalar.runner.kernel);
    }
  }
}
