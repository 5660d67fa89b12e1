/**
 * Scalpel for Deep Java Library: {@link dev.scalpel.djl.TwoLossStep}, a training step with a main and an auxiliary
 * loss for any DJL block, combined by a {@link dev.scalpel.core.GradientSurgery} and applied by an optimiser of
 * {@link dev.scalpel.train.optim} whose state can be checkpointed.
 *
 * <p>Runs on DJL 0.35.1 with the PyTorch 2.7.1 CPU engine. Set {@code -Dai.djl.offline=true} to run without network
 * (the native library ships in the {@code pytorch-native-cpu} jar and unpacks to {@code ~/.djl.ai} on first use,
 * about 430 MB; {@code ENGINE_CACHE_DIR} moves it), and pass {@code --add-modules jdk.incubator.vector} for the
 * core's fast kernels.
 */
package dev.scalpel.djl;
