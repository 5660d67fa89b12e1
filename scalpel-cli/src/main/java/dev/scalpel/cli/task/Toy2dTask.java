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
 * The paper's §3.3 example. θ = (a, b), L_main = ½a², L_aux = ½((a−1)² + b²), start (1, 1), full-batch gradient
 * descent. g_main = (a, 0), g_aux = (a − 1, b). Mixed descends ½a² + λ/2((a−1)² + b²), whose minimiser is
 * (λ/(1+λ), 0) (Hessian diag(1+λ, λ): conditioning 1 + 1/λ); Bloop's direction with an exact EMA is (a, λb), so it
 * reaches (0, 0), the bilevel solution, for every λ.
 */
/** The two-parameter toy problem of the paper's §3.3. */
public final class Toy2dTask implements Task {
  static final int DEFAULT_STEPS = 5000;
  static final double DEFAULT_LR = 0.1;

  @Override
  public String name() {
    return "toy2d";
  }

  @Override
  public String description() {
    return "paper §3.3: θ=(a,b), L_main=½a², L_aux=½((a−1)²+b²), start (1,1), full-batch GD (lr 0.1, 5000 steps)";
  }

  @Override
  public List<String> metricColumns() {
    return List.of("main_loss", "aux_loss", "a", "b");
  }

  @Override
  public List<PlotSpec> plots() {
    return List.of(new PlotSpec("pareto", "toy2d: final losses over λ", "main_loss", "main loss ½a²", true,
        "aux_loss", "aux loss ½((a−1)²+b²)", true));
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
    double a = 1;
    double b = 1;
    float[][] gm = {new float[2]};
    float[][] ga = {new float[2]};
    float[][] d = {new float[2]};
    gradients(a, b, gm, ga);
    SurgeryState state = method.init(gm, ga); // each EMA from its own gradient
    StringBuilder traj = new StringBuilder(Csv.line(List.of("step", "a", "b", "main_loss", "aux_loss")));
    int stride = Math.max(1, steps / 1000);
    row(traj, 0, a, b);
    for (int t = 1; t <= steps; t++) {
      gradients(a, b, gm, ga);
      method.direction(gm, ga, state, d);
      a -= lr * d[0][0];
      b -= lr * d[0][1];
      if (t % stride == 0 || t == steps) {
        row(traj, t, a, b);
        progress.update(t, steps, String.format(Locale.ROOT, "main %.3g aux %.3g", main(a), aux(a, b)));
      }
    }
    AtomicFiles.write(runDir.resolve("trajectory.csv"), traj.toString());
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("main_loss", main(a));
    m.put("aux_loss", aux(a, b));
    m.put("a", a);
    m.put("b", b);
    return new RunResult(m, steps, (System.nanoTime() - start) / 1e9);
  }

  private static void gradients(double a, double b, float[][] gm, float[][] ga) {
    gm[0][0] = (float) a;
    gm[0][1] = 0f;
    ga[0][0] = (float) (a - 1);
    ga[0][1] = (float) b;
  }

  static double main(double a) {
    return 0.5 * a * a;
  }

  static double aux(double a, double b) {
    return 0.5 * ((a - 1) * (a - 1) + b * b);
  }

  private static void row(StringBuilder traj, int step, double a, double b) {
    traj.append(Csv.line(List.of(Integer.toString(step), Csv.num(a), Csv.num(b), Csv.num(main(a)),
        Csv.num(aux(a, b)))));
  }
}
