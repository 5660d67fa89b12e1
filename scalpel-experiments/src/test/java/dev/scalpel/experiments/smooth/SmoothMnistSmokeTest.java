package dev.scalpel.experiments.smooth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scalpel.core.Method;
import dev.scalpel.experiments.RunListener;
import dev.scalpel.experiments.RunLoop;
import dev.scalpel.experiments.RunResult;
import dev.scalpel.experiments.TaskSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short real training run on MNIST through the run loop: bloop, 300 steps; accuracy far above chance. */
class SmoothMnistSmokeTest {
  @TempDir
  Path dir;

  @Test
  void bloopLearnsMnist() throws Exception {
    SmoothMnistTask task = new SmoothMnistTask();
    TaskSettings s = task.settings(Map.of("epochs", "2", "max_steps_per_epoch", "150", "eval_train_samples",
        "10000", "checkpoint_every", "100"));
    long t0 = System.nanoTime();
    long[] seen = new long[1];
    RunResult r = RunLoop.of(task, s).run(SmoothMnist.referenceMethod(Method.BLOOP, 1e-2), dir,
        new RunListener() {
          @Override
          public void onStep(long step, long totalSteps, double[] losses) {
            seen[0] = step;
            assertEquals(300, totalSteps);
            assertTrue(Double.isFinite(losses[0]) && Double.isFinite(losses[1]));
          }
        });
    System.out.printf("smoke: %d steps in %.1fs: %s%n", r.steps(), (System.nanoTime() - t0) / 1e9, r.metrics());
    assertEquals(300, r.steps());
    assertEquals(300, seen[0]);
    assertTrue(r.metrics().get("test_acc") > 0.90, "test accuracy " + r.metrics());
    List<String> lines = Files.readAllLines(dir.resolve(RunLoop.METRICS));
    assertEquals(3, lines.size());
    assertTrue(lines.get(0).startsWith("epoch,step,train_loss,train_acc,test_loss,test_acc,aux_loss,cos_main_aux,"),
        lines.get(0));
    assertTrue(Files.exists(dir.resolve(RunLoop.CHECKPOINT)));
    // Bloop's auxiliary part is orthogonal to the EMA of the main gradient: the period means stay near 0
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      double orth = Double.parseDouble(f[12]);
      assertTrue(Math.abs(orth) < 1e-4, "orthogonality error " + orth + " in " + line);
    }
  }
}
