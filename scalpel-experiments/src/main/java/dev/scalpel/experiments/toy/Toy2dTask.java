package dev.scalpel.experiments.toy;

import dev.scalpel.experiments.PlotSpec;
import java.util.List;

/*
 * The paper's §3.3 example. θ = (a, b), L_main = ½a², L_aux = ½((a−1)² + b²), start (1, 1), full-batch gradient
 * descent. g_main = (a, 0), g_aux = (a − 1, b). Mixed descends ½a² + λ/2((a−1)² + b²), whose minimiser is
 * (λ/(1+λ), 0) (Hessian diag(1+λ, λ): conditioning 1 + 1/λ); Bloop's direction with an exact EMA is (a, λb), so it
 * reaches (0, 0), the bilevel solution, for every λ.
 */
/** The two-parameter toy problem of the paper's §3.3. */
public final class Toy2dTask extends FullBatchTask {

  @Override
  public String name() {
    return "toy2d";
  }

  @Override
  public String description() {
    return "paper §3.3: θ=(a,b), L_main=½a², L_aux=½((a−1)²+b²), start (1,1), full-batch GD (lr 0.1, 5000 steps)";
  }

  @Override
  public List<PlotSpec> plots() {
    return List.of(new PlotSpec("pareto", "toy2d: final losses over λ", "main_loss", "main loss ½a²", true,
        "aux_loss", "aux loss ½((a−1)²+b²)", true));
  }

  @Override
  double[] start() {
    return new double[] {1, 1};
  }

  @Override
  List<String> coordinates() {
    return List.of("a", "b");
  }

  @Override
  List<String> lossNames() {
    return List.of("main_loss", "aux_loss");
  }

  @Override
  void gradients(double[] th, float[][][] g) {
    double a = th[0];
    double b = th[1];
    g[0][0][0] = (float) a;
    g[0][0][1] = 0f;
    g[1][0][0] = (float) (a - 1);
    g[1][0][1] = (float) b;
  }

  @Override
  double[] losses(double[] th) {
    return new double[] {main(th[0]), aux(th[0], th[1])};
  }

  static double main(double a) {
    return 0.5 * a * a;
  }

  static double aux(double a, double b) {
    return 0.5 * ((a - 1) * (a - 1) + b * b);
  }
}
