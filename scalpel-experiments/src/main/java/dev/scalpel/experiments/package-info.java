/**
 * The experiment framework: {@link dev.scalpel.experiments.Task} (a model, its data and k losses, with the settings
 * it declares), {@link dev.scalpel.experiments.Trainer} (one run's state and step), and
 * {@link dev.scalpel.experiments.RunLoop}, the one loop every task runs on: epochs of steps, evaluations,
 * {@code metrics.csv} with the surgery's live diagnostics, atomic checkpoints and bit-identical resumption.
 * Engine-free: tasks bring their engine (the smooth-MNIST task brings DJL).
 */
package dev.scalpel.experiments;
