package dev.scalpel.core;

/*
 * The fused per-chunk kernels every method is built from. Two implementations give BIT-IDENTICAL results:
 * ScalarKernel (plain Java, always available) and VectorKernel (jdk.incubator.vector, used when that module
 * is in the boot layer, i.e. the JVM runs with --add-modules jdk.incubator.vector).
 *
 * Determinism contract, shared by both implementations:
 *  - EMA update in float: e' = keep*e + rho*g, computed as two float products then one float add.
 *  - Dot products in double: element j of a chunk (0-based) goes to lane j % 8; each lane starts at +0.0 and
 *    adds (double) x_j * (double) y_j (the product of two floats is exact in double, so this is one rounding);
 *    the chunk's value is ((((((l0+l1)+l2)+l3)+l4)+l5)+l6)+l7. A partial last block counts its missing
 *    elements as zeros, which leaves every lane unchanged.
 *  - Combinations in float, left to right: out = ((c1*g + c2*a) + c3*e') + c4*f', fused with the EMA
 *    updates so that the second pass reads each operand once.
 * Chunks have a fixed length (Layout.CHUNK) at fixed offsets in each tensor and are reduced in order by the
 * caller, so no result depends on how many threads ran the chunks.
 */
abstract class Kernel {
  static final int LANES = 8;

  /** acc[off] += Σ e'², acc[off+1] += Σ e'·a over the chunk, with e' = keep*e + rho*g; e is NOT written. */
  abstract void emaDots(float[] g, int go, float[] a, int ao, float[] e, int eo, int n, float keep, float rho,
      double[] acc, int off);


  /** out = c1*g + c2*a; returns a float that is NaN iff some output element is not finite. */
  abstract float combine2(float[] g, int go, float[] a, int ao, float[] out, int oo, int n, float c1, float c2);

  /**
   * One fused pass: e = keep*e + rho*g (stored), then out = (c1*g + c2*a) + c3*e with the UPDATED e.
   * out may be g or a (same offsets), never e.
   */
  abstract void updateCombine3InPlace(float[] g, int go, float[] a, int ao, float[] e, int eo, float[] out, int oo,
      int n, float keep, float rho, float c1, float c2, float c3);

  /**
   * One fused pass for two EMAs: e = keep*e + rho*g and f = keep*f + rho*a (stored), then
   * out = ((c1*g + c2*a) + c3*e) + c4*f with the UPDATED e and f. out may be g or a, never e or f.
   */
  abstract void updateCombine4InPlace(float[] g, int go, float[] a, int ao, float[] e, int eo, float[] f, int fo,
      float[] out, int oo, int n, float keep, float rho, float c1, float c2, float c3, float c4);

  /** A short name for benchmarks and logs. */
  abstract String name();

  static final Kernel SCALAR = new ScalarKernel();
  static final Kernel DEFAULT = select();

  /**
   * The vector kernel when {@code jdk.incubator.vector} is available, unless the system property
   * {@code scalpel.kernel=scalar} asks for the portable one.
   */
  private static Kernel select() {
    if (System.getProperty("scalpel.kernel", "auto").equals("scalar")) {
      return SCALAR;
    }
    Kernel vector = vectorOrNull();
    return vector != null ? vector : SCALAR;
  }

  /** The vector kernel, or null when jdk.incubator.vector is not available (tests compare it with SCALAR). */
  static Kernel vectorOrNull() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      return (Kernel) Class.forName("dev.scalpel.core.VectorKernel").getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }
}
