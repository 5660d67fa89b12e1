package dev.scalpel.experiments.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.experiments.DataParallelTrainer;
import dev.scalpel.experiments.TaskSettings;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The language model's step spread over workers: a driver that takes the micro-batch gradients from two other
 * trainer instances (given its parameters before each step, each computing its share of the micro-batches in its own
 * order) moves exactly as the in-process run with the same micro-batches — bit for bit, step after step.
 */
class DataParallelLmTest {
  static final LmTask TASK = new LmTask();
  static final Map<String, String> SETTINGS = Map.of("epochs", "1", "steps_per_epoch", "6", "batch_size", "8",
      "micro_batches", "4", "context", "16", "width", "16", "heads", "2", "hidden", "32", "warmup_steps", "2",
      "eval_windows", "8");

  @Test
  void workersInAnyAssignmentGiveTheInProcessBits() throws Exception {
    GradientSurgery bloop = GradientSurgery.parse("bloop:lambda=0.5,ema=0.1");
    TaskSettings s = TASK.settings(SETTINGS);
    try (DataParallelTrainer local = (DataParallelTrainer) TASK.trainer(bloop, s);
         DataParallelTrainer driver = (DataParallelTrainer) TASK.trainer(bloop, s);
         DataParallelTrainer w1 = (DataParallelTrainer) TASK.trainer(bloop, s);
         DataParallelTrainer w2 = (DataParallelTrainer) TASK.trainer(bloop, s)) {
      assertEquals(4, driver.microBatches());
      List<int[]> assignments = List.of(new int[] {3, 0}, new int[] {1, 2});
      for (int b = 0; b < 6; b++) {
        double[] here = local.step(0, b);
        float[][] theta = driver.parameterValues();
        float[][][][] g = new float[4][][][];
        double[][] l = new double[4][];
        DataParallelTrainer[] workers = {w1, w2};
        for (int w = 0; w < 2; w++) {
          workers[w].setParameterValues(theta);
          int[] mine = b % 2 == 0 ? assignments.get(w) : assignments.get(1 - w); // the assignment changes too
          for (int m : mine) {
            g[m] = DataParallelTrainer.zeros(2, driver.sizes());
            l[m] = workers[w].microGradients(0, b, m, g[m]);
          }
        }
        float[][][] sum = DataParallelTrainer.zeros(2, driver.sizes());
        double[] losses = new double[2];
        for (int m = 0; m < 4; m++) { // the driver reduces in micro-batch order
          DataParallelTrainer.addInPlace(sum, g[m]);
          losses[0] += l[m][0];
          losses[1] += l[m][1];
        }
        DataParallelTrainer.meanInPlace(sum, 4);
        losses[0] /= 4;
        losses[1] /= 4;
        double[] there = driver.finishStep(sum, losses);
        assertArrayEquals(here, there, "losses of step " + b);
        float[][] a = local.parameterValues();
        float[][] d = driver.parameterValues();
        for (int t = 0; t < a.length; t++) {
          assertArrayEquals(a[t], d[t], 0f, "step " + b + ", tensor " + t);
        }
      }
    }
  }

  @Test
  void anotherNumberOfMicroBatchesIsAnotherComputation() throws Exception {
    GradientSurgery mixed = GradientSurgery.parse("mixed:lambda=1");
    Map<String, String> one = new HashMap<>(SETTINGS);
    one.put("micro_batches", "1");
    try (DataParallelTrainer four = (DataParallelTrainer) TASK.trainer(mixed, TASK.settings(SETTINGS));
         DataParallelTrainer whole = (DataParallelTrainer) TASK.trainer(mixed, TASK.settings(one))) {
      four.step(0, 0);
      whole.step(0, 0);
      float[][] a = four.parameterValues();
      float[][] b = whole.parameterValues();
      boolean allEqual = true;
      double maxDiff = 0;
      for (int t = 0; t < a.length; t++) {
        allEqual &= Arrays.equals(a[t], b[t]);
        for (int e = 0; e < a[t].length; e++) {
          maxDiff = Math.max(maxDiff, Math.abs(a[t][e] - b[t][e]));
        }
      }
      // the same windows and the same mean in exact arithmetic: only rounding tells the two apart
      assertFalse(allEqual, "a mean of four micro-batch means is rounded differently from one mean");
      assertEquals(0, maxDiff, 1e-5);
    }
  }

  @Test
  void microBatchesMustDivideTheBatch() {
    Map<String, String> bad = new HashMap<>(SETTINGS);
    bad.put("micro_batches", "3");
    assertEquals("micro_batches (3) must divide batch_size (8)", assertThrows(IllegalArgumentException.class,
        () -> TASK.settings(bad)).getMessage());
  }
}
