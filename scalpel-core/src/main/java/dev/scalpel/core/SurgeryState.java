package dev.scalpel.core;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The mutable state of one gradient-surgery run for k losses: the EMA streams (one float per parameter each:
 * bloop keeps the EMAs of g_0..g_{k−2}, pcgrad of every g_i, the barrier of g_0; none with {@code ema=1} beyond
 * two losses; none for mixed and the aggregators), the method's own small state (GradVac's cosine targets), the
 * step counter (which, with the seed, is the random state of the random methods) and diagnostics. It owns its
 * buffers; accessors return copies.
 *
 * <p>A state is advanced by {@link GradientSurgery#direction} and is not thread-safe: use it from one training
 * loop at a time (the direction call itself may use several threads internally). It never holds a non-finite
 * value: a call that throws or skips leaves it exactly as it was (see {@link NonFinitePolicy}).
 *
 * <p>{@link #snapshot()} writes a versioned, checksummed binary image; {@link GradientSurgery#restore} reads it
 * back, diagnostics included. Snapshots do not depend on the number of threads used.
 */
public final class SurgeryState {
  final Method method;
  final Plan plan;
  final Layout layout;
  /** streams[s][tensor]: the EMA of gradient plan.streams[s]. */
  final float[][][] streams;
  final double[] partials;
  final StepContext ctx;
  final StepRunner runner;
  long step;
  long skipped;
  boolean lastSkipped;
  double lastRatio = Double.NaN;
  double lastRatioAux = Double.NaN;
  double[] lastWeights;
  String lastStatus = "";
  Diagnostics lastDiagnostics;
  String spec;

  SurgeryState(String spec, Method method, Plan plan, int[] sizes, float[][][] streams) {
    this.spec = spec;
    this.method = method;
    this.plan = plan;
    this.layout = new Layout(sizes);
    this.streams = streams;
    if ((long) layout.chunks * plan.slots > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("too many parameters (" + layout.total + ") for " + plan.k + " losses");
    }
    this.partials = new double[Math.max(layout.chunks * plan.slots, 1)];
    this.ctx = new StepContext(plan.k, plan.streams, plan.methodStateSize);
    this.runner = new StepRunner(this);
    this.lastWeights = new double[plan.k];
    java.util.Arrays.fill(lastWeights, Double.NaN);
  }

  /** The method this state belongs to. */
  public Method method() {
    return method;
  }

  /** Number of losses k (fixed at init). */
  public int lossCount() {
    return plan.k;
  }

  /** Number of directions computed so far (skipped steps not counted). */
  public long step() {
    return step;
  }

  /** Number of calls skipped under {@link NonFinitePolicy#SKIP}. */
  public long skippedSteps() {
    return skipped;
  }

  /** Whether the latest call was skipped (non-finite gradient or overflow under {@link NonFinitePolicy#SKIP}). */
  public boolean lastStepSkipped() {
    return lastSkipped;
  }

  /**
   * The latest projection ratio actually used: bloop r = &lt;e, g_1&gt;/(|e|²+eps) (for k ≥ 3 the ratio of g_1 on
   * the first basis vector), the barrier's clipped r (for k ≥ 3 of the auxiliary sum), pcgrad's r1 (g_1 projected
   * off e_0, after its min with 0); NaN before the first step and for other methods.
   */
  public double lastRatio() {
    return lastRatio;
  }

  /** pcgrad's r2 = min(&lt;e_1, g_0&gt;/(|e_1|²+eps), 0) of the latest step; NaN otherwise. */
  public double lastRatioAux() {
    return lastRatioAux;
  }

  /**
   * The latest step's coefficients on the k gradients (d = Σ w_i g_i + the EMA terms): the aggregators' weights;
   * for the priority methods with ema = 1 every term (the EMA is then the gradient), with ema &lt; 1 the
   * coefficients of the gradients themselves (s·λ_i, the EMA terms excluded); NaN before the first step and for
   * GradDrop (per-coordinate masks, no global weights). A copy.
   */
  public double[] lastWeights() {
    return lastWeights.clone();
  }

  /**
   * What the latest step's solver reported, or "" when all was regular: e.g. Nash-MTL on Pareto-stationary
   * gradients ("no bargaining solution; d = 0"), IMTL-G weights summing to a negative number, CAGrad with 0 in the
   * hull.
   */
  public String lastStatus() {
    return lastStatus;
  }

  /**
   * The latest step's {@link Diagnostics} (Gramian of every vector, coefficients), or null: before the first
   * step, after a restore (not part of snapshots), for GradDrop, or when the surgery was made without
   * {@link GradientSurgery#withDiagnostics(boolean)}.
   */
  public Diagnostics lastDiagnostics() {
    return lastDiagnostics;
  }

  /** Number of tensors. */
  public int tensorCount() {
    return layout.sizes.length;
  }

  /** Number of floats in each tensor (a copy). */
  public int[] sizes() {
    return layout.sizes.clone();
  }

  /** Total number of parameters. */
  public long parameterCount() {
    return layout.total;
  }

  /** Number of EMA streams this state keeps. */
  public int streamCount() {
    return plan.streams.length;
  }

  /** The gradient whose EMA stream {@code s} is. */
  public int streamSource(int s) {
    return plan.streams[s];
  }

  /** A copy of EMA stream {@code s} for one tensor. */
  public float[] stream(int s, int tensor) {
    return streams[s][tensor].clone();
  }

  /** A copy of the EMA of the main gradient g_0 for one tensor; fails when the state keeps none. */
  public float[] ema(int tensor) {
    int s = streamOf(0);
    if (s < 0) {
      throw new IllegalStateException(method.specName() + " keeps no EMA");
    }
    return streams[s][tensor].clone();
  }

  /** A copy of the EMA of g_1 (pcgrad's auxiliary-gradient EMA) for one tensor. */
  public float[] emaAux(int tensor) {
    int s = method == Method.PCGRAD ? streamOf(1) : -1;
    if (s < 0) {
      throw new IllegalStateException(method.specName() + " keeps no auxiliary EMA");
    }
    return streams[s][tensor].clone();
  }

  private int streamOf(int gradient) {
    for (int s = 0; s < plan.streams.length; s++) {
      if (plan.streams[s] == gradient) {
        return s;
      }
    }
    return -1;
  }

  /** The state as bytes: see {@link Snapshots} for the format. */
  public byte[] snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 64,
        256 + 8L * layout.sizes.length + 4L * layout.total * plan.streams.length));
    writeSnapshot(bytes);
    return bytes.toByteArray();
  }

  /** Writes {@link #snapshot()} to a stream (not closed). */
  public void writeSnapshot(OutputStream out) {
    try {
      Snapshots.write(this, new DataOutputStream(out));
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the surgery snapshot", e);
    }
  }

  @Override
  public String toString() {
    return "SurgeryState[" + spec + ", losses=" + plan.k + ", tensors=" + layout.sizes.length + ", parameters="
        + layout.total + ", step=" + step + ", skipped=" + skipped + "]";
  }
}
