package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The two-loss calls give the same bits as the release that had only two losses: a SHA-256 over every
 * direction, EMA and ratio of multi-step runs (arrays in place and into new arrays, direct buffers, several
 * thread counts) is compared with {@code two-loss-bits.txt}, which was written by that release (commit c316110,
 * before the k-loss core) with the environment variable {@code SCALPEL_WRITE_BITS=PATH}. Any change of rounding, order, EMA update or
 * scalar algebra in the two-loss path changes a fingerprint.
 */
class TwoLossBitsTest {
  static final List<String> SPECS = List.of(
      "mixed:lambda=0.3", "mixed:lambda=2,rescale=true", "mixed:lambda=0",
      "bloop:lambda=0.1,ema=0.01", "bloop:lambda=3,ema=0.3,rescale=true,eps=0",
      "bloop:lambda=0.5,ema=1", "bloop:lambda=0.5,ema=0.2,init=zeros", "bloop:lambda=0.7,ema=0.1,init=random,seed=4",
      "bloop:lambda=0.5,ema=0.1,ratio-only=true", "bloop:lambda=0,ema=0.1",
      "dynamic-barrier:lambda=2,ema=0.2", "dynamic-barrier:lambda=0.1,ema=1,rescale=true",
      "dynamic-barrier:lambda=8,ema=0.05,eps=0.01",
      "pcgrad:lambda=0.5,ema=0.3", "pcgrad:lambda=1,ema=1", "pcgrad:lambda=0.2,ema=0.1,init=zeros,rescale=true",
      "pcgrad:lambda=0.3,ema=0.5,init=random,seed=9");

  static final int STEPS = 8;

  @Test
  void twoLossResultsAreBitIdenticalToTheTwoLossRelease() throws IOException {
    Map<String, String> actual = fingerprints();
    String out = System.getenv("SCALPEL_WRITE_BITS");
    if (out != null) {
      StringBuilder b = new StringBuilder();
      actual.forEach((k, v) -> b.append(k).append('\t').append(v).append('\n'));
      Files.writeString(Path.of(out), b.toString());
    }
    Map<String, String> expected = new LinkedHashMap<>();
    try (InputStream in = TwoLossBitsTest.class.getResourceAsStream("two-loss-bits.txt")) {
      assertNotNull(in, "two-loss-bits.txt is missing from the test resources");
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          String[] kv = line.split("\t");
          expected.put(kv[0], kv[1]);
        }
      }
    }
    assertEquals(expected.keySet(), actual.keySet(), "the set of fingerprinted cases");
    for (String key : expected.keySet()) {
      assertEquals(expected.get(key), actual.get(key), "bits of " + key);
    }
  }

  static Map<String, String> fingerprints() {
    Map<String, String> result = new LinkedHashMap<>();
    for (String spec : SPECS) {
      for (int[] sizes : new int[][] {T.SMALL, T.ACROSS_CHUNK, T.LARGE}) {
        for (int mode = 0; mode < 3; mode++) {
          if (sizes == T.LARGE && mode != 1) {
            continue; // large models: the multi-threaded path only (keeps the test fast)
          }
          String key = spec + " sizes=" + T.total(sizes) + " mode=" + mode;
          result.put(key, run(spec, sizes, mode));
        }
      }
    }
    return result;
  }

  /** mode 0: arrays in place on 1 thread; 1: arrays into new arrays on 2 threads; 2: direct buffers, in place. */
  static String run(String spec, int[] sizes, int mode) {
    GradientSurgery s = GradientSurgery.parse(spec).withThreads(mode == 1 ? 2 : 1);
    Random rnd = new Random(spec.hashCode() * 31L + T.total(sizes));
    float[][] base = T.gaussian(rnd, sizes, 1);
    float[][] aux = T.gaussian(rnd, sizes, 1);
    float[][] m0 = T.mix(rnd, base, 1, null, 0, 0.5);
    float[][] a0 = T.mix(rnd, aux, 1, null, 0, 0.5);
    SurgeryState st = s.init(m0, a0);
    MessageDigest md = sha256();
    for (int step = 0; step < STEPS; step++) {
      float[][] gm = T.mix(rnd, base, 1, null, 0, 0.7);
      float[][] ga = T.mix(rnd, gm, -3 + 6 * rnd.nextDouble(), aux, 1, 0.3);
      float[][] d;
      switch (mode) {
        case 0 -> {
          s.direction(gm, ga, st, gm);
          d = gm;
        }
        case 1 -> d = s.direction(gm, ga, st);
        default -> {
          var bm = T.buffers(gm, T.BufferKind.DIRECT_NATIVE);
          var ba = T.buffers(ga, T.BufferKind.DIRECT_NATIVE);
          s.direction(bm, ba, st, bm);
          d = T.contents(bm);
        }
      }
      update(md, d);
      long r = Double.doubleToRawLongBits(st.lastRatio());
      md.update(Long.toString(r).getBytes(StandardCharsets.UTF_8));
    }
    if (s.method() != Method.MIXED) {
      update(md, T.emas(st, false));
    }
    if (s.method() == Method.PCGRAD) {
      update(md, T.emas(st, true));
    }
    return java.util.HexFormat.of().formatHex(md.digest());
  }

  private static void update(MessageDigest md, float[][] x) {
    byte[] b = new byte[4];
    for (float[] t : x) {
      for (float v : t) {
        int bits = Float.floatToRawIntBits(v);
        b[0] = (byte) (bits >>> 24);
        b[1] = (byte) (bits >>> 16);
        b[2] = (byte) (bits >>> 8);
        b[3] = (byte) bits;
        md.update(b);
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
