package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The determinism and safety contract, for every method with three losses (and the general path with two):
 * results bit-identical for 1, 2 and 3 threads, for arrays and direct buffers, for the scalar and the vector
 * kernels; a snapshot taken mid-run resumes bit for bit (EMAs, method state, random state, diagnostics); a
 * non-finite gradient leaves the state, the gradients and out untouched under throw, and gives zeros under skip.
 */
class EveryMethodContractTest {
  static final int STEPS = 5;

  static Stream<String> every() {
    return K.EVERY_METHOD.stream();
  }

  private static final java.util.Map<String, float[][][]> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

  /** Step s of a run: three correlated gradients that change from step to step (fresh copies of cached ones). */
  static float[][][] gradients(int[] sizes, int step, long seed) {
    return copy(CACHE.computeIfAbsent(java.util.Arrays.toString(sizes) + "/" + step + "/" + seed,
        key -> generate(sizes, step, seed)));
  }

  private static float[][][] generate(int[] sizes, int step, long seed) {
    Random rnd = new Random(seed * 1000 + step);
    float[][] base = T.gaussian(new Random(seed), sizes, 1);
    float[][] g0 = T.mix(rnd, base, 1, null, 0, 0.5);
    float[][] g1 = T.mix(rnd, g0, -0.8, base, 0.3, 0.6);
    float[][] g2 = T.mix(rnd, g1, 0.5, null, 0, 0.8);
    return new float[][][] {g0, g1, g2};
  }

  static float[][][] copy(float[][][] g) {
    float[][][] c = new float[g.length][][];
    for (int i = 0; i < g.length; i++) {
      c[i] = T.copy(g[i]);
    }
    return c;
  }

