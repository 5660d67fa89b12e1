package dev.scalpel.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ElementKernelsTest {
  private static float[] random(SplittableRandom r, int n, double scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextGaussian() * scale);
    }
    return a;
  }

  @Test
  void vectorAdamIsBitIdenticalToScalar() {
    ElementKernels vec = ElementKernels.vectorOrNull();
    assertNotNull(vec, "tests run with jdk.incubator.vector");
    SplittableRandom r = new SplittableRandom(7);
    for (int n : new int[] {0, 1, 7, 8, 15, 16, 17, 33, 1000, 4099}) {
      for (int off : new int[] {0, 3}) {
        float[] p = random(r, n + off, 1);
        float[] d = random(r, n + off, 1e-2);
        if (n > 0) {
          d[off + n / 2] = 0;
        }
        float[] m = random(r, n + off, 1e-3);
        float[] v = random(r, n + off, 1e-3);
        for (int i = 0; i < v.length; i++) {
          v[i] = Math.abs(v[i]) * (i % 5 == 0 ? 1e-30f : 1);
        }
        float[] p2 = p.clone();
        float[] m2 = m.clone();
        float[] v2 = v.clone();
        for (int t = 1; t <= 3; t++) {
          float s = (float) (3e-4 / (1 - Math.pow(0.9, t)));
          float ib = (float) (1 / Math.sqrt(1 - Math.pow(0.999, t)));
          ElementKernels.SCALAR.adam(p, off, d, off, m, v, off, n, 0.9f, 0.999f, 0.1f, 0.001f, s, ib, 1e-8f);
          vec.adam(p2, off, d, off, m2, v2, off, n, 0.9f, 0.999f, 0.1f, 0.001f, s, ib, 1e-8f);
        }
        assertArrayEquals(p, p2, "p n=" + n);
        assertArrayEquals(m, m2, "m n=" + n);
        assertArrayEquals(v, v2, "v n=" + n);
      }
    }
  }
}
