package dev.scalpel.experiments.toy;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.core.SurgeryState;
import dev.scalpel.experiments.Schedule;
import dev.scalpel.experiments.Setting;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.TaskSettings;
import dev.scalpel.experiments.Trainer;
import dev.scalpel.train.checkpoint.CheckpointException;
import dev.scalpel.train.checkpoint.Sections;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/*
 * Full-batch gradient descent on a small analytic problem, θ ← θ − lr·d with d the method's direction from the
 * k exact gradients at θ (float32, as the core takes them; θ in double). A run of N steps is N one-step epochs,
 * evaluated at most 1000 times (every max(1, N/1000) steps, the last included, and at the start); the
 * evaluation row is θ's coordinates and the k losses. The surgery state is initialised from the gradients at the
 * start point (each EMA from its own gradient). State: θ and the surgery snapshot.
 */
/** The base of the analytic full-batch tasks (toy2d, toy3d): settings, schedule, state, summary. */
abstract class FullBatchTask implements Task {
  static final int DEFAULT_STEPS = 5000;
  static final double DEFAULT_LR = 0.1;

  /** The start point. */
  abstract double[] start();

  /** The names of θ's coordinates. */
  abstract List<String> coordinates();

  /** The names of the k losses (the first two main_loss, aux_loss). */
  abstract List<String> lossNames();

  /** The k gradients at θ into {@code g[i][0]}. */
  abstract void gradients(double[] theta, float[][][] g);

  /** The k losses at θ. */
  abstract double[] losses(double[] theta);

  @Override
  public int losses() {
    return lossNames().size();
  }

  @Override
  public List<Setting> schema() {
    return List.of(
        Setting.integer("steps", DEFAULT_STEPS, 1, "gradient steps"),
        Setting.positive("lr", DEFAULT_LR, "learning rate"));
  }

  @Override
  public List<String> metricColumns() {
    List<String> c = new ArrayList<>(lossNames());
    c.addAll(coordinates());
    return c;
  }

  @Override
  public Trainer trainer(GradientSurgery method, TaskSettings settings) {
    return new FullBatchTrainer(method, settings.intValue("steps"), settings.doubleValue("lr"));
  }

  private final class FullBatchTrainer implements Trainer {
    private final GradientSurgery method;
    private final int steps;
    private final double lr;
    private final double[] theta;
    private final float[][][] g;
    private final float[][] d;
    private SurgeryState state;

    FullBatchTrainer(GradientSurgery method, int steps, double lr) {
      this.method = method;
      this.steps = steps;
      this.lr = lr;
      this.theta = start();
      int n = theta.length;
      int k = losses();
      this.g = new float[k][1][n];
      this.d = new float[1][n];
      gradients(theta, g);
      this.state = method.init(g); // each EMA from its own gradient
    }

    @Override
    public Schedule schedule() {
      return new Schedule(steps, 1, Math.max(1, steps / 1000), true);
    }

    @Override
    public List<String> evaluationColumns() {
      List<String> c = new ArrayList<>(coordinates());
      c.addAll(lossNames());
      return c;
    }

    @Override
    public double[] step(int epoch, int batch) {
      gradients(theta, g);
      method.direction(g, state, d);
      for (int q = 0; q < theta.length; q++) {
        theta[q] -= lr * d[0][q];
      }
      return losses(theta);
    }

    @Override
    public double[] evaluate(int epochsDone) {
      double[] l = losses(theta);
      double[] row = new double[theta.length + l.length];
      System.arraycopy(theta, 0, row, 0, theta.length);
      System.arraycopy(l, 0, row, theta.length, l.length);
      return row;
    }

    @Override
    public SurgeryState surgeryState() {
      return state;
    }

    @Override
    public void save(Map<String, byte[]> sections) {
      ByteBuffer b = ByteBuffer.allocate(8 * theta.length);
      for (double v : theta) {
        b.putDouble(v);
      }
      sections.put("toy.theta", b.array());
      sections.put("toy.surgery", state.snapshot());
    }

    @Override
    public void restore(Map<String, byte[]> sections) {
      byte[] t = Sections.require(sections, "toy.theta", name());
      if (t.length != 8 * theta.length) {
        throw new CheckpointException("checkpoint θ has " + t.length / 8 + " coordinates, " + name() + " has "
            + theta.length);
      }
      ByteBuffer b = ByteBuffer.wrap(t);
      for (int q = 0; q < theta.length; q++) {
        theta[q] = b.getDouble();
      }
      state = method.restore(Sections.require(sections, "toy.surgery", name()), new int[] {theta.length});
    }

    @Override
    public Map<String, Double> summary(List<Map<String, Double>> rows) {
      Map<String, Double> last = rows.get(rows.size() - 1);
      Map<String, Double> m = new LinkedHashMap<>();
      for (String c : metricColumns()) {
        m.put(c, last.get(c));
      }
      return m;
    }
  }
}
