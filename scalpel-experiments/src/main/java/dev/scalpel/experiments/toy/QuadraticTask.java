package dev.scalpel.experiments.toy;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.core.SurgeryState;
import dev.scalpel.experiments.PlotSpec;
import dev.scalpel.experiments.Schedule;
import dev.scalpel.experiments.Setting;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.TaskSettings;
import dev.scalpel.experiments.Trainer;
import dev.scalpel.train.checkpoint.CheckpointException;
import dev.scalpel.train.checkpoint.Sections;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/*
 * The reference notebook's over-parameterised least squares. n = 256 samples, p = 300 features:
 *   X = N(0,1) · diag(linspace(1, 10, p)),  y = X θ₀ + 0.05 · N(0,1),  θ₀ ~ N(0,1),
 *   L_main(θ) = ½ mean_i (x_iᵀθ − y_i)²,  L_aux(θ) = ½ ‖θ − θ*‖²,  θ* = 10 · N(0,1).
 * Since p > n, L_main has a whole affine space of minimisers; the bilevel solution is the point of that space
 * nearest θ*. θ starts at 0; minibatch SGD (lr 1e-3, batch 64, reshuffled each epoch, the last batch of an
 * epoch may be smaller), 1000 epochs. Full-batch losses are evaluated after every epoch; the run reports the
 * final point and the point of best main loss.
 * All data come from SplittableRandom(seed) (gaussians via nextGaussian), so a run is reproducible.
 */
/** The reference notebook's quadratic problem (n=256, p=300). */
public final class QuadraticTask implements Task {
  static final int N = 256;
  static final int P = 300;
  static final double NOISE = 0.05;
  static final int DEFAULT_EPOCHS = 1000;
  static final double DEFAULT_LR = 1e-3;
  static final int DEFAULT_BATCH = 64;

  @Override
  public String name() {
    return "quadratic";
  }

  @Override
  public String description() {
    return "reference notebook: least squares n=256, p=300, aux ½‖θ−θ*‖², SGD lr 1e-3, batch 64, 1000 epochs";
  }

  @Override
  public List<String> metricColumns() {
    return List.of("main_loss", "aux_loss", "best_main_loss", "best_aux_loss", "best_epoch");
  }

  @Override
  public List<PlotSpec> plots() {
    return List.of(
        new PlotSpec("pareto", "quadratic: final losses over λ", "main_loss", "main loss (train MSE/2)", true,
            "aux_loss", "aux loss ½‖θ−θ*‖²", true),
        new PlotSpec("pareto_best", "quadratic: at the epoch of best main loss", "best_main_loss",
            "best main loss", true, "best_aux_loss", "aux loss at that epoch", true));
  }

  @Override
  public List<Setting> schema() {
    return List.of(
        Setting.integer("epochs", DEFAULT_EPOCHS, 1, "epochs"),
        Setting.positive("lr", DEFAULT_LR, "SGD learning rate"),
        Setting.integer("batch_size", DEFAULT_BATCH, 1, "minibatch size (at most 256: the whole data set)")
            .atMost(N),
        Setting.seed("seed", 0L, "seed of the data and the shuffling"));
  }

  @Override
  public Trainer trainer(GradientSurgery method, TaskSettings settings) {
    return new QuadraticTrainer(method, settings.intValue("epochs"), settings.doubleValue("lr"),
        settings.intValue("batch_size"), settings.longValue("seed"));
  }

  /** The problem's data for a seed. */
  record Problem(double[][] x, double[] y, double[] target) {
    static Problem generate(long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      double[][] x = new double[N][P];
      for (int i = 0; i < N; i++) {
        for (int j = 0; j < P; j++) {
          x[i][j] = r.nextGaussian() * (1 + 9.0 * j / (P - 1));
        }
      }
      double[] theta0 = new double[P];
      for (int j = 0; j < P; j++) {
        theta0[j] = r.nextGaussian();
      }
      double[] y = new double[N];
      for (int i = 0; i < N; i++) {
        y[i] = dot(x[i], theta0) + NOISE * r.nextGaussian();
      }
      double[] target = new double[P];
      for (int j = 0; j < P; j++) {
        target[j] = 10 * r.nextGaussian();
      }
      return new Problem(x, y, target);
    }

    double mainLoss(double[] theta) {
      double s = 0;
      for (int i = 0; i < N; i++) {
        double res = dot(x[i], theta) - y[i];
        s += res * res;
      }
      return 0.5 * s / N;
    }

