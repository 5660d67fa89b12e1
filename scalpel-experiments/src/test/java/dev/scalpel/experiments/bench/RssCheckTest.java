package dev.scalpel.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A shorter {@link RssCheck}: 2,000 steps of the real step code; resident memory must not grow by more than 48 MB. */
class RssCheckTest {
  @Test
  void residentMemoryStaysFlat() {
    dev.scalpel.djl.TorchThreads.set(1);
    long[] rss = RssCheck.run(2000, 500, 32, System.out);
    long growthKb = rss[rss.length - 1] - rss[1];
    System.out.printf("RSS growth from step 500 to 2000: %+.1f MB%n", growthKb / 1024.0);
    assertTrue(rss[1] > 0, "VmRSS readable");
    assertTrue(growthKb < 48 * 1024, "RSS grew by " + growthKb / 1024 + " MB");
  }
}
