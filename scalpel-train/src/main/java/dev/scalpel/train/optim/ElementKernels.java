package dev.scalpel.train.optim;

/**
 * The element loops of the optimisers. {@link #DEFAULT} is the SIMD implementation on jdk.incubator.vector when
 * that module is present (and the system property {@code scalpel.kernel} is not {@code scalar}), else the scalar
 * one. Both do the same IEEE float operations in the same order per element, so they give the same bits.
 */
abstract class ElementKernels {
  static final ElementKernels SCALAR = new ElementKernels() {
  };
  static final ElementKernels DEFAULT = select();

  /** Adam: see {@link Adam}; {@code m}, {@code v} at {@code mo}, parameters at {@code po}, direction at dOff. */
  void adam(float[] p, int po, float[] d, int dOff, float[] m, float[] v, int mo, int n, float cb1, float cb2,
      float c1, float c2, float s, float ib, float e) {
    for (int i = 0; i < n; i++) {
      float g = d[dOff + i];
      float mi = cb1 * m[mo + i] + c1 * g;
      float vi = cb2 * v[mo + i] + c2 * (g * g);
      m[mo + i] = mi;
      v[mo + i] = vi;
      p[po + i] -= s * mi / ((float) Math.sqrt(vi) * ib + e);
    }
  }

  String name() {
    return "scalar";
  }

  private static ElementKernels select() {
    String wanted = System.getProperty("scalpel.kernel", "auto");
    if (wanted.equals("scalar")) {
      return SCALAR;
    }
    ElementKernels k = vectorOrNull();
    return k == null ? SCALAR : k;
  }

  /** The vector kernels, or null when jdk.incubator.vector is not available. */
  static ElementKernels vectorOrNull() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      return (ElementKernels) Class.forName("dev.scalpel.train.optim.VectorElementKernels").getDeclaredConstructor()
          .newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }
}
