package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Shapes, nulls, states of another method, init modes, accessors: the public contract around a step. */
class ApiContractTest {
  static final int[] SIZES = {4, 300, 2};

  static String error(Executable call) {
    return assertThrows(IllegalArgumentException.class, call).getMessage();
  }

  static void assertMentions(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), "message '" + message + "' should mention '" + p + "'");
    }
  }

  @Test
  void shapeMismatchesGiveBothSizes() {
    GradientSurgery s = GradientSurgery.parse("bloop");
    float[][] g = T.gaussian(new Random(1), SIZES, 1);
    SurgeryState st = T.init(s, g);
    byte[] before = st.snapshot();
    float[][] shortTensor = {new float[4], new float[299], new float[2]};
    float[][] fewer = {new float[4], new float[300]};
    assertMentions(error(() -> s.direction(shortTensor, g, st)), "gMain tensor 1 has 299 floats", "expects 300");
    assertMentions(error(() -> s.direction(g, shortTensor, st)), "gAux tensor 1 has 299 floats", "expects 300");
    assertMentions(error(() -> s.direction(g, g, st, shortTensor)), "out tensor 1 has 299 floats", "expects 300");
    assertMentions(error(() -> s.direction(fewer, g, st)), "gMain has 2 tensors", "state has 3");
    assertMentions(error(() -> s.direction(g, fewer, st)), "gAux has 2 tensors", "state has 3");
    FloatBuffer[] b = T.buffers(g, T.BufferKind.HEAP);
    FloatBuffer[] bShort = T.buffers(shortTensor, T.BufferKind.DIRECT_NATIVE);
    assertMentions(error(() -> s.direction(bShort, b, st, b)), "gMain tensor 1 has 299 floats", "expects 300");
    assertMentions(error(() -> s.direction(b, b, st, T.buffers(fewer, T.BufferKind.HEAP))), "out has 2 tensors",
        "state has 3");
    assertArrayEquals(before, st.snapshot(), "a refused call changes nothing");
  }

  @Test
  void nullsAreRefusedClearly() {
    GradientSurgery s = GradientSurgery.parse("pcgrad");
    float[][] g = T.gaussian(new Random(1), SIZES, 1);
    SurgeryState st = T.init(s, g);
    float[][] holed = {g[0], null, g[2]};
    assertMentions(error(() -> s.direction(null, g, st)), "gMain must not be null");
    assertMentions(error(() -> s.direction(g, null, st)), "gAux must not be null");
    assertMentions(error(() -> s.direction(g, g, st, (float[][]) null)), "out must not be null");
    assertMentions(error(() -> s.direction(g, g, null)), "state must not be null");
    assertMentions(error(() -> s.direction(holed, g, st)), "gMain tensor 1 is null");
    assertMentions(error(() -> s.direction(g, holed, st)), "gAux tensor 1 is null");
    FloatBuffer[] b = T.buffers(g, T.BufferKind.HEAP);
    FloatBuffer[] bHoled = {b[0], null, b[2]};
    assertMentions(error(() -> s.direction((FloatBuffer[]) null, b, st, b)), "gMain must not be null");
    assertMentions(error(() -> s.direction(b, bHoled, st, b)), "gAux tensor 1 is null");
    assertMentions(error(() -> s.direction(b, b, st, (FloatBuffer[]) null)), "out must not be null");
    assertMentions(error(() -> s.init((float[][]) null)), "init template must not be null");
    assertMentions(error(() -> T.init(s, holed)), "init template tensor 1 is null");
    assertMentions(error(() -> T.init(s, g, null)), "init aux template must not be null");
    assertMentions(error(() -> s.init((FloatBuffer[]) null)), "init template must not be null");
    assertMentions(error(() -> T.init(s, bHoled)), "init template tensor 1 is null");
    assertMentions(error(() -> GradientSurgery.of(null)), "must not be null");
  }

  @Test
  void aStateBelongsToItsMethod() {
    float[][] g = T.gaussian(new Random(1), SIZES, 1);
    SurgeryState bloopState = GradientSurgery.parse("bloop").init(g);
    assertMentions(error(() -> GradientSurgery.parse("pcgrad").direction(g, g, bloopState)),
        "state belongs to bloop", "not to pcgrad");
    // another λ of the same method may share it (sweeps, schedules)
    GradientSurgery.parse("bloop:lambda=3").direction(g, g, bloopState);
    assertEquals(1, bloopState.step());
  }

  @Test
  void pcgradAuxTemplateMustMatchTheMainOne() {
    GradientSurgery pc = GradientSurgery.parse("pcgrad");
    float[][] g = T.gaussian(new Random(1), SIZES, 1);
    assertMentions(error(() -> pc.init(g, new float[][] {new float[4], new float[301], new float[2]})),
        "init aux template tensor 1 has 301 floats", "main template's has 300");
    assertMentions(error(() -> pc.init(g, new float[][] {new float[4]})), "init aux template has 1 tensors",
        "main template has 3");
    float[][] a = T.gaussian(new Random(2), SIZES, 1);
    SurgeryState st = pc.init(g, a);
    T.assertBitwise(g, T.emas(st, false), "main EMA from the main template");
    T.assertBitwise(a, T.emas(st, true), "aux EMA from the aux template");
    // the state owns copies
    g[1][0] = 99;
    assertTrue(st.ema(1)[0] != 99);
    float[] copy = st.ema(1);
    copy[0] = 123;
    assertTrue(st.ema(1)[0] != 123, "accessors return copies");
  }

  @Test
  void initModes() {
    float[][] g = T.gaussian(new Random(1), new int[] {2000, 3000}, 1);
    SurgeryState zeros = GradientSurgery.parse("bloop:init=zeros").init(g);
    T.assertBitwise(T.zerosLike(new int[] {2000, 3000}), T.emas(zeros, false), "zeros");

    SurgeryState r1 = GradientSurgery.parse("pcgrad:init=random,seed=17").init(g);
    SurgeryState r2 = GradientSurgery.parse("pcgrad:init=random,seed=17,lambda=3").init(g);
    SurgeryState r3 = GradientSurgery.parse("pcgrad:init=random,seed=18").init(g);
    T.assertBitwise(T.emas(r1, false), T.emas(r2, false), "the seed alone fixes the random start");
    T.assertBitwise(T.emas(r1, true), T.emas(r2, true), "and the aux one");
    assertTrue(T.emas(r1, false)[0][0] != T.emas(r3, false)[0][0], "another seed, other values");
    assertTrue(T.emas(r1, false)[0][0] != T.emas(r1, true)[0][0], "main and aux EMAs are independent");
    // standard normal: mean 0, variance 1 within 5 standard errors over 5000 values, for both EMAs
    for (boolean aux : new boolean[] {false, true}) {
      double[] x = ReferenceSurgery.flatten(T.emas(r1, aux));
      double mean = 0;
      double sq = 0;
      for (double v : x) {
        mean += v;
        sq += v * v;
      }
      mean /= x.length;
      double var = sq / x.length - mean * mean;
      assertEquals(0, mean, 5 / Math.sqrt(x.length), "mean");
      assertEquals(1, var, 5 * Math.sqrt(2.0 / x.length), "variance");
      double corr = T.dot(T.emas(r1, aux), g) / (T.norm(T.emas(r1, aux)) * T.norm(g));
      assertEquals(0, corr, 5 / Math.sqrt(x.length), "independent of the template");
    }

    SurgeryState grad = GradientSurgery.parse("dynamic-barrier").init(g);
    T.assertBitwise(g, T.emas(grad, false), "grad copies the template");
    assertNotSame(g[0], T.emas(grad, false)[0]);
  }

  @Test
  void freshStateAccessors() {
    float[][] g = T.gaussian(new Random(1), SIZES, 1);
    SurgeryState st = GradientSurgery.parse("bloop").init(g);
    assertEquals(Method.BLOOP, st.method());
    assertEquals(0, st.step());
    assertEquals(0, st.skippedSteps());
    assertTrue(Double.isNaN(st.lastRatio()) && Double.isNaN(st.lastRatioAux()));
    assertEquals(3, st.tensorCount());
    assertArrayEquals(SIZES, st.sizes());
    assertEquals(306, st.parameterCount());
    assertMentions(assertThrows(IllegalStateException.class, () -> st.emaAux(0)).getMessage(), "no auxiliary EMA");
    SurgeryState mixed = GradientSurgery.parse("mixed").init(g);
    assertMentions(assertThrows(IllegalStateException.class, () -> mixed.ema(0)).getMessage(), "keeps no EMA");
    assertMentions(st.toString(), "bloop:", "tensors=3", "parameters=306", "step=0");
    int[] sizes = st.sizes();
    sizes[0] = 99;
    assertEquals(4, st.sizes()[0], "sizes() is a copy");
  }

  @Test
  void emptyModelsAndEmptyTensors() {
    for (String spec : new String[] {"mixed", "bloop", "dynamic-barrier", "pcgrad"}) {
      GradientSurgery s = GradientSurgery.parse(spec);
      SurgeryState none = T.init(s, new float[0][]);
      assertEquals(0, s.direction(new float[0][], new float[0][], none).length);
      assertEquals(1, none.step());
      float[][] g = {new float[0], {3f, 4f}, new float[0]};
      SurgeryState st = T.init(s, g);
      float[][] d = s.direction(g, g, st);
      assertEquals(0, d[0].length);
      assertEquals(2, d[1].length);
    }
  }

  /** eps = 0 and a zero EMA: r = 0/0 is taken as 0 (nothing to project out), so d = s (g_m + λ g_a). */
  @Test
  void zeroEmaWithZeroEpsProjectsNothing() {
    float[][] zero = {{0, 0, 0}};
    float[][] ga = {{1, -2, 3}};
    for (String spec : new String[] {"bloop:eps=0,ema=1,lambda=2", "dynamic-barrier:eps=0,ema=1,lambda=2",
        "pcgrad:eps=0,ema=1,lambda=2"}) {
      GradientSurgery s = GradientSurgery.parse(spec);
      SurgeryState st = T.init(s, zero);
      float[][] d = s.direction(zero, ga, st);
      T.assertBitwise(new float[][] {{2, -4, 6}}, d, spec);
      assertEquals(1, st.step());
    }
  }
}
