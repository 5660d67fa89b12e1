package dev.scalpel.experiments.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.scalpel.core.GradientSurgery;
import dev.scalpel.djl.KLossStep;
import dev.scalpel.train.optim.Sgd;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The causal byte decoder: no position sees a later byte; its size by formula; seeded initialisation. */
class ByteDecoderTest {
  static final int T = 12;
  static final int D = 16;
  static final int LAYERS = 2;
  static final int HIDDEN = 24;

  @Test
  void changingAByteLeavesEveryEarlierLogitUnchanged() {
    try (NDManager m = NDManager.newBaseManager()) {
      ByteDecoder net = ByteDecoder.build(m, T, D, LAYERS, 4, HIDDEN);
      KLossStep step = KLossStep.builder(net.parameters()).surgery(GradientSurgery.parse("mixed:lambda=1"))
          .optimiser(Sgd.builder().learningRate(0.1).build()).build();
      step.setParameterValues(net.initialValues(step.parameters(), 7));
      ParameterStore store = step.parameterStore();
      int[] ids = new SplittableRandom(1).ints(2 * T, 0, 256).toArray();
      float[] base = logits(net, store, m, ids);
      for (int changed : new int[] {T - 1, 5, 0}) {
        int[] other = ids.clone();
        other[changed] = (other[changed] + 101) % 256; // first sequence only
        float[] after = logits(net, store, m, other);
        int perPos = ByteDecoder.VOCAB;
        for (int t = 0; t < T; t++) {
          float[] a = Arrays.copyOfRange(base, t * perPos, (t + 1) * perPos);
          float[] b = Arrays.copyOfRange(after, t * perPos, (t + 1) * perPos);
          if (t < changed) {
            assertArrayEquals(a, b, "position " + t + " saw byte " + changed);
          } else {
            assertFalse(Arrays.equals(a, b), "position " + t + " ignores byte " + changed);
          }
        }
        int second = T * perPos; // the second sequence is untouched
        assertArrayEquals(Arrays.copyOfRange(base, second, base.length), Arrays.copyOfRange(after, second,
            after.length));
      }
      step.close();
    }
  }

  private static float[] logits(ByteDecoder net, ParameterStore store, NDManager m, int[] ids) {
    try (NDManager sub = m.newSubManager()) {
      return net.forward(store, sub.create(ids, new Shape(2, T)), false).toFloatArray();
    }
  }

  @Test
  void parameterCountByFormula() {
    try (NDManager m = NDManager.newBaseManager()) {
      ByteDecoder net = ByteDecoder.build(m, T, D, LAYERS, 4, HIDDEN);
      long perLayer = 2L * 2 * D // two LayerNorms (scale, shift)
          + 4L * (D * D + D) // query, key, value, output projections
          + (long) D * HIDDEN + HIDDEN + (long) HIDDEN * D + D; // feed-forward
      long expected = 256L * D + (long) T * D + LAYERS * perLayer + 2L * D + 256L * D + 256;
      assertEquals(expected, net.parameterCount());
    }
  }

  @Test
  void initialValuesFollowTheSeed() {
    try (NDManager m = NDManager.newBaseManager()) {
      ByteDecoder net = ByteDecoder.build(m, T, D, LAYERS, 4, HIDDEN);
      try (KLossStep step = KLossStep.builder(net.parameters()).surgery(GradientSurgery.parse("mixed:lambda=1"))
          .optimiser(Sgd.builder().learningRate(0.1).build()).build()) {
        float[][] a = net.initialValues(step.parameters(), 3);
        float[][] b = net.initialValues(step.parameters(), 3);
        float[][] c = net.initialValues(step.parameters(), 4);
        assertEquals(Arrays.deepToString(a), Arrays.deepToString(b));
        assertFalse(Arrays.deepEquals(a, c));
        // the byte embedding: 256 × D normal values with sd 0.02
        double ss = 0;
        for (float v : a[0]) {
          ss += v * v;
        }
        assertEquals(0.02, Math.sqrt(ss / a[0].length), 0.002);
      }
    }
  }

  @Test
  void badSizesAreRefused() {
    try (NDManager m = NDManager.newBaseManager()) {
      assertEquals("width (10) must be a multiple of heads (4)", assertThrows(IllegalArgumentException.class,
          () -> ByteDecoder.build(m, T, 10, 1, 4, 8)).getMessage());
      assertEquals("layers (0) must be >= 1", assertThrows(IllegalArgumentException.class,
          () -> ByteDecoder.build(m, T, 8, 0, 4, 8)).getMessage());
    }
  }
}
