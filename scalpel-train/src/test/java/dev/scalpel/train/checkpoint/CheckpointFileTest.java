package dev.scalpel.train.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {
  @TempDir
  Path dir;

  @Test
  void roundTripKeepsSectionsAndOrderAndLeavesNoTemporaryFile() throws Exception {
    Map<String, byte[]> s = new LinkedHashMap<>();
    s.put("b", new byte[] {1, 2, 3});
    s.put("a", new byte[0]);
    s.put("floats", Sections.floats(new float[][] {{1.5f, -2f}, {}}));
    Path f = dir.resolve("ck.bin");
    CheckpointFile.write(f, s);
    CheckpointFile.write(f, s); // overwrite
    Map<String, byte[]> back = CheckpointFile.read(f);
    assertEquals(List.of("b", "a", "floats"), List.copyOf(back.keySet()));
    assertArrayEquals(new byte[] {1, 2, 3}, back.get("b"));
    float[][] fl = Sections.floats(back.get("floats"), "floats");
    assertArrayEquals(new float[] {1.5f, -2f}, fl[0]);
    assertEquals(0, fl[1].length);
    try (var files = Files.list(dir)) {
      assertEquals(List.of(f), files.toList());
    }
  }

  @Test
  void damagedFilesAreRejectedClearly() throws Exception {
    Path f = dir.resolve("ck.bin");
    CheckpointFile.write(f, Map.of("x", new byte[100]));
    byte[] good = Files.readAllBytes(f);

    byte[] flipped = good.clone();
    flipped[40] ^= 0x10;
    Files.write(f, flipped);
    assertMessage(f, "corrupted");

    Files.write(f, Arrays.copyOf(good, good.length - 7));
    assertMessage(f, "corrupted or truncated");

    Files.write(f, Arrays.copyOf(good, 12));
    assertMessage(f, "truncated");

    Files.writeString(f, "hello, not a checkpoint at all");
    assertMessage(f, "not a Scalpel checkpoint");

    byte[] v1 = good.clone();
    v1[11] = 1; // version int follows the 8-byte magic: version 1 (little-endian floats) is refused
    Files.write(f, v1);
    assertMessage(f, "version 1");
    byte[] v3 = good.clone();
    v3[11] = 3;
    Files.write(f, v3);
    assertMessage(f, "version 3");

    assertMessage(dir.resolve("missing.bin"), "does not exist");
  }

  static void assertMessage(Path f, String part) {
    CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(f));
    assertTrue(e.getMessage().contains(part), e.getMessage());
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
  }
}
