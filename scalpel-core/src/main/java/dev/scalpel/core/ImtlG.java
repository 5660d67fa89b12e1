package dev.scalpel.core;

/*
 * IMTL-G (Liu et al., ICLR 2021), in TorchJD's Gramian form: v = G⁺√diag(G), w = v/Σv, so that d = Jᵀw has the
 * same projection on every unit gradient. G⁺ from a Jacobi eigen-decomposition of G·k/trace, eigenvalues at or
 * below λ_max·k·2⁻⁵² treated as zero (torch.linalg.pinv's default cut in double). When Σv is 0 (relative to
 * Σ|v|; TorchJD's test |Σv| < 1e-12 is absolute and so depends on the gradients' scale) d = 0; when Σv < 0 the
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
