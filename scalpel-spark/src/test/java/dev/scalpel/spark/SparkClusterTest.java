package dev.scalpel.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.experiments.RunLoop;
import dev.scalpel.experiments.RunResult;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.Tasks;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real cluster (a master and workers in JVMs of their own; run with {@code -Dscalpel.spark.master=spark://…}):
 * the language model trained with one one-core executor and with two (one per worker) ends with exactly the
 * in-process run's metrics and metrics.csv.
 */
@EnabledIfSystemProperty(named = "scalpel.spark.master", matches = "spark://.+")
class SparkClusterTest {
  @TempDir
  Path tmp;

  @Test
  void oneAndTwoExecutorJvmsGiveTheInProcessBits() throws Exception {
    Task lm = Tasks.byName("lm");
    GradientSurgery bloop = GradientSurgery.parse("bloop:lambda=0.5,ema=0.1");
    RunResult here = RunLoop.of(lm, lm.settings(SparkLocalTest.SETTINGS)).run(bloop, tmp.resolve("here"), null);
    for (int executors : new int[] {1, 2}) { // one worker's executor, then both workers'
      RunResult there;
      Path dir = tmp.resolve("cluster" + executors);
      try (JavaSparkContext sc = SparkTraining.cluster(System.getProperty("scalpel.spark.master"), executors, "1g")) {
        there = SparkTraining.run(sc, lm, SparkLocalTest.SETTINGS, bloop, dir, null);
      }
      assertEquals(here.metrics(), there.metrics(), executors + " executor(s)");
      assertEquals(SparkLocalTest.lines(tmp.resolve("here")), SparkLocalTest.lines(dir), executors + " executor(s)");
    }
  }
}
