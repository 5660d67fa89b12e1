package dev.scalpel.core;

import java.io.InputStream;
import java.nio.FloatBuffer;

/**
 * A gradient-surgery method: turns the gradients of k losses into one update direction, advancing a
 * {@link SurgeryState}. Losses are given in priority order: index 0 is the main loss. Every method shares one
 * signature, {@code (g_0..g_{k−1}, state) → (d, state)}; the direction is then handed to an ordinary optimiser.
 *
 * <pre>{@code
 * GradientSurgery bloop = GradientSurgery.parse("bloop:lambda=0.1/0.01,ema=0.01");   // three losses
 * float[][][] g = {gMain, gAux1, gAux2};              // g[i][t]: loss i's gradient for parameter tensor t
 * SurgeryState state = bloop.init(g);                 // every EMA starts from its own loss's gradient
 * for (...) {
 *   g = ...;
 *   bloop.direction(g, state, g[0]);                  // in place: g[0] now holds the direction
 *   optimiser.step(params, g[0]);
 * }
 * }</pre>
 *
 * <p>Methods ({@link Method}): the priority methods mixed, bloop (paper §2.3 for k losses), dynamic-barrier and
 * pcgrad (k ≥ 2), and the multi-task aggregators mean, sum, constant, random, mgda, upgrad, dualproj, cagrad,
 * nash-mtl, imtl-g, aligned-mtl, gradvac, graddrop (k ≥ 1). Formulas and reference conventions: {@code
 * docs/methods.md}.
 *
 * <p>Shapes: one array (or {@link FloatBuffer}) per parameter tensor and per loss; every loss's gradient has the
 * same tensors and sizes. Inner products are global over all tensors, accumulated in double with a fixed chunking
 * and reduction order, so results are identical whatever {@link #threads()} is, and whether arrays or buffers are
 * given. The small k×k problems are solved in double by exact solvers with iteration caps
 * ({@link SolverFailedException} instead of a silent failure).
 *
 * <p>Non-finite input: see {@link NonFinitePolicy}; an overflow of the method itself: {@link
 * DirectionOverflowException}. In every such case nothing is written: not the state, not {@code out}, not the
 * gradients. Bad shapes or arguments: {@link IllegalArgumentException} giving both sizes.
 *
 * <p>Implementations are immutable and thread-safe; states are not.
 */
public interface GradientSurgery {

  /** Parses a spec such as {@code bloop:lambda=0.1,ema=0.01}; see {@link SurgeryConfig} for the grammar. */
  static GradientSurgery parse(String spec) {
    return of(SurgeryConfig.parse(spec));
  }

  /** The method for a configuration, on the default number of threads. */
  static GradientSurgery of(SurgeryConfig config) {
    return new Surgery(config, Surgery.defaultThreads(), false);
  }

  /** The validated configuration. */
  SurgeryConfig config();

  default Method method() {
    return config().method();
  }

  /** λ of the first auxiliary loss; NaN for methods without λ. */
  default double lambda() {
    return config().lambda();
  }

  /** The same method with one λ for every auxiliary loss (for sweeps); fails for methods without λ. */
  GradientSurgery withLambda(double lambda);

  /**
   * The same method run on {@code threads} threads (caller included); results do not depend on it. Models under
   * 2^18 parameters always run on the calling thread. Default: available processors (at most 8), or the system
   * property {@code scalpel.threads}.
   */
  GradientSurgery withThreads(int threads);

  int threads();

  /**
   * The same method recording {@link Diagnostics} each step ({@link SurgeryState#lastDiagnostics()}): the Gramian
   * pass then computes every pair of vectors (gradients and EMAs), from which the cosines between gradients, the
   * EMA's staleness, |d| and the orthogonality error follow exactly. The directions are the same bit for bit;
   * states made with it keep computing every pair. Default: off.
   */
  GradientSurgery withDiagnostics(boolean on);

  // ---- k losses

  /**
   * A fresh state for {@code gradients.length} losses shaped like the gradients ({@code gradients[i][t]}: loss i,
   * tensor t). With {@code init=grad} each EMA stream copies its own loss's gradient (which must be finite).
   * Errors: fewer losses than the method takes, a λ or weight vector of another length, tensors of different
   * shapes across losses.
   */
  SurgeryState init(float[][][] gradients);

  /** {@link #init(float[][][])} over buffers (each buffer's elements between position and limit; not moved). */
  SurgeryState init(FloatBuffer[][] gradients);

  /** Computes the direction into new arrays and advances the state. */
  float[][] direction(float[][][] gradients, SurgeryState state);

  /**
   * Computes the direction into {@code out}, which may be the very arrays of {@code gradients[0]}, and advances the
   * state. Allocates nothing.
   */
  void direction(float[][][] gradients, SurgeryState state, float[][] out);

  /**
   * The same over buffers, e.g. direct buffers viewing native tensors: each buffer's elements are those between
   * its position and limit (positions are not moved). {@code out} may be the buffers of {@code gradients[0]}.
   */
  void direction(FloatBuffer[][] gradients, SurgeryState state, FloatBuffer[] out);

  // ---- two losses (the same methods with k = 2; results bit for bit those of the two-loss release)

  /**
   * A fresh two-loss state shaped like {@code template}; {@code init=grad} copies it into the EMA of g_main. For a
   * method that keeps an EMA of g_aux too (pcgrad) with {@code init=grad} and {@code ema < 1}, this throws: use
   * {@link #init(float[][], float[][])}, so that each EMA starts from its own gradient.
   */
  SurgeryState init(float[][] template);

  /** A fresh two-loss state; each EMA stream starts from its own gradient with {@code init=grad}. */
  SurgeryState init(float[][] mainTemplate, float[][] auxTemplate);

  /** {@link #init(float[][])} over buffers (positions are not moved). */
  SurgeryState init(FloatBuffer[] template);

  /** {@link #init(float[][], float[][])} over buffers (positions are not moved). */
  SurgeryState init(FloatBuffer[] mainTemplate, FloatBuffer[] auxTemplate);

  /** Two losses: the direction into new arrays. */
  float[][] direction(float[][] gMain, float[][] gAux, SurgeryState state);

  /** Two losses: the direction into {@code out} (which may be {@code gMain} or {@code gAux}). Allocates nothing. */
  void direction(float[][] gMain, float[][] gAux, SurgeryState state, float[][] out);

  /** Two losses over buffers; {@code out} may be the buffers of {@code gMain}. */
  void direction(FloatBuffer[] gMain, FloatBuffer[] gAux, SurgeryState state, FloatBuffer[] out);

  // ---- snapshots

  /**
   * Reads a state written by {@link SurgeryState#snapshot()} for this method (format 2, or 1 from the two-loss
   * release). Errors (clear {@link IllegalArgumentException}s): not a snapshot, other version, truncated,
   * corrupted (CRC-32), another method, a number of losses this configuration cannot take, other EMA streams,
   * other tensor count or sizes than {@code sizes} (pass null to accept any).
   */
  SurgeryState restore(InputStream snapshot, int[] sizes);

  /** {@link #restore(InputStream, int[])} from bytes. */
  SurgeryState restore(byte[] snapshot, int[] sizes);

  /** The canonical spec, which {@link #parse} turns back into an equal method. */
  @Override
  String toString();
}
