package dev.scalpel.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A reusable, 64-byte aligned direct buffer for a batch of float inputs: filled from Java arrays, then wrapped as a
 * tensor without a copy (PyTorch's {@code from_blob} on the CPU). The alignment keeps the math library's results
 * independent of where the JVM happened to place the buffer. Refill it only after the previous step's tensors are
 * done with.
 *
 * <pre>{@code
 * BatchBuffer images = new BatchBuffer(256, 784);
 * images.fill(trainX, permutation, from, 256);
 * NDArray x = images.tensor(stepManager, 256);   // shares the buffer's memory
 * }</pre>
 */
public final class BatchBuffer {
  private final ByteBuffer bytes;
  private final FloatBuffer floats;
  private final int rows;
  private final int features;

  /** A buffer for up to {@code rows} rows of {@code features} floats. */
  public BatchBuffer(int rows, int features) {
    this.rows = rows;
    this.features = features;
    int n = rows * features * 4;
    ByteBuffer raw = ByteBuffer.allocateDirect(n + 64);
    this.bytes = raw.alignedSlice(64).limit(n).slice().order(ByteOrder.nativeOrder());
    this.floats = bytes.asFloatBuffer();
  }

  /** Copies rows {@code index[from..from+count)} of {@code data} (row-major, {@code features} wide) into slots 0.. */
  public void fill(float[] data, int[] index, int from, int count) {
    for (int r = 0; r < count; r++) {
      floats.put(r * features, data, index[from + r] * features, features);
    }
  }

  /** Copies rows {@code from..from+count)} of {@code data} into slots 0.. */
  public void fillRange(float[] data, int from, int count) {
    floats.put(0, data, from * features, count * features);
  }

  /** The first {@code count} rows as a tensor on {@code m}, sharing this buffer's memory. */
  public NDArray tensor(NDManager m, int count) {
    ByteBuffer view = bytes.duplicate().order(ByteOrder.nativeOrder());
    view.position(0).limit(count * features * 4);
    return m.create(view.slice().order(ByteOrder.nativeOrder()), new Shape(count, features), DataType.FLOAT32);
  }

  /** Capacity in rows. */
  public int rows() {
    return rows;
  }
}
