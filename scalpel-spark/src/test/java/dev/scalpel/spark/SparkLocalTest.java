package dev.scalpel.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.experiments.RunLoop;
import dev.scalpel.experiments.RunResult;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.Tasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The language model trained through an embedded Spark context (two task slots, the micro-batches spread over them
 * by Spark) ends with exactly the metrics and metrics.csv of the in-process run with the same micro-batches.
 */
class SparkLocalTest {
  @TempDir
  Path tmp;

  static final Map<String, String> SETTINGS = Map.of("epochs", "2", "steps_per_epoch", "5", "batch_size", "8",
      "micro_batches", "4", "context", "16", "width", "16", "heads", "2", "hidden", "32", "warmup_steps", "2",
      "eval_windows", "8");

  @Test
  void sparkRunEqualsInProcessRun() throws Exception {
    Task lm = Tasks.byName("lm");
    GradientSurgery bloop = GradientSurgery.parse("bloop:lambda=0.5,ema=0.1");
    RunResult here = RunLoop.of(lm, lm.settings(SETTINGS)).run(bloop, tmp.resolve("here"), null);
    RunResult there;
    try (JavaSparkContext sc = SparkTraining.local(2)) {
      there = SparkTraining.run(sc, lm, SETTINGS, bloop, tmp.resolve("spark"), null);
    }
    assertEquals(here.metrics(), there.metrics());
    assertEquals(lines(tmp.resolve("here")), lines(tmp.resolve("spark")));
  }

  static List<String> lines(Path dir) throws Exception {
    return Files.readAllLines(dir.resolve(RunLoop.METRICS)).stream()
        .map(l -> l.substring(0, l.lastIndexOf(','))).toList();
  }
}
