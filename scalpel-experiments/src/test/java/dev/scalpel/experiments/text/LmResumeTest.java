package dev.scalpel.experiments.text;

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
 * A language-model run killed after a mid-epoch checkpoint and resumed by a new run with fresh objects ends with
 * bit-identical metrics (both corpora, diagnostics) to an uninterrupted run: the state is the parameters, Adam's
 * moments and the surgery's EMA; the windows a function of the seed and the step.
 */
class LmResumeTest {
  @TempDir
  Path tmp;

  static final LmTask TASK = new LmTask();
  static final Map<String, String> SETTINGS = Map.of("epochs", "2", "steps_per_epoch", "12",
      "checkpoint_every", "5", "eval_windows", "16", "context", "16", "width", "16", "heads", "2", "hidden", "32",
      "warmup_steps", "4", "seed", "4");

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