  /** Runs STEPS steps, in place into g[0]; returns all directions concatenated. */
  static float[][] run(GradientSurgery s, int[] sizes, long seed, java.util.function.Consumer<SurgeryState> setup) {
    SurgeryState st = s.init(gradients(sizes, 0, seed));
    setup.accept(st);
    float[][] all = new float[STEPS * sizes.length][];
    for (int step = 1; step <= STEPS; step++) {
      float[][][] g = gradients(sizes, step, seed);
      s.direction(g, st, g[0]);
      System.arraycopy(g[0], 0, all, (step - 1) * sizes.length, sizes.length);
    }
    return all;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("every")
  void identicalForOneTwoAndThreeThreads(String spec) {
    GradientSurgery s = GradientSurgery.parse(spec);
    float[][] one = run(s.withThreads(1), T.LARGE, 1, st -> { });
    T.assertBitwise(one, run(s.withThreads(2), T.LARGE, 1, st -> { }), spec + " 2 threads");
    T.assertBitwise(one, run(s.withThreads(3), T.LARGE, 1, st -> { }), spec + " 3 threads");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("every")
  void identicalForTheScalarAndTheVectorKernels(String spec) {
    GramKernel vector = GramKernel.vectorOrNull();
    Kernel vectorTwo = Kernel.vectorOrNull();
    org.junit.jupiter.api.Assumptions.assumeTrue(vector != null, "jdk.incubator.vector not available");
    GradientSurgery s = GradientSurgery.parse(spec).withThreads(1);
    float[][] scalar = run(s, T.ACROSS_CHUNK, 2, st -> {
      st.runner.gk = GramKernel.SCALAR;
      st.runner.kernel = Kernel.SCALAR;
    });
    float[][] simd = run(s, T.ACROSS_CHUNK, 2, st -> {
      st.runner.gk = vector;
      st.runner.kernel = vectorTwo;
    });
    T.assertBitwise(scalar, simd, spec);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("every")
  void buffersGiveTheBitsOfArrays(String spec) {
    GradientSurgery s = GradientSurgery.parse(spec).withThreads(2);
    int[] sizes = T.ACROSS_CHUNK;
    SurgeryState a = s.init(gradients(sizes, 0, 3));
    FloatBuffer[][] b0 = buffers(gradients(sizes, 0, 3), T.BufferKind.DIRECT_OFFSET);
    SurgeryState b = s.init(b0);
    for (int step = 1; step <= STEPS; step++) {
      float[][][] g = gradients(sizes, step, 3);
      FloatBuffer[][] bg = buffers(g, step % 2 == 0 ? T.BufferKind.DIRECT_NATIVE : T.BufferKind.HEAP_OFFSET);
      float[][] d = s.direction(g, a);
      s.direction(bg, b, bg[0]);
      T.assertBitwise(d, T.contents(bg[0]), spec + " step " + step);
      T.assertPaddingIntact(bg[0]);
    }
  }

  static FloatBuffer[][] buffers(float[][][] g, T.BufferKind kind) {
    FloatBuffer[][] b = new FloatBuffer[g.length][];
    for (int i = 0; i < g.length; i++) {
      b[i] = T.buffers(g[i], kind);
    }
    return b;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("every")
  void aSnapshotResumesBitForBit(String spec) {
    GradientSurgery s = GradientSurgery.parse(spec).withThreads(1);
    int[] sizes = T.SMALL;
    SurgeryState straight = s.init(gradients(sizes, 0, 4));
    SurgeryState first = s.init(gradients(sizes, 0, 4));
    for (int step = 1; step <= 3; step++) {
      s.direction(gradients(sizes, step, 4), straight);
      s.direction(gradients(sizes, step, 4), first);
    }
    byte[] snap = first.snapshot();
    SurgeryState resumed = s.restore(snap, sizes);
    assertEquals(first.step(), resumed.step());
    assertEquals(Double.doubleToRawLongBits(first.lastRatio()), Double.doubleToRawLongBits(resumed.lastRatio()),
        spec + ": the last ratio survives");
    assertArrayEquals(first.lastWeights(), resumed.lastWeights(), 0.0, spec + ": the last weights survive");
    assertEquals(first.lastStatus(), resumed.lastStatus());
    assertArrayEquals(snap, resumed.snapshot(), spec + ": restore then snapshot gives the same bytes");
    for (int step = 4; step <= 4 + STEPS; step++) {
      T.assertBitwise(s.direction(gradients(sizes, step, 4), straight),
          s.direction(gradients(sizes, step, 4), resumed), spec + " step " + step);
    }
    assertArrayEquals(straight.snapshot(), resumed.snapshot(), spec + ": the same state at the end");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("every")
  void aNonFiniteGradientTouchesNothingUnderThrow(String spec) {
    GradientSurgery s = GradientSurgery.parse(spec).withThreads(2);
    int[] sizes = T.ACROSS_CHUNK;
    SurgeryState st = s.init(gradients(sizes, 0, 5));
    s.direction(gradients(sizes, 1, 5), st);
    for (int bad = 0; bad < 3; bad++) {
      for (boolean inPlace : new boolean[] {true, false}) {
        float[][][] g = gradients(sizes, 2, 5);
        g[bad][2][Layout.CHUNK + 5] = bad == 1 ? Float.NaN : Float.NEGATIVE_INFINITY; // in the last chunk
        float[][][] before = copy(g);
        float[][] out = inPlace ? g[0] : T.gaussian(new Random(9), sizes, 1);
        float[][] outBefore = T.copy(out);
        byte[] state = st.snapshot();
        int which = bad;
        NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class,
            () -> s.direction(g, st, out));
        assertEquals("g_" + which, e.gradient(), spec);
        assertEquals(2, e.tensor());
        assertEquals(Layout.CHUNK + 5, e.index());
        assertArrayEquals(state, st.snapshot(), spec + ": the state is untouched");
        for (int i = 0; i < 3; i++) {
          T.assertBitwise(before[i], g[i], spec + ": gradient " + i + " is untouched");
        }
        T.assertBitwise(outBefore, out, spec + ": out is untouched");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("every")
  void skipGivesZerosAndCountsTheSkip(String spec) {
    GradientSurgery s = GradientSurgery.parse(spec + (spec.contains(":") ? "," : ":") + "nonfinite=skip");
    int[] sizes = T.SMALL;
    SurgeryState st = s.init(gradients(sizes, 0, 6));
    s.direction(gradients(sizes, 1, 6), st);
    byte[] before = st.snapshot();
    float[][][] g = gradients(sizes, 2, 6);
    g[2][0][3] = Float.NaN;
    float[][] d = s.direction(g, st);
    for (float[] t : d) {
      for (float v : t) {
        assertEquals(0f, v);
      }
    }
    assertTrue(st.lastStepSkipped());
    assertEquals(1, st.skippedSteps());
    assertEquals(1, st.step());
    SurgeryState again = s.restore(before, sizes);
    again.skipped = 1;
    again.lastSkipped = true;
    assertArrayEquals(again.snapshot(), st.snapshot(), spec + ": only the skip counters moved");
  }
}
