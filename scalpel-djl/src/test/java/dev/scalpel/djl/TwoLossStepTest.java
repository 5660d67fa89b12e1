package dev.scalpel.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import dev.scalpel.core.GradientSurgery;
import dev.scalpel.train.optim.Sgd;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The two-gradient step on a tiny linear model y = Wx + b against closed-form gradients: main loss
 * ½·mean|Wx+b−y|² on one batch, auxiliary loss the same on a second batch (autograd, joint data) or ½|θ|²
 * (analytic), combined by mixed / bloop (no EMA) / pcgrad and applied by plain SGD, over several steps.
 */
class TwoLossStepTest {
  static final int IN = 3;
  static final int OUT = 2;
  static final int B = 4;

  @ParameterizedTest
  @CsvSource({
      "'mixed:lambda=0.5', NATIVE, autograd",
      "'mixed:lambda=0.5', ARRAYS, analytic",
      "'bloop:lambda=0.5,ema=1', NATIVE, autograd",
      "'bloop:lambda=0.5,ema=1', NATIVE, analytic",
      "'bloop:lambda=0.5,ema=1', ARRAYS, autograd",
      "'bloop:lambda=0.5,ema=1', GRADIENT_ARRAYS, analytic",
      "'pcgrad:lambda=0.5,ema=1', GRADIENT_ARRAYS, autograd",
      "'pcgrad:lambda=0.7,ema=1', NATIVE, autograd",
      "'dynamic-barrier:lambda=2,ema=1', ARRAYS, analytic"})
  void matchesClosedForm(String spec, GradientPath path, String auxKind) {
    SplittableRandom rnd = new SplittableRandom(7);
    float[] x1 = randoms(rnd, B * IN);
    float[] y1 = randoms(rnd, B * OUT);
    float[] x2 = randoms(rnd, B * IN);
    float[] y2 = randoms(rnd, B * OUT);
    GradientSurgery surgery = GradientSurgery.parse(spec);
    double lr = 0.1;
    try (NDManager m = NDManager.newBaseManager()) {
      Linear block = Linear.builder().setUnits(OUT).build();
      block.initialize(m, DataType.FLOAT32, new Shape(1, IN));
      try (TwoLossStep step = TwoLossStep.builder(block).surgery(surgery)
          .optimiser(Sgd.builder().learningRate(lr).build()).path(path).build()) {
        assertEquals(2, step.parameters().size());
        LossFunction main = sm -> squareLoss(block, step, sm, x1, y1);
        AuxiliaryLoss aux = auxKind.equals("autograd")
            ? AuxiliaryLoss.autograd(sm -> squareLoss(block, step, sm, x2, y2))
            : AuxiliaryLoss.analytic((params, grad) -> {
              double v = 0;
              for (int t = 0; t < params.length; t++) {
                for (int i = 0; i < grad[t].length; i++) {
                  float p = params[t].get(params[t].position() + i);
                  v += 0.5 * p * p;
                  grad[t][i] = p;
                }
              }
              return v;
            });
        for (int s = 0; s < 3; s++) {
          float[][] theta = step.parameterValues(); // [W (OUT×IN row-major), b]
          double[] w = toDouble(theta[0]);
          double[] b = toDouble(theta[1]);
          double[][] gm = squareGrad(w, b, x1, y1);
          double[][] ga = auxKind.equals("autograd") ? squareGrad(w, b, x2, y2) : new double[][] {w, b};
          double[][] d = direction(surgery, gm, ga);
          StepResult r = step.step(main, aux);
          assertEquals(s + 1, r.step());
          assertEquals(squareValue(w, b, x1, y1), r.mainLoss(), 1e-5);
          float[][] after = step.parameterValues();
          for (int t = 0; t < 2; t++) {
            double[] before = t == 0 ? w : b;
            for (int i = 0; i < before.length; i++) {
              double expected = before[i] - lr * d[t][i];
              assertEquals(expected, after[t][i], 1e-5, spec + " step " + s + " tensor " + t + " element " + i);
            }
          }
        }
      }
    }
  }

  @Test
  void nonFiniteGradientsAreSkippedUnderTheSkipPolicy() {
    try (NDManager m = NDManager.newBaseManager()) {
      Linear block = Linear.builder().setUnits(OUT).build();
      block.initialize(m, DataType.FLOAT32, new Shape(1, IN));
      try (TwoLossStep step = TwoLossStep.builder(block)
          .surgery(GradientSurgery.parse("bloop:lambda=0.5,nonfinite=skip"))
          .optimiser(Sgd.builder().learningRate(0.1).build()).build()) {
        float[] x = new float[B * IN];
        float[] y = new float[B * OUT];
        LossFunction finite = sm -> squareLoss(block, step, sm, x, y);
        LossFunction nan = sm -> squareLoss(block, step, sm, x, y).mul(Float.NaN);
        AuxiliaryLoss aux = AuxiliaryLoss.autograd(finite);
        float[][] initial = step.parameterValues();
        assertTrue(step.step(nan, aux).skipped(), "a non-finite first step is skipped too");
        assertEquals(null, step.surgeryState());
        org.junit.jupiter.api.Assertions.assertArrayEquals(initial[0], step.parameterValues()[0]);
        step.step(finite, aux);
        float[][] before = step.parameterValues();
        StepResult r = step.step(nan, aux);
        assertTrue(r.skipped());
        assertEquals(1, step.optimiser().updates());
        assertEquals(1, step.surgeryState().skippedSteps());
        float[][] after = step.parameterValues();
        for (int t = 0; t < before.length; t++) {
          org.junit.jupiter.api.Assertions.assertArrayEquals(before[t], after[t]);
        }
        StepResult ok = step.step(finite, aux);
        assertTrue(!ok.skipped() && ok.step() == 4);
        assertEquals(2, step.optimiser().updates());
      }
      try (TwoLossStep strict = TwoLossStep.builder(block).surgery(GradientSurgery.parse("bloop:lambda=0.5"))
          .optimiser(Sgd.builder().build()).build()) {
        float[] x = new float[B * IN];
        float[] y = new float[B * OUT];
        assertThrows(dev.scalpel.core.NonFiniteGradientException.class, () -> strict.step(
            sm -> squareLoss(block, strict, sm, x, y).mul(Float.NaN),
            AuxiliaryLoss.autograd(sm -> squareLoss(block, strict, sm, x, y))));
      }
    }
  }

