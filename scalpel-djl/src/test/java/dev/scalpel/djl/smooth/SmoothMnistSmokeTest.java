package dev.scalpel.djl.smooth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scalpel.core.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short real training run on MNIST: bloop, 300 steps; accuracy far above chance. */
class SmoothMnistSmokeTest {
  @TempDir
  Path dir;

  @Test
  void bloopLearnsMnist() throws Exception {
    SmoothMnist.Config cfg = SmoothMnist.Config.defaults().withEpochs(2).withMaxStepsPerEpoch(150)
        .withEvalTrainSamples(10_000).withCheckpointEverySteps(100).withDeterministic(true);
    long t0 = System.nanoTime();
    long[] seen = new long[1];
    SmoothMnist.Summary s = SmoothMnist.run(cfg, SmoothMnist.referenceMethod(Method.BLOOP, 1e-2), dir,
        new SmoothMnist.Listener() {
          @Override
          public void onStep(long step, long totalSteps, double mainLoss, double auxLoss) {
            seen[0] = step;
            assertEquals(300, totalSteps);
            assertTrue(Double.isFinite(mainLoss) && Double.isFinite(auxLoss));
          }
        });
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf("smoke: %d steps in %.1fs: train loss %.4f acc %.4f, test loss %.4f acc %.4f, aux %.4f%n",
        s.steps(), secs, s.trainLoss(), s.trainAcc(), s.testLoss(), s.testAcc(), s.auxLoss());
    assertEquals(300, s.steps());
    assertEquals(300, seen[0]);
    assertTrue(s.testAcc() > 0.90, "test accuracy " + s.testAcc());
    List<String> lines = Files.readAllLines(dir.resolve(SmoothMnist.METRICS));
    assertEquals(3, lines.size());
    assertEquals(EpochMetrics.HEADER, lines.get(0));
    assertTrue(Files.exists(dir.resolve(SmoothMnist.CHECKPOINT)));
  }
}
