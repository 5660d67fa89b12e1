package dev.scalpel.core;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
  private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
  private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;

  /*
   * max |x| as the integer maximum of the bit patterns with the sign cleared: the same order as |x| for finite
   * values, and NaN (largest patterns) > Inf > every finite value, so one vpmaxsd per 8 floats tracks the largest
   * magnitude and any non-finite value at once (a float max with Java's NaN semantics costs several instructions).
   */
  private static final int ABS = 0x7fffffff;

  @Override
  String name() {
    return "vector";
  }

  @Override
  float widen(float[] x, int xo, int n, double[] d, int dOff) {
    IntVector max = IntVector.zero(I8);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      max = max.max(FloatVector.fromArray(F8, x, xo + i).reinterpretAsInts().and(ABS));
      ((DoubleVector) FloatVector.fromArray(F4, x, xo + i).convertShape(VectorOperators.F2D, D4, 0))
          .intoArray(d, dOff + i);
      ((DoubleVector) FloatVector.fromArray(F4, x, xo + i + 4).convertShape(VectorOperators.F2D, D4, 0))
          .intoArray(d, dOff + i + 4);
    }
    int m = max.reduceLanes(VectorOperators.MAX);
    for (; i < n; i++) {
      float v = x[xo + i];
      d[dOff + i] = v;
      m = Math.max(m, Float.floatToRawIntBits(v) & ABS);
    }
    int n8 = (n + 7) & ~7;
    for (; i < n8; i++) {
      d[dOff + i] = 0;
    }
    return Float.intBitsToFloat(m);
  }

  @Override
  float maxAbs(float[] x, int xo, int n) {
    IntVector max = IntVector.zero(I8);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      max = max.max(FloatVector.fromArray(F8, x, xo + i).reinterpretAsInts().and(ABS));
    }
    int m = max.reduceLanes(VectorOperators.MAX);
    for (; i < n; i++) {
      m = Math.max(m, Float.floatToRawIntBits(x[xo + i]) & ABS);
    }
    return Float.intBitsToFloat(m);
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
    IntVector max = IntVector.zero(I8);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      FloatVector v = FloatVector.fromArray(F8, e, eo + i).mul(keep).add(FloatVector.fromArray(F8, g, go + i).mul(rho));
      v.intoArray(out, oo + i);
      max = max.max(v.reinterpretAsInts().and(ABS));
    }
    float tail = SCALAR.ema(e, eo + i, g, go + i, keep, rho, out, oo + i, n - i);
    return Float.intBitsToFloat(Math.max(max.reduceLanes(VectorOperators.MAX), Float.floatToRawIntBits(tail) & ABS));
  }

  @Override
  void combineDouble(float[][] v, int[] vo, double[] c, int count, double[] acc, float[] out, int oo, int n) {
    // Vectors are taken four at a time: acc = fma(c_{j+3}, v_{j+3}, fma(c_{j+2}, v_{j+2}, fma(..., acc))) in
    // registers, so acc goes through memory once per four vectors (and not at all for k ≤ 4); the order of the
    // operations is the scalar kernel's, element by element.
    int bound = n & ~3;
    int j = Math.min(count, 4);
    int i = 0;
    for (; i < bound; i += 4) {
      DoubleVector a = widen4(v[0], vo[0] + i).mul(c[0]);
      if (j > 1) {
        a = widen4(v[1], vo[1] + i).fma(DoubleVector.broadcast(D4, c[1]), a);
      }
      if (j > 2) {
        a = widen4(v[2], vo[2] + i).fma(DoubleVector.broadcast(D4, c[2]), a);
      }
      if (j > 3) {
        a = widen4(v[3], vo[3] + i).fma(DoubleVector.broadcast(D4, c[3]), a);
      }
      if (count <= 4) {
        ((FloatVector) a.convertShape(VectorOperators.D2F, F4, 0)).intoArray(out, oo + i);
      } else {
        a.intoArray(acc, i);
      }
    }
    for (; i < n; i++) {
      double a = c[0] * v[0][vo[0] + i];
      for (int q = 1; q < j; q++) {
        a = Math.fma(c[q], v[q][vo[q] + i], a);
      }
      if (count <= 4) {
        out[oo + i] = (float) a;
      } else {
        acc[i] = a;
      }
    }
    for (int from = 4; from < count; from += 4) {
      int to = Math.min(count, from + 4);
      boolean last = to == count;
      i = 0;
      for (; i < bound; i += 4) {
        DoubleVector a = DoubleVector.fromArray(D4, acc, i);
        for (int q = from; q < to; q++) {
          a = widen4(v[q], vo[q] + i).fma(DoubleVector.broadcast(D4, c[q]), a);
        }
        if (last) {
          ((FloatVector) a.convertShape(VectorOperators.D2F, F4, 0)).intoArray(out, oo + i);
        } else {
          a.intoArray(acc, i);
        }
      }
      for (; i < n; i++) {
        double a = acc[i];
        for (int q = from; q < to; q++) {
          a = Math.fma(c[q], v[q][vo[q] + i], a);
        }
        if (last) {
          out[oo + i] = (float) a;
        } else {
          acc[i] = a;
        }
      }
    }
  }

  private static DoubleVector widen4(float[] x, int offset) {
    return (DoubleVector) FloatVector.fromArray(F4, x, offset).convertShape(VectorOperators.F2D, D4, 0);
  }
}
