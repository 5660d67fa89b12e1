package dev.scalpel.experiments.overlay;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.experiments.ResumeCheck;
import java.nio.file.Path;
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

  @Test
  void interruptedAndResumedEqualsUninterrupted() throws Exception {
    // last checkpoint before the kill at step 18: step 15 (epoch 2, batch 3)
    ResumeCheck.interruptedEqualsUninterrupted(TASK, SETTINGS, GradientSurgery.parse("bloop:lambda=0.3,ema=0.2"), 18,
        15, tmp);
  }

}
