package dev.scalpel.core;

/*
 * IMTL-G (Liu et al., ICLR 2021), in TorchJD's Gramian form: v = G⁺√diag(G), w = v/Σv, so that d = Jᵀw has the
 * same projection on every unit gradient. G⁺ from a Jacobi eigen-decomposition of G·k/trace, eigenvalues at or
 * below λ_max·k·2⁻⁵² treated as zero (torch.linalg.pinv's default cut in double). When Σv is 0 (relative to
 * Σ|v|; TorchJD's test |Σv| < 1e-12 is absolute and so depends on the gradients' scale) d = 0; when G is singular
 * and √diag G is outside its range (linearly dependent gradients, e.g. g1 ≈ −2 g0) no equal-projection direction
 * exists and the pseudo-inverse's would conflict with a loss: d = 0, status says so; when Σv < 0 the
 * direction conflicts with every loss (seen in about 1% of random 3×4 Jacobians): it is returned as the
 * formula gives it, and the status reports it.
 */
final class ImtlG extends GramianWeighting {
  ImtlG(SurgeryConfig c) {
    super(c);
  }

  @Override
  void coefficients(StepContext x) {
    int k = x.k;
    double[][] g = normalisedGramian(x);
    SymmetricEigen eig = SymmetricEigen.of(g, "imtl-g");
    double cut = Math.max(eig.values[0], 0) * k * 0x1.0p-52;
    double[][] pinv = eig.pseudoInverse(cut);
    double[] v = new double[k];
    double sum = 0;
    double abs = 0;
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        v[i] += pinv[i][j] * Math.sqrt(Math.max(g[j][j], 0));
      }
    }
    // the defining property, Gv = √diag(G) (equal projections on every unit gradient), holds only when √diag(G)
    // is in the range of G. Linearly dependent gradients can put it outside: then no equal-projection direction
    // exists and the pseudo-inverse's v is a least-squares compromise. Kept (TorchJD's answer) unless it points
    // against some loss (g1 ≈ −2 g0: G singular in double, v = (−1, 2)): then d = 0, the status says which.
    double miss = 0;
    double scale = 0;
    double[] gv = new double[k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        gv[i] += g[i][j] * v[j];
      }
      double root = Math.sqrt(Math.max(g[i][i], 0));
      miss = Math.max(miss, Math.abs(gv[i] - root));
      scale = Math.max(scale, root);
    }
    boolean unequal = !(miss <= 1e-8 * scale);
    double vSum = 0;
    for (double vi : v) {
      vSum += vi;
    }
    if (unequal) {
      for (int i = 0; i < k; i++) {
        if (gv[i] * Math.signum(vSum) < -1e-8 * scale * Math.abs(vSum)) {
          x.status = "imtl-g: the gradients are linearly dependent and no direction projects equally on all of"
              + " them; the pseudo-inverse's would point against loss " + i + ": d = 0";
          return;
        }
      }
      x.status = "imtl-g: the gradients are linearly dependent: the projections on the unit gradients are not all"
          + " equal (pseudo-inverse's least-squares weights)";
    }
    for (int i = 0; i < k; i++) {
      sum += v[i];
      abs += Math.abs(v[i]);
    }
    if (!(Math.abs(sum) > 1e-12 * abs)) {
      x.status = "imtl-g: the weights sum to 0; d = 0";
      return;
    }
    if (sum < 0) {
      x.status = "imtl-g: the weights sum to " + (sum / abs) + "·Σ|v| < 0: the direction conflicts with every loss";
    }
    for (int i = 0; i < k; i++) {
      x.coef[i] = v[i] / sum;
    }
  }
}
