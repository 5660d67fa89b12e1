package dev.scalpel.djl;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * A data-free auxiliary loss whose gradient is computed on the Java side, without autograd (e.g. a Lipschitz bound
 * of a network from its weight matrices, or a weight norm): usually the fastest auxiliary path, since it needs no
 * second backward pass and no gradient copy.
 *
 * <pre>{@code
 * AnalyticLoss l2 = (params, grad) -> {          // ½ Σ |θ|²
 *   double v = 0;
 *   for (int t = 0; t < params.length; t++) {
 *     for (int i = 0; i < grad[t].length; i++) {
 *       float p = params[t].get(params[t].position() + i);
 *       v += 0.5 * p * p;
 *       grad[t][i] = p;
 *     }
 *   }
 *   return v;
 * };
 * }</pre>
 */
@FunctionalInterface
public interface AnalyticLoss {

  /** Called once, before the first evaluation, with the step's parameters in tensor order. */
  default void bind(List<ParameterInfo> parameters) {
  }

  /**
   * Returns the loss at the current parameters and writes its gradient into {@code gradient} (one array per
   * tensor). {@code parameters} are read-only views (elements between position and limit). The gradient arrays
   * hold what the previous call wrote (zeros before the first call): write every element whose value changes.
   */
  double valueAndGradient(FloatBuffer[] parameters, float[][] gradient);

  /** State to checkpoint (e.g. persistent power-iteration vectors); empty by default. */
  default byte[] saveState() {
    return new byte[0];
  }

  /** Restores {@link #saveState()}. */
  default void restoreState(byte[] state) {
  }
}
