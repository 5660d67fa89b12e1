package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * The FloatBuffer path must give bit for bit what the array path gives, for heap and direct buffers, native and
 * big-endian order, buffers whose window starts at a non-zero position; positions and the memory outside the
 * windows are left alone; out may be the very arrays or buffers of g_main (or g_aux).
 */
class BufferPathTest {
  static final String[] METHODS = {"mixed:lambda=0.3,rescale=true", "bloop:lambda=0.5,ema=0.2",
      "bloop:ratio-only=true,ema=0.5", "dynamic-barrier:lambda=3,ema=0.3", "pcgrad:lambda=0.5,ema=0.4"};
  static final int STEPS = 3;

  static Stream<Arguments> cases() {
    List<Arguments> list = new ArrayList<>();
    for (String m : METHODS) {
      for (T.BufferKind k : T.BufferKind.values()) {
        list.add(Arguments.of(m, k));
      }
    }
    return list.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void buffersMatchArraysBitForBit(String spec, T.BufferKind kind) {
    GradientSurgery s = GradientSurgery.parse(spec).withThreads(1);
    int[] sizes = T.ACROSS_CHUNK;
    Random rnd = new Random(spec.hashCode() + kind.ordinal());
    float[][] template = T.gaussian(rnd, sizes, 1);
    SurgeryState arrays = T.init(s, template);
    FloatBuffer[] templateBuffers = T.buffers(template, kind);
    SurgeryState buffers = T.init(s, templateBuffers);
    T.assertBitwise(T.contents(T.buffers(template, kind)), T.contents(templateBuffers), "init leaves the template");
    for (int k = 0; k < STEPS; k++) {
      float[][] gm = T.gaussian(rnd, sizes, 1);
      float[][] ga = T.mix(rnd, gm, rnd.nextDouble() * 6 - 3, null, 0, 1);
      float[][] expected = s.direction(gm, ga, arrays);

      FloatBuffer[] bm = T.buffers(gm, kind);
      FloatBuffer[] ba = T.buffers(ga, kind);
      FloatBuffer[] out = T.buffers(T.zerosLike(sizes), kind);
      int[] positions = positions(out);
      s.direction(bm, ba, buffers, out);
      T.assertBitwise(expected, T.contents(out), spec + " " + kind + " step " + k);
      assertArrayEquals(positions, positions(out), "positions are not moved");
      T.assertBitwise(gm, T.contents(bm), "g_main buffers untouched");
      T.assertBitwise(ga, T.contents(ba), "g_aux buffers untouched");
      T.assertPaddingIntact(out);
      T.assertPaddingIntact(bm);
    }
    assertArrayEquals(arrays.snapshot(), buffers.snapshot(), "same state");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mixed:lambda=0.3", "bloop:lambda=0.5,ema=0.2", "pcgrad:lambda=0.5,ema=0.4",
      "dynamic-barrier:lambda=3,ema=0.3"})
  void outMayAliasGMainOrGAux(String spec) {
    GradientSurgery s = GradientSurgery.parse(spec).withThreads(1);
    int[] sizes = T.ACROSS_CHUNK;
    Random rnd = new Random(11);
    float[][] template = T.gaussian(rnd, sizes, 1);
    SurgeryState ref = T.init(s, template);
    SurgeryState inMain = T.init(s, template);
    SurgeryState inAux = T.init(s, template);
    SurgeryState bufMain = T.init(s, template);
    SurgeryState bufView = T.init(s, template);
    for (int k = 0; k < STEPS; k++) {
      float[][] gm = T.gaussian(rnd, sizes, 1);
      float[][] ga = T.mix(rnd, gm, -1, null, 0, 1);
      float[][] expected = s.direction(gm, ga, ref);

      float[][] m1 = T.copy(gm);
      s.direction(m1, T.copy(ga), inMain, m1);
      T.assertBitwise(expected, m1, "arrays, out = g_main, step " + k);

      float[][] a1 = T.copy(ga);
      s.direction(T.copy(gm), a1, inAux, a1);
      T.assertBitwise(expected, a1, "arrays, out = g_aux, step " + k);

      FloatBuffer[] bm = T.buffers(gm, T.BufferKind.DIRECT_OFFSET);
      s.direction(bm, T.buffers(ga, T.BufferKind.HEAP), bufMain, bm);
      T.assertBitwise(expected, T.contents(bm), "buffers, out = g_main, step " + k);

      // out is another view (duplicate) of the same memory as g_main
      FloatBuffer[] bm2 = T.buffers(gm, T.BufferKind.DIRECT_NATIVE);
      FloatBuffer[] view = new FloatBuffer[bm2.length];
      for (int t = 0; t < bm2.length; t++) {
        view[t] = bm2[t].duplicate();
      }
      s.direction(bm2, T.buffers(ga, T.BufferKind.DIRECT_NATIVE), bufView, view);
      T.assertBitwise(expected, T.contents(bm2), "buffers, out = a view of g_main, step " + k);
    }
  }

