package dev.scalpel.experiments.smooth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.core.Method;
import dev.scalpel.experiments.RunListener;
import dev.scalpel.experiments.RunLoop;
import dev.scalpel.experiments.RunResult;
import dev.scalpel.train.checkpoint.CheckpointException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A smooth-MNIST run interrupted after a mid-epoch checkpoint (the listener throws, as a kill would stop it) and
 * resumed by a new run with fresh objects ends with bit-identical metrics (diagnostics included) to an
 * uninterrupted run.
 */
class ResumeEquivalenceTest {
  @TempDir
  Path tmp;

  static final SmoothMnistTask TASK = new SmoothMnistTask();
  static final Map<String, String> SETTINGS = Map.of("epochs", "2", "max_steps_per_epoch", "40",
      "checkpoint_every", "15", "eval_train_samples", "2000", "seed", "3");

  static final class Killed extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  static RunLoop loop(Map<String, String> s) {
    return RunLoop.of(TASK, TASK.settings(s)).withCheckpointSeconds(1e9); // checkpoints from checkpoint_every only
  }

  @Test
  void interruptedAndResumedEqualsUninterrupted() throws Exception {
    GradientSurgery pcgrad = GradientSurgery.parse("pcgrad:lambda=0.1,ema=0.5");
    Path full = tmp.resolve("full");
    RunResult a = loop(SETTINGS).run(pcgrad, full, null);

    Path cut = tmp.resolve("cut");
    assertThrows(Killed.class, () -> loop(SETTINGS).run(pcgrad, cut, new RunListener() {
      @Override
      public void onStep(long step, long totalSteps, double[] losses) {
        if (step == 52) {
          throw new Killed(); // last checkpoint: step 45 (epoch 2, batch 5)
        }
      }
    }));
    assertEquals(1, Files.readAllLines(cut.resolve(RunLoop.METRICS)).size() - 1, "epoch 1 row written");
    long[] start = new long[1];
    RunResult b = loop(SETTINGS).run(pcgrad, cut, new RunListener() {
      @Override
      public void onStart(long startStep, long totalSteps) {
        start[0] = startStep;
      }
    });
    assertEquals(45, start[0]);
    assertEquals(a.steps(), b.steps());
    assertEquals(a.metrics(), b.metrics());
    assertEquals(withoutSeconds(full), withoutSeconds(cut));

    // a finished run resumes to its summary at once
    RunResult c = loop(SETTINGS).run(pcgrad, cut, new RunListener() {
      @Override
      public void onStep(long step, long totalSteps, double[] losses) {
        throw new AssertionError("a finished run took a step");
      }
    });
    assertEquals(b.metrics(), c.metrics());
  }

  @Test
  void refusesAnotherSettingOrMethodButNotAnotherCheckpointPeriod() throws Exception {
    Path dir = tmp.resolve("run");
    Map<String, String> small = new HashMap<>(Map.of("epochs", "1", "max_steps_per_epoch", "3",
        "eval_train_samples", "100"));
    GradientSurgery bloop = SmoothMnist.referenceMethod(Method.BLOOP, 0.1);
    RunResult first = loop(small).run(bloop, dir, null);
    Map<String, String> otherLr = new HashMap<>(small);
    otherLr.put("lr", "1e-3");
    CheckpointException e = assertThrows(CheckpointException.class, () -> loop(otherLr).run(bloop, dir, null));
    assertTrue(e.getMessage().contains("another run") && e.getMessage().contains("lr=0.001"), e.getMessage());
    e = assertThrows(CheckpointException.class,
        () -> loop(small).run(SmoothMnist.referenceMethod(Method.BLOOP, 0.2), dir, null));
    assertTrue(e.getMessage().contains("lambda=0.2"), e.getMessage());
    Map<String, String> otherPeriod = new HashMap<>(small);
    otherPeriod.put("checkpoint_every", "7");
    assertEquals(first.metrics(), loop(otherPeriod).run(bloop, dir, null).metrics());
  }

  static List<String> withoutSeconds(Path dir) throws Exception {
    return Files.readAllLines(dir.resolve(RunLoop.METRICS)).stream()
        .map(l -> l.substring(0, l.lastIndexOf(','))).toList();
  }
}
