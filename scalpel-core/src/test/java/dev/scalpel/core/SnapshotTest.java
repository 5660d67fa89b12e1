package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Snapshots: exact continuation after restore, thread independence, the documented format, every error. */
class SnapshotTest {

  /** Runs {@code steps} directions with gradients drawn from rnd; returns the directions. */
  static float[][][] advance(GradientSurgery s, SurgeryState state, Random rnd, int[] sizes, int steps) {
    float[][][] out = new float[steps][][];
    for (int k = 0; k < steps; k++) {
      float[][] gm = T.gaussian(rnd, sizes, 1);
      float[][] ga = T.mix(rnd, gm, rnd.nextDouble() * 4 - 2, null, 0, 1);
      out[k] = s.direction(gm, ga, state);
    }
    return out;
  }

  static void assertSameState(SurgeryState expected, SurgeryState actual) {
    assertEquals(expected.step(), actual.step(), "step");
    assertEquals(expected.skippedSteps(), actual.skippedSteps(), "skipped");
    assertArrayEquals(expected.sizes(), actual.sizes(), "sizes");
    if (expected.method().emaCount() >= 1) {
      T.assertBitwise(T.emas(expected, false), T.emas(actual, false), "EMA");
    }
    if (expected.method().emaCount() >= 2) {
      T.assertBitwise(T.emas(expected, true), T.emas(actual, true), "aux EMA");
    }
    assertArrayEquals(expected.snapshot(), actual.snapshot(), "snapshot bytes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"bloop:lambda=0.3,ema=0.05", "bloop:ratio-only=true,init=random,seed=9",
      "dynamic-barrier:lambda=4,ema=0.2", "pcgrad:lambda=0.5,ema=0.3,init=zeros", "mixed:lambda=0.2"})
  void restoredStateContinuesBitForBit(String spec) {
    GradientSurgery s = GradientSurgery.parse(spec).withThreads(1);
    int[] sizes = T.ACROSS_CHUNK;
    Random rnd = new Random(spec.hashCode());
    SurgeryState original = T.init(s, T.gaussian(rnd, sizes, 1));
    advance(s, original, rnd, sizes, 5);
    byte[] bytes = original.snapshot();

    SurgeryState fromBytes = s.restore(bytes, sizes);
    SurgeryState fromStream = s.restore(new ByteArrayInputStream(bytes), null);
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    original.writeSnapshot(written);
    assertArrayEquals(bytes, written.toByteArray(), "writeSnapshot writes snapshot()");
    assertSameState(original, fromBytes);
    assertSameState(original, fromStream);
    assertEquals(5, fromBytes.step());

    long seed = rnd.nextLong();
    float[][][] a = advance(s, original, new Random(seed), sizes, 6);
    float[][][] b = advance(s, fromBytes, new Random(seed), sizes, 6);
    float[][][] c = advance(s, fromStream, new Random(seed), sizes, 6);
    for (int k = 0; k < a.length; k++) {
      T.assertBitwise(a[k], b[k], "direction " + k + " after restore(bytes)");
      T.assertBitwise(a[k], c[k], "direction " + k + " after restore(stream)");
    }
    assertSameState(original, fromBytes);
    assertSameState(original, fromStream);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bloop:lambda=0.3,ema=0.05", "dynamic-barrier:lambda=2,ema=0.5", "pcgrad:ema=0.1"})
  void snapshotsDoNotDependOnThreads(String spec) {
    GradientSurgery one = GradientSurgery.parse(spec).withThreads(1);
    GradientSurgery two = one.withThreads(2);
    int[] sizes = T.LARGE;
    long seed = 42;
    SurgeryState straight = T.init(one, T.gaussian(new Random(1), sizes, 1));
    Random rnd = new Random(seed);
    float[][][] expected = advance(one, straight, rnd, sizes, 4);

    SurgeryState first = T.init(one, T.gaussian(new Random(1), sizes, 1));
    Random rnd2 = new Random(seed);
    float[][][] before = advance(one, first, rnd2, sizes, 2);
    SurgeryState resumed = two.restore(first.snapshot(), sizes);
    float[][][] after = advance(two, resumed, rnd2, sizes, 2);
    T.assertBitwise(expected[0], before[0], "step 0");
    T.assertBitwise(expected[1], before[1], "step 1");
    T.assertBitwise(expected[2], after[0], "step 2, threads = 2 after restore");
    T.assertBitwise(expected[3], after[1], "step 3, threads = 2 after restore");
    assertSameState(straight, resumed);
  }

  @Test
  void skipCountersSurviveARestore() {
    GradientSurgery s = GradientSurgery.parse("dynamic-barrier:nonfinite=skip,ema=0.5");
    Random rnd = new Random(12);
    SurgeryState st = T.init(s, T.gaussian(rnd, T.SMALL, 1));
    advance(s, st, rnd, T.SMALL, 2);
    float[][] bad = T.gaussian(rnd, T.SMALL, 1);
    bad[0][3] = Float.NaN;
    s.direction(bad, bad, st);
    s.direction(bad, bad, st);
    advance(s, st, rnd, T.SMALL, 1);
    SurgeryState back = s.restore(st.snapshot(), T.SMALL);
    assertEquals(3, back.step());
    assertEquals(2, back.skippedSteps());
    assertSameState(st, back);
  }

  /** Decodes a snapshot by the format documented in Snapshots, independently of its reader. */
  @Test
  void theBytesFollowTheDocumentedFormat() {
    GradientSurgery pc = GradientSurgery.parse("pcgrad:lambda=0.5,ema=0.25,nonfinite=skip").withThreads(1);
    int[] sizes = {3, 0, 5};
    Random rnd = new Random(3);
    SurgeryState st = pc.init(T.gaussian(rnd, sizes, 1), T.gaussian(rnd, sizes, 1));
    advance(pc, st, rnd, sizes, 2);
    float[][] bad = T.gaussian(rnd, sizes, 1);
    bad[2][1] = Float.NaN;
    pc.direction(bad, bad, st); // skipped: counted
    byte[] bytes = st.snapshot();

    ByteBuffer b = ByteBuffer.wrap(bytes); // big-endian
    assertEquals(0x53434C50, b.getInt(), "magic SCLP");
    assertEquals(2, b.getInt(), "version");
    assertEquals(bytes.length, b.getLong(), "total length");
    byte[] spec = new byte[b.getShort()];
    b.get(spec);
    assertEquals(pc.toString(), new String(spec, StandardCharsets.UTF_8));
    assertEquals(2, b.getInt(), "number of losses");
    assertEquals(2, b.getLong(), "step");
    assertEquals(1, b.getLong(), "skipped");
    assertEquals(3, b.getInt(), "tensor count");
    for (int size : sizes) {
      assertEquals(size, b.getInt());
    }
    assertEquals(2, b.getInt(), "stream count");
    assertEquals(0, b.getInt(), "stream 0 is the EMA of g_0");
    assertEquals(1, b.getInt(), "stream 1 is the EMA of g_1");
    for (boolean aux : new boolean[] {false, true}) {
      for (int t = 0; t < sizes.length; t++) {
        float[] e = aux ? st.emaAux(t) : st.ema(t);
        for (float v : e) {
          assertEquals(Float.floatToRawIntBits(v), b.getInt());
        }
      }
    }
    assertEquals(0, b.getInt(), "pcgrad keeps no method state");
    assertEquals(0, b.getLong(), "seed");
    assertEquals(2, b.getLong(), "random counter = step");
    assertEquals(1, b.get(), "the last step was skipped");
    assertEquals(Double.doubleToRawLongBits(st.lastRatio()), b.getLong(), "last ratio");
    assertEquals(Double.doubleToRawLongBits(st.lastRatioAux()), b.getLong(), "last ratio aux");
    assertEquals(2, b.getInt(), "weights");
    assertEquals(st.lastWeights()[0], b.getDouble());
    assertEquals(st.lastWeights()[1], b.getDouble());
    byte[] status = new byte[b.getShort()];
    b.get(status);
    assertEquals(st.lastStatus(), new String(status, StandardCharsets.UTF_8));
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, b.position());
    assertEquals(crc.getValue(), b.getLong(), "CRC-32 of every byte before it");
    assertEquals(bytes.length, b.position());
  }

