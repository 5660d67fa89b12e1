package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The paper's toy problem (§3.3), run to convergence with full-batch gradient descent: θ = (a, b),
 * L_main = ½a², L_aux = ½((a−1)² + b²), start (1, 1), learning rate 0.1, 3000 steps. θ is held as TWO tensors
 * {a} and {b}, so the inner products must be global to give the paper's answer.
 *
 * <p>Fixed points, from d = 0:
 * <ul>
 *   <li>mixed: d = (a + λ(a−1), λb) = 0 ⇒ (λ/(1+λ), 0). The slowest rate is 1 − 0.1λ per step, so for
 *       λ ≥ 0.1 the error after 3000 steps is below 0.99^3000 ≈ 1e-13, i.e. float round-off.</li>
 *   <li>bloop, ρ = 1 (e = g_m = (a, 0)): r = a(a−1)/(a²+eps) and
 *       d = (a + λ(a−1)·eps/(a²+eps), λb). With eps = 0 it is (a, λb) ⇒ (0, 0) for every λ. With eps > 0 the
 *       first coordinate vanishes where a(a²+eps) = λ eps (1−a), a* ≈ (λ eps)^{1/3} for small eps: the eps that
 *       guards the division moves the fixed point off 0 by that much (2e-3 for the default eps and λ = 0.1).</li>
 * </ul>
 */
class Toy2dTest {
  static final int STEPS = 3000;
  static final float LR = 0.1f;

  /** Runs GD from (1, 1) and returns (a, b). */
  static float[] descend(GradientSurgery surgery) {
    float a = 1;
    float b = 1;
    SurgeryState state = surgery.init(new float[][] {{a}, {0}}); // init=grad: the first g_main
    float[][] gm = new float[2][1];
    float[][] ga = new float[2][1];
    for (int k = 0; k < STEPS; k++) {
      gm[0][0] = a;
      gm[1][0] = 0;
      ga[0][0] = a - 1;
      ga[1][0] = b;
      surgery.direction(gm, ga, state, gm); // in place
      a -= LR * gm[0][0];
      b -= LR * gm[1][0];
    }
    assertEquals(STEPS, state.step());
    return new float[] {a, b};
  }

  @ParameterizedTest(name = "λ = {0}")
  @ValueSource(doubles = {0.1, 0.5, 1, 3, 10})
  void mixedConvergesToLambdaOverOnePlusLambda(double lambda) {
    float[] theta = descend(GradientSurgery.parse("mixed:lambda=" + lambda));
    assertEquals(lambda / (1 + lambda), theta[0], 1e-6);
    assertEquals(0, theta[1], 1e-6);
  }

  @ParameterizedTest(name = "λ = {0}")
  @ValueSource(doubles = {0.1, 0.5, 1, 3})
  void bloopWithoutEmaConvergesToTheOrigin(double lambda) {
    float[] theta = descend(GradientSurgery.parse("bloop:ema=1,eps=0,lambda=" + lambda));
    // In exact arithmetic a shrinks by 0.9 per step. In float, λ(a−1) − λ r a cancels to within a rounding
    // δ ≈ 2uλ (u = 6e-8), so a settles at |a| ≤ |δ| < 1e-6 instead of underflowing: float round-off, not a bias.
    assertEquals(0, theta[0], 1e-6);
    assertEquals(0, theta[1], 1e-6);
    // the contrast with mixed is the point of the paper: λ/(1+λ) is at least 0.09 here
    assertTrue(lambda / (1 + lambda) > 0.09);
  }

  @ParameterizedTest(name = "λ = {0}")
  @ValueSource(doubles = {0.1, 1, 3})
  void bloopWithTheDefaultEpsStopsWhereEpsSaysSo(double lambda) {
    double eps = SurgeryConfig.DEFAULT_EPS;
    float[] theta = descend(GradientSurgery.parse("bloop:ema=1,lambda=" + lambda));
    double fixed = solveFixedPoint(lambda, eps);
    assertTrue(fixed > 0 && fixed < 1e-2, "a* = " + fixed);
    assertEquals(fixed, theta[0], 1e-3 * fixed);
    assertEquals(0, theta[1], 1e-6);
  }

  /** The dynamic barrier agrees with bloop here (r < 0 on (0, 1): never clipped), so it also goes to the origin. */
  @ParameterizedTest(name = "λ = {0}")
  @ValueSource(doubles = {0.5, 3})
  void dynamicBarrierWithoutEmaConvergesToTheOrigin(double lambda) {
    float[] theta = descend(GradientSurgery.parse("dynamic-barrier:ema=1,eps=0,lambda=" + lambda));
    assertEquals(0, theta[0], 1e-6); // as for bloop: float round-off of the cancelling terms
    assertEquals(0, theta[1], 1e-6);
  }

  /** Root in (0, 1) of a(a²+eps) − λ eps (1−a), by bisection in double. */
  static double solveFixedPoint(double lambda, double eps) {
    double lo = 0;
    double hi = 1;
    for (int i = 0; i < 200; i++) {
      double mid = 0.5 * (lo + hi);
      double f = mid * (mid * mid + eps) - lambda * eps * (1 - mid);
      if (f > 0) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return 0.5 * (lo + hi);
  }
}
