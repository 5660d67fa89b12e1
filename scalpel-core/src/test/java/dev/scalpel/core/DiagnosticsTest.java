package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Diagnostics: the directions are the same bit for bit with and without them (every method, two and three
 * losses, the two-loss fast path included), and their quantities agree with direct computations on the vectors.
 */
class DiagnosticsTest {

  static Stream<String> every() {
    return K.EVERY_METHOD.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("every")
  void directionsAreTheSameBitForBitWithDiagnostics(String spec) {
    for (int k : new int[] {2, 3}) {
      GradientSurgery plain = GradientSurgery.parse(spec).withThreads(2);
      GradientSurgery diag = plain.withDiagnostics(true);
      SurgeryState a = plain.init(pick(EveryMethodContractTest.gradients(T.ACROSS_CHUNK, 0, 7 + k), k));
      SurgeryState b = diag.init(pick(EveryMethodContractTest.gradients(T.ACROSS_CHUNK, 0, 7 + k), k));
      for (int step = 1; step <= 4; step++) {
        float[][][] g = pick(EveryMethodContractTest.gradients(T.ACROSS_CHUNK, step, 7 + k), k);
        T.assertBitwise(plain.direction(g, a), diag.direction(g, b), spec + " k=" + k + " step " + step);
      }
      if (!spec.startsWith("graddrop")) {
        assertNotNull(b.lastDiagnostics(), spec);
      }
      assertNull(a.lastDiagnostics());
    }
  }

  static float[][][] pick(float[][][] g, int k) {
    float[][][] out = new float[k][][];
    System.arraycopy(g, 0, out, 0, k);
    return out;
  }

  @Test
  void quantitiesAgreeWithTheVectors() {
    Random rnd = new Random(3);
    int[] sizes = T.SMALL;
    float[][] base = T.gaussian(rnd, sizes, 1);
    GradientSurgery s = GradientSurgery.parse("bloop:lambda=0.7,ema=0.3,eps=0").withThreads(1).withDiagnostics(true);
    float[][] g0 = T.mix(rnd, base, 1, null, 0, 0.3);
    float[][] g1 = T.mix(rnd, g0, -0.6, base, 0.2, 0.8);
    SurgeryState st = s.init(g0, g1);
    for (int step = 0; step < 5; step++) {
      float[][] gm = T.mix(rnd, base, 1, null, 0, 0.5);
      float[][] ga = T.mix(rnd, gm, -0.5, base, 0.3, 0.7);
      float[][] d = s.direction(gm, ga, st);
      Diagnostics x = st.lastDiagnostics();
      float[][] e = T.emas(st, false);
      assertEquals(T.dot(gm, ga) / (T.norm(gm) * T.norm(ga)), x.gradientCosine(0, 1), 1e-12);
      assertEquals(T.dot(e, gm) / (T.norm(e) * T.norm(gm)), x.emaCosine(0), 1e-12, "the updated EMA");
      assertEquals(T.norm(d), x.directionNorm(), 1e-6 * T.norm(d));
      assertEquals(T.dot(d, gm) / (T.norm(d) * T.norm(gm)), x.directionCosine(0), 1e-6);
      assertTrue(Math.abs(x.orthogonalityError()) < 1e-9, "bloop's auxiliary part ⟂ its EMA: "
          + x.orthogonalityError());
    }
    // bloop with ema = 1: m = g0 and the −λ r g0 term joins g0's coefficient; d − g0 is still ⟂ g0
    GradientSurgery fresh = GradientSurgery.parse("bloop:lambda=0.7,ema=1,eps=0").withThreads(1).withDiagnostics(true);
    SurgeryState fs = fresh.init(g0, g1);
    float[][] df = fresh.direction(g0, g1, fs);
    float[][] aux = new float[df.length][];
    for (int t = 0; t < df.length; t++) {
      aux[t] = new float[df[t].length];
      for (int i = 0; i < df[t].length; i++) {
        aux[t][i] = df[t][i] - g0[t][i];
      }
    }
    assertEquals(T.dot(aux, g0) / (T.norm(aux) * T.norm(g0)), fs.lastDiagnostics().orthogonalityError(), 1e-5);
    assertTrue(Math.abs(fs.lastDiagnostics().orthogonalityError()) < 1e-6, "d − g0 ⟂ g0: "
        + fs.lastDiagnostics().orthogonalityError());
    // mixed: the auxiliary part is λ g1, its angle to g0 is cos(g1, g0)
    GradientSurgery mixed = GradientSurgery.parse("mixed:lambda=2").withDiagnostics(true);
    SurgeryState ms = mixed.init(g0, g1);
    mixed.direction(g0, g1, ms);
    Diagnostics x = ms.lastDiagnostics();
    assertEquals(x.gradientCosine(0, 1), x.orthogonalityError(), 1e-12);
    assertEquals(0, x.emaOf(0), "mixed keeps no EMA: the main gradient itself");
  }
}
