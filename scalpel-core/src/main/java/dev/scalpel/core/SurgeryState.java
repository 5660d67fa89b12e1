package dev.scalpel.core;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The mutable state of one gradient-surgery run: the EMA vector(s) (one float per parameter; two for pcgrad,
 * none for mixed), the step counter and diagnostics. It owns its buffers; accessors return copies.
 *
 * <p>A state is advanced by {@link GradientSurgery#direction} and is not thread-safe: use it from one training
 * loop at a time (the direction call itself may use several threads internally). It never holds a non-finite
 * value: a call with NaN/Inf gradients leaves it exactly as it was (see {@link NonFinitePolicy}).
 *
 * <p>{@link #snapshot()} writes a versioned, checksummed binary image; {@link GradientSurgery#restore} reads it
 * back. Snapshots do not depend on the number of threads used.
 */
public final class SurgeryState {
  final Method method;
  final Layout layout;
  final float[][] ema;
  final float[][] emaAux;
  final double[] partials;
  final StepRunner runner;
  long step;
  long skipped;
  boolean lastSkipped;
  double lastRatio = Double.NaN;
  double lastRatioAux = Double.NaN;
  String spec;

  SurgeryState(String spec, Method method, int[] sizes, float[][] ema, float[][] emaAux) {
    this.spec = spec;
    this.method = method;
    this.layout = new Layout(sizes);
    this.ema = ema;
    this.emaAux = emaAux;
    this.partials = new double[layout.chunks * 4];
    this.runner = new StepRunner(this);
  }

  /** The method this state belongs to. */
  public Method method() {
    return method;
  }

  /** Number of directions computed so far (skipped steps not counted). */
  public long step() {
    return step;
  }

  /** Number of calls skipped under {@link NonFinitePolicy#SKIP}. */
  public long skippedSteps() {
    return skipped;
  }

  /** Whether the latest call was skipped (non-finite gradient under {@link NonFinitePolicy#SKIP}). */
  public boolean lastStepSkipped() {
    return lastSkipped;
  }

  /**
   * The latest projection ratio r = &lt;e, g_a&gt;/(|e|²+eps) actually used (after the barrier's clip; pcgrad: r1,
   * after its min with 0); NaN before the first step and for mixed.
   */
  public double lastRatio() {
    return lastRatio;
  }

  /** pcgrad's r2 = min(&lt;e_a, g_m&gt;/(|e_a|²+eps), 0) of the latest step; NaN otherwise. */
  public double lastRatioAux() {
    return lastRatioAux;
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

  /** A copy of the (main-gradient) EMA of one tensor; mixed has none. */
  public float[] ema(int tensor) {
    if (ema == null) {
      throw new IllegalStateException(method.specName() + " keeps no EMA");
    }
    return ema[tensor].clone();
  }

  /** A copy of pcgrad's auxiliary-gradient EMA of one tensor. */
  public float[] emaAux(int tensor) {
    if (emaAux == null) {
      throw new IllegalStateException(method.specName() + " keeps no auxiliary EMA");
    }
    return emaAux[tensor].clone();
  }

  /** The state as bytes: see {@link Snapshots} for the format. */
  public byte[] snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 64,
        64 + 8L * layout.sizes.length + 4L * layout.total * method.emaCount()));
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
    return "SurgeryState[" + spec + ", tensors=" + layout.sizes.length + ", parameters=" + layout.total
        + ", step=" + step + ", skipped=" + skipped + "]";
  }
}
