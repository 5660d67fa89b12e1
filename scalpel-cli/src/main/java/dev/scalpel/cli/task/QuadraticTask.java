package dev.scalpel.cli.task;

import dev.scalpel.cli.io.AtomicFiles;
import dev.scalpel.cli.io.Csv;
import dev.scalpel.cli.io.Progress;
import dev.scalpel.core.GradientSurgery;
import dev.scalpel.core.SurgeryState;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
  public TaskSettings settings(TaskOptions o) {
    TaskOptions.reject(name(), "--steps", o.steps());
    TaskOptions.reject(name(), "--max-steps-per-epoch", o.maxStepsPerEpoch());
    TaskOptions.reject(name(), "--warmup-steps", o.warmupSteps());
    TaskOptions.reject(name(), "--checkpoint-every", o.checkpointEvery());
    TaskOptions.positive("--epochs", o.epochs());
    TaskOptions.positive("--lr", o.learningRate());
    TaskOptions.positive("--batch-size", o.batchSize());
    Map<String, String> v = new LinkedHashMap<>();
    v.put("epochs", Integer.toString(o.epochs() != null ? o.epochs() : DEFAULT_EPOCHS));
    v.put("lr", Double.toString(o.learningRate() != null ? o.learningRate() : DEFAULT_LR));
    v.put("batch_size", Integer.toString(o.batchSize() != null ? o.batchSize() : DEFAULT_BATCH));
    v.put("seed", Long.toString(o.seed() != null ? o.seed() : 0L));
    return new TaskSettings(name(), v);
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

  @Override
  public RunResult run(GradientSurgery method, TaskSettings settings, Path runDir, Progress progress)
      throws Exception {
    int epochs = settings.intValue("epochs");
    double lr = settings.doubleValue("lr");
    int batch = Math.min(N, settings.intValue("batch_size"));
    long seed = settings.longValue("seed");
    long start = System.nanoTime();
    Problem pb = Problem.generate(seed);
    SplittableRandom shuffle = new SplittableRandom(seed ^ 0x5DEECE66DL);
    double[] theta = new double[P];
    float[][] gm = {new float[P]};
    float[][] ga = {new float[P]};
    int[] order = new int[N];
    for (int i = 0; i < N; i++) {
      order[i] = i;
    }
    SurgeryState state = null;
    StringBuilder traj = new StringBuilder(Csv.line(List.of("epoch", "step", "main_loss", "aux_loss")));
    double main0 = pb.mainLoss(theta);
    double aux0 = pb.auxLoss(theta);
    traj.append(Csv.line(List.of("0", "0", Csv.num(main0), Csv.num(aux0))));
    double bestMain = main0;
    double bestAux = aux0;
    int bestEpoch = 0;
    long step = 0;
    for (int epoch = 1; epoch <= epochs; epoch++) {
      for (int i = N - 1; i > 0; i--) {
        int j = shuffle.nextInt(i + 1);
        int tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
      }
      for (int from = 0; from < N; from += batch) {
        int to = Math.min(N, from + batch);
        double[] g = new double[P];
        for (int k = from; k < to; k++) {
          double[] xi = pb.x[order[k]];
          double res = dot(xi, theta) - pb.y[order[k]];
          for (int j = 0; j < P; j++) {
            g[j] += res * xi[j];
          }
        }
        for (int j = 0; j < P; j++) {
          gm[0][j] = (float) (g[j] / (to - from));
          ga[0][j] = (float) (theta[j] - pb.target[j]);
        }
        if (state == null) {
          state = method.init(gm, ga); // each EMA from its own gradient
        }
        method.direction(gm, ga, state, gm);
        for (int j = 0; j < P; j++) {
          theta[j] -= lr * gm[0][j];
        }
        step++;
      }
      double main = pb.mainLoss(theta);
      double aux = pb.auxLoss(theta);
      traj.append(Csv.line(List.of(Integer.toString(epoch), Long.toString(step), Csv.num(main), Csv.num(aux))));
      if (main < bestMain) {
        bestMain = main;
        bestAux = aux;
        bestEpoch = epoch;
      }
      progress.update(epoch, epochs, String.format(Locale.ROOT, "main %.3g aux %.3g", main, aux));
    }
    AtomicFiles.write(runDir.resolve("trajectory.csv"), traj.toString());
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("main_loss", pb.mainLoss(theta));
    m.put("aux_loss", pb.auxLoss(theta));
    m.put("best_main_loss", bestMain);
    m.put("best_aux_loss", bestAux);
    m.put("best_epoch", (double) bestEpoch);
    return new RunResult(m, step, (System.nanoTime() - start) / 1e9);
  }
}
