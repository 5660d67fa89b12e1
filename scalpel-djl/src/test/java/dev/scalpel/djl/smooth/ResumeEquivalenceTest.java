package dev.scalpel.djl.smooth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.core.Method;
import dev.scalpel.train.checkpoint.CheckpointException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run interrupted after a checkpoint (the listener throws, as a kill would stop it) and resumed by a new
 * {@code run} call with fresh objects ends with bit-identical metrics to an uninterrupted run (deterministic mode).
 */
class ResumeEquivalenceTest {
  @TempDir
  Path tmp;

  static final SmoothMnist.Config CFG = SmoothMnist.Config.defaults().withEpochs(2).withMaxStepsPerEpoch(40)
      .withCheckpointEverySteps(15).withEvalTrainSamples(2000).withDeterministic(true).withSeed(3);

  static final class Killed extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void interruptedAndResumedEqualsUninterrupted() throws Exception {
    GradientSurgery pcgrad = GradientSurgery.parse("pcgrad:lambda=0.1,ema=0.5");
    Path full = tmp.resolve("full");
    SmoothMnist.Summary a = SmoothMnist.run(CFG, pcgrad, full, null);

    Path cut = tmp.resolve("cut");
    assertThrows(Killed.class, () -> SmoothMnist.run(CFG, pcgrad, cut, new SmoothMnist.Listener() {
      @Override
      public void onStep(long step, long totalSteps, double mainLoss, double auxLoss) {
        if (step == 52) {
          throw new Killed(); // last checkpoint: step 45 (epoch 2, batch 5)
        }
      }
    }));
    assertEquals(1, Files.readAllLines(cut.resolve(SmoothMnist.METRICS)).size() - 1, "epoch 1 row written");
    long[] start = new long[1];
    SmoothMnist.Summary b = SmoothMnist.run(CFG, pcgrad, cut, new SmoothMnist.Listener() {
      @Override
      public void onStart(long startStep, long totalSteps) {
        start[0] = startStep;
      }
    });
    assertEquals(45, start[0]);
    assertEquals(a.steps(), b.steps());
    assertEquals(a.trainLoss(), b.trainLoss(), 0.0);
    assertEquals(a.trainAcc(), b.trainAcc(), 0.0);
    assertEquals(a.testLoss(), b.testLoss(), 0.0);
    assertEquals(a.testAcc(), b.testAcc(), 0.0);
    assertEquals(a.auxLoss(), b.auxLoss(), 0.0);
    assertEquals(withoutSeconds(full), withoutSeconds(cut));

    // a finished run resumes to its summary at once
    SmoothMnist.Summary c = SmoothMnist.run(CFG, pcgrad, cut, null);
    assertEquals(b.testLoss(), c.testLoss(), 0.0);
  }

  @Test
  void refusesAnotherConfigurationOrMethod() {
    Path dir = tmp.resolve("run");
    SmoothMnist.Config small = CFG.withEpochs(1).withMaxStepsPerEpoch(3).withEvalTrainSamples(100);
    GradientSurgery bloop = SmoothMnist.referenceMethod(Method.BLOOP, 0.1);
    SmoothMnist.run(small, bloop, dir, null);
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> SmoothMnist.run(small.withLearningRate(1e-3), bloop, dir, null));
    assertTrue(e.getMessage().contains("another configuration"), e.getMessage());
    e = assertThrows(CheckpointException.class,
        () -> SmoothMnist.run(small, SmoothMnist.referenceMethod(Method.BLOOP, 0.2), dir, null));
    assertTrue(e.getMessage().contains("method"), e.getMessage());
  }

  static List<String> withoutSeconds(Path dir) throws Exception {
    return Files.readAllLines(dir.resolve(SmoothMnist.METRICS)).stream()
        .map(l -> l.substring(0, l.lastIndexOf(','))).toList();
  }
}
