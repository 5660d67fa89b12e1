package dev.scalpel.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The driver program's command line: what it accepts, and the one-line errors for what it does not. */
class SparkTrainTest {
  static String error(String... argv) {
    return assertThrows(IllegalArgumentException.class, () -> SparkTrain.parse(argv)).getMessage();
  }

  @Test
  void parsesTheOptions() {
    SparkTrain.Args a = SparkTrain.parse(new String[] {"--task", "lm", "--method", "bloop:lambda=1", "--set",
        "micro_batches=4", "--set", "width=32", "--out", "runs/x", "--master", "local[*]", "--executors", "3"});
    assertEquals("lm", a.task());
    assertEquals(Map.of("micro_batches", "4", "width", "32"), a.settings());
    assertEquals(Path.of("runs/x"), a.out());
    assertEquals(3, a.executors());
    assertEquals("1g", a.executorMemory());
  }

  @Test
  void badArgumentsAreNamed() {
    String[] base = {"--task", "lm", "--method", "mixed", "--out", "o"};
    assertEquals("--task, --method and --out are required (--help for usage)", error("--task", "lm"));
    assertEquals("unexpected argument lm (options are --NAME VALUE; --help)", error("lm"));
    assertEquals("--out needs a value", error("--task", "lm", "--out"));
    assertEquals("--executors (abc) must be an integer >= 1", error("--executors", "abc"));
    assertEquals("--executors (0) must be an integer >= 1", error("--executors", "0"));
    assertEquals("--set (width) must be KEY=VALUE", error("--set", "width"));
    assertEquals("unknown option --nope (expected --task, --method, --set, --out, --master, --executors, "
        + "--executor-memory)", error("--nope", "1"));
    for (String bad : new String[] {"foo", "local[x]", "local[0]", "local", "spark://host", "spark://:7077"}) {
      String[] argv = java.util.Arrays.copyOf(base, base.length + 2);
      argv[base.length] = "--master";
      argv[base.length + 1] = bad;
      assertEquals("--master (" + bad + ") must be spark://HOST:PORT, local[N] (N >= 1 or *), yarn, k8s://... or "
          + "in-process", error(argv), bad);
    }
    for (String good : new String[] {"in-process", "local[2]", "local[*]", "spark://127.0.0.1:7177",
        "spark://a:7077,b:7077", "yarn", "k8s://https://host:443"}) {
      SparkTrain.checkMaster(good);
    }
  }

  @Test
  void anUnreachableMasterIsSaidAtOnce() {
    // a port nothing listens on (bound, then closed)
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    String url = "spark://127.0.0.1:" + port;
    assertEquals("no Spark master answers at " + url + " (start one with bin/spark-cluster.sh start, or check the "
        + "URL)", assertThrows(IllegalArgumentException.class, () -> SparkTrain.checkReachable(url)).getMessage());
    SparkTrain.checkReachable("local[2]"); // nothing to reach
  }
}
