package dev.scalpel.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import dev.scalpel.core.GradientSurgery;
import dev.scalpel.train.optim.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Parameters the main loss does not reach — an auxiliary-only head, an unused block — used to crash the JVM
 * (a view of a freed temporary gradient) or, on the arrays path, drive those parameters to ~1e30. Three
 * Linear(3→2) blocks A, B, C: main loss ½·mean‖A x₁ − y₁‖²; auxiliary loss ½·mean‖A x₂ − y₂‖² + ½·mean‖B x₂ − y₃‖²
 * (autograd) or ½|θ|² over every parameter (analytic); C in neither. Every step against the closed form
 * θ ← θ − 0.1·(g_m + 0.5(g_a − r g_m)), r = <g_m, g_a>/(|g_m|² + 1e-7) (bloop, ema = 1), on every gradient path.
 */
class UnreachedParameterTest {
  static final int IN = 3;
  static final int OUT = 2;
  static final int B = 4;

  @ParameterizedTest
  @CsvSource({"NATIVE, autograd", "NATIVE, analytic", "GRADIENT_ARRAYS, autograd", "GRADIENT_ARRAYS, analytic",
      "ARRAYS, autograd", "ARRAYS, analytic"})
  void auxiliaryOnlyAndUnusedParametersFollowTheClosedForm(GradientPath path, String auxKind) {
    SplittableRandom rnd = new SplittableRandom(3);
    float[] x1 = TwoLossStepTest.randoms(rnd, B * IN);
    float[] y1 = TwoLossStepTest.randoms(rnd, B * OUT);
    float[] x2 = TwoLossStepTest.randoms(rnd, B * IN);
    float[] y2 = TwoLossStepTest.randoms(rnd, B * OUT);
    float[] y3 = TwoLossStepTest.randoms(rnd, B * OUT);
    double lr = 0.1;
    try (NDManager m = NDManager.newBaseManager()) {
      Linear a = linear(m);
      Linear b = linear(m);
      Linear c = linear(m);
      List<Parameter> params = new ArrayList<>();
      for (Linear l : new Linear[] {a, b, c}) {
        for (Pair<String, Parameter> p : l.getParameters()) {
          params.add(p.getValue());
        }
      }
      try (TwoLossStep step = TwoLossStep.builder(params).surgery(GradientSurgery.parse("bloop:lambda=0.5,ema=1"))
          .optimiser(Sgd.builder().learningRate(lr).build()).path(path).build()) {
        LossFunction main = sm -> loss(a, step, sm, x1, y1);
        AuxiliaryLoss aux = auxKind.equals("autograd")
            ? AuxiliaryLoss.autograd(sm -> loss(a, step, sm, x2, y2).add(loss(b, step, sm, x2, y3)))
            : AuxiliaryLoss.analytic((ps, grad) -> {
              double v = 0;
              for (int t = 0; t < ps.length; t++) {
                for (int i = 0; i < grad[t].length; i++) {
                  float p = ps[t].get(ps[t].position() + i);
                  v += 0.5 * p * p;
                  grad[t][i] = p;
                }
              }
              return v;
            });
        float[][] c0 = {step.parameterValues()[4].clone(), step.parameterValues()[5].clone()};
        for (int s = 0; s < 4; s++) {
          float[][] th = step.parameterValues(); // A.W, A.b, B.W, B.b, C.W, C.b
          double[][] gm = new double[6][];
          double[][] ga = new double[6][];
          double[][] gA1 = TwoLossStepTest.squareGrad(d(th[0]), d(th[1]), x1, y1);
          gm[0] = gA1[0];
          gm[1] = gA1[1];
          for (int t = 2; t < 6; t++) {
            gm[t] = new double[th[t].length];
          }
          if (auxKind.equals("autograd")) {
            double[][] gA2 = TwoLossStepTest.squareGrad(d(th[0]), d(th[1]), x2, y2);
            double[][] gB = TwoLossStepTest.squareGrad(d(th[2]), d(th[3]), x2, y3);
            ga[0] = gA2[0];
            ga[1] = gA2[1];
            ga[2] = gB[0];
            ga[3] = gB[1];
            ga[4] = new double[th[4].length];
            ga[5] = new double[th[5].length];
          } else {
            for (int t = 0; t < 6; t++) {
              ga[t] = d(th[t]);
            }
          }
          double r = dot(gm, ga) / (dot(gm, gm) + 1e-7);
          step.step(main, aux);
          float[][] after = step.parameterValues();
          for (int t = 0; t < 6; t++) {
            for (int i = 0; i < th[t].length; i++) {
              double expected = th[t][i] - lr * (gm[t][i] + 0.5 * (ga[t][i] - r * gm[t][i]));
              assertEquals(expected, after[t][i], 1e-5, path + " " + auxKind + " step " + s + " tensor " + t
                  + " element " + i);
            }
          }
        }
        if (auxKind.equals("autograd")) { // C is in neither loss: it never moves
          org.junit.jupiter.api.Assertions.assertArrayEquals(c0[0], step.parameterValues()[4]);
          org.junit.jupiter.api.Assertions.assertArrayEquals(c0[1], step.parameterValues()[5]);
        }
      }
    }
  }

