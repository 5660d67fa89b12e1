package dev.scalpel.experiments.smooth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SpectralKernelsTest {
  private static float[] random(SplittableRandom r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }

  @Test
  void vectorKernelsAreBitIdenticalToScalar() {
    SpectralKernels vec = SpectralKernels.vectorOrNull();
    assertNotNull(vec, "tests run with jdk.incubator.vector");
    SplittableRandom rnd = new SplittableRandom(3);
    int[][] shapes = {{1, 1}, {1, 7}, {3, 8}, {5, 9}, {7, 16}, {10, 128}, {128, 256}, {256, 784}, {9, 23}, {4, 17}};
    for (int[] s : shapes) {
      int r = s[0];
      int c = s[1];
      float[] w = random(rnd, r * c);
      float[] u = random(rnd, r);
      float[] v = random(rnd, c);
      float[] a = new float[c];
      float[] b = new float[c];
      SpectralKernels.SCALAR.multiplyTransposed(w, r, c, u, a);
      vec.multiplyTransposed(w, r, c, u, b);
      assertArrayEquals(a, b, "Wᵀu " + r + "x" + c);
      java.nio.FloatBuffer src = java.nio.ByteBuffer.allocateDirect(4 * (r * c + 3))
          .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
      src.put(3, w);
      float[] wa = new float[r * c];
      float[] wb = new float[r * c];
      float[] a2 = new float[c];
      float[] b2 = new float[c];
      SpectralKernels.SCALAR.copyAndMultiplyTransposed(src, 3, wa, r, c, u, a2);
      vec.copyAndMultiplyTransposed(src, 3, wb, r, c, u, b2);
      assertArrayEquals(w, wa, "copy " + r + "x" + c);
      assertArrayEquals(w, wb, "copy " + r + "x" + c);
      assertArrayEquals(a, a2, "copy+Wᵀu " + r + "x" + c);
      assertArrayEquals(a, b2, "copy+Wᵀu " + r + "x" + c);
      float[] x = new float[r];
      float[] y = new float[r];
      SpectralKernels.SCALAR.multiply(w, r, c, v, x);
      vec.multiply(w, r, c, v, y);
      assertArrayEquals(x, y, "Wv " + r + "x" + c);
      float[] g = new float[r * c];
      float[] h = new float[r * c];
      SpectralKernels.SCALAR.outer(g, 0.37f, u, r, v, c);
      vec.outer(h, 0.37f, u, r, v, c);
      assertArrayEquals(g, h, "uvᵀ " + r + "x" + c);
    }
  }
}
