package dev.scalpel.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fashion-MNIST from its Debian package (fetched by apt-get into the shared cache the first time), checked against
 * facts published with the data set: 60,000/10,000 images of 28×28, exactly 6,000 training and 1,000 test images
 * per class, the first training label 9 (ankle boot), mean pixel 0.2860 of 1 and standard deviation 0.3530.
 */
class FashionMnistDataTest {

  @Test
  void theDebianPackageHoldsFashionMnist() {
    Mnist f = FashionMnist.load(null);
    assertTrue(f.source().endsWith(FashionMnist.CACHE_SUBDIR), f.source().toString());
    assertEquals(60_000, f.train().count());
    assertEquals(10_000, f.test().count());
    assertEquals(28, f.train().rows());
    assertEquals(28, f.train().cols());
    int[] trainCounts = new int[10];
    for (int y : f.train().labelsAsInts()) {
      trainCounts[y]++;
    }
    int[] testCounts = new int[10];
    for (int y : f.test().labelsAsInts()) {
      testCounts[y]++;
    }
    for (int c = 0; c < 10; c++) {
      assertEquals(6000, trainCounts[c], "class " + c);
      assertEquals(1000, testCounts[c], "class " + c);
    }
    assertEquals(9, f.train().labelsAsInts()[0], "the first training image is an ankle boot");
    double sum = 0;
    double sq = 0;
    for (byte b : f.train().pixels()) {
      double v = (b & 0xff) / 255.0;
      sum += v;
      sq += v * v;
    }
    double n = f.train().pixels().length;
    double mean = sum / n;
    assertEquals(0.2860, mean, 5e-4);
    assertEquals(0.3530, Math.sqrt(sq / n - mean * mean), 5e-4);
    // not MNIST: MNIST's first training label is 5 and its mean pixel 0.1307
    assertTrue(Math.abs(mean - Mnist.MEAN) > 0.1);
  }

  @Test
  void filesOnDiskAreReadAndAMissingOneIsNamed(@TempDir Path dir) throws Exception {
    Mnist f = FashionMnist.load(null);
    Files.copy(f.source().resolve(Mnist.TRAIN_LABELS + ".gz"), dir.resolve(Mnist.TRAIN_LABELS + ".gz"));
    DataException e = assertThrows(DataException.class, () -> FashionMnist.loadFrom(dir));
    assertTrue(e.getMessage().startsWith("Fashion-MNIST file " + Mnist.TRAIN_IMAGES), e.getMessage());
    assertTrue(e.getMessage().contains("FashionMnist.loadFrom(DIR)"), e.getMessage());
  }
}
