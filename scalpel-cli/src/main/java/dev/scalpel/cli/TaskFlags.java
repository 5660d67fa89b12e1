package dev.scalpel.cli;

import dev.scalpel.cli.task.TaskOptions;
import picocli.CommandLine.Option;

/** The task settings flags shared by {@code train} and {@code sweep}. */
final class TaskFlags {
  @Option(names = "--seed", description = "random seed of data, initialisation and shuffling (default 0)")
  Long seed;

  @Option(names = "--steps", description = "toy2d, toy3d: gradient steps (default 5000)")
  Integer steps;

  @Option(names = "--epochs", description = "quadratic: 1000 by default; smooth-mnist: 25")
  Integer epochs;

  @Option(names = "--lr", description = "learning rate (toy2d, toy3d 0.1, quadratic 1e-3, smooth-mnist 3e-4)")
  Double lr;

  @Option(names = "--batch-size", description = "minibatch size (quadratic 64, smooth-mnist 256)")
  Integer batchSize;

  @Option(names = "--max-steps-per-epoch", description = "smooth-mnist: cap on steps per epoch (0 = all)")
  Integer maxStepsPerEpoch;

  @Option(names = "--warmup-steps",
      description = "smooth-mnist: linear warmup over N steps, then cosine decay to 0 (default 0: constant lr)")
  Integer warmupSteps;

  @Option(names = "--checkpoint-every",
      description = "smooth-mnist: steps between checkpoints, besides each epoch end (default 500; 0 = epoch ends)")
  Integer checkpointEvery;

  TaskOptions options() {
    return new TaskOptions(steps, epochs, lr, batchSize, seed, maxStepsPerEpoch, warmupSteps, checkpointEvery);
  }

  boolean any() {
    return !options().equals(TaskOptions.none());
  }
}
