package dev.scalpel.core;

/*
 * Aligned-MTL (Senushkin et al., CVPR 2023; TorchJD AlignedMTL): G = VΛVᵀ; eigenvalues above λ_max·k·2⁻⁵² kept
 * (TorchJD cuts at float32's ε); B = √σ V Λ^{−1/2} Vᵀ over them, σ the smallest kept eigenvalue (scale=min), their
 * lower median (median) or their mean (rmse); w = B p. pref p = 1/k (TorchJD, the default) or pref=1 (official
 * code and LibMTL, which sum the rows of B: k times larger). G = 0: d = 0.
 */
final class AlignedMtl extends GramianWeighting {
  AlignedMtl(SurgeryConfig c) {
    super(c);
  }

  @Override
  void coefficients(StepContext x) {
    int k = x.k;
    double[][] g = normalisedGramian(x);
    if (g[0][0] == 0 && allZero(g)) {
      return;
    }
    SymmetricEigen eig = SymmetricEigen.of(g, "aligned-mtl");
    double cut = Math.max(eig.values[0], 0) * k * 0x1.0p-52;
    int rank = 0;
    while (rank < k && eig.values[rank] > cut) {
      rank++;
    }
    if (rank == 0) {
      return;
    }
    double sigma = switch (config.choice("scale")) {
      case "min" -> eig.values[rank - 1];
      case "median" -> eig.values[rank / 2]; // values decrease: the lower median of the kept ones
      default -> {
        double s = 0;
        for (int c = 0; c < rank; c++) {
          s += eig.values[c];
        }
        yield s / rank;
      }
    };
    double[] p = preference(config, k);
    double root = Math.sqrt(sigma);
    for (int c = 0; c < rank; c++) {
      double vp = 0;
      for (int j = 0; j < k; j++) {
        vp += eig.vectors[j][c] * p[j];
      }
      double f = root / Math.sqrt(eig.values[c]) * vp;
      for (int i = 0; i < k; i++) {
        x.coef[i] += eig.vectors[i][c] * f;
      }
    }
  }

  private static boolean allZero(double[][] g) {
    for (double[] row : g) {
      for (double v : row) {
        if (v != 0) {
          return false;
        }
      }
    }
    return true;
  }
}
