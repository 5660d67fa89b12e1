package dev.scalpel.train.optim;

import java.nio.FloatBuffer;

/**
 * A first-order optimiser that we own (unlike DJL's, its state can be saved): it moves parameters along a given
 * direction, in place. Parameters and directions are given as one array or {@link FloatBuffer} per tensor, in a
 * fixed order; buffers may be direct buffers over native tensor memory (their elements are those between position
 * and limit; positions are not moved).
 *
 * <pre>{@code
 * Optimiser adam = Adam.builder().schedule(LearningRateSchedule.constant(3e-4)).build();
 * adam.init(new int[] {784 * 256, 256});
 * adam.updateInPlace(params, direction);  // params −= lr · adam(direction)
 * byte[] state = adam.saveState();        // later: adam.restoreState(state)
 * }</pre>
 *
 * <p>The update index {@code t} counts calls to {@code updateInPlace} since {@link #init} (0-based; part of the
 * saved state): update {@code t} uses the rate {@code schedule().at(t)}. Element-wise arithmetic is in float with
 * per-step scalars computed in double, so results do not depend on the buffer kind. Not thread-safe.
 */
public interface Optimiser {

  /** Creates fresh state for tensors of these sizes (number of floats each); resets the update count. */
  void init(int[] sizes);

  /** The tensor sizes given to {@link #init}. */
  int[] sizes();

  /** Number of updates done since {@link #init} (the index of the next one). */
  long updates();

  /** The learning-rate schedule. */
  LearningRateSchedule schedule();

  /** The learning rate the next update will use. */
  default double currentLearningRate() {
    return schedule().at(updates());
  }

  /** One update over Java arrays: {@code params[i]} moves along {@code direction[i]}. */
  void updateInPlace(float[][] params, float[][] direction);

  /** One update over buffers (heap or direct, e.g. views of native tensors). */
  void updateInPlace(FloatBuffer[] params, FloatBuffer[] direction);

  /**
   * The optimiser's full state (hyper-parameters' spec, update count, moment buffers) as bytes, versioned and
   * checksummed.
   */
  byte[] saveState();

  /**
   * Replaces the state with one from {@link #saveState()} of an optimiser with the same {@link #spec()} and sizes;
   * a clear {@link IllegalArgumentException} otherwise (other spec, sizes, version, truncated, corrupted).
   */
  void restoreState(byte[] state);

  /** A text that identifies the optimiser and its hyper-parameters (schedule included). */
  String spec();
}
