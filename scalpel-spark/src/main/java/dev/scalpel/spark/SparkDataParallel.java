package dev.scalpel.spark;

import dev.scalpel.core.SurgeryState;
import dev.scalpel.experiments.DataParallelTrainer;
import dev.scalpel.experiments.Schedule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The driver's trainer of a data-parallel run on Spark: each step broadcasts the parameters, runs one Spark job
 * whose tasks compute the step's micro-batch gradients on the executors ({@link Workers}), collects them, takes
 * their mean in micro-batch order and finishes the step here (surgery, optimiser). Evaluations, checkpoints and
 * everything else are the wrapped trainer's, on the driver. The same bits as
 * {@link DataParallelTrainer#stepInProcess}, whatever the number of executors (see {@link DataParallelTrainer}).
 */
final class SparkDataParallel implements DataParallelTrainer {
  private final DataParallelTrainer driver;
  private final JavaSparkContext sc;
  private final Workers.RunSpec spec;
  private final int partitions;
  private long bytesCollected;
  private boolean announced;

  SparkDataParallel(DataParallelTrainer driver, JavaSparkContext sc, Workers.RunSpec spec, int partitions) {
    this.driver = driver;
    this.sc = sc;
    this.spec = spec;
    this.partitions = partitions;
  }

  @Override
  public double[] step(int epoch, int batch) throws Exception {
    int m = driver.microBatches();
    if (!announced) {
      announced = true;
      long p = 0;
      for (int size : driver.sizes()) {
        p += size;
      }
      System.out.printf(java.util.Locale.ROOT, "spark: %d parameters, %d micro-batches a step on %d partitions; "
          + "per step %d bytes of gradients to the driver (k·P·4 per micro-batch, k = %d) and %d bytes of "
          + "parameters to each executor (P·4)%n", p, m, Math.min(partitions, m), 4L * driver.losses() * p * m,
          driver.losses(), 4L * p);
    }
    List<Integer> micros = new ArrayList<>();
    for (int i = 0; i < m; i++) {
      micros.add(i);
    }
    Broadcast<float[][]> theta = sc.broadcast(driver.parameterValues());
    try {
      Workers.RunSpec s = spec;
      JavaRDD<Integer> rdd = sc.parallelize(micros, Math.min(partitions, m));
      List<MicroResult> results = new ArrayList<>(rdd.map(i -> Workers.compute(s, theta.value(), epoch, batch, i))
          .collect());
      results.sort(Comparator.comparingInt(MicroResult::micro));
      float[][][] sum = DataParallelTrainer.zeros(driver.losses(), driver.sizes());
      double[] losses = new double[driver.losses()];
      for (MicroResult r : results) { // micro-batch order: the same bits for any number of executors
        DataParallelTrainer.addInPlace(sum, r.gradients());
        for (int i = 0; i < losses.length; i++) {
          losses[i] += r.losses()[i];
        }
        bytesCollected += 4L * count(r.gradients());
      }
      if (results.size() != m) {
        throw new IllegalStateException(results.size() + " micro-batch results for " + m + " micro-batches");
      }
      DataParallelTrainer.meanInPlace(sum, m);
      for (int i = 0; i < losses.length; i++) {
        losses[i] /= m;
      }
      return driver.finishStep(sum, losses);
    } finally {
      theta.destroy();
    }
  }

  /** Gradient bytes collected from the executors so far. */
  long bytesCollected() {
    return bytesCollected;
  }

  private static long count(float[][][] g) {
    long n = 0;
    for (float[][] loss : g) {
      for (float[] t : loss) {
        n += t.length;
      }
    }
    return n;
  }

  @Override
  public int microBatches() {
    return driver.microBatches();
  }

  @Override
  public int losses() {
    return driver.losses();
  }

  @Override
  public int[] sizes() {
    return driver.sizes();
  }

  @Override
  public float[][] parameterValues() {
    return driver.parameterValues();
  }

  @Override
  public void setParameterValues(float[][] values) {
    driver.setParameterValues(values);
  }

  @Override
  public double[] microGradients(int epoch, int batch, int micro, float[][][] out) throws Exception {
    return driver.microGradients(epoch, batch, micro, out);
  }

  @Override
  public double[] finishStep(float[][][] meanGradients, double[] meanLosses) throws Exception {
    return driver.finishStep(meanGradients, meanLosses);
  }

  @Override
  public Schedule schedule() {
    return driver.schedule();
  }

  @Override
  public List<String> evaluationColumns() {
    return driver.evaluationColumns();
  }

  @Override
  public double[] evaluate(int epochsDone) throws Exception {
    return driver.evaluate(epochsDone);
  }

  @Override
  public SurgeryState surgeryState() {
    return driver.surgeryState();
  }

  @Override
  public void save(Map<String, byte[]> sections) {
    driver.save(sections);
  }

  @Override
  public void restore(Map<String, byte[]> sections) {
    driver.restore(sections);
  }

  @Override
  public Map<String, Double> summary(List<Map<String, Double>> rows) {
    return driver.summary(rows);
  }

  @Override
  public void close() throws Exception {
    driver.close();
  }
}
