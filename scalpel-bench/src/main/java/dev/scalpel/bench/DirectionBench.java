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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One direction step, in place ({@code out == gMain}: the allocation-free path), over P floats split into 4
 * unequal tensors, on the vector kernel. gMain is overwritten by every call (as in training, where it then feeds
 * the optimiser); the values drift but stay finite, and the memory traffic does not depend on them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx6g"})
public class DirectionBench {

  @Param({"mixed", "bloop", "bloop-ratio", "dynamic-barrier", "pcgrad"})
  public String method;

  @Param({"1000", "10000", "100000", "1000000", "10000000", "100000000"})
  public int P;

  @Param({"1", "2"})
  public int threads;

  GradientSurgery surgery;
  SurgeryState state;
  float[][] gMain;
  float[][] gAux;

  /** The kernel this class measures; {@link ScalarDirectionBench} overrides it. */
  String expectedKernel() {
    return "vector";
  }

  @Setup(Level.Trial)
  public void setUp() {
    Shapes.requireKernel(expectedKernel());
    int[] sizes = Shapes.sizes(P);
    gMain = Shapes.randomTensors(sizes, 1);
    gAux = Shapes.randomTensors(sizes, 2);
    surgery = GradientSurgery.parse(Shapes.spec(method)).withThreads(threads);
    state = surgery.init(gMain, gAux);
  }

  @TearDown(Level.Trial)
  public void check() {
    if (state.skippedSteps() != 0) {
      throw new IllegalStateException("steps were skipped: the benchmark did not measure the normal path");
    }
  }

  @Benchmark
  public void direction() {
    surgery.direction(gMain, gAux, state, gMain);
  }
}
