package dev.scalpel.core;

/*
 * GradDrop (Chen et al., NeurIPS 2020; TorchJD GradDrop with f = identity), per coordinate x:
 * P_x = ½(1 + Σ_i g_ix / Σ_i |g_ix|) (½ where every g_ix is 0), U_x ~ U(0, 1) drawn from (seed, step, x) (24 bits),
 * M_ix = [P_x > U_x and g_ix > 0] or [P_x < U_x and g_ix < 0], d_x = Σ_i (leak_i + (1 − leak_i) M_ix) g_ix, formed
 * in double and rounded once. Not a Gramian weighting: no inner products; its random state is (seed, step), so a
 * restored run draws the same masks. leak = 0 by default (TorchJD; LibMTL applies GradDrop to a representation's
 * gradient, Scalpel to the parameters' gradients, like TorchJD).
 */
final class GradDrop extends Rule {
  GradDrop(SurgeryConfig c) {
    super(c);
  }

  @Override
  boolean perCoordinate() {
    return true;
  }

  @Override
  void coefficients(StepContext x) {
    // per coordinate: the combine pass applies the masks; coef[i] = 1 is the bound used for the overflow check
    for (int i = 0; i < x.k; i++) {
      x.coef[i] = 1;
    }
  }

  double[] leaks(int k) {
    double[] l = config.vector("leak");
    double[] out = new double[k];
    for (int i = 0; i < k; i++) {
      out[i] = l.length == 1 ? l[0] : l[i];
    }
    return out;
  }

  /** d at one coordinate, given the k gradient values there and the global coordinate index. */
  static double combine(float[] values, int k, double[] leak, long seed, long step, long index) {
    double sum = 0;
    double abs = 0;
    for (int i = 0; i < k; i++) {
      sum += values[i];
      abs += Math.abs(values[i]);
    }
    double p = abs > 0 ? 0.5 * (1 + sum / abs) : 0.5;
    float u = CounterRandom.uniformFloat(seed, step, 0, index);
    double d = 0;
    for (int i = 0; i < k; i++) {
      float g = values[i];
      boolean keep = (p > u && g > 0) || (p < u && g < 0);
      d += (leak[i] + (1 - leak[i]) * (keep ? 1 : 0)) * g;
    }
    return d;
  }
}
