package dev.scalpel.core;

/* mean (w = 1/k), sum (w = 1) and constant (w = the weights key): d = Σ w_i g_i. No inner products, no state. */
final class FixedWeights extends Rule {
  FixedWeights(SurgeryConfig c) {
    super(c);
  }

  @Override
  void coefficients(StepContext x) {
    int k = x.k;
    double[] w = config.method() == Method.CONSTANT ? config.vector("weights") : null;
    for (int i = 0; i < k; i++) {
      x.coef[i] = switch (config.method()) {
        case MEAN -> 1.0 / k;
        case SUM -> 1.0;
        default -> w.length == 1 ? w[0] : w[i];
      };
    }
  }
}
