package dev.scalpel.bench;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/** Shared set-up for the benchmarks: a model of P floats split into unequal tensors, method specs, checks. */
final class Shapes {
  private Shapes() {}

  /**
   * P floats split into 4 unequal tensors (55 %, 25 %, 13 %, rest), so chunk tails and tensor boundaries occur as
   * in a real model. P below 4 gives one tensor.
   */
  static int[] sizes(int p) {
    if (p < 4) {
      return new int[] {p};
    }
    int a = (int) (p * 0.55);
    int b = (int) (p * 0.25);
    int c = (int) (p * 0.13);
    return new int[] {a, b, c, p - a - b - c};
  }

  static float[][] randomTensors(int[] sizes, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] x = new float[sizes.length][];
    for (int t = 0; t < sizes.length; t++) {
      x[t] = new float[sizes[t]];
      for (int i = 0; i < sizes[t]; i++) {
        x[t][i] = (float) (r.nextDouble() * 2 - 1);
      }
    }
    return x;
  }

  static FloatBuffer[] directCopies(float[][] x) {
    FloatBuffer[] b = new FloatBuffer[x.length];
    for (int t = 0; t < x.length; t++) {
      b[t] = ByteBuffer.allocateDirect(4 * x[t].length).order(ByteOrder.nativeOrder()).asFloatBuffer();
      b[t].put(0, x[t]);
    }
    return b;
  }

  /**
   * The spec benchmarked for each method name; bloop-ratio is bloop with ratio-only. ρ = 0.01 (the paper's
   * choice), λ = 0.1; neither changes the memory traffic.
   */
  static String spec(String method) {
    return switch (method) {
      case "mixed" -> "mixed:lambda=0.1";
      case "bloop" -> "bloop:lambda=0.1,ema=0.01";
      case "bloop-ratio" -> "bloop:lambda=0.1,ema=0.01,ratio-only=true";
      case "dynamic-barrier" -> "dynamic-barrier:lambda=0.1,ema=0.01";
      case "pcgrad" -> "pcgrad:lambda=0.1,ema=0.01";
      default -> throw new IllegalArgumentException("unknown benchmark method " + method);
    };
  }

  /** Passes over P floats of the method's minimal memory traffic (StepRunner's comment; the count). */
  static int passes(String method) {
    return switch (method) {
      case "mixed" -> 3; // its minimum; it makes 5 (a read-only check pass first, so that a failure writes nothing)
      case "bloop", "bloop-ratio", "dynamic-barrier" -> 8;
      case "pcgrad" -> 11;
      case "triad", "triad-classic" -> 3;
      default -> throw new IllegalArgumentException("unknown benchmark method " + method);
    };
  }

  /** The name of the kernel scalpel-core selected in this JVM ("vector" or "scalar"), read reflectively. */
  static String coreKernel() {
    try {
      Class<?> k = Class.forName("dev.scalpel.core.Kernel");
      Field f = k.getDeclaredField("DEFAULT");
      f.setAccessible(true);
      Object kernel = f.get(null);
      Method name = k.getDeclaredMethod("name");
      name.setAccessible(true);
      return (String) name.invoke(kernel);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return "unknown (" + e + ")";
    }
  }

  /** Fails the trial when the core did not pick the kernel this benchmark is meant to measure. */
  static void requireKernel(String expected) {
    String actual = coreKernel();
    if (!actual.equals(expected)) {
      throw new IllegalStateException("scalpel-core uses the " + actual + " kernel, this benchmark measures the "
          + expected + " one: check --add-modules jdk.incubator.vector / -Dscalpel.kernel");
    }
  }
}
