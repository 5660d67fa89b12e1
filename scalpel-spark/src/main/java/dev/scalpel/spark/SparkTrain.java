package dev.scalpel.spark;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.experiments.RunListener;
import dev.scalpel.experiments.RunLoop;
import dev.scalpel.experiments.RunResult;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.Tasks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The driver program of a data-parallel run: what {@code spark-submit --class dev.scalpel.spark.SparkTrain} and
 * {@code bin/spark-train.sh} start. Trains (or resumes) one run and prints its final metrics.
 *
 * <pre>
 *   SparkTrain --task lm --method bloop:lambda=1,ema=0.01 --set micro_batches=4 --out runs/lm-spark
 *              [--master spark://HOST:7077 | local[N] | in-process] [--executors 2] [--executor-memory 1g]
 * </pre>
 *
 * {@code --master in-process} trains without Spark (the same bits: the reference a distributed run is compared
 * with); without {@code --master} the master comes from spark-submit ({@code spark.master}) or is {@code local[2]}.
 * Bad arguments end the program with one line naming the bad value and exit status 2.
 */
public final class SparkTrain {
  private SparkTrain() {
  }

  /** The parsed command line. */
  record Args(String task, String method, Map<String, String> settings, Path out, String master, int executors,
      String executorMemory) {
  }

  /** Parses the command line; throws IllegalArgumentException with a one-line message on bad input. */
  static Args parse(String[] argv) {
    String task = null;
    String method = null;
    String out = null;
    String master = null;
    int executors = 2;
    String memory = "1g";
    Map<String, String> settings = new LinkedHashMap<>();
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (a.equals("--help") || a.equals("-h")) {
        throw new HelpRequested();
      }
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + a + " (options are --NAME VALUE; --help)");
      }
      if (i + 1 >= argv.length) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      String v = argv[++i];
      switch (a) {
        case "--task" -> task = v;
        case "--method" -> method = v;
        case "--out" -> out = v;
        case "--master" -> master = v;
        case "--executor-memory" -> memory = v;
        case "--executors" -> {
          try {
            executors = Integer.parseInt(v);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--executors (" + v + ") must be an integer >= 1");
          }
          if (executors < 1) {
            throw new IllegalArgumentException("--executors (" + v + ") must be an integer >= 1");
          }
        }
        case "--set" -> {
          int eq = v.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("--set (" + v + ") must be KEY=VALUE");
          }
          settings.put(v.substring(0, eq), v.substring(eq + 1));
        }
        default -> throw new IllegalArgumentException("unknown option " + a + " (expected --task, --method, --set, "
            + "--out, --master, --executors, --executor-memory)");
      }
    }
    if (task == null || method == null || out == null) {
      throw new IllegalArgumentException("--task, --method and --out are required (--help for usage)");
    }
    if (master != null) {
      checkMaster(master);
    }
    return new Args(task, method, settings, Path.of(out), master, executors, memory);
  }

  private static final java.util.regex.Pattern LOCAL = java.util.regex.Pattern.compile("local\\[([1-9]\\d*|\\*)]");

  /** Accepts in-process, local[N] (N ≥ 1 or *), spark://HOST:PORT[,HOST:PORT...], yarn and k8s://...; else throws. */
  static void checkMaster(String master) {
    boolean ok = master.equals("in-process") || LOCAL.matcher(master).matches() || master.equals("yarn")
        || master.startsWith("k8s://") || master.matches("spark://[^:/,\\s]+:\\d+(,[^:/,\\s]+:\\d+)*");
    if (!ok) {
      throw new IllegalArgumentException("--master (" + master + ") must be spark://HOST:PORT, local[N] (N >= 1 or "
          + "*), yarn, k8s://... or in-process");
    }
  }

  /**
   * Throws when a standalone master does not answer on its port within 5 s (a cluster that is not started), before
   * Spark spends a minute retrying.
   */
  static void checkReachable(String master) {
    if (!master.startsWith("spark://")) {
      return;
    }
    for (String hostPort : master.substring("spark://".length()).split(",")) {
      int colon = hostPort.lastIndexOf(':');
      try (java.net.Socket socket = new java.net.Socket()) {
        socket.connect(new java.net.InetSocketAddress(hostPort.substring(0, colon),
            Integer.parseInt(hostPort.substring(colon + 1))), 5000);
        return;
      } catch (java.io.IOException e) {
        // try the next master
      }
    }
    throw new IllegalArgumentException("no Spark master answers at " + master + " (start one with "
        + "bin/spark-cluster.sh start, or check the URL)");
  }

  /** Runs the program: exit status 0 when the run finished, 2 on bad arguments, 1 on a failed run. */
  public static void main(String[] argv) {
    Args a;
    Task task;
    GradientSurgery method;
    try {
      a = parse(argv);
      task = Tasks.byName(a.task());
      if (!task.dataParallel()) {
        List<String> dp = new ArrayList<>();
        Tasks.names().forEach(n -> {
          if (Tasks.byName(n).dataParallel()) {
            dp.add(n);
          }
        });
        throw new IllegalArgumentException("task " + a.task() + " is not data-parallel; the data-parallel tasks: "
            + String.join(", ", dp));
      }
      method = GradientSurgery.parse(a.method());
      task.settings(a.settings()); // validates the settings before anything starts
      checkReachable(master(a));
    } catch (HelpRequested h) {
      System.out.println(USAGE);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println("scalpel-spark: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      RunResult r = run(a, task, method);
      for (Map.Entry<String, Double> e : r.metrics().entrySet()) {
        System.out.printf(Locale.ROOT, "%-16s %s%n", e.getKey(), e.getValue());
      }
      System.out.println("run: " + a.out());
    } catch (Exception e) {
      System.err.println("scalpel-spark: the run failed: " + e);
      System.exit(1);
    }
  }

  private static RunResult run(Args a, Task task, GradientSurgery method) throws Exception {
    RunListener progress = new Progress();
    if ("in-process".equals(a.master())) {
      return RunLoop.of(task, task.settings(a.settings())).run(method, a.out(), progress);
    }
    String master = master(a);
    try (JavaSparkContext sc = master.startsWith("local") ? localContext(master)
        : SparkTraining.cluster(master, a.executors(), a.executorMemory())) {
      return SparkTraining.run(sc, task, a.settings(), method, a.out(), progress);
    }
  }

  /** --master, else spark-submit's spark.master, else local[2]. */
  private static String master(Args a) {
    return a.master() != null ? a.master() : System.getProperty("spark.master", "local[2]");
  }

  private static JavaSparkContext localContext(String master) {
    java.util.regex.Matcher m = LOCAL.matcher(master);
    if (!m.matches()) {
      throw new IllegalArgumentException("--master (" + master + ") must be local[N] (N >= 1 or *)");
    }
    return SparkTraining.local(m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors()
        : Integer.parseInt(m.group(1)));
  }

  /** One line per evaluation and per checkpoint, on standard output. */
  private static final class Progress implements RunListener {
    @Override
    public void onStart(long startStep, long totalSteps) {
      System.out.println(startStep > 0 ? "resuming at step " + startStep + " of " + totalSteps
          : "training " + totalSteps + " steps");
    }

    @Override
    public void onEvaluation(Map<String, Double> row) {
      List<String> parts = new ArrayList<>();
      row.forEach((k, v) -> parts.add(k + " " + (v == Math.rint(v) && Math.abs(v) < 1e15
          ? Long.toString(v.longValue()) : String.format(Locale.ROOT, "%.4g", v))));
      System.out.println("  " + String.join("  ", parts));
    }

    @Override
    public void onCheckpoint(Path file, long step) {
      System.out.println("checkpoint: step " + step);
    }
  }

  private static final class HelpRequested extends RuntimeException {
    HelpRequested() {
      super(null, null, false, false);
    }
  }

  static final String USAGE = """
      usage: bin/spark-train.sh (or spark-submit --class dev.scalpel.spark.SparkTrain APP.jar)
               --task TASK --method SPEC --out DIR [--set KEY=VALUE ...]
               [--master spark://HOST:PORT | local[N] | in-process] [--executors N] [--executor-memory SIZE]
      Trains (or resumes, from DIR's checkpoint) one run of a data-parallel task (lm, overlay, translate) with each step's
      micro-batch gradients computed by Spark executors of one core each: the same bits for any number of
      executors, and as --master in-process (no Spark). --set micro_batches=M fixes how a step's batch is cut;
      `scalpel tasks` lists every task's settings. --master: default spark-submit's, else local[2] (an embedded
      context: checks the path, no speed-up). --executors (default 2) and --executor-memory (default 1g) apply to a
      spark:// master only. Exit status: 0 finished, 2 bad arguments, 1 the run failed.""";
}
