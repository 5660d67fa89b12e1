package dev.scalpel.experiments.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scalpel.train.data.TextDocument;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The seeded split and the windows, on synthetic documents whose every byte says where it came from (document d,
 * offset i holds (31·d + i) mod 251), so that a window can be traced back.
 */
class ByteCorpusTest {
  static List<TextDocument> docs() {
    List<TextDocument> docs = new ArrayList<>();
    int[] lengths = {5000, 130, 2048, 9000, 1};
    for (int d = 0; d < lengths.length; d++) {
      byte[] b = new byte[lengths[d]];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) ((31 * d + i) % 251);
      }
      docs.add(new TextDocument("doc" + d, b));
    }
    return docs;
  }

  @Test
  void splitIsAPartitionOfBlocksFixedBySeed() {
    ByteCorpus a = ByteCorpus.split("synthetic", docs(), 512, 0.25, 33, 5);
    ByteCorpus b = ByteCorpus.split("synthetic", docs(), 512, 0.25, 33, 5);
    ByteCorpus c = ByteCorpus.split("synthetic", docs(), 512, 0.25, 33, 6);
    long total = 5000 + 130 + 2048 + 9000 + 1;
    assertEquals(total, a.trainBytes() + a.heldOutBytes());
    assertEquals(a.toString(), b.toString());
    assertTrue(a.heldOutBytes() > 0 && a.trainBytes() > 0);
    assertFalse(a.toString().equals(c.toString()) && Arrays.deepEquals(a.evaluationWindows(true, 0),
        c.evaluationWindows(true, 0)), "another seed, another split");
    // no held-out window appears among the training windows (random bytes: no two windows alike by chance)
    List<TextDocument> random = new ArrayList<>();
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(9);
    for (int d = 0; d < 4; d++) {
      byte[] bytes = new byte[3000 + 1000 * d];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) rnd.nextInt(256);
      }
      random.add(new TextDocument("r" + d, bytes));
    }
    a = ByteCorpus.split("random", random, 256, 0.3, 33, 5);
    assertTrue(a.heldOutBytes() > 0);
    Set<String> train = new HashSet<>();
    for (byte[] w : a.evaluationWindows(false, 0)) {
      train.add(Arrays.toString(w));
    }
    for (byte[] w : a.evaluationWindows(true, 0)) {
      assertFalse(train.contains(Arrays.toString(w)));
    }
  }

  @Test
  void windowsAreConsecutiveBytesAndTargetsTheNextByte() {
    int length = 33;
    ByteCorpus c = ByteCorpus.split("synthetic", docs(), 512, 0.2, length, 1);
    int t = length - 1;
    int n = 200;
    int[] in = new int[n * t];
    long[] out = new long[n * t];
    c.sample(17, 0, n, in, out);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < t; j++) {
        assertEquals((in[i * t + j] + 1) % 251, out[i * t + j], "target = next byte, window " + i);
        if (j > 0) {
          assertEquals(out[i * t + j - 1], in[i * t + j], "inputs are the targets shifted");
        }
      }
    }
    int[] again = new int[n * t];
    c.sample(17, 0, n, again, new long[n * t]);
    assertArrayEquals(in, again, "step 17 draws the same windows whenever it runs");
    int[] otherStep = new int[n * t];
    c.sample(18, 0, n, otherStep, new long[n * t]);
    assertFalse(Arrays.equals(in, otherStep));
    int[] otherStream = new int[n * t];
    c.sample(17, 1, n, otherStream, new long[n * t]);
    assertFalse(Arrays.equals(in, otherStream));
  }

  @Test
  void evaluationWindowsAreAFixedSubset() {
    ByteCorpus c = ByteCorpus.split("synthetic", docs(), 512, 0.2, 33, 1);
    byte[][] all = c.evaluationWindows(false, 0);
    byte[][] some = c.evaluationWindows(false, 10);
    assertEquals(10, some.length);
    assertEquals(Arrays.deepToString(some), Arrays.deepToString(c.evaluationWindows(false, 10)));
    Set<String> allSet = new HashSet<>();
    for (byte[] w : all) {
      allSet.add(Arrays.toString(w));
      assertEquals(33, w.length);
    }
    for (byte[] w : some) {
      assertTrue(allSet.contains(Arrays.toString(w)));
    }
  }

  @Test
  void badSizesAreRefused() {
    assertEquals("block (16) must be >= the window length (33)", assertThrows(IllegalArgumentException.class,
        () -> ByteCorpus.split("x", docs(), 16, 0.1, 33, 0)).getMessage());
    assertEquals("held-out fraction (1.0) must be in [0, 1)", assertThrows(IllegalArgumentException.class,
        () -> ByteCorpus.split("x", docs(), 512, 1, 33, 0)).getMessage());
    assertEquals("tiny: no training window of 33 bytes", assertThrows(IllegalArgumentException.class,
        () -> ByteCorpus.split("tiny", List.of(new TextDocument("a", new byte[5])), 512, 0, 33, 0)).getMessage());
  }
}
