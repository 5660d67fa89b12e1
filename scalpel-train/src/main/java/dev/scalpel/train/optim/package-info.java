/**
 * Optimisers that Scalpel owns, so that their state can be checkpointed: {@link dev.scalpel.train.optim.Adam},
 * {@link dev.scalpel.train.optim.Sgd} (momentum, Nesterov), with {@link dev.scalpel.train.optim.LearningRateSchedule}s
 * (constant; linear warmup then cosine). They update parameters in place from a direction, over Java arrays or
 * over (direct) {@link java.nio.FloatBuffer}s viewing native tensor memory.
 */
package dev.scalpel.train.optim;
