package dev.scalpel.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Adam and SGD against their formulas (in double) over several steps, buffers vs arrays, state round trips. */
class OptimiserTest {
  static final int[] SIZES = {5, 9000}; // the second spans several staging chunks

  @Test
  void adamMatchesFormula() {
    double lr = 1e-2;
    double b1 = 0.8;
    double b2 = 0.99;
    double eps = 1e-6;
    Adam adam = Adam.builder().learningRate(lr).betas(b1, b2).eps(eps).build();
    adam.init(SIZES);
    float[][] p = random(1);
    double[][] ref = toDouble(p);
    double[][] m = zerosLike(ref);
    double[][] v = zerosLike(ref);
    for (int t = 1; t <= 5; t++) {
      float[][] g = random(100 + t);
      for (int k = 0; k < ref.length; k++) {
        for (int i = 0; i < ref[k].length; i++) {
          m[k][i] = b1 * m[k][i] + (1 - b1) * g[k][i];
          v[k][i] = b2 * v[k][i] + (1 - b2) * g[k][i] * g[k][i];
          double mh = m[k][i] / (1 - Math.pow(b1, t));
          double vh = v[k][i] / (1 - Math.pow(b2, t));
          ref[k][i] -= lr * mh / (Math.sqrt(vh) + eps);
        }
      }
      adam.updateInPlace(p, g);
      assertClose(ref, p, 1e-5, "adam step " + t);
    }
    assertEquals(5, adam.updates());
  }

  @Test
  void sgdVariantsMatchFormula() {
    for (String kind : new String[] {"plain", "momentum", "nesterov"}) {
      double lr = 0.05;
      double mu = kind.equals("plain") ? 0 : 0.9;
      Sgd sgd = Sgd.builder().schedule(LearningRateSchedule.warmupCosine(lr, 2, 6, 0.001)).momentum(mu)
          .nesterov(kind.equals("nesterov")).build();
      sgd.init(SIZES);
      float[][] p = random(2);
      double[][] ref = toDouble(p);
      double[][] buf = zerosLike(ref);
      for (int t = 0; t < 6; t++) {
        float[][] g = random(200 + t);
        double rate = sgd.schedule().at(t);
        for (int k = 0; k < ref.length; k++) {
          for (int i = 0; i < ref[k].length; i++) {
            double d = g[k][i];
            if (mu > 0) {
              buf[k][i] = t == 0 ? d : mu * buf[k][i] + d;
              d = kind.equals("nesterov") ? d + mu * buf[k][i] : buf[k][i];
            }
            ref[k][i] -= rate * d;
          }
        }
        sgd.updateInPlace(p, g);
        assertClose(ref, p, 1e-6, kind + " step " + t);
      }
    }
  }

