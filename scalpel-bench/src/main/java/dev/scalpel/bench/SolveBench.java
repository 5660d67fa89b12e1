package dev.scalpel.bench;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.core.SurgeryState;
import java.util.SplittableRandom;
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
 * The k×k solve of each method: a whole direction call on tiny gradients (P = 2k floats, one tensor, one thread),
 * where the P-sized passes cost next to nothing; {@code mean} (no solve) is the baseline measured in the same
 * run. The gradients are random Gaussians (generic position, no Pareto-stationarity), fixed across calls, and
 * states are fresh each call's worth (the methods are stateless except GradVac's targets).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SolveBench {

  @Param({"mean", "mgda", "upgrad", "dualproj", "cagrad", "nash-mtl", "imtl-g", "aligned-mtl", "gradvac", "pcgrad",
      "bloop"})
  public String method;

  @Param({"2", "4", "8", "16", "32", "64"})
  public int k;

  GradientSurgery surgery;
  SurgeryState state;
  float[][][] g;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom r = new SplittableRandom(k);
    g = new float[k][1][2 * k];
    for (int i = 0; i < k; i++) {
      for (int q = 0; q < 2 * k; q++) {
        g[i][0][q] = (float) r.nextGaussian();
      }
    }
    String spec = switch (method) {
      case "pcgrad" -> "pcgrad:lambda=1,ema=1";
      case "bloop" -> "bloop:lambda=1,ema=1";
      default -> method;
    };
    surgery = GradientSurgery.parse(spec).withThreads(1);
    state = surgery.init(g);
  }

  @Benchmark
  public float[][] direction() {
    return surgery.direction(g, state);
  }
}
