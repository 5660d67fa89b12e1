package dev.scalpel.core;

/** Plain-Java k-gradient kernels; semantics and rounding as documented in {@link GramKernel}. */
final class ScalarGramKernel extends GramKernel {

  @Override
  String name() {
    return "scalar";
  }

  /* max |x| as the integer maximum of the sign-cleared bit patterns (NaN > Inf > finite), as the vector kernel. */
  private static final int ABS = 0x7fffffff;

  @Override
  float widen(float[] x, int xo, int n, double[] d, int dOff) {
    int max = 0;
    for (int i = 0; i < n; i++) {
      float v = x[xo + i];
      d[dOff + i] = v;
      max = Math.max(max, Float.floatToRawIntBits(v) & ABS);
    }
    int n8 = (n + 7) & ~7;
    for (int i = n; i < n8; i++) {
      d[dOff + i] = 0;
    }
    return Float.intBitsToFloat(max);
  }

  @Override
  float maxAbs(float[] x, int xo, int n) {
    int max = 0;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, Float.floatToRawIntBits(x[xo + i]) & ABS);
    }
    return Float.intBitsToFloat(max);
  }

  @Override
  void dots(double[] d, int stride, int[] pa, int[] pb, int np, double[] lanes, int n8) {
    for (int p = 0; p < np; p++) {
      int a = pa[p] * stride;
      int b = pb[p] * stride;
      int l = 8 * p;
      double s0 = lanes[l], s1 = lanes[l + 1], s2 = lanes[l + 2], s3 = lanes[l + 3];
      double s4 = lanes[l + 4], s5 = lanes[l + 5], s6 = lanes[l + 6], s7 = lanes[l + 7];
      for (int i = 0; i < n8; i += 8) {
        s0 += d[a + i] * d[b + i];
        s1 += d[a + i + 1] * d[b + i + 1];
        s2 += d[a + i + 2] * d[b + i + 2];
        s3 += d[a + i + 3] * d[b + i + 3];
        s4 += d[a + i + 4] * d[b + i + 4];
        s5 += d[a + i + 5] * d[b + i + 5];
        s6 += d[a + i + 6] * d[b + i + 6];
        s7 += d[a + i + 7] * d[b + i + 7];
      }
      lanes[l] = s0;
      lanes[l + 1] = s1;
      lanes[l + 2] = s2;
      lanes[l + 3] = s3;
      lanes[l + 4] = s4;
      lanes[l + 5] = s5;
      lanes[l + 6] = s6;
      lanes[l + 7] = s7;
    }
  }

  @Override
  float ema(float[] e, int eo, float[] g, int go, float keep, float rho, float[] out, int oo, int n) {
    int max = 0;
    for (int i = 0; i < n; i++) {
      float v = keep * e[eo + i] + rho * g[go + i];
      out[oo + i] = v;
      max = Math.max(max, Float.floatToRawIntBits(v) & ABS);
    }
    return Float.intBitsToFloat(max);
  }

  @Override
  void combineDouble(float[][] v, int[] vo, double[] c, int count, double[] acc, float[] out, int oo, int n) {
    float[] v0 = v[0];
    int o0 = vo[0];
    double c0 = c[0];
    for (int i = 0; i < n; i++) {
      acc[i] = c0 * v0[o0 + i];
    }
    for (int j = 1; j < count; j++) {
      float[] vj = v[j];
      int oj = vo[j];
      double cj = c[j];
      for (int i = 0; i < n; i++) {
        acc[i] = Math.fma(cj, vj[oj + i], acc[i]);
      }
    }
    for (int i = 0; i < n; i++) {
      out[oo + i] = (float) acc[i];
    }
  }
}
