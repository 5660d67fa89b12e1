/**
 * The smooth-MNIST experiment (Bloop paper §5.2): {@link dev.scalpel.djl.smooth.SmoothMnist#run} trains an MLP with
 * cross-entropy as the main loss and the log of its squared Lipschitz bound
 * ({@link dev.scalpel.djl.smooth.SpectralNormLoss}) as the auxiliary loss, with per-epoch metrics, checkpoints and
 * automatic resumption.
 */
package dev.scalpel.djl.smooth;
