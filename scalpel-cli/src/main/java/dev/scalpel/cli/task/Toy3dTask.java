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

/*
 * The §3.3 toy with a third loss, in priority order: θ = (a, b, c), f0 = ½a², f1 = ½((a−1)² + b²),
 * f2 = ½((a−1)² + (b−1)² + c²), start (1, 1, 1), full-batch gradient descent. Gradients: g0 = (a, 0, 0),
 * g1 = (a−1, b, 0), g2 = (a−1, b−1, c). Bloop's Gram–Schmidt direction is (a, λ1 b, λ2 c), so it reaches (0, 0, 0)
 * (f0 = 0, then f1 = ½ at its best under that constraint, then f2 = 1) for every λ; mixed descends
 * f0 + λ1 f1 + λ2 f2, whose minimiser is ((λ1+λ2)/(1+λ1+λ2), λ2/(λ1+λ2), 0). The sweep's λ is used for both
 * auxiliary losses.
 */
/** The paper's §3.3 toy with a third, lowest-priority loss. */
public final class Toy3dTask implements Task {
  static final int DEFAULT_STEPS = 5000;
  static final double DEFAULT_LR = 0.1;

  @Override
  public String name() {
    return "toy3d";
  }

  @Override
  public String description() {
    return "§3.3 toy with a third loss: θ=(a,b,c), f0=½a², f1=½((a−1)²+b²), f2=½((a−1)²+(b−1)²+c²), start (1,1,1),"
        + " full-batch GD (lr 0.1, 5000 steps); λ applies to f1 and f2";
  }

  @Override
  public int losses() {
    return 3;
  }

  @Override
  public List<String> metricColumns() {
    return List.of("main_loss", "aux_loss", "aux2_loss", "a", "b", "c");
  }

  @Override
  public List<PlotSpec> plots() {
    return List.of(
        new PlotSpec("pareto", "toy3d: main loss against the first auxiliary loss, over λ", "main_loss",
            "main loss f0 = ½a²", true, "aux_loss", "aux loss f1 = ½((a−1)²+b²)", true),
        new PlotSpec("pareto_aux2", "toy3d: main loss against the second auxiliary loss, over λ", "main_loss",
            "main loss f0 = ½a²", true, "aux2_loss", "aux loss f2 = ½((a−1)²+(b−1)²+c²)", true),
        new PlotSpec("pareto_aux1_aux2", "toy3d: the two auxiliary losses, over λ", "aux_loss",
            "aux loss f1", true, "aux2_loss", "aux loss f2", true));
  }

  @Override
  public TaskSettings settings(TaskOptions o) {
    return TaskOptions.fullBatch(name(), o, DEFAULT_STEPS, DEFAULT_LR);
  }

  @Override
  public RunResult run(GradientSurgery method, TaskSettings settings, Path runDir, Progress progress)
      throws Exception {
    int steps = settings.intValue("steps");
    double lr = settings.doubleValue("lr");
    long start = System.nanoTime();
    double[] th = {1, 1, 1};
    float[][][] g = {{new float[3]}, {new float[3]}, {new float[3]}};
    float[][] d = {new float[3]};
    gradients(th, g);
    SurgeryState state = method.init(g);
    StringBuilder traj = new StringBuilder(Csv.line(List.of("step", "a", "b", "c", "main_loss", "aux_loss",
        "aux2_loss")));
    int stride = Math.max(1, steps / 1000);
    row(traj, 0, th);
    for (int t = 1; t <= steps; t++) {
      gradients(th, g);
      method.direction(g, state, d);
      for (int q = 0; q < 3; q++) {
        th[q] -= lr * d[0][q];
      }
      if (t % stride == 0 || t == steps) {
        row(traj, t, th);
        progress.update(t, steps, String.format(Locale.ROOT, "f0 %.3g f1 %.3g f2 %.3g", f0(th), f1(th), f2(th)));
      }
    }
    AtomicFiles.write(runDir.resolve("trajectory.csv"), traj.toString());
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("main_loss", f0(th));
    m.put("aux_loss", f1(th));
    m.put("aux2_loss", f2(th));
    m.put("a", th[0]);
    m.put("b", th[1]);
    m.put("c", th[2]);
    return new RunResult(m, steps, (System.nanoTime() - start) / 1e9);
  }

  private static void gradients(double[] th, float[][][] g) {
    double a = th[0];
    double b = th[1];
    double c = th[2];
    g[0][0][0] = (float) a;
    g[0][0][1] = 0f;
    g[0][0][2] = 0f;
    g[1][0][0] = (float) (a - 1);
    g[1][0][1] = (float) b;
    g[1][0][2] = 0f;
    g[2][0][0] = (float) (a - 1);
    g[2][0][1] = (float) (b - 1);
    g[2][0][2] = (float) c;
  }

  static double f0(double[] th) {
    return 0.5 * th[0] * th[0];
  }

  static double f1(double[] th) {
    return 0.5 * ((th[0] - 1) * (th[0] - 1) + th[1] * th[1]);
  }

  static double f2(double[] th) {
    return 0.5 * ((th[0] - 1) * (th[0] - 1) + (th[1] - 1) * (th[1] - 1) + th[2] * th[2]);
  }

  private static void row(StringBuilder traj, int step, double[] th) {
    traj.append(Csv.line(List.of(Integer.toString(step), Csv.num(th[0]), Csv.num(th[1]), Csv.num(th[2]),
        Csv.num(f0(th)), Csv.num(f1(th)), Csv.num(f2(th)))));
  }
}
