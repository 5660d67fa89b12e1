package dev.scalpel.experiments.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scalpel.train.data.TextPair;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The batch layout of translation pairs and the length filter. */
class PairCorpusTest {
  @Test
  void batchLayout() {
    List<TextPair> pairs = List.of(new TextPair("d", "1", "ab", "xyz"), new TextPair("d", "2", "too long", "q"));
    PairCorpus c = PairCorpus.split("tiny", pairs, 4, 0, 1);
    assertEquals(1, c.trainCount(), "the second pair's source has 8 bytes > 4");
    PairCorpus.Batch b = c.newBatch(1);
    c.sample(0, 0, b);
    int pad = ByteTranslator.PAD;
    assertArrayEquals(new int[] {'a', 'b', pad, pad}, b.source);
    assertArrayEquals(new float[] {1, 1, 0, 0}, b.sourceKeys);
    assertArrayEquals(new int[] {ByteTranslator.BOS, 'x', 'y', 'z', pad}, b.input);
    assertArrayEquals(new long[] {'x', 'y', 'z', ByteTranslator.EOS, 0}, b.labels);
    assertArrayEquals(new float[] {1, 1, 1, 1, 0}, b.weights);
    assertEquals(4, b.targetBytes);
  }

  @Test
  void tooSmallALengthSaysSo() {
    List<TextPair> pairs = List.of(new TextPair("d", "1", "ab", "xy"), new TextPair("d", "2", "abcd", "q"));
    assertEquals("tiny: 1 of 2 pairs have at most 2 bytes a side; use a larger max_bytes",
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> PairCorpus.split("tiny", pairs, 2, 0.2, 1)).getMessage());
  }
}
