package dev.scalpel.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.scalpel.train.optim.Optimiser;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Direct views over the memory of CPU tensors ({@code toByteBuffer(true)}), and the checks that they really alias
 * it: a view is valid only while the tensor's storage lives, and writes through it are seen by the tensor.
 */
public final class NativeViews {
  private static final float[] ZEROS = new float[1 << 16];

  private NativeViews() {
  }

  /**
   * A direct float view of {@code array}'s own memory. Fails clearly if the array is not a float32 CPU tensor or
   * if the engine returned a copy instead of a view (checked by writing through the view and reading back).
   */
  public static FloatBuffer view(NDArray array, String what) {
    if (!array.getDevice().equals(Device.cpu())) {
      throw new IllegalArgumentException(what + " is on " + array.getDevice() + "; only CPU tensors are supported");
    }
    if (array.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException(what + " is " + array.getDataType() + "; only float32 is supported");
    }
    FloatBuffer v = rawView(array);
    if (v.remaining() != array.size()) {
      throw new IllegalStateException(what + ": view has " + v.remaining() + " floats, tensor " + array.size());
    }
    if (!v.isDirect() || !aliases(array, v)) {
      throw new IllegalStateException(what + ": the engine gave a copy, not a view of the tensor's memory "
          + "(non-contiguous tensor?); use GradientPath.ARRAYS");
    }
    return v;
  }

  /** The view without checks (for a tensor already checked whose storage is known to be the same). */
  public static FloatBuffer rawView(NDArray array) {
    ByteBuffer b = array.toByteBuffer(true);
    return b.asFloatBuffer();
  }

  /** Whether writes through {@code v} reach {@code array} (probe one element, then restore it). */
  static boolean aliases(NDArray array, FloatBuffer v) {
    if (v.remaining() == 0) {
      return true;
    }
    int p = v.position();
    float old = v.get(p);
    float probe = old == 1234.5f ? -4321.5f : 1234.5f;
    v.put(p, probe);
    float seen = array.toByteBuffer(false).asFloatBuffer().get(0);
    v.put(p, old);
    return seen == probe;
  }

  /** Sets every element of the buffer's remaining range to zero. */
  public static void zero(FloatBuffer b) {
    int p = b.position();
    int n = b.remaining();
    for (int off = 0; off < n; off += ZEROS.length) {
      int len = Math.min(ZEROS.length, n - off);
      b.put(p + off, ZEROS, 0, len);
    }
  }

  /** Copies the remaining elements of {@code src} into {@code dst} (same length). */
  public static void copy(FloatBuffer src, float[] dst) {
    src.get(src.position(), dst, 0, dst.length);
  }

  /** Copies {@code src} into the remaining elements of {@code dst}. */
  public static void copy(float[] src, FloatBuffer dst) {
    dst.put(dst.position(), src, 0, src.length);
  }

  /**
   * One update of {@code optimiser} over DJL tensors (float32, CPU): the parameters are moved in place through
   * direct views of their memory (never with {@code NDArray.set}, which would swap their storage); the directions
   * are only read.
   */
  public static void updateInPlace(Optimiser optimiser, List<NDArray> params, List<NDArray> direction) {
    FloatBuffer[] p = new FloatBuffer[params.size()];
    FloatBuffer[] d = new FloatBuffer[direction.size()];
    for (int t = 0; t < p.length; t++) {
      p[t] = view(params.get(t), "parameter " + t);
    }
    for (int t = 0; t < d.length; t++) {
      d[t] = view(direction.get(t), "direction " + t);
    }
    optimiser.updateInPlace(p, d);
  }
}
