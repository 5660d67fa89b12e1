package dev.scalpel.bench;

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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * STREAM-style triads over P floats, the bandwidth reference: {@code inPlace} is a[i] = a[i] + s*b[i] (2 reads,
 * 1 write of a line already read: 3 passes, no write-allocate), {@code classic} is STREAM's a[i] = b[i] + s*c[i]
 * (counted as 3 passes, as STREAM does, although a write-allocate cache reads a too). With threads = 2 the range is
 * split in two halves run on the calling thread and one worker ({@link Halves}), always (no small-P cut-off), so at
 * small P it shows the hand-off cost; a worker that is late (not scheduled) leaves both halves to the caller.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx6g"})
public class TriadBench {

  @Param({"1000", "10000", "100000", "1000000", "10000000", "100000000"})
  public int P;

  @Param({"1", "2"})
  public int threads;

  float[] a;
  float[] b;
  float[] c;
  float s = 1e-3f;
  Halves halves;
  Halves.Body inPlaceBody;
  Halves.Body classicBody;

  @Setup(Level.Trial)
  public void setUp() {
    if (threads != 1 && threads != 2) {
      throw new IllegalArgumentException("threads must be 1 or 2");
    }
    SplittableRandom r = new SplittableRandom(3);
    a = new float[P];
    b = new float[P];
    c = new float[P];
    for (int i = 0; i < P; i++) {
      a[i] = (float) r.nextDouble();
      b[i] = (float) r.nextDouble();
      c[i] = (float) r.nextDouble();
    }
    if (threads == 2) {
      halves = new Halves();
    }
    inPlaceBody = (from, to) -> inPlace(a, b, s, from, to);
    classicBody = (from, to) -> classic(a, b, c, s, from, to);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (halves != null) {
      halves.close();
    }
  }

  static void inPlace(float[] a, float[] b, float s, int from, int to) {
    for (int i = from; i < to; i++) {
      a[i] = a[i] + s * b[i];
    }
  }

  static void classic(float[] a, float[] b, float[] c, float s, int from, int to) {
    for (int i = from; i < to; i++) {
      a[i] = b[i] + s * c[i];
    }
  }

  @Benchmark
  public void inPlace() {
    if (halves == null) {
      inPlace(a, b, s, 0, P);
    } else {
      halves.run(P, inPlaceBody);
    }
  }

  @Benchmark
  public void classic() {
    if (halves == null) {
      classic(a, b, c, s, 0, P);
    } else {
      halves.run(P, classicBody);
    }
  }
}
