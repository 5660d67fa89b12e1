/**
 * The two-task vision experiment (Bloop paper §5.3, Cifar10Mnist, at CPU scale with Fashion-MNIST as the
 * background): {@link dev.scalpel.experiments.overlay.OverlayData} composes each image from a dimmed Fashion-MNIST
 * picture and a shifted MNIST digit, {@link dev.scalpel.experiments.overlay.OverlayNet} is a small residual network
 * with one head per task, and {@link dev.scalpel.experiments.overlay.OverlayTask} trains it with the background's
 * cross-entropy as the main loss and the digit's as the auxiliary loss through the shared run loop
 * ({@link dev.scalpel.experiments.RunLoop}: per-epoch metrics of both heads, diagnostics, checkpoints, resumption).
 */
package dev.scalpel.experiments.overlay;
