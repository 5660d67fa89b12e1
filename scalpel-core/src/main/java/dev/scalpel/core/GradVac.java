package dev.scalpel.core;

/*
 * Gradient Vaccine (Wang et al., ICLR 2021; LibMTL GradVac, TorchJD GradVac), whole model: for each i, g_i^GV
 * starts at g_i and for each j ≠ i in a random order drawn from (seed, step, i):
 *   φ = <g_i^GV, g_j>/(|g_i^GV||g_j| + eps);
 *   if φ < φ̂_ij: g_i^GV += |g_i^GV|(φ̂_ij√(1−φ²) − φ√(1−φ̂_ij²))/(|g_j|√(1−φ̂_ij²) + eps) · g_j;
 *   φ̂_ij ← (1−β)φ̂_ij + βφ   (always, as LibMTL and TorchJD);
 * d = Σ_i g_i^GV. The targets φ̂ start at 0, so the first step is PCGrad. State: φ̂ (k×k), kept in snapshots.
 * eps is absolute, as in the references (1e-8): it matters only for gradients of norm near 1e-4 or less.
 */
final class GradVac extends GramianWeighting {
  GradVac(SurgeryConfig c) {
    super(c);
  }

  @Override
  int methodStateSize(int k) {
    return k * k;
  }

  @Override
  void coefficients(StepContext x) {
    int k = x.k;
    double beta = config.number("beta");
    double eps = config.number("eps");
    double[] target = x.nextMethodState;
    double[] c = new double[k];
    int[] order = new int[k - 1];
    for (int i = 0; i < k; i++) {
      java.util.Arrays.fill(c, 0);
      c[i] = 1;
      CounterRandom.othersInRandomOrder(config.seed(), x.step, i, k, order);
      for (int j : order) {
        double normJ = Math.sqrt(Math.max(x.g(j, j), 0));
        double dot = 0;
        double sq = 0;
        for (int a = 0; a < k; a++) {
          if (c[a] == 0) {
            continue;
          }
          dot += c[a] * x.g(a, j);
          for (int b = 0; b < k; b++) {
            sq += c[a] * c[b] * x.g(a, b);
          }
        }
        double normI = Math.sqrt(Math.max(sq, 0));
        double phi = dot / (normI * normJ + eps);
        if (!Double.isFinite(phi)) {
          phi = 0; // a zero gradient with eps = 0: no angle
        }
        double hat = target[i * k + j];
        if (phi < hat) {
          double w = normI * (hat * Math.sqrt(Math.max(1 - phi * phi, 0)) - phi * Math.sqrt(Math.max(1 - hat * hat, 0)))
              / (normJ * Math.sqrt(Math.max(1 - hat * hat, 0)) + eps);
          if (Double.isFinite(w)) {
            c[j] += w;
          }
        }
        target[i * k + j] = (1 - beta) * hat + beta * phi;
      }
      for (int a = 0; a < k; a++) {
        x.coef[a] += c[a];
      }
    }
  }
}
