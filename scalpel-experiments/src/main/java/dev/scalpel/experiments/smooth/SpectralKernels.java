package dev.scalpel.experiments.smooth;

/**
 * The float loops of {@link SpectralNormLoss}'s power step and gradient. {@link #DEFAULT} is the SIMD
 * implementation on jdk.incubator.vector when that module is present (and the system property
 * {@code scalpel.kernel} is not {@code scalar}), else this scalar one. Both do the same float operations in the
 * same order per element (and the dot product the same eight partial sums), so they give the same bits.
 */
class SpectralKernels {
  static final SpectralKernels SCALAR = new SpectralKernels();
  static final SpectralKernels DEFAULT = select();

  /** {@code out[i] = Σ_o w[o·c+i]·u[o]}, summed over o = 0, 1, … in order from 0f. */
  void multiplyTransposed(float[] w, int r, int c, float[] u, float[] out) {
    java.util.Arrays.fill(out, 0, c, 0f);
    for (int o = 0; o < r; o++) {
      float uo = u[o];
      int base = o * c;
      for (int i = 0; i < c; i++) {
        out[i] += w[base + i] * uo;
      }
    }
  }

  /**
   * Copies the {@code r × c} matrix at {@code src[pos..]} into {@code w}, then {@link #multiplyTransposed} (the
   * vector kernels do both in one pass, row block by row block).
   */
  void copyAndMultiplyTransposed(java.nio.FloatBuffer src, int pos, float[] w, int r, int c, float[] u,
      float[] out) {
    src.get(pos, w, 0, r * c);
    multiplyTransposed(w, r, c, u, out);
  }

  /** {@code out[o] = dot(w, o·c, v, c)} for every row o. */
  void multiply(float[] w, int r, int c, float[] v, float[] out) {
    for (int o = 0; o < r; o++) {
      out[o] = dot(w, o * c, v, c);
    }
  }

  /** {@code g[o·c+i] = (f·u[o])·v[i]}. */
  void outer(float[] g, float f, float[] u, int r, float[] v, int c) {
    for (int o = 0; o < r; o++) {
      float a = f * u[o];
      int base = o * c;
      for (int i = 0; i < c; i++) {
        g[base + i] = a * v[i];
      }
    }
  }

  /* Σ a[off+i]·b[i] with eight independent partial sums (a fixed order: deterministic, and not latency-bound). */
  static float dot(float[] a, int off, float[] b, int n) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    float s4 = 0;
    float s5 = 0;
    float s6 = 0;
    float s7 = 0;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      s0 += a[off + i] * b[i];
      s1 += a[off + i + 1] * b[i + 1];
      s2 += a[off + i + 2] * b[i + 2];
      s3 += a[off + i + 3] * b[i + 3];
      s4 += a[off + i + 4] * b[i + 4];
      s5 += a[off + i + 5] * b[i + 5];
      s6 += a[off + i + 6] * b[i + 6];
      s7 += a[off + i + 7] * b[i + 7];
    }
    for (; i < n; i++) {
      s0 += a[off + i] * b[i];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  String name() {
    return "scalar";
  }

  private static SpectralKernels select() {
    if (System.getProperty("scalpel.kernel", "auto").equals("scalar")) {
      return SCALAR;
    }
    SpectralKernels k = vectorOrNull();
    return k == null ? SCALAR : k;
  }

  /** The vector kernels, or null when jdk.incubator.vector is not available. */
  static SpectralKernels vectorOrNull() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      return (SpectralKernels) Class.forName("dev.scalpel.experiments.smooth.VectorSpectralKernels")
          .getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }
}