  // ------------------------------------------------------------------------------------------ errors

  private static byte[] bloopSnapshot(int[] sizes) {
    GradientSurgery s = GradientSurgery.parse("bloop:ema=0.5");
    Random rnd = new Random(5);
    SurgeryState st = T.init(s, T.gaussian(rnd, sizes, 1));
    advance(s, st, rnd, sizes, 2);
    return st.snapshot();
  }

  private static String restoreError(String spec, byte[] bytes, int[] sizes) {
    return assertThrows(IllegalArgumentException.class, () -> GradientSurgery.parse(spec).restore(bytes, sizes))
        .getMessage();
  }

  /** Recomputes the trailing CRC so a test can reach the checks after it. */
  private static byte[] withValidCrc(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    ByteBuffer.wrap(bytes, bytes.length - 8, 8).putLong(crc.getValue());
    return bytes;
  }

  @Test
  void wrongMagic() {
    byte[] bytes = bloopSnapshot(T.SMALL);
    bytes[0] = 'X';
    String m = restoreError("bloop", bytes, T.SMALL);
    assertTrue(m.contains("not a Scalpel surgery snapshot") && m.contains("0x58434C50") && m.contains("0x53434C50"), m);
    String text = restoreError("bloop", "hello, this is not a snapshot".getBytes(StandardCharsets.UTF_8), null);
    assertTrue(text.contains("not a Scalpel surgery snapshot"), text);
  }

