package dev.scalpel.spark;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.experiments.DataParallelTrainer;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.Tasks;
import dev.scalpel.experiments.Trainer;
import java.util.HashMap;
import java.util.Map;

/**
 * The trainers of one executor JVM, one per run (task, settings, method), built on first use and kept for the JVM's
 * life. Every gradient computation of the JVM holds one lock: DJL's PyTorch engine allows one gradient collection
 * at a time per process, so an executor with several cores runs its tasks one after another (use one core per
 * executor JVM, {@code spark.executor.cores=1}, for parallelism).
 */
final class Workers {
  private static final Object LOCK = new Object();
  private static final Map<String, DataParallelTrainer> TRAINERS = new HashMap<>();

  private Workers() {
  }

  /** Micro-batch {@code micro} of step ({@code epoch}, {@code batch}) at {@code parameters}, computed here. */
  static MicroResult compute(RunSpec spec, float[][] parameters, int epoch, int batch, int micro) throws Exception {
    synchronized (LOCK) {
      DataParallelTrainer t = trainer(spec);
      t.setParameterValues(parameters);
      float[][][] g = DataParallelTrainer.zeros(t.losses(), t.sizes());
      double[] losses = t.microGradients(epoch, batch, micro, g);
      return new MicroResult(micro, g, losses);
    }
  }

  private static DataParallelTrainer trainer(RunSpec spec) throws Exception {
    DataParallelTrainer t = TRAINERS.get(spec.key());
    if (t == null) {
      Task task = Tasks.byName(spec.task());
      Trainer built = task.trainer(GradientSurgery.parse(spec.method()), task.settings(spec.settings()));
      if (!(built instanceof DataParallelTrainer dp)) {
        built.close();
        throw new IllegalArgumentException("task " + spec.task() + " cannot spread its steps over workers");
      }
      t = dp;
      TRAINERS.put(spec.key(), t);
    }
    return t;
  }

  /** A run as workers rebuild it: the task's name, its settings as text, the method's spec. */
  record RunSpec(String task, HashMap<String, String> settings, String method) implements java.io.Serializable {
    String key() {
      return task + "\n" + new java.util.TreeMap<>(settings) + "\n" + method;
    }
  }
}
