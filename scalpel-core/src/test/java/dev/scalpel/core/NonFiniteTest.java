package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * NaN and infinities in g_main or g_aux: under THROW a {@link NonFiniteGradientException} naming the step, the
 * gradient and the tensor, with the state exactly as it was (same snapshot bytes, same diagnostics); under SKIP a
 * zero direction and the same state but for the skip counters. Arrays and buffers, with and without aliasing.
 */
class NonFiniteTest {
  static final int[] SIZES = {37, 1, Layout.CHUNK + 300, 64};
  static final String[] METHODS = {"mixed:lambda=0.5", "bloop:lambda=0.5,ema=0.2", "bloop:ratio-only=true",
      "dynamic-barrier:lambda=3,ema=0.5", "pcgrad:lambda=0.5,ema=0.3"};

  enum Path {
    ARRAYS, ARRAYS_OUT_IS_GMAIN, ARRAYS_OUT_IS_GAUX, BUFFERS, BUFFERS_OUT_IS_GMAIN
  }

  record Bad(String gradient, int tensor, int index, float value) {
  }

  static Stream<Arguments> throwCases() {
    List<Arguments> list = new ArrayList<>();
    Bad[] bads = {new Bad("g_main", 0, 5, Float.NaN), new Bad("g_aux", 2, Layout.CHUNK + 17, Float.POSITIVE_INFINITY),
        new Bad("g_aux", 1, 0, Float.NEGATIVE_INFINITY), new Bad("g_main", 3, 63, Float.NEGATIVE_INFINITY),
        new Bad("g_aux", 3, 10, Float.NaN)};
    int k = 0;
    for (String m : METHODS) {
      for (Path p : Path.values()) {
        list.add(Arguments.of(m, p, bads[k++ % bads.length]));
      }
    }
    return list.stream();
  }

  /** Calls direction on the chosen path; returns the direction read back. */
  static float[][] call(GradientSurgery s, SurgeryState st, float[][] gm, float[][] ga, Path p) {
    switch (p) {
      case ARRAYS -> {
        return s.direction(gm, ga, st);
      }
      case ARRAYS_OUT_IS_GMAIN -> {
        s.direction(gm, ga, st, gm);
        return gm;
      }
      case ARRAYS_OUT_IS_GAUX -> {
        s.direction(gm, ga, st, ga);
        return ga;
      }
      case BUFFERS -> {
        FloatBuffer[] out = T.buffers(T.zerosLike(T.emaSizes(gm)), T.BufferKind.DIRECT_OFFSET);
        s.direction(T.buffers(gm, T.BufferKind.DIRECT_NATIVE), T.buffers(ga, T.BufferKind.HEAP_OFFSET), st, out);
        return T.contents(out);
      }
      case BUFFERS_OUT_IS_GMAIN -> {
        FloatBuffer[] b = T.buffers(gm, T.BufferKind.DIRECT_OFFSET);
        s.direction(b, T.buffers(ga, T.BufferKind.HEAP), st, b);
        return T.contents(b);
      }
      default -> throw new AssertionError(p);
    }
  }