  @Test
  void otherVersion() {
    byte[] bytes = bloopSnapshot(T.SMALL);
    bytes[7] = 3;
    String m = restoreError("bloop", bytes, T.SMALL);
    assertTrue(m.contains("version 3") && m.contains("reads versions 1 and 2"), m);
  }

  @Test
  void truncatedOrTrailing() {
    byte[] bytes = bloopSnapshot(T.SMALL);
    String cut = restoreError("bloop", Arrays.copyOf(bytes, bytes.length - 10), T.SMALL);
    assertTrue(cut.contains("truncated") && cut.contains((bytes.length - 10) + " of " + bytes.length), cut);
    String tiny = restoreError("bloop", Arrays.copyOf(bytes, 9), T.SMALL);
    assertTrue(tiny.contains("truncated") && tiny.contains("9 bytes"), tiny);
    String empty = restoreError("bloop", new byte[0], T.SMALL);
    assertTrue(empty.contains("truncated"), empty);
    String longer = restoreError("bloop", Arrays.copyOf(bytes, bytes.length + 3), T.SMALL);
    assertTrue(longer.contains("3 trailing bytes"), longer);
  }

  @Test
  void corruptedByteFailsTheChecksum() {
    byte[] good = bloopSnapshot(T.SMALL);
    for (int at : new int[] {good.length / 2, good.length - 9, 20}) { // an EMA float, the last one, the spec
      byte[] bytes = good.clone();
      bytes[at] ^= 0x10;
      String m = restoreError("bloop", bytes, T.SMALL);
      assertTrue(m.contains("corrupted") && m.contains("checksum"), m);
    }
    byte[] crc = good.clone();
    crc[crc.length - 1] ^= 1;
    assertTrue(restoreError("bloop", crc, T.SMALL).contains("corrupted"));
  }

  @Test
  void anotherMethodsSnapshot() {
    byte[] bytes = bloopSnapshot(T.SMALL);
    String m = restoreError("dynamic-barrier", bytes, T.SMALL);
    assertTrue(m.contains("state of bloop") && m.contains("not of dynamic-barrier"), m);
    assertTrue(restoreError("pcgrad", bytes, T.SMALL).contains("not of pcgrad"));
    assertTrue(restoreError("mixed", bytes, T.SMALL).contains("not of mixed"));
    // the same method with other hyper-parameters is fine: only the state is restored
    SurgeryState st = GradientSurgery.parse("bloop:lambda=2,ema=0.01").restore(bytes, T.SMALL);
    assertEquals(2, st.step());
  }

  @Test
  void otherTensorCountOrSizes() {
    int[] sizes = {37, 1, 300, 64, 8};
    byte[] bytes = bloopSnapshot(sizes);
    String fewer = restoreError("bloop", bytes, new int[] {37, 1, 300, 64});
    assertTrue(fewer.contains("has 5 tensors") && fewer.contains("model has 4"), fewer);
    String other = restoreError("bloop", bytes, new int[] {37, 1, 301, 64, 8});
    assertTrue(other.contains("tensor 2 has 300 floats") && other.contains("model's has 301"), other);
  }

