package dev.scalpel.core;

/** Plain-Java kernels; the semantics (and rounding) are those documented in {@link Kernel}. */
final class ScalarKernel extends Kernel {

  @Override
  String name() {
    return "scalar";
  }

  @Override
  void emaDots(float[] g, int go, float[] a, int ao, float[] e, int eo, int n, float keep, float rho,
      double[] acc, int off) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    double t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0, t7 = 0;
    int i = 0;
    for (; i + LANES <= n; i += LANES) {
      double x0 = keep * e[eo + i] + rho * g[go + i];
      double x1 = keep * e[eo + i + 1] + rho * g[go + i + 1];
      double x2 = keep * e[eo + i + 2] + rho * g[go + i + 2];
      double x3 = keep * e[eo + i + 3] + rho * g[go + i + 3];
      double x4 = keep * e[eo + i + 4] + rho * g[go + i + 4];
      double x5 = keep * e[eo + i + 5] + rho * g[go + i + 5];
      double x6 = keep * e[eo + i + 6] + rho * g[go + i + 6];
      double x7 = keep * e[eo + i + 7] + rho * g[go + i + 7];
      s0 += x0 * x0; s1 += x1 * x1; s2 += x2 * x2; s3 += x3 * x3;
      s4 += x4 * x4; s5 += x5 * x5; s6 += x6 * x6; s7 += x7 * x7;
      t0 += x0 * a[ao + i]; t1 += x1 * a[ao + i + 1]; t2 += x2 * a[ao + i + 2]; t3 += x3 * a[ao + i + 3];
      t4 += x4 * a[ao + i + 4]; t5 += x5 * a[ao + i + 5]; t6 += x6 * a[ao + i + 6]; t7 += x7 * a[ao + i + 7];
    }
    for (int k = 0; i + k < n; k++) { // partial last block: the missing lanes would add zeros
      double x = keep * e[eo + i + k] + rho * g[go + i + k];
      double y = a[ao + i + k];
      switch (k) {
        case 0 -> { s0 += x * x; t0 += x * y; }
        case 1 -> { s1 += x * x; t1 += x * y; }
        case 2 -> { s2 += x * x; t2 += x * y; }
        case 3 -> { s3 += x * x; t3 += x * y; }
        case 4 -> { s4 += x * x; t4 += x * y; }
        case 5 -> { s5 += x * x; t5 += x * y; }
        case 6 -> { s6 += x * x; t6 += x * y; }
        default -> { s7 += x * x; t7 += x * y; }
      }
    }
    acc[off] += ((((((s0 + s1) + s2) + s3) + s4) + s5) + s6) + s7;
    acc[off + 1] += ((((((t0 + t1) + t2) + t3) + t4) + t5) + t6) + t7;
  }

  @Override
  float combine2(float[] g, int go, float[] a, int ao, float[] out, int oo, int n, float c1, float c2) {
    float check = 0f;
    for (int i = 0; i < n; i++) {
      float d = c1 * g[go + i] + c2 * a[ao + i];
      out[oo + i] = d;
      check += d * 0f;
    }
    return check;
  }

  @Override
  void updateCombine3InPlace(float[] g, int go, float[] a, int ao, float[] e, int eo, float[] out, int oo, int n,
      float keep, float rho, float c1, float c2, float c3) {
    for (int i = 0; i < n; i++) {
      float gi = g[go + i];
      float ei = keep * e[eo + i] + rho * gi;
      e[eo + i] = ei;
      out[oo + i] = (c1 * gi + c2 * a[ao + i]) + c3 * ei;
    }
  }

  @Override
  void updateCombine4InPlace(float[] g, int go, float[] a, int ao, float[] e, int eo, float[] f, int fo,
      float[] out, int oo, int n, float keep, float rho, float c1, float c2, float c3, float c4) {
    for (int i = 0; i < n; i++) {
      float gi = g[go + i];
      float ai = a[ao + i];
      float ei = keep * e[eo + i] + rho * gi;
      float fi = keep * f[fo + i] + rho * ai;
      e[eo + i] = ei;
      f[fo + i] = fi;
      out[oo + i] = ((c1 * gi + c2 * ai) + c3 * ei) + c4 * fi;
    }
  }
}