  @Test
  void rejectsNonScalarLossAndClosedUse() {
    try (NDManager m = NDManager.newBaseManager()) {
      Linear block = Linear.builder().setUnits(OUT).build();
      block.initialize(m, DataType.FLOAT32, new Shape(1, IN));
      TwoLossStep step = TwoLossStep.builder(block).surgery(GradientSurgery.parse("bloop"))
          .optimiser(Sgd.builder().build()).build();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> step.step(sm -> block.forward(step.parameterStore(), new NDList(sm.ones(new Shape(2, IN))), true)
              .singletonOrThrow(), AuxiliaryLoss.analytic((p, g) -> 0)));
      assertTrue(e.getMessage().contains("exactly one element"), e.getMessage());
      step.close();
      assertThrows(IllegalStateException.class, () -> step.step(sm -> sm.zeros(new Shape()),
          AuxiliaryLoss.analytic((p, g) -> 0)));
    }
  }

  static NDArray squareLoss(Linear block, TwoLossStep step, NDManager sm, float[] x, float[] y) {
    NDArray xs = sm.create(x, new Shape(B, IN));
    NDArray ys = sm.create(y, new Shape(B, OUT));
    NDArray pred = block.forward(step.parameterStore(), new NDList(xs), true).singletonOrThrow();
    return pred.sub(ys).square().sum().mul(0.5 / B);
  }

  static double squareValue(double[] w, double[] b, float[] x, float[] y) {
    double v = 0;
    for (int n = 0; n < B; n++) {
      for (int o = 0; o < OUT; o++) {
        double r = residual(w, b, x, y, n, o);
        v += 0.5 * r * r / B;
      }
    }
    return v;
  }

  static double residual(double[] w, double[] b, float[] x, float[] y, int n, int o) {
    double p = b[o];
    for (int i = 0; i < IN; i++) {
      p += w[o * IN + i] * x[n * IN + i];
    }
    return p - y[n * OUT + o];
  }

  /** Closed form: gW = (1/B) Σ r xᵀ, gb = (1/B) Σ r. */
  static double[][] squareGrad(double[] w, double[] b, float[] x, float[] y) {
    double[] gw = new double[OUT * IN];
    double[] gb = new double[OUT];
    for (int n = 0; n < B; n++) {
      for (int o = 0; o < OUT; o++) {
        double r = residual(w, b, x, y, n, o) / B;
        gb[o] += r;
        for (int i = 0; i < IN; i++) {
          gw[o * IN + i] += r * x[n * IN + i];
        }
      }
    }
    return new double[][] {gw, gb};
  }

  /** The reference formulas of bloop.md with ρ = 1 (no averaging), in double. */
  static double[][] direction(GradientSurgery s, double[][] gm, double[][] ga) {
    double lambda = s.lambda();
    double eps = s.config().eps();
    double mm = dot(gm, gm);
    double ma = dot(gm, ga);
    double aa = dot(ga, ga);
    double[][] d = new double[2][];
    for (int t = 0; t < 2; t++) {
      d[t] = new double[gm[t].length];
      for (int i = 0; i < d[t].length; i++) {
        d[t][i] = switch (s.method()) {
          case MIXED -> gm[t][i] + lambda * ga[t][i];
          case BLOOP -> gm[t][i] + lambda * (ga[t][i] - ma / (mm + eps) * gm[t][i]);
          case DYNAMIC_BARRIER -> gm[t][i] + lambda * (ga[t][i] - Math.min(ma / (mm + eps), 1 / lambda) * gm[t][i]);
          case PCGRAD -> (gm[t][i] - Math.min(ma / (aa + eps), 0) * ga[t][i])
              + lambda * (ga[t][i] - Math.min(ma / (mm + eps), 0) * gm[t][i]);
          default -> throw new AssertionError("no two-loss reference for " + s.method());
        };
      }
    }
    return d;
  }

  static double dot(double[][] a, double[][] b) {
    double s = 0;
    for (int t = 0; t < a.length; t++) {
      for (int i = 0; i < a[t].length; i++) {
        s += a[t][i] * b[t][i];
      }
    }
    return s;
  }

  static float[] randoms(SplittableRandom r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return a;
  }

  static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return d;
  }
}
