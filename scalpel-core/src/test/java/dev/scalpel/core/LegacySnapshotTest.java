package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Snapshots written by the two-loss release (format version 1, commit c316110) still restore: {@code
 * snapshots-v1.txt} holds, per method, the base64 snapshot after three steps and the bits of the direction the
 * fourth step gave in that release. Restoring and taking the fourth step must give those bits.
 */
class LegacySnapshotTest {
  static final List<String> SPECS = List.of("mixed:lambda=0.5", "bloop:lambda=0.3,ema=0.2",
      "dynamic-barrier:lambda=2,ema=0.5,rescale=true", "pcgrad:lambda=0.7,ema=0.4");
  static final int[] SIZES = {5, 3};

  static float[][] gradient(int step, int which) {
    float[][] g = new float[SIZES.length][];
    for (int t = 0; t < SIZES.length; t++) {
      g[t] = new float[SIZES[t]];
      for (int i = 0; i < SIZES[t]; i++) {
        g[t][i] = (float) Math.sin(1.3 * step + 0.7 * i + 2.1 * t + 5.3 * which) * (which == 0 ? 1 : 2.5f);
      }
    }
    return g;
  }

  static String hex(float[][] d) {
    StringBuilder b = new StringBuilder();
    for (float[] t : d) {
      for (float v : t) {
        b.append(String.format("%08x", Float.floatToRawIntBits(v)));
      }
    }
    return b.toString();
  }

  @Test
  void versionOneSnapshotsRestoreAndContinueBitForBit() throws IOException {
    String write = System.getenv("SCALPEL_WRITE_SNAPSHOTS");
    if (write != null) {
      List<String> lines = new ArrayList<>();
      for (String spec : SPECS) {
        GradientSurgery s = GradientSurgery.parse(spec).withThreads(1);
        SurgeryState st = s.init(gradient(0, 0), gradient(0, 1));
        for (int step = 1; step <= 3; step++) {
          s.direction(gradient(step, 0), gradient(step, 1), st);
        }
        String snap = Base64.getEncoder().encodeToString(st.snapshot());
        lines.add(spec + "\t" + snap + "\t" + hex(s.direction(gradient(4, 0), gradient(4, 1), st)));
      }
      Files.write(Path.of(write), lines);
    }
    List<String> lines;
    try (InputStream in = LegacySnapshotTest.class.getResourceAsStream("snapshots-v1.txt")) {
      assertNotNull(in, "snapshots-v1.txt is missing from the test resources");
      lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    }
    assertEquals(SPECS.size(), lines.size());
    for (String line : lines) {
      String[] f = line.split("\t");
      GradientSurgery s = GradientSurgery.parse(f[0]).withThreads(1);
      SurgeryState st = s.restore(Base64.getDecoder().decode(f[1]), SIZES);
      assertEquals(3, st.step(), f[0] + ": restored step");
      assertEquals(f[2], hex(s.direction(gradient(4, 0), gradient(4, 1), st)), f[0] + ": fourth direction");
    }
  }
}