  static SurgeryState warmState(GradientSurgery s, Random rnd, int steps) {
    SurgeryState st = T.init(s, T.gaussian(rnd, SIZES, 1));
    for (int k = 0; k < steps; k++) {
      s.direction(T.gaussian(rnd, SIZES, 1), T.gaussian(rnd, SIZES, 1), st);
    }
    return st;
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("throwCases")
  void throwLeavesTheStateExactlyAsItWas(String spec, Path path, Bad bad) {
    GradientSurgery s = GradientSurgery.parse(spec).withThreads(1);
    SurgeryState st = warmState(s, new Random(7), 3);
    SurgeryState twin = warmState(s, new Random(7), 3);
    byte[] before = st.snapshot();
    double ratio = st.lastRatio();
    double ratioAux = st.lastRatioAux();
    Random rnd = new Random(8);
    float[][] gm = T.gaussian(rnd, SIZES, 1);
    float[][] ga = T.gaussian(rnd, SIZES, 1);
    (bad.gradient().equals("g_main") ? gm : ga)[bad.tensor()][bad.index()] = bad.value();

    NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class,
        () -> call(s, st, T.copy(gm), T.copy(ga), path));
    String m = e.getMessage();
    assertTrue(m.contains("at step 3") && m.contains("in " + bad.gradient()) && m.contains("tensor " + bad.tensor())
        && m.contains("element " + bad.index()) && m.contains(String.valueOf(bad.value()))
        && m.contains("left unchanged"), m);
    assertEquals(3, e.step());
    assertEquals(bad.gradient(), e.gradient());
    assertEquals(bad.tensor(), e.tensor());
    assertEquals(bad.index(), e.index());
    assertTrue(e instanceof ArithmeticException);

    assertArrayEquals(before, st.snapshot(), "the state's bytes");
    assertEquals(3, st.step());
    assertEquals(0, st.skippedSteps());
    assertFalse(st.lastStepSkipped());
    assertEquals(Double.doubleToLongBits(ratio), Double.doubleToLongBits(st.lastRatio()));
    assertEquals(Double.doubleToLongBits(ratioAux), Double.doubleToLongBits(st.lastRatioAux()));

    // the call can be retried with good gradients: identical to a state that never saw the bad one
    float[][] good = T.gaussian(rnd, SIZES, 1);
    float[][] goodAux = T.gaussian(rnd, SIZES, 1);
    T.assertBitwise(s.direction(good, goodAux, twin), s.direction(good, goodAux, st), "after the failed call");
    assertArrayEquals(twin.snapshot(), st.snapshot());
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("skipCases")
  void skipGivesZerosAndOnlyCountsTheSkip(String spec, Path path) {
    GradientSurgery s = GradientSurgery.parse(spec + ",nonfinite=skip").withThreads(1);
    SurgeryState st = warmState(s, new Random(7), 2);
    SurgeryState twin = warmState(s, new Random(7), 2);
    byte[] before = st.snapshot();
    Random rnd = new Random(8);
    float[][] gm = T.gaussian(rnd, SIZES, 1);
    float[][] ga = T.gaussian(rnd, SIZES, 1);
    ga[2][Layout.CHUNK + 1] = Float.NaN;
    gm[1][0] = Float.POSITIVE_INFINITY;

    float[][] d = call(s, st, gm, ga, path);
    for (float[] t : d) {
      for (float v : t) {
        assertEquals(0, Float.floatToRawIntBits(v), "a skipped step's direction is +0.0");
      }
    }
    assertEquals(2, st.step());
    assertEquals(1, st.skippedSteps());
    assertTrue(st.lastStepSkipped());
    if (st.method().emaCount() > 0) {
      T.assertBitwise(T.emas(twin, false), T.emas(st, false), "EMA unchanged");
    }
    if (st.method().emaCount() > 1) {
      T.assertBitwise(T.emas(twin, true), T.emas(st, true), "aux EMA unchanged");
    }
    byte[] after = st.snapshot();
    assertEquals(before.length, after.length);

    // a good step afterwards: lastStepSkipped resets, results as if the bad call never happened
    float[][] g2 = T.gaussian(rnd, SIZES, 1);
    float[][] a2 = T.gaussian(rnd, SIZES, 1);
    T.assertBitwise(s.direction(g2, a2, twin), s.direction(g2, a2, st), "after the skip");
    assertFalse(st.lastStepSkipped());
    assertEquals(3, st.step());
    assertEquals(1, st.skippedSteps());
    assertTrue(st.toString().contains("skipped=1"), st.toString());
  }

  static Stream<Arguments> skipCases() {
    List<Arguments> list = new ArrayList<>();
    for (String m : METHODS) {
      String spec = m.contains(":") ? m : m + ":lambda=0.1";
      for (Path p : Path.values()) {
        list.add(Arguments.of(spec, p));
      }
    }
    return list.stream();
  }

  /**
   * Finite inputs whose mixed combination overflows: reported as the method's overflow of the direction (never as
   * a non-finite gradient), with the state, the gradients and out all untouched, in place or not.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void mixedOverflowIsReportedAsTheDirection(boolean inPlace) {
    GradientSurgery s = GradientSurgery.parse("mixed:lambda=10");
    float[][] gm = {{1, Float.MAX_VALUE / 2}};
    float[][] ga = {{1, Float.MAX_VALUE / 2}};
    float[][] out = inPlace ? gm : new float[][] {{7, 7}};
    SurgeryState st = T.init(s, gm);
    DirectionOverflowException e = assertThrows(DirectionOverflowException.class,
        () -> s.direction(gm, ga, st, out));
    assertEquals("direction", e.what());
    assertTrue(e.getMessage().contains("mixed") && e.getMessage().contains("every gradient is finite"),
        e.getMessage());
    assertEquals(0, st.step());
    assertEquals(1f, gm[0][0]);
    assertEquals(Float.MAX_VALUE / 2, gm[0][1]);
    if (!inPlace) {
      assertEquals(7f, out[0][0]);
      assertEquals(7f, out[0][1]);
    }
  }

  /** An init=grad template must be finite: the EMA must never hold a non-finite value. */
  @Test
  void initRejectsANonFiniteTemplate() {
    float[][] t = {{1, 2}, {3, Float.NaN}};
    String m = assertThrows(IllegalArgumentException.class, () -> GradientSurgery.parse("bloop").init(t))
        .getMessage();
    assertTrue(m.contains("tensor 1 element 1") && m.contains("NaN"), m);
    // zeros and random ignore the template's values
    assertEquals(2, GradientSurgery.parse("bloop:init=zeros").init(t).tensorCount());
  }
}