    double auxLoss(double[] theta) {
      double s = 0;
      for (int j = 0; j < P; j++) {
        double d = theta[j] - target[j];
        s += d * d;
      }
      return 0.5 * s;
    }
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static final class QuadraticTrainer implements Trainer {
    private final GradientSurgery method;
    private final int epochs;
    private final double lr;
    private final int batch;
    private final long seed;
    private final Problem pb;
    private final double[] theta = new double[P];
    private final float[][] gm = {new float[P]};
    private final float[][] ga = {new float[P]};
    private final double[] g = new double[P];
    private final int[] order = new int[N];
    private SplittableRandom shuffle;
    private int shuffles;
    private SurgeryState state;

    QuadraticTrainer(GradientSurgery method, int epochs, double lr, int batch, long seed) {
      this.method = method;
      this.epochs = epochs;
      this.lr = lr;
      this.batch = batch;
      this.seed = seed;
      this.pb = Problem.generate(seed);
      this.shuffle = new SplittableRandom(seed ^ 0x5DEECE66DL);
      for (int i = 0; i < N; i++) {
        order[i] = i;
      }
    }

    @Override
    public Schedule schedule() {
      return new Schedule(epochs, (N + batch - 1) / batch, 1, true);
    }

    @Override
    public List<String> evaluationColumns() {
      return List.of("main_loss", "aux_loss");
    }

    private void shuffleInPlace(int[] a) {
      for (int i = N - 1; i > 0; i--) {
        int j = shuffle.nextInt(i + 1);
        int tmp = a[i];
        a[i] = a[j];
        a[j] = tmp;
      }
      shuffles++;
    }

    @Override
    public double[] step(int epoch, int b) {
      if (b == 0) {
        shuffleInPlace(order);
      }
      int from = b * batch;
      int to = Math.min(N, from + batch);
      java.util.Arrays.fill(g, 0);
      double mainLoss = 0;
      for (int k = from; k < to; k++) {
        double[] xi = pb.x[order[k]];
        double res = dot(xi, theta) - pb.y[order[k]];
        mainLoss += res * res;
        for (int j = 0; j < P; j++) {
          g[j] += res * xi[j];
        }
      }
      double auxLoss = 0;
      for (int j = 0; j < P; j++) {
        gm[0][j] = (float) (g[j] / (to - from));
        ga[0][j] = (float) (theta[j] - pb.target[j]);
        auxLoss += (theta[j] - pb.target[j]) * (theta[j] - pb.target[j]);
      }
      if (state == null) {
        state = method.init(gm, ga); // each EMA from its own gradient
      }
      method.direction(gm, ga, state, gm);
      for (int j = 0; j < P; j++) {
        theta[j] -= lr * gm[0][j];
      }
      return new double[] {0.5 * mainLoss / (to - from), 0.5 * auxLoss};
    }

    @Override
    public double[] evaluate(int epochsDone) {
      return new double[] {pb.mainLoss(theta), pb.auxLoss(theta)};
    }

    @Override
    public SurgeryState surgeryState() {
      return state;
    }

    @Override
    public void save(Map<String, byte[]> sections) {
      ByteBuffer b = ByteBuffer.allocate(8 * P + 4 * N + 4);
      for (double v : theta) {
        b.putDouble(v);
      }
      for (int v : order) {
        b.putInt(v);
      }
      b.putInt(shuffles);
      sections.put("quadratic.position", b.array());
      sections.put("quadratic.surgery", state.snapshot());
    }

    @Override
    public void restore(Map<String, byte[]> sections) {
      byte[] bytes = Sections.require(sections, "quadratic.position", "quadratic");
      if (bytes.length != 8 * P + 4 * N + 4) {
        throw new CheckpointException("quadratic checkpoint state has " + bytes.length + " bytes, expected "
            + (8 * P + 4 * N + 4));
      }
      ByteBuffer b = ByteBuffer.wrap(bytes);
      for (int j = 0; j < P; j++) {
        theta[j] = b.getDouble();
      }
      for (int i = 0; i < N; i++) {
        order[i] = b.getInt();
      }
      int done = b.getInt();
      // the shuffling generator's position: replay as many shuffles (their draws do not depend on the order)
      shuffle = new SplittableRandom(seed ^ 0x5DEECE66DL);
      shuffles = 0;
      int[] scratch = new int[N];
      for (int s = 0; s < done; s++) {
        shuffleInPlace(scratch);
      }
      state = method.restore(Sections.require(sections, "quadratic.surgery", "quadratic"), new int[] {P});
    }

    @Override
    public Map<String, Double> summary(List<Map<String, Double>> rows) {
      double bestMain = Double.POSITIVE_INFINITY;
      double bestAux = Double.NaN;
      double bestEpoch = 0;
      for (Map<String, Double> r : rows) {
        if (r.get("main_loss") < bestMain) {
          bestMain = r.get("main_loss");
          bestAux = r.get("aux_loss");
          bestEpoch = r.get("epoch");
        }
      }
      Map<String, Double> last = rows.get(rows.size() - 1);
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("main_loss", last.get("main_loss"));
      m.put("aux_loss", last.get("aux_loss"));
      m.put("best_main_loss", bestMain);
      m.put("best_aux_loss", bestAux);
      m.put("best_epoch", bestEpoch);
      return m;
    }
  }
}