  /** The same on the k-loss step: both losses from one call, two backward passes; C never moves. */
  @Test
  void theKLossStepToo() {
    SplittableRandom rnd = new SplittableRandom(3);
    float[] x1 = TwoLossStepTest.randoms(rnd, B * IN);
    float[] y1 = TwoLossStepTest.randoms(rnd, B * OUT);
    float[] x2 = TwoLossStepTest.randoms(rnd, B * IN);
    float[] y2 = TwoLossStepTest.randoms(rnd, B * OUT);
    float[] y3 = TwoLossStepTest.randoms(rnd, B * OUT);
    try (NDManager m = NDManager.newBaseManager()) {
      Linear a = linear(m);
      Linear b = linear(m);
      Linear c = linear(m);
      List<Parameter> params = new ArrayList<>();
      for (Linear l : new Linear[] {a, b, c}) {
        for (Pair<String, Parameter> p : l.getParameters()) {
          params.add(p.getValue());
        }
      }
      try (KLossStep step = KLossStep.builder(params).surgery(GradientSurgery.parse("bloop:lambda=0.5,ema=1"))
          .optimiser(Sgd.builder().learningRate(0.1).build()).build()) {
        float[][] c0 = {step.parameterValues()[4].clone(), step.parameterValues()[5].clone()};
        for (int s = 0; s < 4; s++) {
          float[][] th = step.parameterValues();
          double[][] gm = new double[6][];
          double[][] ga = new double[6][];
          double[][] gA1 = TwoLossStepTest.squareGrad(d(th[0]), d(th[1]), x1, y1);
          double[][] gA2 = TwoLossStepTest.squareGrad(d(th[0]), d(th[1]), x2, y2);
          double[][] gB = TwoLossStepTest.squareGrad(d(th[2]), d(th[3]), x2, y3);
          gm[0] = gA1[0];
          gm[1] = gA1[1];
          ga[0] = gA2[0];
          ga[1] = gA2[1];
          ga[2] = gB[0];
          ga[3] = gB[1];
          for (int t = 2; t < 6; t++) {
            gm[t] = new double[th[t].length];
            if (t >= 4) {
              ga[t] = new double[th[t].length];
            }
          }
          double r = dot(gm, ga) / (dot(gm, gm) + 1e-7);
          step.step(Losses.of(sm -> lossK(a, step, sm, x1, y1),
              sm -> lossK(a, step, sm, x2, y2).add(lossK(b, step, sm, x2, y3))));
          float[][] after = step.parameterValues();
          for (int t = 0; t < 6; t++) {
            for (int i = 0; i < th[t].length; i++) {
              assertEquals(th[t][i] - 0.1 * (gm[t][i] + 0.5 * (ga[t][i] - r * gm[t][i])), after[t][i], 1e-5);
            }
          }
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(c0[0], step.parameterValues()[4]);
        org.junit.jupiter.api.Assertions.assertArrayEquals(c0[1], step.parameterValues()[5]);
      }
    }
  }

  static NDArray lossK(Linear block, KLossStep step, NDManager sm, float[] x, float[] y) {
    NDArray xs = sm.create(x, new Shape(B, IN));
    NDArray ys = sm.create(y, new Shape(B, OUT));
    NDArray pred = block.forward(step.parameterStore(), new NDList(xs), true).singletonOrThrow();
    return pred.sub(ys).square().sum().mul(0.5 / B);
  }

  /** Only the main loss reaches B (the auxiliary one does not): the mirror case. */
  @ParameterizedTest
  @CsvSource({"NATIVE", "GRADIENT_ARRAYS", "ARRAYS"})
  void mainOnlyParametersAreFine(GradientPath path) {
    SplittableRandom rnd = new SplittableRandom(5);
    float[] x = TwoLossStepTest.randoms(rnd, B * IN);
    float[] y = TwoLossStepTest.randoms(rnd, B * OUT);
    try (NDManager m = NDManager.newBaseManager()) {
      Linear a = linear(m);
      Linear b = linear(m);
      List<Parameter> params = new ArrayList<>();
      for (Linear l : new Linear[] {a, b}) {
        for (Pair<String, Parameter> p : l.getParameters()) {
          params.add(p.getValue());
        }
      }
      try (TwoLossStep step = TwoLossStep.builder(params).surgery(GradientSurgery.parse("mixed:lambda=1"))
          .optimiser(Sgd.builder().learningRate(0.1).build()).path(path).build()) {
        float[][] before = step.parameterValues();
        step.step(sm -> loss(a, step, sm, x, y).add(loss(b, step, sm, x, y)),
            AuxiliaryLoss.autograd(sm -> loss(a, step, sm, x, y)));
        float[][] after = step.parameterValues();
        double[][] gb = TwoLossStepTest.squareGrad(d(before[2]), d(before[3]), x, y);
        for (int i = 0; i < before[2].length; i++) {
          assertEquals(before[2][i] - 0.1 * gb[0][i], after[2][i], 1e-5);
        }
      }
    }
  }

  /** A frozen parameter (no gradient) given explicitly is refused clearly; builder(block) leaves it out. */
  @Test
  void frozenParametersAreRefusedOrLeftOut() {
    try (NDManager m = NDManager.newBaseManager()) {
      Linear a = linear(m);
      Linear frozen = linear(m);
      List<Parameter> params = new ArrayList<>();
      for (Linear l : new Linear[] {a, frozen}) {
        for (Pair<String, Parameter> p : l.getParameters()) {
          params.add(p.getValue());
        }
      }
      frozen.freezeParameters(true);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TwoLossStep.builder(params)
          .surgery(GradientSurgery.parse("bloop")).optimiser(Sgd.builder().build()).build());
      assertTrue(e.getMessage().contains("does not require a gradient"), e.getMessage());
      try (TwoLossStep step = TwoLossStep.builder(frozen).surgery(GradientSurgery.parse("bloop"))
          .optimiser(Sgd.builder().build()).build()) {
        throw new AssertionError("a block with only frozen parameters has nothing to train: " + step);
      } catch (IllegalArgumentException expected) {
        assertTrue(expected.getMessage().contains("no trainable parameters"), expected.getMessage());
      }
    }
  }

  static Linear linear(NDManager m) {
    Linear l = Linear.builder().setUnits(OUT).build();
    l.initialize(m, DataType.FLOAT32, new Shape(1, IN));
    return l;
  }

  static NDArray loss(Linear block, TwoLossStep step, NDManager sm, float[] x, float[] y) {
    NDArray xs = sm.create(x, new Shape(B, IN));
    NDArray ys = sm.create(y, new Shape(B, OUT));
    NDArray pred = block.forward(step.parameterStore(), new NDList(xs), true).singletonOrThrow();
    return pred.sub(ys).square().sum().mul(0.5 / B);
  }

  static double[] d(float[] x) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = x[i];
    }
    return y;
  }

  static double dot(double[][] x, double[][] y) {
    double s = 0;
    for (int t = 0; t < x.length; t++) {
      for (int i = 0; i < x[t].length; i++) {
        s += x[t][i] * y[t][i];
      }
    }
    return s;
  }
}
