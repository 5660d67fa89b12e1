package dev.scalpel.core;

import java.util.Arrays;

/* The small problem of one step, handed to a Rule, and what the rule returns. Owned by a state; reused. */
final class StepContext {
  final int k;
  final int streamCount;
  final int m;
  final int[] streamSource;
  /** m×m inner products (symmetric), NaN where the rule did not ask. */
  final double[][] gram;
  /** max |x| over each vector (the streams' values after this step's EMA update). */
  final double[] maxAbs;
  /** Output: coefficient of each vector in d. */
  final double[] coef;
  /**
   * Optional output for the double-precision path: the coefficient of v/sqrt(gram[v][v]) (NaN: use coef). Lets a
   * projection on a tiny vector be formed without the huge ratio (bloop: −λ<e,a>/|e| rather than −λ<e,a>/|e|²).
   */
  final double[] unit;
  double[] methodState;
  double[] nextMethodState;
  long step;
  long seed;
  double ratio;
  double ratioAux;
  String status;

  StepContext(int k, int[] streamSource, int methodStateSize) {
    this.k = k;
    this.streamCount = streamSource.length;
    this.m = k + streamCount;
    this.streamSource = streamSource.clone();
    this.gram = new double[m][m];
    this.maxAbs = new double[m];
    this.coef = new double[m];
    this.unit = new double[m];
    this.methodState = new double[methodStateSize];
    this.nextMethodState = new double[methodStateSize];
  }

  void reset() {
    Arrays.fill(coef, 0);
    Arrays.fill(unit, Double.NaN);
    System.arraycopy(methodState, 0, nextMethodState, 0, methodState.length);
    ratio = Double.NaN;
    ratioAux = Double.NaN;
    status = "";
  }

  double g(int a, int b) {
    return gram[a][b];
  }
}
