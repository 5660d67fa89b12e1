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
 * A short real run of the translation task: 300 steps of the byte encoder-decoder; held-out bits per target byte of
 * both corpora far below the 8 bits of a uniform guess, and greedy translations of the domain share character
 * n-grams with the references.
 */
class TranslationSmokeTest {
  @TempDir
  Path dir;

  @Test
  void bothCorporaLearn() throws Exception {
    TranslationTask task = new TranslationTask();
    TaskSettings s = task.settings(Map.of("epochs", "3", "steps_per_epoch", "100", "eval_pairs", "128",
        "chrf_pairs", "64"));
    long t0 = System.nanoTime();
    java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();
    RunResult r;
    try {
      r = RunLoop.of(task, s).run(GradientSurgery.parse("bloop:lambda=1,ema=0.01"), dir, new RunListener() {
        @Override
        public void onStep(long step, long totalSteps, double[] losses) {
          recent.addLast(step + ": " + java.util.Arrays.toString(losses));
          if (recent.size() > 30) {
            recent.removeFirst();
          }
        }
      });
    } catch (Exception e) {
      System.out.println("translate smoke failed; the last steps' losses (bits per byte):\n" + String.join("\n", recent));
      throw e;
    }
    System.out.printf("translate smoke: %d steps in %.1fs: %s%n", r.steps(), (System.nanoTime() - t0) / 1e9,
        r.metrics());
    assertEquals(300, r.steps());
    assertTrue(r.metrics().get("test_bpb") < 4.0, "generic held-out bpb " + r.metrics().get("test_bpb"));
    assertTrue(r.metrics().get("test_aux_bpb") < 4.0, "domain held-out bpb " + r.metrics().get("test_aux_bpb"));
    assertTrue(r.metrics().get("test_aux_chrf") > 5, "domain chrF " + r.metrics().get("test_aux_chrf"));
  }
}
