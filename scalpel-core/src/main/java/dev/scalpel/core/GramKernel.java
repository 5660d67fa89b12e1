package dev.scalpel.core;

/*
 * The kernels of the k-gradient path. Two implementations give BIT-IDENTICAL results: ScalarGramKernel (plain
 * Java) and VectorGramKernel (jdk.incubator.vector), chosen like Kernel.
 *
 * The Gramian pass works on blocks inside a chunk (Plan.block: 1024 elements for up to 16 vectors, else BLOCK;
 * Layout.CHUNK is a multiple of both, and both of 8, so element j of a chunk is always in lane j % 8): every vector of the block is widened once into a
 * double scratch (missing tail elements as zeros), then every requested pair adds the exact float×float products
 * to its 8 lane accumulators, which persist across the blocks of the chunk: the same lane sums, in the same
 * order, as the two-loss kernels (Kernel's contract), whatever the blocking.
 * EMA updates are float: keep*e + rho*g, two products and one add. The direction is formed in double, left to
 * right over the vectors with a non-zero coefficient, acc = fma(c_j, v_j, acc), and rounded to float once: the
 * coefficients of a Gram–Schmidt or a QP can be large and cancel (1/(ab) on the three-loss toy near its
 * solution), which a float combination would turn into noise.
 */
abstract class GramKernel {
  static final int BLOCK = 256;
  static final int LANES = 8;

  /**
   * d[dOff..dOff+n) = x[xo..xo+n) widened, zeros up to the next multiple of 8; returns max |x| (NaN when some x
   * is NaN).
   */
  abstract float widen(float[] x, int xo, int n, double[] d, int dOff);

  /** max |x| over x[xo..xo+n) (NaN when some x is NaN). */
  abstract float maxAbs(float[] x, int xo, int n);

  /**
   * For each pair p: lanes[8p + l] += Σ over i ≡ l (mod 8), i < n8, of d[pa[p]·stride + i]·d[pb[p]·stride + i];
   * n8 is a multiple of 8.
   */
  abstract void dots(double[] d, int stride, int[] pa, int[] pb, int np, double[] lanes, int n8);

  /** out[oo+i] = keep*e[eo+i] + rho*g[go+i] (out may be e); returns max |out|. */
  abstract float ema(float[] e, int eo, float[] g, int go, float keep, float rho, float[] out, int oo, int n);

  /**
   * out[oo..oo+n) = (float) of the double sum ((c[0] v[0] + c[1] v[1]) + ...), each term added with one fused
   * multiply-add in double (acc = fma(c_j, v_j, acc), acc starting at c_0 v_0): the general path's combination,
   * accurate even when the coefficients are large and cancel. acc is scratch of at least n doubles.
   */
  abstract void combineDouble(float[][] v, int[] vo, double[] c, int count, double[] acc, float[] out, int oo,
      int n);

  abstract String name();

  static final GramKernel SCALAR = new ScalarGramKernel();
  static final GramKernel DEFAULT = select();

  private static GramKernel select() {
    if (System.getProperty("scalpel.kernel", "auto").equals("scalar")) {
      return SCALAR;
    }
    GramKernel vector = vectorOrNull();
    return vector != null ? vector : SCALAR;
  }

  static GramKernel vectorOrNull() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      return (GramKernel) Class.forName("dev.scalpel.core.VectorGramKernel").getDeclaredConstructor()
          .newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }

  static double ordered8(double[] lanes, int off) {
    return ((((((lanes[off] + lanes[off + 1]) + lanes[off + 2]) + lanes[off + 3]) + lanes[off + 4])
        + lanes[off + 5]) + lanes[off + 6]) + lanes[off + 7];
  }
}
