package dev.scalpel.experiments.smooth;

import dev.scalpel.djl.AnalyticLoss;
import dev.scalpel.djl.ParameterInfo;
import dev.scalpel.train.checkpoint.CheckpointException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The smooth-MNIST auxiliary loss: the logarithm of the squared Lipschitz bound of a network,
 * {@code log ∏_l σ(W_l)² = Σ_l 2 log σ(W_l)} over its weight matrices (every two-dimensional parameter; biases
 * have gradient 0), σ the spectral norm.
 *
 * <p>During training σ comes from power iteration with persistent vectors, as in common spectral-norm code:
 * per step and per matrix, {@link #iterations()} rounds of {@code v ← Wᵀu/|Wᵀu|, u ← Wv/|Wv|}, then
 * {@code σ = uᵀWv}, and the gradient {@code ∂(2 log σ)/∂W = 2 u vᵀ / σ} (u, v held constant). The vectors start
 * from a seeded normal draw and are part of the checkpointed state. Values to REPORT come from
 * {@link #accurateValue}, which iterates in double precision to a stated tolerance.
 *
 * <pre>{@code
 * SpectralNormLoss lip = new SpectralNormLoss(1, seed);
 * step.step(mainLoss, AuxiliaryLoss.analytic(lip));
 * double report = lip.accurateValue(step.parameterValues());
 * }</pre>
 */
public final class SpectralNormLoss implements AnalyticLoss {
  private static final SpectralKernels KERNELS = SpectralKernels.DEFAULT;
  private final int iterations;
  private final long seed;
  private int[] tensors;   // index of each matrix among the parameters
  private int[] rows;
  private int[] cols;
  private float[][] u;
  private float[][] v;
  private float[][] w;     // scratch copies of the weights
  private double[] lastSigma;

  /**
   * @param iterations power-iteration rounds per training step (≥ 1; 1 is the usual choice)
   * @param seed       seed of the initial vectors u
   */
  public SpectralNormLoss(int iterations, long seed) {
    if (iterations < 1) {
      throw new IllegalArgumentException("power iterations per step (" + iterations + ") must be >= 1");
    }
    this.iterations = iterations;
    this.seed = seed;
  }

  public int iterations() {
    return iterations;
  }

  /** Binds to the matrices among the parameters; binding again to the same layout keeps the vectors. */
  @Override
  public void bind(List<ParameterInfo> parameters) {
    List<ParameterInfo> ms = new ArrayList<>();
    for (ParameterInfo p : parameters) {
      if (p.isMatrix()) {
        ms.add(p);
      }
    }
    int[] t = new int[ms.size()];
    int[] r = new int[ms.size()];
    int[] c = new int[ms.size()];
    for (int l = 0; l < ms.size(); l++) {
      t[l] = ms.get(l).index();
      r[l] = Math.toIntExact(ms.get(l).shape().get(0));
      c[l] = Math.toIntExact(ms.get(l).shape().get(1));
    }
    if (tensors != null && java.util.Arrays.equals(t, tensors) && java.util.Arrays.equals(r, rows)
        && java.util.Arrays.equals(c, cols)) {
      return;
    }
    if (ms.isEmpty()) {
      throw new IllegalArgumentException("the model has no weight matrix (two-dimensional parameter)");
    }
    tensors = t;
    rows = r;
    cols = c;
    u = new float[t.length][];
    v = new float[t.length][];
    w = new float[t.length][];
    lastSigma = new double[t.length];
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int l = 0; l < t.length; l++) {
      u[l] = new float[r[l]];
      double n = 0;
      for (int i = 0; i < r[l]; i++) {
        u[l][i] = (float) rnd.nextGaussian();
        n += (double) u[l][i] * u[l][i];
      }
      float inv = (float) (1 / Math.sqrt(n));
      for (int i = 0; i < r[l]; i++) {
        u[l][i] *= inv;
      }
      v[l] = new float[c[l]];
      w[l] = new float[r[l] * c[l]];
    }
  }

  @Override
  public double valueAndGradient(FloatBuffer[] parameters, float[][] gradient) {
    if (tensors == null) {
      throw new IllegalStateException("SpectralNormLoss is not bound to a model: call bind(parameters) first");
    }
    double value = 0;
    for (int l = 0; l < tensors.length; l++) {
      FloatBuffer p = parameters[tensors[l]];
      float[] wl = w[l];
      double sigma = powerStep(l, p);
      lastSigma[l] = sigma;
      value += 2 * Math.log(sigma);
      float[] g = gradient[tensors[l]];
      float[] ul = u[l];
      float[] vl = v[l];
      int c = cols[l];
      float f = (float) (2 / sigma);
      KERNELS.outer(g, f, ul, rows[l], vl, c);
    }
    return value;
  }

  /* Copies W from p, then iterations rounds of v = Wᵀu/|.|, u = Wv/|.|; returns σ = uᵀWv = |Wv|. */
  private double powerStep(int l, FloatBuffer p) {
    float[] wl = w[l];
    float[] ul = u[l];
    float[] vl = v[l];
    int r = rows[l];
    int c = cols[l];
    double sigma = 0;
    for (int k = 0; k < iterations; k++) {
      if (k == 0) {
        KERNELS.copyAndMultiplyTransposed(p, p.position(), wl, r, c, ul, vl); // wl = W, then vl = Wᵀu
      } else {
        KERNELS.multiplyTransposed(wl, r, c, ul, vl);
      }
      normalise(vl);
      KERNELS.multiply(wl, r, c, vl, ul);
      double n2 = 0;
      for (int o = 0; o < r; o++) {
        float s = ul[o];
        n2 += (double) s * s;
      }
      sigma = Math.sqrt(n2);
      normalise(ul);
    }
    return sigma;
  }

  private static void normalise(float[] a) {
    double n = 0;
    for (float x : a) {
      n += (double) x * x;
    }
    if (n == 0) {
      return;
    }
    float inv = (float) (1 / Math.sqrt(n));
    for (int i = 0; i < a.length; i++) {
      a[i] *= inv;
    }
  }

  /** The per-matrix σ of the latest training step (power-iteration estimates). */
  public double[] lastSigmas() {
    return lastSigma == null ? new double[0] : lastSigma.clone();
  }

  /**
   * The accurate {@code Σ_l 2 log σ_l} at the given parameter values (tensor order), each σ by
   * {@link SpectralNorms#largestSingularValue} to {@link SpectralNorms#DEFAULT_TOLERANCE}, warm-started from the
   * persistent v. Does not change the training state.
   */
  public double accurateValue(float[][] parameterValues) {
    if (tensors == null) {
      throw new IllegalStateException("SpectralNormLoss is not bound to a model");
    }
    double value = 0;
    for (int l = 0; l < tensors.length; l++) {
      double[] start = new double[cols[l]];
      for (int i = 0; i < start.length; i++) {
        start[i] = v[l][i];
      }
      SpectralNorms.Result res = SpectralNorms.largestSingularValue(parameterValues[tensors[l]], rows[l], cols[l],
          start, SpectralNorms.DEFAULT_TOLERANCE);
      value += 2 * Math.log(res.sigma());
    }
    return value;
  }

  /** The persistent vectors u then v of every matrix, big-endian floats (as every checkpoint format). */
  @Override
  public byte[] saveState() {
    if (tensors == null) {
      return new byte[0];
    }
    int n = 4;
    for (int l = 0; l < tensors.length; l++) {
      n += 8 + 4 * (rows[l] + cols[l]);
    }
    ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.BIG_ENDIAN);
    b.putInt(tensors.length);
    for (int l = 0; l < tensors.length; l++) {
      b.putInt(rows[l]).putInt(cols[l]);
      for (float x : u[l]) {
        b.putFloat(x);
      }
      for (float x : v[l]) {
        b.putFloat(x);
      }
    }
    return b.array();
  }

  @Override
  public void restoreState(byte[] state) {
    if (tensors == null) {
      throw new IllegalStateException("bind the loss to the model before restoring its state");
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(state).order(ByteOrder.BIG_ENDIAN);
      int n = b.getInt();
      if (n != tensors.length) {
        throw new CheckpointException("spectral-norm state has " + n + " matrices, the model " + tensors.length);
      }
      for (int l = 0; l < n; l++) {
        int r = b.getInt();
        int c = b.getInt();
        if (r != rows[l] || c != cols[l]) {
          throw new CheckpointException("spectral-norm state: matrix " + l + " is " + r + "×" + c + ", the model's "
              + rows[l] + "×" + cols[l]);
        }
        for (int i = 0; i < r; i++) {
          u[l][i] = b.getFloat();
        }
        for (int i = 0; i < c; i++) {
          v[l][i] = b.getFloat();
        }
      }
      if (b.hasRemaining()) {
        throw new CheckpointException("spectral-norm state has " + b.remaining() + " trailing bytes");
      }
    } catch (java.nio.BufferUnderflowException e) {
      throw new CheckpointException("spectral-norm state is truncated", e);
    }
  }
}
