package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Results must not depend on the number of threads: 1, 2 and 3 threads give bit-identical directions and EMAs on
 * a model over 2^18 floats (ragged tensor sizes, so chunks of every length), and the extra threads really run.
 */
class ThreadInvarianceTest {
  static final int[] SIZES = T.LARGE;
  static final int STEPS = 3;
  static float[][] template;
  static float[][][] mains;
  static float[][][] auxes;

  @BeforeAll
  static void data() {
    assertTrue(T.total(SIZES) > Layout.PARALLEL_MIN, "the model must be large enough to run in parallel");
    Random rnd = new Random(2024);
    template = T.gaussian(rnd, SIZES, 1);
    mains = new float[STEPS][][];
    auxes = new float[STEPS][][];
    for (int k = 0; k < STEPS; k++) {
      mains[k] = T.gaussian(rnd, SIZES, 1);
      auxes[k] = T.mix(rnd, mains[k], k % 2 == 0 ? -0.8 : 0.8, null, 0, 1);
    }
  }

  record Result(float[][][] directions, byte[] snapshot, double ratio, double ratioAux, boolean workersRan) {
  }

  static Result run(GradientSurgery s) {
    SurgeryState st = T.init(s, template);
    DelegatingKernel spy = new DelegatingKernel(Kernel.DEFAULT);
    spy.awaitWorker = s.threads() > 1;
    st.runner.kernel = spy;
    float[][][] d = new float[STEPS][][];
    for (int k = 0; k < STEPS; k++) {
      d[k] = s.direction(mains[k], auxes[k], st);
    }
    return new Result(d, st.snapshot(), st.lastRatio(), st.lastRatioAux(),
        spy.threads.stream().anyMatch(n -> n.startsWith("scalpel-worker")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"mixed:lambda=0.3,rescale=true", "bloop:lambda=0.5,ema=0.1",
      "bloop:lambda=0.5,ema=0.1,ratio-only=true,init=random", "dynamic-barrier:lambda=5,ema=0.5",
      "pcgrad:lambda=0.5,ema=0.3,init=zeros"})
  void oneTwoAndThreeThreadsAgreeBitForBit(String spec) {
    GradientSurgery s = GradientSurgery.parse(spec);
    Result one = run(s.withThreads(1));
    assertTrue(!one.workersRan(), "one thread: the caller only");
    for (int threads : new int[] {2, 3}) {
      Result r = run(s.withThreads(threads));
      assertTrue(r.workersRan(), threads + " threads: some chunks ran on the pool's workers");
      for (int k = 0; k < STEPS; k++) {
        T.assertBitwise(one.directions()[k], r.directions()[k], spec + ", " + threads + " threads, step " + k);
      }
      assertArrayEquals(one.snapshot(), r.snapshot(), spec + ", " + threads + " threads: state");
      assertEquals(Double.doubleToLongBits(one.ratio()), Double.doubleToLongBits(r.ratio()), "ratio");
      assertEquals(Double.doubleToLongBits(one.ratioAux()), Double.doubleToLongBits(r.ratioAux()), "aux ratio");
    }
  }

  @Test
  void smallModelsStayOnTheCallingThread() {
    GradientSurgery s = GradientSurgery.parse("bloop").withThreads(3);
    float[][] g = T.gaussian(new Random(1), new int[] {Layout.CHUNK * 3, 17}, 1);
    SurgeryState st = T.init(s, g);
    DelegatingKernel spy = new DelegatingKernel(Kernel.DEFAULT);
    st.runner.kernel = spy;
    s.direction(g, g, st);
    assertEquals(java.util.Set.of(Thread.currentThread().getName()), spy.threads);
  }

  /** Two training loops at once, sharing the 2-thread pool, each get exactly their sequential results. */
  @Test
  void concurrentStatesShareThePoolSafely() throws Exception {
    GradientSurgery s = GradientSurgery.parse("bloop:lambda=0.5,ema=0.2").withThreads(2);
    Result alone = run(s);
    ExecutorService ex = Executors.newFixedThreadPool(2);
    try {
      List<Future<Result>> futures = new ArrayList<>();
      Callable<Result> job = () -> run(s);
      futures.add(ex.submit(job));
      futures.add(ex.submit(job));
      for (Future<Result> f : futures) {
        Result r = f.get();
        for (int k = 0; k < STEPS; k++) {
          T.assertBitwise(alone.directions()[k], r.directions()[k], "concurrent run, step " + k);
        }
        assertArrayEquals(alone.snapshot(), r.snapshot());
      }
    } finally {
      ex.shutdownNow();
    }
  }

  /** A failure inside a worker reaches the caller, and the pool keeps working afterwards. */
  @Test
  void aWorkerFailureReachesTheCallerAndThePoolRecovers() {
    GradientSurgery s = GradientSurgery.parse("bloop:lambda=0.5,ema=0.2").withThreads(2);
    SurgeryState st = T.init(s, template);
    DelegatingKernel spy = new DelegatingKernel(Kernel.DEFAULT);
    spy.failInWorkers = true;
    spy.awaitWorker = true;
    st.runner.kernel = spy;
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.direction(mains[0], auxes[0], st));
    assertTrue(e.getMessage().contains("kernel failure in scalpel-worker-2-1"), e.getMessage());
    Result after = run(s);
    Result reference = run(s.withThreads(1));
    for (int k = 0; k < STEPS; k++) {
      T.assertBitwise(reference.directions()[k], after.directions()[k], "after the failure, step " + k);
    }
  }

  @Test
  void threadCountsAreValidated() {
    GradientSurgery s = GradientSurgery.parse("bloop");
    String m = assertThrows(IllegalArgumentException.class, () -> s.withThreads(0)).getMessage();
    assertTrue(m.contains("threads (0)") && m.contains("[1, 256]"), m);
    String big = assertThrows(IllegalArgumentException.class, () -> s.withThreads(1000)).getMessage();
    assertTrue(big.contains("threads (1000)"), big);
    assertEquals(3, s.withThreads(3).threads());
    assertEquals(s, s.withThreads(3), "the thread count is not part of the method's identity");
  }

  @Test
  void defaultThreadsComeFromTheSystemProperty() {
    String old = System.getProperty("scalpel.threads");
    try {
      System.setProperty("scalpel.threads", "3");
      assertEquals(3, GradientSurgery.parse("bloop").threads());
      System.setProperty("scalpel.threads", "many");
      String m = assertThrows(IllegalArgumentException.class, () -> GradientSurgery.parse("bloop")).getMessage();
      assertTrue(m.contains("scalpel.threads (many)"), m);
      System.clearProperty("scalpel.threads");
      int expected = Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
      assertEquals(expected, GradientSurgery.parse("bloop").threads());
    } finally {
      if (old == null) {
        System.clearProperty("scalpel.threads");
      } else {
        System.setProperty("scalpel.threads", old);
      }
    }
  }
}
