package dev.scalpel.core;

/*
 * A method that weights the gradients from their full k×k Gramian (TorchJD's Weighting on the Gramian): the
 * Gramian pass computes every <g_a, g_b>, and coefficients(ctx) returns the weights w (d = Σ w_i g_i). No EMA
 * streams. MGDA, UPGrad, DualProj, CAGrad, Nash-MTL, IMTL-G, Aligned-MTL and GradVac are such weightings.
 */
abstract class GramianWeighting extends Rule {
  GramianWeighting(SurgeryConfig config) {
    super(config);
  }

  @Override
  final int[][] pairs(int k, int[] streams) {
    return fullGramian(k);
  }
}
