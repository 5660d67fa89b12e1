package dev.scalpel.experiments.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.experiments.RunListener;
import dev.scalpel.experiments.RunLoop;
import dev.scalpel.experiments.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An overlay run killed after a mid-epoch checkpoint and resumed by a new run with fresh objects ends with
 * bit-identical metrics (both heads, diagnostics) to an uninterrupted run: the state is the parameters, the SGD
 * momentum and the surgery's EMA; the data order a function of the seed and the epoch.
 */
class OverlayResumeTest {
  @TempDir
  Path tmp;

  static final OverlayTask TASK = new OverlayTask();
  static final Map<String, String> SETTINGS = Map.of("epochs", "2", "max_steps_per_epoch", "12",
      "checkpoint_every", "5", "train_samples", "2000", "test_samples", "500", "eval_train_samples", "500",
      "seed", "4", "width", "4");

  static final class Killed extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  static RunLoop loop() {
    return RunLoop.of(TASK, TASK.settings(SETTINGS)).withCheckpointSeconds(1e9);
  }

  @Test
  void interruptedAndResumedEqualsUninterrupted() throws Exception {
    GradientSurgery bloop = GradientSurgery.parse("bloop:lambda=0.3,ema=0.2");
    Path full = tmp.resolve("full");
    RunResult a = loop().run(bloop, full, null);
    Path cut = tmp.resolve("cut");
    assertThrows(Killed.class, () -> loop().run(bloop, cut, new RunListener() {
      @Override
      public void onStep(long step, long totalSteps, double[] losses) {
        if (step == 18) {
          throw new Killed(); // last checkpoint: step 15 (epoch 2, batch 3)
        }
      }
    }));
    long[] start = new long[1];
    RunResult b = loop().run(bloop, cut, new RunListener() {
      @Override
      public void onStart(long startStep, long totalSteps) {
        start[0] = startStep;
      }
    });
    assertEquals(15, start[0]);
    assertEquals(a.metrics(), b.metrics());
    assertEquals(lines(full), lines(cut));
  }

  static List<String> lines(Path dir) throws Exception {
    return Files.readAllLines(dir.resolve(RunLoop.METRICS)).stream()
        .map(l -> l.substring(0, l.lastIndexOf(','))).toList();
  }
}
