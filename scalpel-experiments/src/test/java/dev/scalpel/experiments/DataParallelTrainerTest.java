package dev.scalpel.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.scalpel.core.GradientSurgery;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every data-parallel task's step spread over workers: a driver that takes the micro-batch gradients from two other
 * trainer instances (given its parameters before each step, each computing its share of the micro-batches in its own
 * order) moves exactly as the in-process run with the same micro-batches — bit for bit, step after step. Run over
 * every task whose trainer is a {@link DataParallelTrainer}.
 */
class DataParallelTrainerTest {
  /** Small settings of each data-parallel task: 6 steps of 4 micro-batches of 2 examples. */
  static Stream<Arguments> tasks() {
    return Stream.of(
        Arguments.of("lm", Map.of("epochs", "1", "steps_per_epoch", "6", "batch_size", "8", "micro_batches", "4",
            "context", "16", "width", "16", "heads", "2", "hidden", "32", "warmup_steps", "2", "eval_windows", "8")),
        Arguments.of("overlay", Map.of("epochs", "1", "max_steps_per_epoch", "6", "batch_size", "8",
            "micro_batches", "4", "train_samples", "64", "test_samples", "16", "eval_train_samples", "16", "width",
            "4")),
        // pairs of different lengths: each micro-batch's bytes weighed as in the whole batch
        Arguments.of("translate", Map.of("epochs", "1", "steps_per_epoch", "6", "batch_size", "8", "micro_batches",
            "4", "max_bytes", "24", "width", "16", "heads", "2", "hidden", "32", "eval_pairs",
            "8", "chrf_pairs", "0")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tasks")
  void workersInAnyAssignmentGiveTheInProcessBits(String name, Map<String, String> settings) throws Exception {
    Task task = Tasks.byName(name);
    GradientSurgery bloop = GradientSurgery.parse("bloop:lambda=0.5,ema=0.1");
    TaskSettings s = task.settings(settings);
    try (DataParallelTrainer local = (DataParallelTrainer) task.trainer(bloop, s);
         DataParallelTrainer driver = (DataParallelTrainer) task.trainer(bloop, s);
         DataParallelTrainer w1 = (DataParallelTrainer) task.trainer(bloop, s);
         DataParallelTrainer w2 = (DataParallelTrainer) task.trainer(bloop, s)) {
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

  @ParameterizedTest(name = "{0}")
  @MethodSource("tasks")
  void anotherNumberOfMicroBatchesIsAnotherComputation(String name, Map<String, String> settings) throws Exception {
    Task task = Tasks.byName(name);
    GradientSurgery mixed = GradientSurgery.parse("mixed:lambda=1");
    Map<String, String> one = new HashMap<>(settings);
    one.put("micro_batches", "1");
    try (DataParallelTrainer four = (DataParallelTrainer) task.trainer(mixed, task.settings(settings));
         DataParallelTrainer whole = (DataParallelTrainer) task.trainer(mixed, task.settings(one))) {
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
      // the same examples and the same mean in exact arithmetic: only rounding tells the two apart
      assertFalse(allEqual, "a mean of four micro-batch means is rounded differently from one mean");
      assertEquals(0, maxDiff, 1e-5);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tasks")
  void microBatchesMustDivideTheBatch(String name, Map<String, String> settings) {
    Map<String, String> bad = new HashMap<>(settings);
    bad.put("micro_batches", "3");
    assertEquals("micro_batches (3) must divide batch_size (8)", assertThrows(IllegalArgumentException.class,
        () -> Tasks.byName(name).settings(bad)).getMessage());
  }
}
