package dev.scalpel.train.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ElementKernels} on jdk.incubator.vector: lane-wise the same float operations, in the same order, as the
 * scalar loops (float sqrt is correctly rounded either way, as is (float) Math.sqrt(double) of a float), the tail
 * scalar. Loaded only when the module is present.
 */
final class VectorElementKernels extends ElementKernels {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  @Override
  String name() {
    return "vector" + F.length();
  }

  @Override
  void adam(float[] p, int po, float[] d, int dOff, float[] m, float[] v, int mo, int n, float cb1, float cb2,
      float c1, float c2, float s, float ib, float e) {
    int step = F.length();
    int bound = n - n % step;
    int i = 0;
    for (; i < bound; i += step) {
      FloatVector g = FloatVector.fromArray(F, d, dOff + i);
      FloatVector mi = FloatVector.fromArray(F, m, mo + i).mul(cb1).add(g.mul(c1));
      FloatVector vi = FloatVector.fromArray(F, v, mo + i).mul(cb2).add(g.mul(g).mul(c2));
      mi.intoArray(m, mo + i);
      vi.intoArray(v, mo + i);
      FloatVector den = vi.lanewise(VectorOperators.SQRT).mul(ib).add(e);
      FloatVector pi = FloatVector.fromArray(F, p, po + i);
      pi.sub(mi.mul(s).div(den)).intoArray(p, po + i);
    }
    if (i < n) {
      super.adam(p, po + i, d, dOff + i, m, v, mo + i, n - i, cb1, cb2, c1, c2, s, ib, e);
    }
  }
}
