package dev.scalpel.core.readme;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.core.SurgeryState;

/** Bloop on the paper's toy: main loss ½a², auxiliary loss ½((a−1)² + b²), plain gradient descent. */
public class LibraryInTenLines {
  public static void main(String[] args) {
    GradientSurgery bloop = GradientSurgery.parse("bloop:lambda=0.5,ema=1");  // a main loss and one auxiliary
    double a = 1;
    double b = 1;
    SurgeryState state = bloop.init(gradients(a, b));    // each EMA starts from its own loss's gradient
    for (int step = 0; step < 500; step++) {
      float[][][] g = gradients(a, b);                   // g[i][t]: loss i (priority order), parameter tensor t
      bloop.direction(g, state, g[0]);                   // in place, allocation-free: g[0] now holds the direction
      a -= 0.1 * g[0][0][0];                             // any base optimiser: the surgery comes before it
      b -= 0.1 * g[0][0][1];
    }
    byte[] checkpoint = state.snapshot();                // versioned, CRC-checked; bloop.restore(bytes, sizes)
    System.out.printf("a = %.3g, b = %.3g (Bloop's limit: b → 0, a → 0 up to its eps); state: %d bytes%n", a, b,
        checkpoint.length);
  }

  /** The gradients of ½a² and of ½((a−1)² + b²): two losses, one parameter tensor of 2 floats. */
  static float[][][] gradients(double a, double b) {
    return new float[][][] {{{(float) a, 0f}}, {{(float) (a - 1), (float) b}}};
  }
}
