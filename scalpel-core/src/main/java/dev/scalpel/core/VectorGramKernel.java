package dev.scalpel.core;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD k-gradient kernels on jdk.incubator.vector, bit-identical to {@link ScalarGramKernel}: the dot products
 * keep each pair's 8 lanes in two 4-lane double vectors (lanes 0-3 and 4-7), and pairs sharing their first vector
 * run in strips of up to four so that vector is loaded once per 8 elements.
 */
final class VectorGramKernel extends GramKernel {
  private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
  private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;
  private static final VectorSpecies<Float> FW = FloatVector.SPECIES_PREFERRED;

  @Override
  String name() {
    return "vector";
  }

  @Override
  float widen(float[] x, int xo, int n, double[] d, int dOff) {
    FloatVector max = FloatVector.zero(F4);
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      FloatVector v = FloatVector.fromArray(F4, x, xo + i);
      max = max.max(v.abs());
      ((DoubleVector) v.convertShape(VectorOperators.F2D, D4, 0)).intoArray(d, dOff + i);
    }
    float m = max.reduceLanes(VectorOperators.MAX);
    if (Float.isNaN(max.reduceLanes(VectorOperators.ADD))) {
      m = Float.NaN;
    }
    for (; i < n; i++) {
      float v = x[xo + i];
      d[dOff + i] = v;
      m = Math.max(m, Math.abs(v));
    }
    int n8 = (n + 7) & ~7;
    for (; i < n8; i++) {
      d[dOff + i] = 0;
    }
    return m;
  }

  @Override
  float maxAbs(float[] x, int xo, int n) {
    FloatVector max = FloatVector.zero(FW);
    int i = 0;
    int bound = FW.loopBound(n);
    for (; i < bound; i += FW.length()) {
      max = max.max(FloatVector.fromArray(FW, x, xo + i).abs());
    }
    float m = max.reduceLanes(VectorOperators.MAX);
    if (Float.isNaN(max.reduceLanes(VectorOperators.ADD))) {
      m = Float.NaN;
    }
    for (; i < n; i++) {
      m = Math.max(m, Math.abs(x[xo + i]));
    }
    return m;
  }

  @Override
  void dots(double[] d, int stride, int[] pa, int[] pb, int np, double[] lanes, int n8) {
    int p = 0;
    while (p < np) {
      int a = pa[p];
      int count = 1;
      while (count < 4 && p + count < np && pa[p + count] == a) {
        count++;
      }
      switch (count) {
        case 4 -> strip4(d, stride, a, pb[p], pb[p + 1], pb[p + 2], pb[p + 3], lanes, 8 * p, n8);
        case 3 -> strip3(d, stride, a, pb[p], pb[p + 1], pb[p + 2], lanes, 8 * p, n8);
        case 2 -> strip2(d, stride, a, pb[p], pb[p + 1], lanes, 8 * p, n8);
        default -> strip1(d, stride, a, pb[p], lanes, 8 * p, n8);
      }
      p += count;
    }
  }

  private static void strip1(double[] d, int stride, int a, int b, double[] lanes, int l, int n8) {
    int ao = a * stride;
    int bo = b * stride;
    DoubleVector s0 = DoubleVector.fromArray(D4, lanes, l);
    DoubleVector s1 = DoubleVector.fromArray(D4, lanes, l + 4);
    for (int i = 0; i < n8; i += 8) {
      DoubleVector x0 = DoubleVector.fromArray(D4, d, ao + i);
      DoubleVector x1 = DoubleVector.fromArray(D4, d, ao + i + 4);
      s0 = x0.fma(DoubleVector.fromArray(D4, d, bo + i), s0);
      s1 = x1.fma(DoubleVector.fromArray(D4, d, bo + i + 4), s1);
    }
    s0.intoArray(lanes, l);
    s1.intoArray(lanes, l + 4);
  }

  private static void strip2(double[] d, int stride, int a, int b, int c, double[] lanes, int l, int n8) {
    int ao = a * stride;
    int bo = b * stride;
    int co = c * stride;
    DoubleVector s0 = DoubleVector.fromArray(D4, lanes, l);
    DoubleVector s1 = DoubleVector.fromArray(D4, lanes, l + 4);
    DoubleVector t0 = DoubleVector.fromArray(D4, lanes, l + 8);
    DoubleVector t1 = DoubleVector.fromArray(D4, lanes, l + 12);
    for (int i = 0; i < n8; i += 8) {
      DoubleVector x0 = DoubleVector.fromArray(D4, d, ao + i);
      DoubleVector x1 = DoubleVector.fromArray(D4, d, ao + i + 4);
      s0 = x0.fma(DoubleVector.fromArray(D4, d, bo + i), s0);
      s1 = x1.fma(DoubleVector.fromArray(D4, d, bo + i + 4), s1);
      t0 = x0.fma(DoubleVector.fromArray(D4, d, co + i), t0);
      t1 = x1.fma(DoubleVector.fromArray(D4, d, co + i + 4), t1);
    }
    s0.intoArray(lanes, l);
    s1.intoArray(lanes, l + 4);
    t0.intoArray(lanes, l + 8);
    t1.intoArray(lanes, l + 12);
  }

  private static void strip3(double[] d, int stride, int a, int b, int c, int e, double[] lanes, int l, int n8) {
    int ao = a * stride;
    int bo = b * stride;
    int co = c * stride;
    int eo = e * stride;
    DoubleVector s0 = DoubleVector.fromArray(D4, lanes, l);
    DoubleVector s1 = DoubleVector.fromArray(D4, lanes, l + 4);
    DoubleVector t0 = DoubleVector.fromArray(D4, lanes, l + 8);
    DoubleVector t1 = DoubleVector.fromArray(D4, lanes, l + 12);
    DoubleVector u0 = DoubleVector.fromArray(D4, lanes, l + 16);
    DoubleVector u1 = DoubleVector.fromArray(D4, lanes, l + 20);
    for (int i = 0; i < n8; i += 8) {
      DoubleVector x0 = DoubleVector.fromArray(D4, d, ao + i);
      DoubleVector x1 = DoubleVector.fromArray(D4, d, ao + i + 4);
      s0 = x0.fma(DoubleVector.fromArray(D4, d, bo + i), s0);
      s1 = x1.fma(DoubleVector.fromArray(D4, d, bo + i + 4), s1);
      t0 = x0.fma(DoubleVector.fromArray(D4, d, co + i), t0);
      t1 = x1.fma(DoubleVector.fromArray(D4, d, co + i + 4), t1);
      u0 = x0.fma(DoubleVector.fromArray(D4, d, eo + i), u0);
      u1 = x1.fma(DoubleVector.fromArray(D4, d, eo + i + 4), u1);
    }
    s0.intoArray(lanes, l);
    s1.intoArray(lanes, l + 4);
    t0.intoArray(lanes, l + 8);
    t1.intoArray(lanes, l + 12);
    u0.intoArray(lanes, l + 16);
    u1.intoArray(lanes, l + 20);
  }

  private static void strip4(double[] d, int stride, int a, int b, int c, int e, int f, double[] lanes, int l,
      int n8) {
    int ao = a * stride;
    int bo = b * stride;
    int co = c * stride;
    int eo = e * stride;
    int fo = f * stride;
    DoubleVector s0 = DoubleVector.fromArray(D4, lanes, l);
    DoubleVector s1 = DoubleVector.fromArray(D4, lanes, l + 4);
    DoubleVector t0 = DoubleVector.fromArray(D4, lanes, l + 8);
    DoubleVector t1 = DoubleVector.fromArray(D4, lanes, l + 12);
    DoubleVector u0 = DoubleVector.fromArray(D4, lanes, l + 16);
    DoubleVector u1 = DoubleVector.fromArray(D4, lanes, l + 20);
    DoubleVector v0 = DoubleVector.fromArray(D4, lanes, l + 24);
    DoubleVector v1 = DoubleVector.fromArray(D4, lanes, l + 28);
    for (int i = 0; i < n8; i += 8) {
      DoubleVector x0 = DoubleVector.fromArray(D4, d, ao + i);
      DoubleVector x1 = DoubleVector.fromArray(D4, d, ao + i + 4);
      s0 = x0.fma(DoubleVector.fromArray(D4, d, bo + i), s0);
      s1 = x1.fma(DoubleVector.fromArray(D4, d, bo + i + 4), s1);
      t0 = x0.fma(DoubleVector.fromArray(D4, d, co + i), t0);
      t1 = x1.fma(DoubleVector.fromArray(D4, d, co + i + 4), t1);
      u0 = x0.fma(DoubleVector.fromArray(D4, d, eo + i), u0);
      u1 = x1.fma(DoubleVector.fromArray(D4, d, eo + i + 4), u1);
      v0 = x0.fma(DoubleVector.fromArray(D4, d, fo + i), v0);
      v1 = x1.fma(DoubleVector.fromArray(D4, d, fo + i + 4), v1);
    }
    s0.intoArray(lanes, l);
    s1.intoArray(lanes, l + 4);
    t0.intoArray(lanes, l + 8);
    t1.intoArray(lanes, l + 12);
    u0.intoArray(lanes, l + 16);
    u1.intoArray(lanes, l + 20);
    v0.intoArray(lanes, l + 24);
    v1.intoArray(lanes, l + 28);
  }

  @Override
  float ema(float[] e, int eo, float[] g, int go, float keep, float rho, float[] out, int oo, int n) {
    FloatVector max = FloatVector.zero(FW);
    int i = 0;
    int bound = FW.loopBound(n);
    for (; i < bound; i += FW.length()) {
      FloatVector v = FloatVector.fromArray(FW, e, eo + i).mul(keep)
          .add(FloatVector.fromArray(FW, g, go + i).mul(rho));
      v.intoArray(out, oo + i);
      max = max.max(v.abs());
    }
    float m = max.reduceLanes(VectorOperators.MAX);
    if (Float.isNaN(max.reduceLanes(VectorOperators.ADD))) {
      m = Float.NaN;
    }
    return Math.max(m, SCALAR.ema(e, eo + i, g, go + i, keep, rho, out, oo + i, n - i));
  }

  @Override
  void combine(float[][] v, int[] vo, float[] c, int count, float[] out, int n) {
    int bound = FW.loopBound(n);
    float[] v0 = v[0];
    int o0 = vo[0];
    float c0 = c[0];
    int i = 0;
    for (; i < bound; i += FW.length()) {
      FloatVector.fromArray(FW, v0, o0 + i).mul(c0).intoArray(out, i);
    }
    for (; i < n; i++) {
      out[i] = c0 * v0[o0 + i];
    }
    for (int j = 1; j < count; j++) {
      float[] vj = v[j];
      int oj = vo[j];
      float cj = c[j];
      i = 0;
      for (; i < bound; i += FW.length()) {
        FloatVector.fromArray(FW, out, i).add(FloatVector.fromArray(FW, vj, oj + i).mul(cj)).intoArray(out, i);
      }
      for (; i < n; i++) {
        out[i] = out[i] + cj * vj[oj + i];
      }
    }
  }

  @Override
  void combineDouble(float[][] v, int[] vo, double[] c, int count, double[] acc, float[] out, int n) {
    int bound = n & ~3;
    float[] v0 = v[0];
    int o0 = vo[0];
    double c0 = c[0];
    int i = 0;
    for (; i < bound; i += 4) {
      ((DoubleVector) FloatVector.fromArray(F4, v0, o0 + i).convertShape(VectorOperators.F2D, D4, 0)).mul(c0)
          .intoArray(acc, i);
    }
    for (; i < n; i++) {
      acc[i] = c0 * v0[o0 + i];
    }
    for (int j = 1; j < count; j++) {
      float[] vj = v[j];
      int oj = vo[j];
      DoubleVector cj = DoubleVector.broadcast(D4, c[j]);
      i = 0;
      for (; i < bound; i += 4) {
        ((DoubleVector) FloatVector.fromArray(F4, vj, oj + i).convertShape(VectorOperators.F2D, D4, 0))
            .fma(cj, DoubleVector.fromArray(D4, acc, i)).intoArray(acc, i);
      }
      for (; i < n; i++) {
        acc[i] = Math.fma(c[j], vj[oj + i], acc[i]);
      }
    }
    i = 0;
    for (; i < bound; i += 4) {
      ((FloatVector) DoubleVector.fromArray(D4, acc, i).convertShape(VectorOperators.D2F, F4, 0)).intoArray(out, i);
    }
    for (; i < n; i++) {
      out[i] = (float) acc[i];
    }
  }
}
