package dev.scalpel.core;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernels on jdk.incubator.vector, bit-identical to {@link ScalarKernel} (see {@link Kernel}).
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

  /*
   * The dot products widen floats to doubles. On AVX-512 (8 double lanes preferred) a whole 256-bit float vector
   * becomes one 512-bit double vector, lanes 0-7; otherwise two 128-bit float halves become two 256-bit double
   * vectors, lanes 0-3 and 4-7. Either way element j of the chunk lands in lane j % 8 and each lane adds exact
   * float×float products (fma = mul + add here, the product being exact in double), as Kernel specifies.
   * (convertShape of part 1 of a 256-bit vector allocated on every call in JDK 25: avoided on both paths.)
   */
  private static final boolean WIDE = DoubleVector.SPECIES_PREFERRED.length() >= 8;
  private static final VectorSpecies<Double> D8 = DoubleVector.SPECIES_512;
  private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;

  @Override
  void emaDots(float[] g, int go, float[] a, int ao, float[] e, int eo, int n, float keep, float rho,
      double[] acc, int off) {
    if (WIDE) {
      emaDotsWide(g, go, a, ao, e, eo, n, keep, rho, acc, off);
    } else {
      emaDotsNarrow(g, go, a, ao, e, eo, n, keep, rho, acc, off);
    }
  }

  private static void emaDotsWide(float[] g, int go, float[] a, int ao, float[] e, int eo, int n, float keep,
      float rho, double[] acc, int off) {
    DoubleVector s = DoubleVector.zero(D8);
    DoubleVector t = s;
    int i = 0;
    for (; i + LANES <= n; i += LANES) {
      FloatVector x = FloatVector.fromArray(F, e, eo + i).mul(keep)
          .add(FloatVector.fromArray(F, g, go + i).mul(rho));
      DoubleVector xd = (DoubleVector) x.convertShape(VectorOperators.F2D, D8, 0);
      DoubleVector yd = (DoubleVector) FloatVector.fromArray(F, a, ao + i).convertShape(VectorOperators.F2D, D8, 0);
      s = xd.fma(xd, s);
      t = xd.fma(yd, t);
    }
    if (i < n) {
      VectorMask<Float> m = F.indexInRange(i, n);
      FloatVector x = FloatVector.fromArray(F, e, eo + i, m).mul(keep)
          .add(FloatVector.fromArray(F, g, go + i, m).mul(rho));
      DoubleVector xd = (DoubleVector) x.convertShape(VectorOperators.F2D, D8, 0);
      DoubleVector yd = (DoubleVector) FloatVector.fromArray(F, a, ao + i, m)
          .convertShape(VectorOperators.F2D, D8, 0);
      s = xd.fma(xd, s);
      t = xd.fma(yd, t);
    }
    acc[off] += ordered8(s);
    acc[off + 1] += ordered8(t);
  }

  private static void emaDotsNarrow(float[] g, int go, float[] a, int ao, float[] e, int eo, int n, float keep,
      float rho, double[] acc, int off) {
    DoubleVector s0 = DoubleVector.zero(D);
    DoubleVector s1 = s0;
    DoubleVector t0 = s0;
    DoubleVector t1 = s0;
    int i = 0;
    for (; i + LANES <= n; i += LANES) {
      DoubleVector x0 = widen(FloatVector.fromArray(F4, e, eo + i).mul(keep)
          .add(FloatVector.fromArray(F4, g, go + i).mul(rho)));
      DoubleVector x1 = widen(FloatVector.fromArray(F4, e, eo + i + 4).mul(keep)
          .add(FloatVector.fromArray(F4, g, go + i + 4).mul(rho)));
      s0 = x0.fma(x0, s0);
      s1 = x1.fma(x1, s1);
      t0 = x0.fma(widen(FloatVector.fromArray(F4, a, ao + i)), t0);
      t1 = x1.fma(widen(FloatVector.fromArray(F4, a, ao + i + 4)), t1);
    }
    if (i < n) {
      VectorMask<Float> m0 = F4.indexInRange(i, n);
      VectorMask<Float> m1 = F4.indexInRange(i + 4, n);
      DoubleVector x0 = widen(FloatVector.fromArray(F4, e, eo + i, m0).mul(keep)
          .add(FloatVector.fromArray(F4, g, go + i, m0).mul(rho)));
      DoubleVector x1 = widen(FloatVector.fromArray(F4, e, eo + i + 4, m1).mul(keep)
          .add(FloatVector.fromArray(F4, g, go + i + 4, m1).mul(rho)));
      s0 = x0.fma(x0, s0);
      s1 = x1.fma(x1, s1);
      t0 = x0.fma(widen(FloatVector.fromArray(F4, a, ao + i, m0)), t0);
      t1 = x1.fma(widen(FloatVector.fromArray(F4, a, ao + i + 4, m1)), t1);
    }
    acc[off] += ordered(s0, s1);
    acc[off + 1] += ordered(t0, t1);
  }

  private static DoubleVector widen(FloatVector fourFloats) {
    return (DoubleVector) fourFloats.convertShape(VectorOperators.F2D, D, 0);
  }

  private static double ordered8(DoubleVector v) {
    return ((((((v.lane(0) + v.lane(1)) + v.lane(2)) + v.lane(3)) + v.lane(4)) + v.lane(5)) + v.lane(6))
        + v.lane(7);
  }

  private static double ordered(DoubleVector lo, DoubleVector hi) {
    return ((((((lo.lane(0) + lo.lane(1)) + lo.lane(2)) + lo.lane(3)) + hi.lane(0)) + hi.lane(1)) + hi.lane(2))
        + hi.lane(3);
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
    return check.reduceLanes(VectorOperators.ADD)
        + SCALAR.combine2(g, go + i, a, ao + i, out, oo + i, n - i, c1, c2); // the tail
  }

  @Override
  void updateCombine3InPlace(float[] g, int go, float[] a, int ao, float[] e, int eo, float[] out, int oo, int n,
      float keep, float rho, float c1, float c2, float c3) {
    int i = 0;
    int bound = FW.loopBound(n);
    for (; i < bound; i += FW.length()) {
      FloatVector gv = FloatVector.fromArray(FW, g, go + i);
      FloatVector ev = FloatVector.fromArray(FW, e, eo + i).mul(keep).add(gv.mul(rho));
      ev.intoArray(e, eo + i);
      gv.mul(c1).add(FloatVector.fromArray(FW, a, ao + i).mul(c2)).add(ev.mul(c3)).intoArray(out, oo + i);
    }
    SCALAR.updateCombine3InPlace(g, go + i, a, ao + i, e, eo + i, out, oo + i, n - i, keep, rho, c1, c2, c3);
  }

  @Override
  void updateCombine4InPlace(float[] g, int go, float[] a, int ao, float[] e, int eo, float[] f, int fo,
      float[] out, int oo, int n, float keep, float rho, float c1, float c2, float c3, float c4) {
    int i = 0;
    int bound = FW.loopBound(n);
    for (; i < bound; i += FW.length()) {
      FloatVector gv = FloatVector.fromArray(FW, g, go + i);
      FloatVector av = FloatVector.fromArray(FW, a, ao + i);
      FloatVector ev = FloatVector.fromArray(FW, e, eo + i).mul(keep).add(gv.mul(rho));
      FloatVector fv = FloatVector.fromArray(FW, f, fo + i).mul(keep).add(av.mul(rho));
      ev.intoArray(e, eo + i);
      fv.intoArray(f, fo + i);
      gv.mul(c1).add(av.mul(c2)).add(ev.mul(c3)).add(fv.mul(c4)).intoArray(out, oo + i);
    }
    SCALAR.updateCombine4InPlace(g, go + i, a, ao + i, e, eo + i, f, fo + i, out, oo + i, n - i, keep, rho, c1, c2,
        c3, c4);
  }
}
