package dev.scalpel.bench;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.core.SurgeryState;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One k-loss direction step, in place (out = g_0), over P floats split into 4 unequal tensors: the Gramian pass,
 * the k×k solve and the combine pass. Methods: {@code upgrad} (a Gramian weighting: the full k×k Gramian, no
 * state; the same P-sized work as every aggregator), {@code bloop} (EMAs of the k−1 higher-priority gradients,
 * ρ = 0.01), {@code mean} (no inner products: the pass that checks the inputs, then the combine). k = 2 runs on
 * the general path for upgrad and mean, on the two-loss fast path for bloop.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms2g", "-Xmx12g"})
public class KLossBench {

  @Param({"upgrad", "bloop", "mean"})
  public String method;

  @Param({"2", "3", "5", "8"})
  public int k;

  @Param({"10000000", "100000000"})
  public int P;

  @Param({"1", "2"})
  public int threads;

  GradientSurgery surgery;
  SurgeryState state;
  float[][][] g;

  @Setup(Level.Trial)
  public void setUp() {
    Shapes.requireKernel("vector");
    int[] sizes = Shapes.sizes(P);
    g = new float[k][][];
    for (int i = 0; i < k; i++) {
      g[i] = Shapes.randomTensors(sizes, 10 + i);
    }
    surgery = GradientSurgery.parse(spec(method)).withThreads(threads);
    state = surgery.init(g);
  }

  static String spec(String method) {
    return switch (method) {
      case "upgrad" -> "upgrad";
      case "bloop" -> "bloop:lambda=0.1,ema=0.01";
      case "mean" -> "mean";
      default -> throw new IllegalArgumentException(method);
    };
  }

  /**
   * Passes over P floats of the minimal memory traffic: read the k gradients (and E EMAs) once for the Gramian,
   * once more for the combine, write the direction (and the E EMAs): 2k + 1 for a Gramian weighting and for mean,
   * 2(k + E) + E + 1 with E = k − 1 for bloop (5k − 2; 8 for two losses).
   */
  static int passes(String method, int k) {
    return switch (method) {
      case "upgrad", "mean" -> 2 * k + 1;
      case "bloop" -> 5 * k - 2;
      default -> throw new IllegalArgumentException(method);
    };
  }

  @Benchmark
  public void direction() {
    surgery.direction(g, state, g[0]);
  }
}