  @Test
  void schedules() {
    LearningRateSchedule c = LearningRateSchedule.constant(0.3);
    assertEquals(0.3, c.at(0));
    assertEquals(0.3, c.at(1_000_000));
    LearningRateSchedule w = LearningRateSchedule.warmupCosine(1.0, 4, 14, 0.1);
    assertEquals(0.25, w.at(0), 1e-12);
    assertEquals(1.0, w.at(3), 1e-12);
    assertEquals(1.0, w.at(4), 1e-12);
    assertEquals(0.1 + 0.9 * 0.5, w.at(9), 1e-12); // halfway through the cosine
    assertEquals(0.1, w.at(14), 1e-12);
    assertEquals(0.1, w.at(100), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.warmupCosine(1, 5, 3, 0));
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(-1));
  }

  @Test
  void directBuffersGiveTheSameBitsAsArrays() {
    Adam a = Adam.withLearningRate(1e-3);
    Adam b = Adam.withLearningRate(1e-3);
    a.init(SIZES);
    b.init(SIZES);
    float[][] pa = random(3);
    FloatBuffer[] pb = direct(pa);
    for (int t = 0; t < 3; t++) {
      float[][] g = random(300 + t);
      a.updateInPlace(pa, g);
      b.updateInPlace(pb, direct(g));
    }
    for (int k = 0; k < SIZES.length; k++) {
      float[] got = new float[SIZES[k]];
      pb[k].get(0, got);
      assertArrayEquals(pa[k], got);
    }
  }

  @Test
  void stateRoundTripContinuesIdentically() {
    Sgd a = Sgd.builder().learningRate(0.1).momentum(0.9).nesterov(true).build();
    a.init(SIZES);
    float[][] p = random(4);
    a.updateInPlace(p, random(400));
    byte[] state = a.saveState();
    float[][] q = copy(p);
    Sgd b = Sgd.builder().learningRate(0.1).momentum(0.9).nesterov(true).build();
    b.init(SIZES);
    b.restoreState(state);
    assertEquals(1, b.updates());
    a.updateInPlace(p, random(401));
    b.updateInPlace(q, random(401));
    for (int k = 0; k < SIZES.length; k++) {
      assertArrayEquals(p[k], q[k]);
    }
  }

  @Test
  void stateErrorsAreClear() {
    Adam a = Adam.withLearningRate(1e-3);
    a.init(SIZES);
    byte[] state = a.saveState();
    Adam other = Adam.withLearningRate(2e-3);
    other.init(SIZES);
    assertMessage(() -> other.restoreState(state), "saved by");
    Adam sized = Adam.withLearningRate(1e-3);
    sized.init(new int[] {5, 9001});
    assertMessage(() -> sized.restoreState(state), "sizes");
    byte[] bad = state.clone();
    bad[bad.length / 2] ^= 1;
    assertMessage(() -> a.restoreState(bad), "corrupted");
    assertMessage(() -> a.restoreState(java.util.Arrays.copyOf(state, 10)), "truncated");
    assertMessage(() -> a.updateInPlace(new float[1][], new float[1][]), "tensors");
    assertMessage(() -> Adam.withLearningRate(1).updateInPlace(random(5), random(5)), "init");
  }

  static void assertMessage(Runnable r, String part) {
    RuntimeException e = assertThrows(RuntimeException.class, r::run);
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }

  static void assertClose(double[][] ref, float[][] p, double tol, String what) {
    for (int k = 0; k < ref.length; k++) {
      for (int i = 0; i < ref[k].length; i++) {
        assertEquals(ref[k][i], p[k][i], tol * Math.max(1, Math.abs(ref[k][i])), what + " [" + k + "][" + i + "]");
      }
    }
  }

  static float[][] random(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] a = new float[SIZES.length][];
    for (int k = 0; k < SIZES.length; k++) {
      a[k] = new float[SIZES[k]];
      for (int i = 0; i < SIZES[k]; i++) {
        a[k][i] = (float) r.nextGaussian();
      }
    }
    return a;
  }

  static FloatBuffer[] direct(float[][] a) {
    FloatBuffer[] out = new FloatBuffer[a.length];
    for (int k = 0; k < a.length; k++) {
      out[k] = ByteBuffer.allocateDirect(4 * a[k].length).order(ByteOrder.nativeOrder()).asFloatBuffer();
      out[k].put(0, a[k]);
    }
    return out;
  }

  static double[][] toDouble(float[][] a) {
    double[][] d = new double[a.length][];
    for (int k = 0; k < a.length; k++) {
      d[k] = new double[a[k].length];
      for (int i = 0; i < a[k].length; i++) {
        d[k][i] = a[k][i];
      }
    }
    return d;
  }

  static double[][] zerosLike(double[][] a) {
    double[][] z = new double[a.length][];
    for (int k = 0; k < a.length; k++) {
      z[k] = new double[a[k].length];
    }
    return z;
  }

  static float[][] copy(float[][] a) {
    float[][] c = new float[a.length][];
    for (int k = 0; k < a.length; k++) {
      c[k] = a[k].clone();
    }
    return c;
  }
}
