package dev.scalpel.experiments.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.scalpel.core.GradientSurgery;
import dev.scalpel.djl.KLossStep;
import dev.scalpel.train.optim.Sgd;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The encoder-decoder's masks: a decoder position never sees a later target id, every position sees the whole
 * source, and padding in the source changes nothing.
 */
class ByteTranslatorTest {
  static final int S = 10;
  static final int T = 8;
  static final int V = ByteTranslator.OUTPUTS;

  @Test
  void masksHold() {
    try (NDManager m = NDManager.newBaseManager()) {
      ByteTranslator net = ByteTranslator.build(m, S, T, 16, 2, 4, 24);
      try (KLossStep step = KLossStep.builder(net.parameters()).surgery(GradientSurgery.parse("mixed:lambda=1"))
          .optimiser(Sgd.builder().learningRate(0.1).build()).build()) {
        step.setParameterValues(net.initialValues(step.parameters(), 3));
        ParameterStore store = step.parameterStore();
        SplittableRandom rnd = new SplittableRandom(2);
        int[] src = rnd.ints(S, 0, 256).toArray();
        float[] keys = new float[S];
        Arrays.fill(keys, 0, 7, 1); // 7 real bytes, 3 PAD
        for (int j = 7; j < S; j++) {
          src[j] = ByteTranslator.PAD;
        }
        int[] tgt = rnd.ints(T, 0, 256).toArray();
        tgt[0] = ByteTranslator.BOS;
        float[] base = logits(net, store, m, src, keys, tgt);

        int[] later = tgt.clone();
        later[5] = (later[5] + 7) % 256;
        float[] afterTarget = logits(net, store, m, src, keys, later);
        for (int t = 0; t < T; t++) {
          float[] a = Arrays.copyOfRange(base, t * V, (t + 1) * V);
          float[] b = Arrays.copyOfRange(afterTarget, t * V, (t + 1) * V);
          if (t < 5) {
            assertArrayEquals(a, b, "position " + t + " saw target id 5");
          } else {
            assertFalse(Arrays.equals(a, b), "position " + t + " ignores target id 5");
          }
        }

        int[] lastByte = src.clone();
        lastByte[6] = (lastByte[6] + 1) % 256;
        float[] afterSource = logits(net, store, m, lastByte, keys, tgt);
        for (int t = 0; t < T; t++) {
          assertFalse(Arrays.equals(Arrays.copyOfRange(base, t * V, (t + 1) * V),
              Arrays.copyOfRange(afterSource, t * V, (t + 1) * V)), "position " + t + " ignores the source");
        }

        int[] padding = src.clone();
        padding[8] = 65; // under a 0 key flag: not attended to
        assertArrayEquals(base, logits(net, store, m, padding, keys, tgt));
      }
    }
  }

  private static float[] logits(ByteTranslator net, ParameterStore store, NDManager m, int[] src, float[] keys,
      int[] tgt) {
    try (NDManager sub = m.newSubManager()) {
      return net.forward(store, sub.create(src, new Shape(1, S)), sub.create(keys, new Shape(1, S)),
          sub.create(tgt, new Shape(1, T)), false).toFloatArray();
    }
  }
}
