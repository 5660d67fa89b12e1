package dev.scalpel.experiments.overlay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scalpel.train.data.FashionMnist;
import dev.scalpel.train.data.Mnist;
import org.junit.jupiter.api.Test;

/**
 * The overlays against their definition, recomputed here pixel by pixel the plain way from the recorded digit
 * image and shift: each pixel is the larger of the dimmed background (0.5·b rounded half up) and the shifted digit's
 * pixel landing there; labels are their images'.
 */
class OverlayDataTest {
  static final Mnist FASHION = FashionMnist.load(null);
  static final Mnist DIGITS = Mnist.load(null);

  @Test
  void everyPixelIsTheLargerOfTheDimmedBackgroundAndTheShiftedDigit() {
    OverlayData.Data d = OverlayData.build(FASHION, DIGITS, 300, 100, 7);
    check(d.trainBytes(), d.train(), FASHION.train(), DIGITS.train());
    check(d.testBytes(), d.test(), FASHION.test(), DIGITS.test());
    // normalised with the training overlays' own mean and sd
    double sum = 0;
    double sq = 0;
    for (float v : d.train().x()) {
      sum += v;
      sq += (double) v * v;
    }
    int n = d.train().x().length;
    assertEquals(0, sum / n, 1e-5);
    assertEquals(1, sq / n, 1e-4);
  }

  private static void check(byte[] bytes, OverlayData.Split split, Mnist.Split bg, Mnist.Split digits) {
    int[] bgLabels = bg.labelsAsInts();
    int[] digitLabels = digits.labelsAsInts();
    java.util.Set<Integer> sources = new java.util.HashSet<>();
    int[] corners = new int[4];
    for (int i = 0; i < split.count(); i++) {
      assertEquals(bgLabels[i], split.background()[i], "the background of overlay " + i + " is image " + i);
      int j = split.digitSource()[i];
      assertTrue(sources.add(j), "each digit image is used once");
      assertEquals(digitLabels[j], split.digit()[i], "the digit label is its image's");
      int dx = split.dx()[i];
      int dy = split.dy()[i];
      assertTrue(Math.abs(dx) <= 4 && Math.abs(dy) <= 4, "shift within 4 pixels");
      corners[(dx < 0 ? 0 : 1) + (dy < 0 ? 0 : 2)]++;
      for (int r = 0; r < 28; r++) {
        for (int c = 0; c < 28; c++) {
          int expect = (int) Math.floor(0.5 * (bg.pixels()[i * 784 + r * 28 + c] & 0xff) + 0.5);
          int sr = r - dy; // the digit pixel that lands here
          int sc = c - dx;
          if (sr >= 0 && sr < 28 && sc >= 0 && sc < 28) {
            expect = Math.max(expect, digits.pixels()[j * 784 + sr * 28 + sc] & 0xff);
          }
          assertEquals(expect, bytes[i * 784 + r * 28 + c] & 0xff, "overlay " + i + " pixel (" + r + ", " + c + ")");
        }
      }
    }
    for (int q : corners) {
      assertTrue(q > split.count() / 10, "shifts in every direction: " + java.util.Arrays.toString(corners));
    }
  }

  @Test
  void aBatchLargerThanTheTrainingSetIsRefusedBeforeAnyRun() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new OverlayTask().settings(java.util.Map.of("batch_size", "300", "train_samples", "200")));
    assertEquals("batch_size (300) must be at most train_samples (200)", e.getMessage());
  }

  @Test
  void theSeedDecidesTheOverlaysAndNothingElse() {
    OverlayData.Data a = OverlayData.build(FASHION, DIGITS, 200, 50, 1);
    OverlayData.Data b = OverlayData.build(FASHION, DIGITS, 200, 50, 1);
    OverlayData.Data c = OverlayData.build(FASHION, DIGITS, 200, 50, 2);
    assertArrayEquals(a.trainBytes(), b.trainBytes());
    assertArrayEquals(a.test().digit(), b.test().digit());
    assertFalse(java.util.Arrays.equals(a.trainBytes(), c.trainBytes()));
    assertArrayEquals(a.train().background(), c.train().background(), "backgrounds are images 0..n-1 either way");
  }
}
