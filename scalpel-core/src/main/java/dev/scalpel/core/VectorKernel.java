package dev.scalpel.core;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernels on jdk.incubator.vector, bit-identical to {@link ScalarKernel} (see {@link Kernel}): a float
 * vector of 8 lanes is widened into two double vectors of 4 lanes, lanes 0-3 and 4-7 of the dot products.
 * Loaded only when the module is present (Kernel.select), so the core runs without it.
 */
final class VectorKernel extends Kernel {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;
  private static final VectorSpecies<Float> FW = FloatVector.SPECIES_PREFERRED;

  VectorKernel() {
    if (F.length() != LANES || D.length() * 2 != LANES) {
      throw new IllegalStateException("unexpected vector shapes");
    }
  }

  @Override
  String name() {
    return "vector";
  }

  @Override
  void emaDots(float[] g, int go, float[] a, int ao, float[] e, int eo, int n, float keep, float rho,
      double[] acc, int off) {
    DoubleVector s0 = DoubleVector.zero(D), s1 = s0, t0 = s0, t1 = s0;
    int i = 0;
    for (; i + LANES <= n; i += LANES) {
      FloatVector x = FloatVector.fromArray(F, e, eo + i).mul(keep)
          .add(FloatVector.fromArray(F, g, go + i).mul(rho));
      FloatVector y = FloatVector.fromArray(F, a, ao + i);
      DoubleVector x0 = (DoubleVector) x.convertShape(VectorOperators.F2D, D, 0);
      DoubleVector x1 = (DoubleVector) x.convertShape(VectorOperators.F2D, D, 1);
      DoubleVector y0 = (DoubleVector) y.convertShape(VectorOperators.F2D, D, 0);
      DoubleVector y1 = (DoubleVector) y.convertShape(VectorOperators.F2D, D, 1);
      s0 = s0.add(x0.mul(x0));
      s1 = s1.add(x1.mul(x1));
      t0 = t0.add(x0.mul(y0));
      t1 = t1.add(x1.mul(y1));
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      FloatVector x = FloatVector.fromArray(F, e, eo + i, m).mul(keep)
          .add(FloatVector.fromArray(F, g, go + i, m).mul(rho));
      FloatVector y = FloatVector.fromArray(F, a, ao + i, m);
      DoubleVector x0 = (DoubleVector) x.convertShape(VectorOperators.F2D, D, 0);
      DoubleVector x1 = (DoubleVector) x.convertShape(VectorOperators.F2D, D, 1);
      DoubleVector y0 = (DoubleVector) y.convertShape(VectorOperators.F2D, D, 0);
      DoubleVector y1 = (DoubleVector) y.convertShape(VectorOperators.F2D, D, 1);
      s0 = s0.add(x0.mul(x0));
      s1 = s1.add(x1.mul(x1));
      t0 = t0.add(x0.mul(y0));
      t1 = t1.add(x1.mul(y1));
    }
    acc[off] += ordered(s0, s1);
    acc[off + 1] += ordered(t0, t1);
  }

  private static double ordered(DoubleVector lo, DoubleVector hi) {
    return ((((((lo.lane(0) + lo.lane(1)) + lo.lane(2)) + lo.lane(3)) + hi.lane(0)) + hi.lane(1)) + hi.lane(2))
        + hi.lane(3);
  }

  @Override
  void emaUpdateInPlace(float[] g, int go, float[] e, int eo, int n, float keep, float rho) {
    int i = 0;
    int bound = FW.loopBound(n);
    for (; i < bound; i += FW.length()) {
      FloatVector.fromArray(FW, e, eo + i).mul(keep).add(FloatVector.fromArray(FW, g, go + i).mul(rho))
          .intoArray(e, eo + i);
    }
    for (; i < n; i++) {
      e[eo + i] = keep * e[eo + i] + rho * g[go + i];
    }
  }

  @Override
  float combine2(float[] g, int go, float[] a, int ao, float[] out, int oo, int n, float c1, float c2) {
    FloatVector check = FloatVector.zero(FW);
    int i = 0;
    int bound = FW.loopBound(n);
    for (; i < bound; i += FW.length()) {
      FloatVector d = FloatVector.fromArray(FW, g, go + i).mul(c1).add(FloatVector.fromArray(FW, a, ao + i).mul(c2));
      d.intoArray(out, oo + i);
      check = check.add(d.mul(0f));
    }
    float c = check.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      float d = c1 * g[go + i] + c2 * a[ao + i];
      out[oo + i] = d;
      c += d * 0f;
    }
    return c;
  }

  @Override
  void combine3(float[] g, int go, float[] a, int ao, float[] e, int eo, float[] out, int oo, int n,
      float c1, float c2, float c3) {
    int i = 0;
    int bound = FW.loopBound(n);
    for (; i < bound; i += FW.length()) {
      FloatVector.fromArray(FW, g, go + i).mul(c1).add(FloatVector.fromArray(FW, a, ao + i).mul(c2))
          .add(FloatVector.fromArray(FW, e, eo + i).mul(c3))
          .intoArray(out, oo + i);
    }
    for (; i < n; i++) {
      out[oo + i] = (c1 * g[go + i] + c2 * a[ao + i]) + c3 * e[eo + i];
    }
  }

  @Override
  void combine4(float[] g, int go, float[] a, int ao, float[] e, int eo, float[] f, int fo, float[] out,
      int oo, int n, float c1, float c2, float c3, float c4) {
    int i = 0;
    int bound = FW.loopBound(n);
    for (; i < bound; i += FW.length()) {
      FloatVector.fromArray(FW, g, go + i).mul(c1).add(FloatVector.fromArray(FW, a, ao + i).mul(c2))
          .add(FloatVector.fromArray(FW, e, eo + i).mul(c3))
          .add(FloatVector.fromArray(FW, f, fo + i).mul(c4))
          .intoArray(out, oo + i);
    }
    for (; i < n; i++) {
      out[oo + i] = ((c1 * g[go + i] + c2 * a[ao + i]) + c3 * e[eo + i]) + c4 * f[fo + i];
    }
  }
}
