package dev.scalpel.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The k-loss step on a shared trunk with two heads (linear, so every gradient has a closed form): trunk
 * h = W1 x + b1 (3 → 4), heads o_i = V_i h + c_i (4 → 2), losses L_i = ½·mean‖o_i − y_i‖² from ONE forward, and a
 * third, analytic loss ½|θ|². Checked: each phase against the closed forms (the two backward passes through the
 * kept graph give each head's own gradient), the whole step, one forward against one forward per loss, the phases
 * called one by one with gradients summed in between (a data-parallel driver), resume bit for bit, and the errors.
 */
class KLossStepTest {
  static final int IN = 3;
  static final int H = 4;
  static final int OUT = 2;
  static final int B = 5;

  /** trunk, head 1, head 2 and their parameters in step order [W1, b1, V1, c1, V2, c2]. */
  record Model(Linear trunk, Linear head1, Linear head2, List<Parameter> params) {
  }

  static Model model(NDManager m) {
    Linear trunk = Linear.builder().setUnits(H).build();
    trunk.initialize(m, DataType.FLOAT32, new Shape(1, IN));
    Linear h1 = Linear.builder().setUnits(OUT).build();
    h1.initialize(m, DataType.FLOAT32, new Shape(1, H));
    Linear h2 = Linear.builder().setUnits(OUT).build();
    h2.initialize(m, DataType.FLOAT32, new Shape(1, H));
    List<Parameter> ps = new ArrayList<>();
    for (Linear l : new Linear[] {trunk, h1, h2}) {
      for (Pair<String, Parameter> p : l.getParameters()) {
        ps.add(p.getValue());
      }
    }
    return new Model(trunk, h1, h2, ps);
  }

  /** Both heads from one forward of the trunk. */
  static Losses shared(Model md, KLossStep step, float[] x, float[] y1, float[] y2) {
    return m -> {
      NDArray xs = m.create(x, new Shape(B, IN));
      NDArray h = md.trunk().forward(step.parameterStore(), new NDList(xs), true).singletonOrThrow();
      return new NDList(square(md.head1(), step, h, m.create(y1, new Shape(B, OUT))),
          square(md.head2(), step, h, m.create(y2, new Shape(B, OUT))));
    };
  }

  static NDArray square(Linear head, KLossStep step, NDArray h, NDArray y) {
    NDArray o = head.forward(step.parameterStore(), new NDList(h), true).singletonOrThrow();
    return o.sub(y).square().sum().mul(0.5 / B);
  }

  static final AnalyticLoss L2 = (ps, grad) -> {
    double v = 0;
    for (int t = 0; t < ps.length; t++) {
      for (int i = 0; i < grad[t].length; i++) {
        float p = ps[t].get(ps[t].position() + i);
        v += 0.5 * p * p;
        grad[t][i] = p;
      }
    }
    return v;
  };

  /** Closed-form gradient of head {@code head}'s loss over [W1, b1, V1, c1, V2, c2], and its value. */
  static double[][] closedForm(float[][] th, int head, float[] x, float[] y, double[] value) {
    double[][] g = new double[6][];
    for (int t = 0; t < 6; t++) {
      g[t] = new double[th[t].length];
    }
    float[] w1 = th[0];
    float[] b1 = th[1];
    float[] v = th[head == 1 ? 2 : 4];
    float[] c = th[head == 1 ? 3 : 5];
    int gv = head == 1 ? 2 : 4;
    value[0] = 0;
    for (int n = 0; n < B; n++) {
      double[] h = new double[H];
      for (int j = 0; j < H; j++) {
        h[j] = b1[j];
        for (int i = 0; i < IN; i++) {
          h[j] += w1[j * IN + i] * x[n * IN + i];
        }
      }
      double[] dh = new double[H];
      for (int o = 0; o < OUT; o++) {
        double out = c[o];
        for (int j = 0; j < H; j++) {
          out += v[o * H + j] * h[j];
        }
        double diff = out - y[n * OUT + o];
        value[0] += 0.5 * diff * diff / B;
        double r = diff / B;
        g[gv + 1][o] += r;
        for (int j = 0; j < H; j++) {
          g[gv][o * H + j] += r * h[j];
          dh[j] += v[o * H + j] * r;
        }
      }
      for (int j = 0; j < H; j++) {
        g[1][j] += dh[j];
        for (int i = 0; i < IN; i++) {
          g[0][j * IN + i] += dh[j] * x[n * IN + i];
        }
      }
    }
    return g;
  }

  static float[] randoms(SplittableRandom r, int n) {
    return TwoLossStepTest.randoms(r, n);
  }

  @Test
  void eachGradientOfAShardTrunkWithTwoHeadsAndAnAnalyticLossMatchesItsClosedForm() {
    SplittableRandom rnd = new SplittableRandom(1);
    float[] x = randoms(rnd, B * IN);
    float[] y1 = randoms(rnd, B * OUT);
    float[] y2 = randoms(rnd, B * OUT);
    try (NDManager m = NDManager.newBaseManager()) {
      Model md = model(m);
      try (KLossStep step = KLossStep.builder(md.params()).surgery(GradientSurgery.parse("mixed:lambda=0.5/0.1"))
          .optimiser(Sgd.builder().learningRate(0.1).build()).build()) {
        for (int s = 0; s < 3; s++) {
          float[][] th = step.parameterValues();
          double[] v1 = new double[1];
          double[] v2 = new double[1];
          double[][] g1 = closedForm(th, 1, x, y1, v1);
          double[][] g2 = closedForm(th, 2, x, y2, v2);
          Gradients g = step.gradients(shared(md, step, x, y1, y2), L2);
          assertEquals(3, g.losses());
          assertEquals(v1[0], g.loss(0), 1e-5);
          assertEquals(v2[0], g.loss(1), 1e-5);
          for (int t = 0; t < 6; t++) {
            for (int i = 0; i < th[t].length; i++) {
              assertEquals(g1[t][i], g.values()[0][t][i], 1e-5, "head 1, tensor " + t + " element " + i);
              assertEquals(g2[t][i], g.values()[1][t][i], 1e-5, "head 2, tensor " + t + " element " + i);
              assertEquals(th[t][i], g.values()[2][t][i], 0.0, "½|θ|²: its gradient is θ");
            }
          }
          // head 1's loss does not reach head 2 and the reverse: their gradients there are exactly zero
          assertArrayEquals(new float[th[4].length], g.values()[0][4]);
          assertArrayEquals(new float[th[2].length], g.values()[1][2]);
          assertTrue(step.aggregate(g));
          step.apply(g);
          float[][] after = step.parameterValues();
          for (int t = 0; t < 6; t++) {
            for (int i = 0; i < th[t].length; i++) {
              double d = g1[t][i] + 0.5 * g2[t][i] + 0.1 * th[t][i];
              assertEquals(th[t][i] - 0.1 * d, after[t][i], 1e-5, "step " + s + " tensor " + t);
            }
          }
        }
      }
    }
  }

  @Test
  void oneForwardGivesTheGradientsOfOneForwardPerLoss() {
    SplittableRandom rnd = new SplittableRandom(2);
    float[] x = randoms(rnd, B * IN);
    float[] y1 = randoms(rnd, B * OUT);
    float[] y2 = randoms(rnd, B * OUT);
    try (NDManager m = NDManager.newBaseManager()) {
      Model md = model(m);
      try (KLossStep step = KLossStep.builder(md.params()).surgery(GradientSurgery.parse("upgrad"))
          .optimiser(Sgd.builder().learningRate(0.1).build()).build()) {
        Gradients a = step.gradients(shared(md, step, x, y1, y2));
        float[][][] one = copy(a.values());
        LossFunction f1 = sm -> square(md.head1(), step, md.trunk().forward(step.parameterStore(),
            new NDList(sm.create(x, new Shape(B, IN))), true).singletonOrThrow(), sm.create(y1, new Shape(B, OUT)));
        LossFunction f2 = sm -> square(md.head2(), step, md.trunk().forward(step.parameterStore(),
            new NDList(sm.create(x, new Shape(B, IN))), true).singletonOrThrow(), sm.create(y2, new Shape(B, OUT)));
        Gradients b = step.gradients(Losses.of(f1, f2));
        for (int i = 0; i < 2; i++) {
          for (int t = 0; t < 6; t++) {
            assertArrayEquals(one[i][t], b.values()[i][t], 1e-7f, "loss " + i + " tensor " + t);
          }
        }
      }
    }
  }

  /**
   * The phases one by one, as a data-parallel driver calls them: gradients on two shards, summed, aggregated once
   * (the aggregation is not linear: it must see the sums), applied once.
   */
  @Test
  void phasesCalledOneByOneWithGradientsSummedBetweenThem() {
    SplittableRandom rnd = new SplittableRandom(3);
    float[] xa = randoms(rnd, B * IN);
    float[] xb = randoms(rnd, B * IN);
    float[] y1a = randoms(rnd, B * OUT);
    float[] y1b = randoms(rnd, B * OUT);
    float[] y2a = randoms(rnd, B * OUT);
    float[] y2b = randoms(rnd, B * OUT);
    try (NDManager m = NDManager.newBaseManager()) {
      Model md = model(m);
      try (KLossStep step = KLossStep.builder(md.params()).surgery(GradientSurgery.parse("bloop:lambda=0.5,ema=1"))
          .optimiser(Sgd.builder().learningRate(0.1).build()).build()) {
        float[][] th = step.parameterValues();
        float[][][] shardA = copy(step.gradients(shared(md, step, xa, y1a, y2a)).values());
        Gradients g = step.gradients(shared(md, step, xb, y1b, y2b));
        double[][][] sum = new double[2][6][];
        for (int i = 0; i < 2; i++) {
          for (int t = 0; t < 6; t++) {
            sum[i][t] = new double[th[t].length];
            for (int e = 0; e < th[t].length; e++) {
              g.values()[i][t][e] += shardA[i][t][e];
              sum[i][t][e] = g.values()[i][t][e];
            }
          }
        }
        assertTrue(step.aggregate(g));
        step.apply(g);
        double mm = 0;
        double ma = 0;
        for (int t = 0; t < 6; t++) {
          for (int e = 0; e < th[t].length; e++) {
            mm += sum[0][t][e] * sum[0][t][e];
            ma += sum[0][t][e] * sum[1][t][e];
          }
        }
        double r = ma / (mm + 1e-7);
        float[][] after = step.parameterValues();
        for (int t = 0; t < 6; t++) {
          for (int e = 0; e < th[t].length; e++) {
            double d = sum[0][t][e] + 0.5 * (sum[1][t][e] - r * sum[0][t][e]);
            assertEquals(th[t][e] - 0.1 * d, after[t][e], 1e-5);
          }
        }
        assertThrows(IllegalStateException.class, () -> step.aggregate(g), "aggregated once only");
      }
    }
  }

  /**
   * Gradients computed elsewhere (another step object with the same parameters, as a data-parallel worker does),
   * copied into {@code emptyGradients} and finished, move the parameters exactly as {@code step} does, and count
   * as a step.
   */
  @Test
  void gradientsFromElsewhereFinishLikeAStep() {
    SplittableRandom rnd = new SplittableRandom(5);
    try (NDManager m = NDManager.newBaseManager()) {
      Model d = model(m);
      Model w = model(m);
      Model r = model(m);
      try (KLossStep driver = step(d); KLossStep worker = step(w); KLossStep reference = step(r)) {
        reference.setParameterValues(driver.parameterValues());
        for (int s = 0; s < 4; s++) {
          float[] x = randoms(rnd, B * IN);
          float[] y1 = randoms(rnd, B * OUT);
          float[] y2 = randoms(rnd, B * OUT);
          worker.setParameterValues(driver.parameterValues());
          Gradients gw = worker.gradients(shared(w, worker, x, y1, y2));
          Gradients g = driver.emptyGradients(2);
          for (int i = 0; i < 2; i++) {
            for (int t = 0; t < 6; t++) {
              assertEquals(0f, g.values()[i][t][0]);
              System.arraycopy(gw.values()[i][t], 0, g.values()[i][t], 0, gw.values()[i][t].length);
            }
            g.setLoss(i, gw.loss(i));
          }
          KStepResult fromWorker = driver.finish(g);
          KStepResult here = reference.step(shared(r, reference, x, y1, y2));
          assertEquals(s + 1, fromWorker.step());
          assertEquals(here.step(), fromWorker.step());
          assertArrayEquals(here.losses(), fromWorker.losses());
          float[][] pd = driver.parameterValues();
          float[][] pr = reference.parameterValues();
          for (int t = 0; t < 6; t++) {
            assertArrayEquals(pr[t], pd[t], 0f, "step " + s + ", tensor " + t);
          }
        }
        assertThrows(IllegalArgumentException.class, () -> driver.emptyGradients(3));
      }
    }
  }

  private static KLossStep step(Model md) {
    return KLossStep.builder(md.params()).surgery(GradientSurgery.parse("bloop:lambda=0.5,ema=0.3"))
        .optimiser(Sgd.builder().learningRate(0.1).momentum(0.9).build()).build();
  }

  @Test
  void resumesBitForBit() {
    SplittableRandom rnd = new SplittableRandom(4);
    float[][] xs = new float[6][];
    float[][] y1s = new float[6][];
    float[][] y2s = new float[6][];
    for (int s = 0; s < 6; s++) {
      xs[s] = randoms(rnd, B * IN);
      y1s[s] = randoms(rnd, B * OUT);
      y2s[s] = randoms(rnd, B * OUT);
    }
    String spec = "bloop:lambda=0.5/0.2,ema=0.3";
    try (NDManager m = NDManager.newBaseManager()) {
      Model md = model(m);
      float[][] init = null;
      float[][] straight;
      try (KLossStep step = KLossStep.builder(md.params()).surgery(GradientSurgery.parse(spec))
          .optimiser(Sgd.builder().learningRate(0.05).momentum(0.9).build()).build()) {
        init = step.parameterValues();
        for (int s = 0; s < 6; s++) {
          step.step(shared(md, step, xs[s], y1s[s], y2s[s]), L2);
        }
        straight = step.parameterValues();
      }
      Map<String, byte[]> mid;
      try (KLossStep step = KLossStep.builder(md.params()).surgery(GradientSurgery.parse(spec))
          .optimiser(Sgd.builder().learningRate(0.05).momentum(0.9).build()).build()) {
        step.setParameterValues(init);
        for (int s = 0; s < 3; s++) {
          step.step(shared(md, step, xs[s], y1s[s], y2s[s]), L2);
        }
        mid = step.saveState();
      }
      try (KLossStep step = KLossStep.builder(md.params()).surgery(GradientSurgery.parse(spec))
          .optimiser(Sgd.builder().learningRate(0.05).momentum(0.9).build()).build()) {
        step.setParameterValues(init);
        step.restoreState(mid);
        assertEquals(3, step.steps());
        assertEquals(3, step.surgeryState().lossCount());
        for (int s = 3; s < 6; s++) {
          step.step(shared(md, step, xs[s], y1s[s], y2s[s]), L2);
        }
        float[][] resumed = step.parameterValues();
        for (int t = 0; t < straight.length; t++) {
          assertArrayEquals(straight[t], resumed[t], 0f, "tensor " + t);
        }
      }
    }
  }

  @Test
  void errorsAreClear() {
    try (NDManager m = NDManager.newBaseManager()) {
      Model md = model(m);
      try (KLossStep step = KLossStep.builder(md.params()).surgery(GradientSurgery.parse("mean"))
          .optimiser(Sgd.builder().build()).build()) {
        float[] x = new float[B * IN];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> step.gradients(sm ->
            new NDList(md.trunk().forward(step.parameterStore(), new NDList(sm.create(x, new Shape(B, IN))), true)
                .singletonOrThrow())));
        assertTrue(e.getMessage().contains("exactly one element"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> step.gradients(null));
        Gradients g = step.gradients(null, L2, L2);
        step.aggregate(g);
        step.apply(g);
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class, () -> step.gradients(null, L2));
        assertTrue(k.getMessage().contains("1 losses given, the step was started with 2"), k.getMessage());
      }
    }
  }

  static float[][][] copy(float[][][] x) {
    float[][][] y = new float[x.length][][];
    for (int i = 0; i < x.length; i++) {
      y[i] = new float[x[i].length][];
      for (int t = 0; t < x[i].length; t++) {
        y[i][t] = x[i][t].clone();
      }
    }
    return y;
  }
}
