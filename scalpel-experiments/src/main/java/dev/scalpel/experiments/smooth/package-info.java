/**
 * The smooth-MNIST experiment (Bloop paper §5.2): {@link dev.scalpel.experiments.smooth.SmoothMnistTask} trains an
 * MLP with cross-entropy as the main loss and the log of its squared Lipschitz bound
 * ({@link dev.scalpel.experiments.smooth.SpectralNormLoss}) as the auxiliary loss, through the shared run loop
 * ({@link dev.scalpel.experiments.RunLoop}: per-epoch metrics, diagnostics, checkpoints, resumption).
 */
package dev.scalpel.experiments.smooth;
