package dev.scalpel.core;

/* mixed: d = s (g_0 + Σ_j λ_j g_j), s = 1/(1+Σλ) with rescale. No inner products, no state. */
final class Mixed extends Rule {
  Mixed(SurgeryConfig c) {
    super(c);
  }

  @Override
  void coefficients(StepContext x) {
    double s = config.scale(x.k);
    x.coef[0] = s;
    for (int j = 1; j < x.k; j++) {
      x.coef[j] = s * config.lambda(j);
    }
  }
}