  @Test
  void mixedKindsAndReadOnlyInputs() {
    GradientSurgery s = GradientSurgery.parse("bloop:lambda=0.7,ema=0.3");
    int[] sizes = T.SMALL;
    Random rnd = new Random(2);
    float[][] template = T.gaussian(rnd, sizes, 1);
    SurgeryState a = T.init(s, template);
    SurgeryState b = T.init(s, template);
    float[][] gm = T.gaussian(rnd, sizes, 1);
    float[][] ga = T.gaussian(rnd, sizes, 1);
    float[][] expected = s.direction(gm, ga, a);
    FloatBuffer[] bm = T.buffers(gm, T.BufferKind.DIRECT_BIG_ENDIAN);
    FloatBuffer[] ba = T.buffers(ga, T.BufferKind.HEAP_OFFSET);
    for (int t = 0; t < sizes.length; t++) {
      bm[t] = bm[t].asReadOnlyBuffer();
      ba[t] = ba[t].asReadOnlyBuffer();
    }
    FloatBuffer[] out = T.buffers(T.zerosLike(sizes), T.BufferKind.HEAP);
    s.direction(bm, ba, b, out);
    T.assertBitwise(expected, T.contents(out), "read-only inputs of mixed kinds");
  }

  @Test
  void readOnlyOutIsRefused() {
    GradientSurgery s = GradientSurgery.parse("bloop");
    float[][] g = T.gaussian(new Random(1), T.SMALL, 1);
    SurgeryState st = T.init(s, g);
    byte[] before = st.snapshot();
    FloatBuffer[] out = T.buffers(g, T.BufferKind.HEAP);
    out[3] = out[3].asReadOnlyBuffer();
    String m = assertThrows(IllegalArgumentException.class,
        () -> s.direction(T.buffers(g, T.BufferKind.HEAP), T.buffers(g, T.BufferKind.HEAP), st, out)).getMessage();
    assertTrue(m.contains("out tensor 3") && m.contains("read-only"), m);
    assertArrayEquals(before, st.snapshot());
  }

  /** Threads and buffers together: the scratch staging is per worker. */
  @Test
  void buffersOnSeveralThreadsMatchArrays() {
    GradientSurgery s = GradientSurgery.parse("pcgrad:lambda=0.5,ema=0.4");
    int[] sizes = T.LARGE;
    Random rnd = new Random(4);
    float[][] template = T.gaussian(rnd, sizes, 1);
    SurgeryState arrays = T.init(s.withThreads(1), template);
    SurgeryState buffers = T.init(s.withThreads(3), template);
    for (int k = 0; k < 2; k++) {
      float[][] gm = T.gaussian(rnd, sizes, 1);
      float[][] ga = T.mix(rnd, gm, -0.5, null, 0, 1);
      float[][] expected = s.withThreads(1).direction(gm, ga, arrays);
      FloatBuffer[] bm = T.buffers(gm, T.BufferKind.DIRECT_OFFSET);
      s.withThreads(3).direction(bm, T.buffers(ga, T.BufferKind.HEAP_OFFSET), buffers, bm);
      T.assertBitwise(expected, T.contents(bm), "step " + k);
    }
    assertArrayEquals(arrays.snapshot(), buffers.snapshot());
  }

  @Test
  void initFromBuffersReadsTheirWindows() {
    GradientSurgery s = GradientSurgery.parse("pcgrad:init=grad");
    float[][] template = T.gaussian(new Random(3), T.SMALL, 1);
    SurgeryState st = T.init(s, T.buffers(template, T.BufferKind.DIRECT_OFFSET));
    T.assertBitwise(template, T.emas(st, false), "main EMA");
    T.assertBitwise(template, T.emas(st, true), "aux EMA");
    FloatBuffer direct = ByteBuffer.allocateDirect(40).order(ByteOrder.nativeOrder()).asFloatBuffer();
    direct.position(4);
    assertArrayEquals(new int[] {6}, GradientSurgery.parse("bloop").init(new FloatBuffer[] {direct}).sizes());
  }

  private static int[] positions(FloatBuffer[] b) {
    int[] p = new int[b.length];
    for (int t = 0; t < b.length; t++) {
      p[t] = b[t].position() * 100_000 + b[t].limit();
    }
    assertEquals(b.length, p.length);
    return p;
  }

  @Test
  void pcgradInitFromTwoBufferTemplatesMatchesTheArrayOverload() {
    GradientSurgery s = GradientSurgery.parse("pcgrad:lambda=0.5,ema=0.4");
    Random rnd = new Random(7);
    float[][] main = T.gaussian(rnd, T.ACROSS_CHUNK, 1);
    float[][] aux = T.gaussian(rnd, T.ACROSS_CHUNK, 1);
    SurgeryState fromBuffers = T.init(s, T.buffers(main, T.BufferKind.values()[0]), T.buffers(aux,
        T.BufferKind.values()[T.BufferKind.values().length - 1]));
    T.assertBitwise(main, T.emas(fromBuffers, false), "main EMA copies the main template");
    T.assertBitwise(aux, T.emas(fromBuffers, true), "aux EMA copies the aux template");
    float[][] shorter = T.gaussian(rnd, new int[] {3}, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> T.init(s, T.buffers(main, T.BufferKind.values()[0]), T.buffers(shorter, T.BufferKind.values()[0])));
    assertTrue(e.getMessage().contains("init aux template has 1 tensors"), e.getMessage());
  }
}
