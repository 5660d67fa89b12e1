package dev.scalpel.bench;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.core.SurgeryState;
import java.nio.FloatBuffer;
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
 * The FloatBuffer path over direct buffers (as when viewing native tensors) against the float[] path, same model,
 * same state kind, in place ({@code out == gMain}) in both, vector kernel.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx6g"})
public class BufferBench {

  @Param({"mixed", "bloop", "pcgrad"})
  public String method;

  @Param({"10000000"})
  public int P;

  @Param({"1", "2"})
  public int threads;

  GradientSurgery surgery;
  SurgeryState arrayState;
  SurgeryState bufferState;
  float[][] gMain;
  float[][] gAux;
  FloatBuffer[] bMain;
  FloatBuffer[] bAux;

  @Setup(Level.Trial)
  public void setUp() {
    Shapes.requireKernel("vector");
    int[] sizes = Shapes.sizes(P);
    gMain = Shapes.randomTensors(sizes, 1);
    gAux = Shapes.randomTensors(sizes, 2);
    bMain = Shapes.directCopies(gMain);
    bAux = Shapes.directCopies(gAux);
    surgery = GradientSurgery.parse(Shapes.spec(method)).withThreads(threads);
    arrayState = surgery.init(gMain, gAux);
    bufferState = surgery.init(bMain, bAux);
  }

  @Benchmark
  public void arrays() {
    surgery.direction(gMain, gAux, arrayState, gMain);
  }

  @Benchmark
  public void buffers() {
    surgery.direction(bMain, bAux, bufferState, bMain);
  }
}
