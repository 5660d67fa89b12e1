package dev.scalpel.spark;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.experiments.DataParallelTrainer;
import dev.scalpel.experiments.PlotSpec;
import dev.scalpel.experiments.RunListener;
import dev.scalpel.experiments.RunLoop;
import dev.scalpel.experiments.RunResult;
import dev.scalpel.experiments.Setting;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.TaskSettings;
import dev.scalpel.experiments.Trainer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Synchronous data-parallel training of a Scalpel task on Apache Spark. The driver (this JVM) owns the parameters,
 * the surgery state and the optimiser, and runs the usual {@link RunLoop} (evaluations, metrics.csv, checkpoints,
 * resume); each step's micro-batch gradients are computed on the executors, one Spark job per step.
 *
 * <pre>{@code
 * try (JavaSparkContext sc = SparkTraining.local(2)) {
 *   RunResult r = SparkTraining.run(sc, Tasks.byName("lm"), Map.of("micro_batches", "4"),
 *       GradientSurgery.parse("bloop:lambda=1,ema=0.01"), Path.of("runs/lm-spark"), null);
 * }
 * }</pre>
 *
 * The task must be data-parallel (its trainer a {@link DataParallelTrainer}, {@code lm}, {@code overlay}, {@code translate}); its micro-batches
 * are fixed by its settings, so the run is the same bits as the in-process run with those settings, with any number
 * of executors.
 */
public final class SparkTraining {
  private SparkTraining() {
  }

  /**
   * An embedded Spark context with {@code threads} task slots in this JVM, on loopback, without the web UI. DJL's
   * PyTorch engine computes one gradient at a time per JVM, so the slots take turns at the gradients: a local
   * context checks the distributed code path, not a speed-up (that needs executor JVMs: a standalone cluster).
   */
  public static JavaSparkContext local(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads (" + threads + ") must be >= 1");
    }
    SparkConf conf = new SparkConf().setMaster("local[" + threads + "]").setAppName("scalpel")
        .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.ui.enabled", "false");
    return new JavaSparkContext(conf);
  }

  /** The JVM options executors need: Spark's module opens, DJL's native access, the Vector API, one torch thread. */
  public static final String EXECUTOR_JAVA_OPTIONS = "--add-modules jdk.incubator.vector "
      + "--enable-native-access=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED "
      + "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED "
      + "--add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED "
      + "--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED "
      + "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED "
      + "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED "
      + "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED "
      + "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED "
      + "-Dio.netty.tryReflectionSetAccessible=true -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 "
      + "-Dai.djl.pytorch.num_interop_threads=1";

  /**
   * A context on a Spark cluster ({@code master}, e.g. {@code spark://127.0.0.1:7077}) with {@code executors}
   * executors of one core each (DJL computes one gradient at a time per JVM: parallelism is one executor JVM per
   * core), the executors started with {@link #EXECUTOR_JAVA_OPTIONS} (added to any
   * {@code spark.executor.extraJavaOptions} given). Settings given to spark-submit ({@code --conf}, or
   * {@code spark.*} system properties) win over {@code executors} and {@code executorMemory}. On a loopback master
   * the driver binds to 127.0.0.1. The cluster's workers must have Scalpel's and Spark's jars (its SPARK_HOME's
   * jars/, or spark-submit's application jar).
   */
  public static JavaSparkContext cluster(String master, int executors, String executorMemory) {
    if (executors < 1) {
      throw new IllegalArgumentException("executors (" + executors + ") must be >= 1");
    }
    SparkConf conf = new SparkConf().setMaster(master).setAppName("scalpel")
        .set("spark.ui.enabled", "false").setIfMissing("spark.executor.cores", "1")
        .setIfMissing("spark.cores.max", Integer.toString(executors))
        .setIfMissing("spark.executor.memory", executorMemory);
    conf.set("spark.executor.extraJavaOptions",
        (conf.get("spark.executor.extraJavaOptions", "") + " " + EXECUTOR_JAVA_OPTIONS).trim());
    if (master.matches("spark://(127\\.0\\.0\\.1|localhost)(:\\d+)?")) {
      conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
    }
    conf.setIfMissing("spark.default.parallelism", conf.get("spark.cores.max"));
    return new JavaSparkContext(conf);
  }

  /**
   * Trains (or resumes) one run of {@code task} with {@code settings} (as for {@code --set}) and {@code method} into
   * {@code runDir}, the steps' gradients computed by the executors of {@code sc}.
   *
   * @throws IllegalArgumentException when the task cannot spread its steps over workers
   */
  public static RunResult run(JavaSparkContext sc, Task task, Map<String, String> settings, GradientSurgery method,
      Path runDir, RunListener listener) throws Exception {
    Task distributed = new Distributed(task, sc);
    return RunLoop.of(distributed, distributed.settings(settings)).run(method, runDir, listener);
  }

  /** The task, with its trainer's steps sent to Spark. */
  private record Distributed(Task task, JavaSparkContext sc) implements Task {
    @Override
    public String name() {
      return task.name();
    }

    @Override
    public String description() {
      return task.description();
    }

    @Override
    public List<Setting> schema() {
      return task.schema();
    }

    @Override
    public int losses() {
      return task.losses();
    }

    @Override
    public List<String> metricColumns() {
      return task.metricColumns();
    }

    @Override
    public List<PlotSpec> plots() {
      return task.plots();
    }

    @Override
    public List<Setting> fullSchema() {
      return task.fullSchema();
    }

    @Override
    public TaskSettings settings(Map<String, String> given) {
      return task.settings(given);
    }

    @Override
    public Trainer trainer(GradientSurgery method, TaskSettings settings) throws Exception {
      Trainer t = task.trainer(method, settings);
      if (!(t instanceof DataParallelTrainer dp)) {
        t.close();
        throw new IllegalArgumentException("task " + task.name() + " cannot spread its steps over workers");
      }
      Workers.RunSpec spec = new Workers.RunSpec(task.name(), new HashMap<>(settings.values()), method.toString());
      return new SparkDataParallel(dp, sc, spec, sc.defaultParallelism());
    }
  }
}
