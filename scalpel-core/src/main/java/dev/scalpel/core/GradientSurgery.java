package dev.scalpel.core;

import java.io.InputStream;
import java.nio.FloatBuffer;

/**
 * A gradient-surgery method: turns a main gradient and an auxiliary gradient into one update direction,
 * advancing a {@link SurgeryState}. Every method shares the reference library's signature
 * {@code (g_main, g_aux, state) → (d, state)}; the direction is then handed to an ordinary optimiser.
 *
 * <pre>{@code
 * GradientSurgery bloop = GradientSurgery.parse("bloop:lambda=0.1,ema=0.01");
 * SurgeryState state = bloop.init(firstMainGradient);        // one float[] per parameter tensor
 * for (...) {
 *   float[][] gMain = ..., gAux = ...;
 *   bloop.direction(gMain, gAux, state, gMain);              // in place: gMain now holds the direction
 *   optimiser.step(params, gMain);
 * }
 * }</pre>
 *
 * <p>Gradients are given as one array (or {@link FloatBuffer}) per parameter tensor; inner products are global
 * over all tensors, accumulated in double with a fixed chunking and reduction order, so results are identical
 * whatever {@link #threads()} is. Implementations are immutable and thread-safe; states are not.
 *
 * <p>Non-finite input: see {@link NonFinitePolicy}. Bad shapes: {@link IllegalArgumentException} giving both sizes.
 */
public interface GradientSurgery {

  /** Parses a spec such as {@code bloop:lambda=0.1,ema=0.01}; see {@link SurgeryConfig} for the grammar. */
  static GradientSurgery parse(String spec) {
    return of(SurgeryConfig.parse(spec));
  }

  /** The method for a configuration, on the default number of threads. */
  static GradientSurgery of(SurgeryConfig config) {
    return new Surgery(config, Surgery.defaultThreads());
  }

  /** The validated configuration. */
  SurgeryConfig config();

  default Method method() {
    return config().method();
  }

  default double lambda() {
    return config().lambda();
  }

  /** The same method with another λ (for sweeps). */
  GradientSurgery withLambda(double lambda);

  /**
   * The same method run on {@code threads} threads (caller included); results do not depend on it. Models under
   * 2^18 parameters always run on the calling thread. Default: available processors (at most 8), or the system
   * property {@code scalpel.threads}.
   */
  GradientSurgery withThreads(int threads);

  int threads();

  /** A fresh state shaped like {@code template}; {@code init=grad} copies it into every EMA. */
  SurgeryState init(float[][] template);

  /** pcgrad with {@code init=grad}: the main EMA copies {@code mainTemplate}, the auxiliary one {@code auxTemplate}. */
  SurgeryState init(float[][] mainTemplate, float[][] auxTemplate);

  /** A fresh state shaped like the buffers' remaining elements; {@code init=grad} copies them. */
  SurgeryState init(FloatBuffer[] template);

  /** {@link #init(float[][], float[][])} over buffers (positions are not moved). */
  SurgeryState init(FloatBuffer[] mainTemplate, FloatBuffer[] auxTemplate);

  /** Computes the direction into new arrays and advances the state. */
  float[][] direction(float[][] gMain, float[][] gAux, SurgeryState state);

  /**
   * Computes the direction into {@code out} (which may be the very arrays of {@code gMain} or {@code gAux}) and
   * advances the state. Allocates nothing.
   */
  void direction(float[][] gMain, float[][] gAux, SurgeryState state, float[][] out);

  /**
   * The same over buffers, e.g. direct buffers viewing native tensors: each buffer's elements are those between
   * its position and limit (positions are not moved). {@code out} may be the buffers of {@code gMain}.
   */
  void direction(FloatBuffer[] gMain, FloatBuffer[] gAux, SurgeryState state, FloatBuffer[] out);

  /**
   * Reads a state written by {@link SurgeryState#snapshot()} for this method. Errors (clear
   * {@link IllegalArgumentException}s): not a snapshot, other version, truncated, corrupted (CRC-32), another
   * method, other tensor count or sizes than {@code sizes} (pass null to accept any).
   */
  SurgeryState restore(InputStream snapshot, int[] sizes);

  /** {@link #restore(InputStream, int[])} from bytes. */
  SurgeryState restore(byte[] snapshot, int[] sizes);

  /** The canonical spec, which {@link #parse} turns back into an equal method. */
  @Override
  String toString();
}
