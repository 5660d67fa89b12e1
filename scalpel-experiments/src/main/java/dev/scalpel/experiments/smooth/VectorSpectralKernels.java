package dev.scalpel.experiments.smooth;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SpectralKernels} on jdk.incubator.vector, bit-identical to the scalar loops: element-wise loops keep
 * each element's operation order (rows in order), and the dot product's eight partial sums are the eight lanes of
 * a 256-bit vector (lane j adds the products of elements j, j+8, j+16, … in order), the tail going to lane 0 and
 * the lanes combined in the scalar tree. Loaded only when the module is present.
 */
final class VectorSpectralKernels extends SpectralKernels {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;

  VectorSpectralKernels() {
    if (F8.length() != 8) {
      throw new IllegalStateException("unexpected vector shape");
    }
  }

  @Override
  String name() {
    return "vector" + F.length();
  }

  @Override
  void multiplyTransposed(float[] w, int r, int c, float[] u, float[] out) {
    int step = F.length();
    int bound = c - c % step;
    int i = 0;
    for (; i < bound; i += step) {
      FloatVector acc = FloatVector.zero(F);
      int o = 0;
      for (; o + 4 <= r; o += 4) {
        acc = acc.add(FloatVector.fromArray(F, w, o * c + i).mul(u[o]));
        acc = acc.add(FloatVector.fromArray(F, w, (o + 1) * c + i).mul(u[o + 1]));
        acc = acc.add(FloatVector.fromArray(F, w, (o + 2) * c + i).mul(u[o + 2]));
        acc = acc.add(FloatVector.fromArray(F, w, (o + 3) * c + i).mul(u[o + 3]));
      }
      for (; o < r; o++) {
        acc = acc.add(FloatVector.fromArray(F, w, o * c + i).mul(u[o]));
      }
      acc.intoArray(out, i);
    }
    for (; i < c; i++) {
      float s = 0f;
      for (int o = 0; o < r; o++) {
        s += w[o * c + i] * u[o];
      }
      out[i] = s;
    }
  }

  @Override
  void copyAndMultiplyTransposed(java.nio.FloatBuffer src, int pos, float[] w, int r, int c, float[] u,
      float[] out) {
    java.util.Arrays.fill(out, 0, c, 0f);
    int step = F.length();
    int bound = c - c % step;
    for (int o0 = 0; o0 < r; o0 += 4) {
      int rowsHere = Math.min(4, r - o0);
      src.get(pos + o0 * c, w, o0 * c, rowsHere * c);
      if (rowsHere == 4) {
        int b0 = o0 * c;
        int b1 = b0 + c;
        int b2 = b1 + c;
        int b3 = b2 + c;
        float u0 = u[o0];
        float u1 = u[o0 + 1];
        float u2 = u[o0 + 2];
        float u3 = u[o0 + 3];
        int i = 0;
        for (; i < bound; i += step) {
          FloatVector acc = FloatVector.fromArray(F, out, i);
          acc = acc.add(FloatVector.fromArray(F, w, b0 + i).mul(u0));
          acc = acc.add(FloatVector.fromArray(F, w, b1 + i).mul(u1));
          acc = acc.add(FloatVector.fromArray(F, w, b2 + i).mul(u2));
          acc = acc.add(FloatVector.fromArray(F, w, b3 + i).mul(u3));
          acc.intoArray(out, i);
        }
        for (; i < c; i++) {
          out[i] = (((out[i] + w[b0 + i] * u0) + w[b1 + i] * u1) + w[b2 + i] * u2) + w[b3 + i] * u3;
        }
      } else {
        for (int o = o0; o < o0 + rowsHere; o++) {
          int b = o * c;
          float uo = u[o];
          int i = 0;
          for (; i < bound; i += step) {
            FloatVector.fromArray(F, out, i).add(FloatVector.fromArray(F, w, b + i).mul(uo)).intoArray(out, i);
          }
          for (; i < c; i++) {
            out[i] += w[b + i] * uo;
          }
        }
      }
    }
  }

  @Override
  void multiply(float[] w, int r, int c, float[] v, float[] out) {
    int bound = c - c % 8;
    int o = 0;
    for (; o + 2 <= r; o += 2) {
      int b0 = o * c;
      int b1 = b0 + c;
      FloatVector a0 = FloatVector.zero(F8);
      FloatVector a1 = FloatVector.zero(F8);
      for (int i = 0; i < bound; i += 8) {
        FloatVector x = FloatVector.fromArray(F8, v, i);
        a0 = a0.add(FloatVector.fromArray(F8, w, b0 + i).mul(x));
        a1 = a1.add(FloatVector.fromArray(F8, w, b1 + i).mul(x));
      }
      out[o] = finish(a0, w, b0, v, bound, c);
      out[o + 1] = finish(a1, w, b1, v, bound, c);
    }
    for (; o < r; o++) {
      int b0 = o * c;
      FloatVector a0 = FloatVector.zero(F8);
      for (int i = 0; i < bound; i += 8) {
        a0 = a0.add(FloatVector.fromArray(F8, w, b0 + i).mul(FloatVector.fromArray(F8, v, i)));
      }
      out[o] = finish(a0, w, b0, v, bound, c);
    }
  }

  private static float finish(FloatVector acc, float[] w, int base, float[] v, int from, int c) {
    float s0 = acc.lane(0);
    for (int i = from; i < c; i++) {
      s0 += w[base + i] * v[i];
    }
    return ((s0 + acc.lane(1)) + (acc.lane(2) + acc.lane(3))) + ((acc.lane(4) + acc.lane(5))
        + (acc.lane(6) + acc.lane(7)));
  }

  @Override
  void outer(float[] g, float f, float[] u, int r, float[] v, int c) {
    int step = F.length();
    int bound = c - c % step;
    for (int o = 0; o < r; o++) {
      float a = f * u[o];
      int base = o * c;
      int i = 0;
      for (; i < bound; i += step) {
        FloatVector.fromArray(F, v, i).mul(a).intoArray(g, base + i);
      }
      for (; i < c; i++) {
        g[base + i] = a * v[i];
      }
    }
  }
}
