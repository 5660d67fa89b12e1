package dev.scalpel.experiments.toy;

import dev.scalpel.experiments.PlotSpec;
import java.util.List;

/*
 * The §3.3 toy with a third loss, in priority order: θ = (a, b, c), f0 = ½a², f1 = ½((a−1)² + b²),
 * f2 = ½((a−1)² + (b−1)² + c²), start (1, 1, 1), full-batch gradient descent. Gradients: g0 = (a, 0, 0),
 * g1 = (a−1, b, 0), g2 = (a−1, b−1, c). Bloop's Gram–Schmidt direction is (a, λ1 b, λ2 c), so it reaches (0, 0, 0)
 * (f0 = 0, then f1 = ½ at its best under that constraint, then f2 = 1) for every λ; mixed descends
 * f0 + λ1 f1 + λ2 f2, whose minimiser is ((λ1+λ2)/(1+λ1+λ2), λ2/(λ1+λ2), 0). The sweep's λ is used for both
 * auxiliary losses.
 */
/** The paper's §3.3 toy with a third, lowest-priority loss. */
public final class Toy3dTask extends FullBatchTask {

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
  double[] start() {
    return new double[] {1, 1, 1};
  }

  @Override
  List<String> coordinates() {
    return List.of("a", "b", "c");
  }

  @Override
  List<String> lossNames() {
    return List.of("main_loss", "aux_loss", "aux2_loss");
  }

  @Override
  void gradients(double[] th, float[][][] g) {
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

  @Override
  double[] losses(double[] th) {
    return new double[] {f0(th), f1(th), f2(th)};
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
}
