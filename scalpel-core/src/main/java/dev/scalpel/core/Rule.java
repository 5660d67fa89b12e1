package dev.scalpel.core;

/*
 * What one method does with the small k×k problem (one subclass per method, one file each). The P-sized work is
 * shared: a Gramian pass computes the inner products a rule asks for (pairs over the vectors g_0..g_{k-1} and the
 * EMA streams) and the largest |x| of every vector; the rule turns them into coefficients on those vectors; one
 * combine pass writes d = Σ coef_v · v (updating the streams first). Rules are immutable; what a rule keeps
 * between steps lives in the state (methodState), and a rule writes its next value to ctx.nextMethodState, which
 * is committed only when the whole step succeeds.
 */
abstract class Rule {
  final SurgeryConfig config;

  Rule(SurgeryConfig config) {
    this.config = config;
  }

  static Rule of(SurgeryConfig c) {
    return switch (c.method()) {
      case MIXED -> new Mixed(c);
      case BLOOP -> new Bloop(c);
      case DYNAMIC_BARRIER -> new DynamicBarrier(c);
      case PCGRAD -> new PcGrad(c);
      case MEAN, SUM, CONSTANT -> new FixedWeights(c);
      case RANDOM -> new RandomWeights(c);
      case MGDA -> new Mgda(c);
      case UPGRAD -> new UpGrad(c);
      case DUALPROJ -> new DualProj(c);
      case CAGRAD -> new CaGrad(c);
      case NASH_MTL -> new NashMtl(c);
      case IMTL_G -> new ImtlG(c);
      case ALIGNED_MTL -> new AlignedMtl(c);
      case GRADVAC -> new GradVac(c);
      case GRADDROP -> new GradDrop(c);
    };
  }

  /** Gradient index of each EMA stream kept for k losses (stream s is vector k + s). */
  int[] streams(int k) {
    return new int[0];
  }

  /**
   * EMA streams of gradients 0..count−1, or none when k ≥ 3 and ema = 1 (the EMA would be the gradient itself;
   * with two losses they are kept as the two-loss release kept them).
   */
  int[] leadingStreams(int k, int count) {
    if (k > 2 && config.ema() == 1.0) {
      return new int[0];
    }
    int[] s = new int[count];
    for (int i = 0; i < count; i++) {
      s[i] = i;
    }
    return s;
  }

  /** The inner products needed, as pairs {a, b} of vector indices. */
  int[][] pairs(int k, int[] streams) {
    return new int[0][];
  }

  /** Length of the method's own state for k losses (e.g. GradVac's k×k cosine targets). */
  int methodStateSize(int k) {
    return 0;
  }

  /** Fills ctx.coef (and the diagnostics) from ctx.gram, ctx.maxAbs, ctx.methodState. */
  abstract void coefficients(StepContext ctx);

  /** Whether the direction is per coordinate (GradDrop) rather than a combination of whole vectors. */
  boolean perCoordinate() {
    return false;
  }

  /** The full Gramian of the k gradients (every method that weights the Gramian asks for this). */
  static int[][] fullGramian(int k) {
    int[][] p = new int[k * (k + 1) / 2][];
    int n = 0;
    for (int a = 0; a < k; a++) {
      for (int b = a; b < k; b++) {
        p[n++] = new int[] {a, b};
      }
    }
    return p;
  }

  /** The k×k Gramian of the gradients scaled by k/trace (1 on average on the diagonal); zero stays zero. */
  static double[][] normalisedGramian(StepContext ctx) {
    int k = ctx.k;
    double trace = 0;
    for (int i = 0; i < k; i++) {
      trace += ctx.gram[i][i];
    }
    double f = trace > 0 ? k / trace : 0;
    double[][] g = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        g[i][j] = ctx.gram[i][j] * f;
      }
    }
    return g;
  }

  /** The preference vector of upgrad/dualproj/aligned-mtl for k losses: 1/k each by default. */
  static double[] preference(SurgeryConfig c, int k) {
    double[] p = c.vector("pref");
    double[] out = new double[k];
    for (int i = 0; i < k; i++) {
      out[i] = p == null ? 1.0 / k : p.length == 1 ? p[0] : p[i];
    }
    return out;
  }
}
