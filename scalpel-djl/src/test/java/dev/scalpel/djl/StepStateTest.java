package dev.scalpel.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import dev.scalpel.core.GradientSurgery;
import dev.scalpel.train.checkpoint.CheckpointException;
import dev.scalpel.train.optim.Adam;
import dev.scalpel.train.optim.Sgd;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint round trip of a {@link TwoLossStep}: a step restored into fresh objects continues bit for bit like the
 * original; mismatched method, optimiser or layout are refused; and steps leave no native arrays behind.
 */
class StepStateTest {
  @TempDir
  Path dir;

  static final float[][] X = new float[10][];
  static final float[][] Y = new float[10][];

  static {
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < 10; i++) {
      X[i] = TwoLossStepTest.randoms(r, TwoLossStepTest.B * TwoLossStepTest.IN);
      Y[i] = TwoLossStepTest.randoms(r, TwoLossStepTest.B * TwoLossStepTest.OUT);
    }
  }

  static final class Run implements AutoCloseable {
    final NDManager m = NDManager.newBaseManager();
    final Linear block = Linear.builder().setUnits(TwoLossStepTest.OUT).build();
    final TwoLossStep step;

    Run(String spec, GradientPath path) {
      block.initialize(m, DataType.FLOAT32, new Shape(1, TwoLossStepTest.IN));
      step = TwoLossStep.builder(block).surgery(GradientSurgery.parse(spec)).optimiser(Adam.withLearningRate(0.05))
          .path(path).build();
      step.setParameterValues(new float[][] {new float[] {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f}, {0.01f, -0.02f}});
    }

    void steps(int from, int to) {
      for (int i = from; i < to; i++) {
        int k = i;
        step.step(sm -> TwoLossStepTest.squareLoss(block, step, sm, X[k % 10], Y[k % 10]),
            AuxiliaryLoss.autograd(sm -> TwoLossStepTest.squareLoss(block, step, sm, X[(k + 3) % 10],
                Y[(k + 3) % 10])));
      }
    }

    @Override
    public void close() {
      step.close();
      m.close();
    }
  }

  @Test
  void restoredStepContinuesBitForBit() {
    for (GradientPath path : GradientPath.values()) {
      String spec = "pcgrad:lambda=0.3,ema=0.2";
      float[][] expected;
      try (Run a = new Run(spec, path)) {
        a.steps(0, 12);
        expected = a.step.parameterValues();
      }
      Path file = dir.resolve("ck-" + path + ".bin");
      try (Run b = new Run(spec, path)) {
        b.steps(0, 5);
        b.step.saveCheckpoint(file, java.util.Map.of("mine", new byte[] {42}));
      }
      try (Run c = new Run(spec, path)) {
        var sections = c.step.loadCheckpoint(file);
        assertArrayEquals(new byte[] {42}, sections.get("mine"));
        assertEquals(5, c.step.steps());
        assertEquals(5, c.step.surgeryState().step());
        assertEquals(5, c.step.optimiser().updates());
        c.steps(5, 12);
        float[][] got = c.step.parameterValues();
        for (int t = 0; t < got.length; t++) {
          assertArrayEquals(expected[t], got[t], path + " tensor " + t);
        }
      }
    }
  }

  @Test
  void refusesOtherMethodOptimiserOrLayout() {
    Path file = dir.resolve("ck.bin");
    try (Run a = new Run("bloop:lambda=0.5", GradientPath.NATIVE)) {
      a.steps(0, 2);
      a.step.saveCheckpoint(file, null);
    }
    try (Run b = new Run("bloop:lambda=0.6", GradientPath.NATIVE)) {
      CheckpointException e = assertThrows(CheckpointException.class, () -> b.step.loadCheckpoint(file));
      assertTrue(e.getMessage().contains("method") && e.getMessage().contains(file.toString()), e.getMessage());
    }
    try (NDManager m = NDManager.newBaseManager()) {
      Linear block = Linear.builder().setUnits(TwoLossStepTest.OUT).build();
      block.initialize(m, DataType.FLOAT32, new Shape(1, TwoLossStepTest.IN));
      try (TwoLossStep sgd = TwoLossStep.builder(block).surgery(GradientSurgery.parse("bloop:lambda=0.5"))
          .optimiser(Sgd.builder().build()).build()) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> sgd.loadCheckpoint(file));
        assertTrue(e.getMessage().contains("optimiser"), e.getMessage());
      }
      Linear wider = Linear.builder().setUnits(3).build();
      wider.initialize(m, DataType.FLOAT32, new Shape(1, TwoLossStepTest.IN));
      try (TwoLossStep w = TwoLossStep.builder(wider).surgery(GradientSurgery.parse("bloop:lambda=0.5"))
          .optimiser(Adam.withLearningRate(0.05)).build()) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> w.loadCheckpoint(file));
        assertTrue(e.getMessage().contains("parameters"), e.getMessage());
      }
    }
  }

  @Test
  void optimiserUpdatesTensorsInPlace() {
    try (NDManager m = NDManager.newBaseManager()) {
      ai.djl.ndarray.NDArray p = m.create(new float[] {1f, 2f, 3f});
      ai.djl.ndarray.NDArray d = m.create(new float[] {1f, -1f, 0.5f});
      Sgd sgd = Sgd.builder().learningRate(0.5).build();
      sgd.init(new int[] {3});
      NativeViews.updateInPlace(sgd, java.util.List.of(p), java.util.List.of(d));
      assertArrayEquals(new float[] {0.5f, 2.5f, 2.75f}, p.toFloatArray());
      assertArrayEquals(new float[] {1f, -1f, 0.5f}, d.toFloatArray());
    }
  }

  @Test
  void stepsLeaveNoNativeArraysBehind() {
    try (Run a = new Run("bloop:lambda=0.5,ema=0.1", GradientPath.NATIVE)) {
      NDManager params = a.block.getParameters().get(0).getValue().getArray().getManager();
      a.steps(0, 3);
      int p0 = params.getManagedArrays().size();
      int s0 = a.step.manager().getManagedArrays().size();
      int r0 = a.m.getManagedArrays().size();
      a.steps(3, 60);
      assertEquals(p0, params.getManagedArrays().size(), "parameter manager");
      assertEquals(s0, a.step.manager().getManagedArrays().size(), "step manager");
      assertEquals(r0, a.m.getManagedArrays().size(), "root manager");
    }
  }
}
