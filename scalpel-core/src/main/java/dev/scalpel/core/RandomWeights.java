package dev.scalpel.core;

/*
 * Random loss weighting (RLW; Lin et al., TMLR 2022; LibMTL RLW, TorchJD Random): w = softmax(z), z ~ N(0, I)
 * drawn afresh every step from (seed, step). No inner products.
 */
final class RandomWeights extends Rule {
  RandomWeights(SurgeryConfig c) {
    super(c);
  }

  @Override
  void coefficients(StepContext x) {
    int k = x.k;
    double max = Double.NEGATIVE_INFINITY;
    double[] z = new double[k];
    for (int i = 0; i < k; i++) {
      z[i] = CounterRandom.gaussian(config.seed(), x.step, 0, i);
      max = Math.max(max, z[i]);
    }
    double sum = 0;
    for (int i = 0; i < k; i++) {
      z[i] = Math.exp(z[i] - max);
      sum += z[i];
    }
    for (int i = 0; i < k; i++) {
      x.coef[i] = z[i] / sum;
    }
  }
}
