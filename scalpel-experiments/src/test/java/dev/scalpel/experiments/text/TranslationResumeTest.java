package dev.scalpel.experiments.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.experiments.ResumeCheck;
import dev.scalpel.experiments.RunLoop;
import dev.scalpel.experiments.RunResult;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A translation run killed after a mid-epoch checkpoint and resumed by a new run with fresh objects ends with
 * bit-identical metrics (both corpora, chrF, diagnostics) to an uninterrupted run: the state is the parameters, Adam's
 * moments and the surgery's EMA; the pairs a function of the seed and the step.
 */
class TranslationResumeTest {
  @TempDir
  Path tmp;

  static final TranslationTask TASK = new TranslationTask();
  static final Map<String, String> SETTINGS = Map.ofEntries(Map.entry("epochs", "2"),
      Map.entry("steps_per_epoch", "12"), Map.entry("checkpoint_every", "5"), Map.entry("eval_pairs", "16"),
      Map.entry("chrf_pairs", "8"), Map.entry("max_bytes", "24"), Map.entry("width", "16"), Map.entry("heads", "2"),
      Map.entry("hidden", "32"), Map.entry("warmup_steps", "4"), Map.entry("seed", "4"));

  @Test
  void interruptedAndResumedEqualsUninterrupted() throws Exception {
    // last checkpoint before the kill at step 18: step 15 (epoch 2, batch 3)
    ResumeCheck.interruptedEqualsUninterrupted(TASK, SETTINGS, GradientSurgery.parse("bloop:lambda=0.3,ema=0.2"), 18,
        15, tmp);
  }

  @Test
  void checkpointsDoNotChangeTheRun() throws Exception {
    GradientSurgery bloop = GradientSurgery.parse("bloop:lambda=0.3,ema=0.2");
    Map<String, String> never = new java.util.HashMap<>(SETTINGS);
    never.put("checkpoint_every", "0");
    RunResult a = RunLoop.of(TASK, TASK.settings(never)).withCheckpointSeconds(1e9).run(bloop, tmp.resolve("a"), null);
    Map<String, String> often = new java.util.HashMap<>(SETTINGS);
    often.put("checkpoint_every", "1");
    RunResult b = RunLoop.of(TASK, TASK.settings(often)).withCheckpointSeconds(0).run(bloop, tmp.resolve("b"), null);
    assertEquals(a.metrics(), b.metrics());
    assertEquals(ResumeCheck.lines(tmp.resolve("a")), ResumeCheck.lines(tmp.resolve("b")));
  }
}