  @Test
  void restoredIntoAModelOfOtherShapesWithoutCheckingFailsAtTheFirstStep() {
    int[] sizes = {37, 1, 300};
    SurgeryState st = GradientSurgery.parse("bloop").restore(bloopSnapshot(sizes), null);
    assertArrayEquals(sizes, st.sizes());
    float[][] other = T.zerosLike(new int[] {37, 2, 300});
    String m = assertThrows(IllegalArgumentException.class,
        () -> GradientSurgery.parse("bloop").direction(other, other, st)).getMessage();
    assertTrue(m.contains("tensor 1 has 2 floats") && m.contains("expects 1"), m);
  }

  @Test
  void nonFiniteSavedValueIsRejectedEvenWithAValidChecksum() {
    byte[] bytes = bloopSnapshot(new int[] {4});
    // the last EMA float sits before the method state (int), random state (2 longs), diagnostics and CRC
    int tail = 4 + 16 + 1 + 8 + 8 + 4 + 16 + 2 + GradientSurgery.parse("bloop").restore(bytes, null).lastStatus()
        .length() + 8;
    ByteBuffer.wrap(bytes, bytes.length - tail - 4, 4).putFloat(Float.POSITIVE_INFINITY);
    String m = restoreError("bloop", withValidCrc(bytes), null);
    assertTrue(m.contains("element 3") && m.contains("Infinity") && m.contains("always finite"), m);
  }

  @Test
  void inconsistentSectionsWithAValidChecksum() {
    byte[] bytes = bloopSnapshot(new int[] {4});
    // claim more floats in the tensor than the file holds: sizes start after magic, version, length, spec, steps
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int sizeAt = 4 + 4 + 8 + 2 + b.getShort(16) + 4 + 8 + 8 + 4;
    b.putInt(sizeAt, 1000);
    String m = restoreError("bloop", withValidCrc(bytes), null);
    assertTrue(m.contains("inconsistent") || m.contains("longer"), m);
  }

  /** A snapshot whose checksum is right but whose counts are absurd must fail cleanly, before allocating. */
  @ParameterizedTest
  @ValueSource(ints = {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1 << 28})
  void absurdCountsWithAValidChecksum(int value) {
    byte[] good = bloopSnapshot(new int[] {4, 2});
    int countAt = 4 + 4 + 8 + 2 + ByteBuffer.wrap(good).getShort(16) + 4 + 8 + 8;
    for (int at : new int[] {countAt, countAt + 4, countAt + 8}) { // tensor count, first size, second size
      byte[] bytes = good.clone();
      ByteBuffer.wrap(bytes).putInt(at, value);
      String m = restoreError("bloop", withValidCrc(bytes), null);
      assertTrue(m.contains("inconsistent"), m);
    }
    byte[] bytes = good.clone();
    ByteBuffer.wrap(bytes).putInt(countAt + 12, value); // stream count
    String m = restoreError("bloop", withValidCrc(bytes), null);
    assertTrue(m.contains("EMA stream") || m.contains("inconsistent"), m);
  }

  @Test
  void nullAndUnreadableInput() {
    GradientSurgery s = GradientSurgery.parse("bloop");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> s.restore((byte[]) null, null)).getMessage()
        .contains("must not be null"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> s.restore((InputStream) null, null))
        .getMessage().contains("must not be null"));
    InputStream broken = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("disk on fire");
      }
    };
    String m = assertThrows(IllegalArgumentException.class, () -> s.restore(broken, null)).getMessage();
    assertTrue(m.contains("could not read") && m.contains("disk on fire"), m);
  }

  @Test
  void mixedHasNoEmaButStillRoundTripsItsCounters() {
    GradientSurgery mixed = GradientSurgery.parse("mixed:lambda=0.5");
    SurgeryState st = mixed.init(T.zerosLike(T.SMALL));
    advance(mixed, st, new Random(1), T.SMALL, 3);
    SurgeryState back = mixed.restore(st.snapshot(), T.SMALL);
    assertEquals(3, back.step());
    assertThrows(IllegalStateException.class, () -> back.ema(0));
    assertNotNull(back.toString());
  }
}
