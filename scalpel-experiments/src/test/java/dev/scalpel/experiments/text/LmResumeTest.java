package dev.scalpel.experiments.text;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.experiments.ResumeCheck;
import java.nio.file.Path;
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

  @Test
  void interruptedAndResumedEqualsUninterrupted() throws Exception {
    // last checkpoint before the kill at step 18: step 15 (epoch 2, batch 3)
    ResumeCheck.interruptedEqualsUninterrupted(TASK, SETTINGS, GradientSurgery.parse("bloop:lambda=0.3,ema=0.2"), 18,
        15, tmp);
  }

}
