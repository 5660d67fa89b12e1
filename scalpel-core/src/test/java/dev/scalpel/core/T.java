package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;

/** Small helpers shared by the core tests: random multi-tensor gradients, copies, conversions, comparisons. */
final class T {
  private T() {
  }

  /** Sizes that are deliberately ragged: not multiples of 8, one of 1, one across a chunk boundary. */
  static final int[] SMALL = {37, 1, 300, 64, 8};
  static final int[] ACROSS_CHUNK = {Layout.CHUNK + 13, 5, 2 * Layout.CHUNK - 3};
  /** Over Layout.PARALLEL_MIN (2^18) in all, ragged, so several threads really split the work. */
  static final int[] LARGE = {100_003, 8_191, 131_075, 17, 65_541};

  static float[][] gaussian(Random rnd, int[] sizes, double scale) {
    float[][] x = new float[sizes.length][];
    for (int t = 0; t < sizes.length; t++) {
      x[t] = new float[sizes[t]];
      for (int i = 0; i < sizes[t]; i++) {
        x[t][i] = (float) (scale * rnd.nextGaussian());
      }
    }
    return x;
  }

  /** a*x + b*y + noise*N(0,1), rounded to float: lets a test choose how g_aux relates to g_main. */
  static float[][] mix(Random rnd, float[][] x, double a, float[][] y, double b, double noise) {
    float[][] z = new float[x.length][];
    for (int t = 0; t < x.length; t++) {
      z[t] = new float[x[t].length];
      for (int i = 0; i < x[t].length; i++) {
        z[t][i] = (float) (a * x[t][i] + b * (y == null ? 0 : y[t][i]) + noise * rnd.nextGaussian());
      }
    }
    return z;
  }

  /**
   * The two-loss state the two-loss release's one-template init made: every EMA (pcgrad's two) starts from the
   * template. (The one-argument init now refuses pcgrad with init=grad, whose EMAs must start from their own
   * gradients.)
   */
  static SurgeryState init(GradientSurgery s, float[][] template) {
    return s.init(template, template);
  }

  static SurgeryState init(GradientSurgery s, FloatBuffer[] template) {
    return s.init(template, template);
  }

  static SurgeryState init(GradientSurgery s, float[][] main, float[][] aux) {
    return s.init(main, aux);
  }

  static SurgeryState init(GradientSurgery s, FloatBuffer[] main, FloatBuffer[] aux) {
    return s.init(main, aux);
  }

  static float[][] copy(float[][] x) {
    float[][] y = new float[x.length][];
    for (int t = 0; t < x.length; t++) {
      y[t] = x[t].clone();
    }
    return y;
  }

  static double[][] toDouble(float[][] x) {
    double[][] y = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      y[t] = new double[x[t].length];
      for (int i = 0; i < x[t].length; i++) {
        y[t][i] = x[t][i];
      }
    }
    return y;
  }

  static float[][] zerosLike(int[] sizes) {
    float[][] x = new float[sizes.length][];
    for (int t = 0; t < sizes.length; t++) {
      x[t] = new float[sizes[t]];
    }
    return x;
  }

  static float[][] emas(SurgeryState s, boolean aux) {
    float[][] e = new float[s.tensorCount()][];
    for (int t = 0; t < e.length; t++) {
      e[t] = aux ? s.emaAux(t) : s.ema(t);
    }
    return e;
  }

  static int[] emaSizes(float[][] x) {
    int[] s = new int[x.length];
    for (int t = 0; t < x.length; t++) {
      s[t] = x[t].length;
    }
    return s;
  }

  static int total(int[] sizes) {
    int n = 0;
    for (int s : sizes) {
      n += s;
    }
    return n;
  }

  /** Global inner product, in double, plain order. */
  static double dot(float[][] x, float[][] y) {
    double s = 0;
    for (int t = 0; t < x.length; t++) {
      for (int i = 0; i < x[t].length; i++) {
        s += (double) x[t][i] * y[t][i];
      }
    }
    return s;
  }

  static double norm(float[][] x) {
    return Math.sqrt(dot(x, x));
  }

  /** Element-by-element identity of the IEEE bits (NaNs compared by their bits too). */
  static void assertBitwise(float[][] expected, float[][] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": tensor count");
    for (int t = 0; t < expected.length; t++) {
      assertEquals(expected[t].length, actual[t].length, what + ": size of tensor " + t);
      for (int i = 0; i < expected[t].length; i++) {
        if (Float.floatToRawIntBits(expected[t][i]) != Float.floatToRawIntBits(actual[t][i])) {
          fail(what + ": tensor " + t + " element " + i + ": expected " + expected[t][i] + " (0x"
              + Integer.toHexString(Float.floatToRawIntBits(expected[t][i])) + "), got " + actual[t][i] + " (0x"
              + Integer.toHexString(Float.floatToRawIntBits(actual[t][i])) + ")");
        }
      }
    }
  }

  // ---- buffers

  enum BufferKind {
    HEAP, DIRECT_NATIVE, DIRECT_BIG_ENDIAN, HEAP_OFFSET, DIRECT_OFFSET
  }

  /** A buffer holding x between its position and limit, of the given kind (offset kinds: garbage around it). */
  static FloatBuffer buffer(float[] x, BufferKind kind) {
    int pad = switch (kind) {
      case HEAP_OFFSET, DIRECT_OFFSET -> 7;
      default -> 0;
    };
    int cap = x.length + 2 * pad;
    FloatBuffer b = switch (kind) {
      case HEAP, HEAP_OFFSET -> FloatBuffer.allocate(cap);
      case DIRECT_NATIVE, DIRECT_OFFSET -> ByteBuffer.allocateDirect(4 * cap).order(ByteOrder.nativeOrder())
          .asFloatBuffer();
      case DIRECT_BIG_ENDIAN -> ByteBuffer.allocateDirect(4 * cap).order(ByteOrder.BIG_ENDIAN).asFloatBuffer();
    };
    for (int i = 0; i < cap; i++) {
      b.put(i, 12345.5f); // garbage that must be neither read nor written
    }
    b.put(pad, x);
    b.position(pad);
    b.limit(pad + x.length);
    return b;
  }

  static FloatBuffer[] buffers(float[][] x, BufferKind kind) {
    FloatBuffer[] b = new FloatBuffer[x.length];
    for (int t = 0; t < x.length; t++) {
      b[t] = buffer(x[t], kind);
    }
    return b;
  }

  /** The remaining elements of each buffer (positions unchanged). */
  static float[][] contents(FloatBuffer[] b) {
    float[][] x = new float[b.length][];
    for (int t = 0; t < b.length; t++) {
      x[t] = new float[b[t].remaining()];
      b[t].get(b[t].position(), x[t]);
    }
    return x;
  }

  /** Checks the padding around an offset buffer's window was left alone. */
  static void assertPaddingIntact(FloatBuffer[] b) {
    for (int t = 0; t < b.length; t++) {
      FloatBuffer w = b[t].duplicate().clear();
      for (int i = 0; i < b[t].position(); i++) {
        assertEquals(12345.5f, w.get(i), "padding before tensor " + t);
      }
      for (int i = b[t].limit(); i < w.capacity(); i++) {
        assertEquals(12345.5f, w.get(i), "padding after tensor " + t);
      }
    }
  }
}
