package dev.scalpel.experiments.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.experiments.RunListener;
import dev.scalpel.experiments.RunLoop;
import dev.scalpel.experiments.RunResult;
import dev.scalpel.experiments.TaskSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short real run of the language-model task: 300 steps of the byte decoder on both corpora; held-out bits per byte
 * of both far below the 8 bits of a uniform guess over 256 bytes.
 */
class LmSmokeTest {
  @TempDir
  Path dir;

  @Test
  void bothCorporaLearn() throws Exception {
    LmTask task = new LmTask();
    TaskSettings s = task.settings(Map.of("epochs", "3", "steps_per_epoch", "100", "eval_windows", "128"));
    long t0 = System.nanoTime();
    RunResult r = RunLoop.of(task, s).run(GradientSurgery.parse("bloop:lambda=1,ema=0.01"), dir, new RunListener() {
    });
    System.out.printf("lm smoke: %d steps in %.1fs: %s%n", r.steps(), (System.nanoTime() - t0) / 1e9, r.metrics());
    assertEquals(300, r.steps());
    // uniform over 256 bytes is 8 bits; byte frequencies alone (a unigram model) give 4.56 on the 18 books: below 4
    // needs context
    assertTrue(r.metrics().get("test_bpb") < 4.0, "Gutenberg held-out bpb " + r.metrics().get("test_bpb"));
    assertTrue(r.metrics().get("test_aux_bpb") < 4.0, "Brown press held-out bpb " + r.metrics().get("test_aux_bpb"));
  }
}
