package dev.scalpel.core;

/* DualProj (TorchJD): w = argmin_{v ≥ p} vᵀĜv, Ĝ and p as UPGrad; d = Jᵀw is non-conflicting. G = 0: d = 0. */
final class DualProj extends GramianWeighting {
  DualProj(SurgeryConfig c) {
    super(c);
  }

  @Override
  void coefficients(StepContext x) {
    int k = x.k;
    double[] p = preference(config, k);
    double[][] g = UpGrad.regularised(x, config.number("reg"));
    double[] w = g == null ? p : UpGrad.projectWeights(g, p, "dualproj");
    System.arraycopy(w, 0, x.coef, 0, k);
  }
}
