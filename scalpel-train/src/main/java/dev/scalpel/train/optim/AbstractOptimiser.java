package dev.scalpel.train.optim;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Shared machinery of the optimisers: shape checks, chunk-wise staging of buffers through small scratch arrays
 * (so that the element kernel is one array loop that the JIT vectorises whatever the buffer kind), and the state
 * format: magic, version, spec, sizes, update count, the moment buffers, CRC-32.
 */
abstract class AbstractOptimiser implements Optimiser {
  private static final int MAGIC = 0x53434F50; // "SCOP"
  private static final int VERSION = 1;
  private static final int CHUNK = 1024;

  protected final LearningRateSchedule schedule;
  protected int[] sizes;
  protected long updates;
  /** The moment buffers, {@code moments()[k][tensor]}; allocated by {@link #init}. */
  protected float[][][] moments;
  private final float[] pScratch = new float[CHUNK];
  private final float[] dScratch = new float[CHUNK];

  AbstractOptimiser(LearningRateSchedule schedule) {
    if (schedule == null) {
      throw new IllegalArgumentException("schedule must not be null");
    }
    this.schedule = schedule;
  }

  /** Number of moment buffers per tensor (Adam 2, SGD with momentum 1, plain SGD 0). */
  abstract int momentCount();

  /** Per-update scalars, computed once before the tensors are visited. */
  abstract void beginUpdate(long t);

  /**
   * The element kernel: updates {@code p[po..po+n)} along {@code d[do..do+n)} with moments at
   * {@code [tensor][mo..mo+n)}.
   */
  abstract void kernel(float[] p, int po, float[] d, int dOff, int tensor, int mo, int n);

  @Override
  public final void init(int[] newSizes) {
    if (newSizes == null) {
      throw new IllegalArgumentException("sizes must not be null");
    }
    for (int i = 0; i < newSizes.length; i++) {
      if (newSizes[i] < 0) {
        throw new IllegalArgumentException("size of tensor " + i + " is negative: " + newSizes[i]);
      }
    }
    sizes = newSizes.clone();
    updates = 0;
    moments = new float[momentCount()][sizes.length][];
    for (float[][] m : moments) {
      for (int t = 0; t < sizes.length; t++) {
        m[t] = new float[sizes[t]];
      }
    }
  }

  @Override
  public final int[] sizes() {
    checkInit();
    return sizes.clone();
  }

  @Override
  public final long updates() {
    return updates;
  }

  @Override
  public final LearningRateSchedule schedule() {
    return schedule;
  }

  @Override
  public final void updateInPlace(float[][] params, float[][] direction) {
    checkInit();
    check(params == null ? -1 : params.length, "params");
    check(direction == null ? -1 : direction.length, "direction");
    for (int t = 0; t < sizes.length; t++) {
      checkTensor(params[t] == null ? -1 : params[t].length, t, "params");
      checkTensor(direction[t] == null ? -1 : direction[t].length, t, "direction");
    }
    beginUpdate(updates);
    for (int t = 0; t < sizes.length; t++) {
      kernel(params[t], 0, direction[t], 0, t, 0, sizes[t]);
    }
    updates++;
  }

  @Override
  public final void updateInPlace(FloatBuffer[] params, FloatBuffer[] direction) {
    checkInit();
    check(params == null ? -1 : params.length, "params");
    check(direction == null ? -1 : direction.length, "direction");
    for (int t = 0; t < sizes.length; t++) {
      checkTensor(params[t] == null ? -1 : params[t].remaining(), t, "params");
      checkTensor(direction[t] == null ? -1 : direction[t].remaining(), t, "direction");
      if (params[t].isReadOnly()) {
        throw new IllegalArgumentException("params tensor " + t + " is a read-only buffer");
      }
    }
    beginUpdate(updates);
    for (int t = 0; t < sizes.length; t++) {
      FloatBuffer p = params[t];
      FloatBuffer d = direction[t];
      int p0 = p.position();
      int d0 = d.position();
      if (p.hasArray() && d.hasArray()) {
        kernel(p.array(), p.arrayOffset() + p0, d.array(), d.arrayOffset() + d0, t, 0, sizes[t]);
        continue;
      }
      boolean dArray = d.hasArray();
      for (int off = 0; off < sizes[t]; off += CHUNK) {
        int n = Math.min(CHUNK, sizes[t] - off);
        p.get(p0 + off, pScratch, 0, n);
        if (dArray) {
          kernel(pScratch, 0, d.array(), d.arrayOffset() + d0 + off, t, off, n);
        } else {
          d.get(d0 + off, dScratch, 0, n);
          kernel(pScratch, 0, dScratch, 0, t, off, n);
        }
        p.put(p0 + off, pScratch, 0, n);
      }
    }
    updates++;
  }

  @Override
  public final byte[] saveState() {
    checkInit();
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(spec());
      out.writeInt(sizes.length);
      for (int s : sizes) {
        out.writeInt(s);
      }
      out.writeLong(updates);
      out.writeInt(moments.length);
      for (float[][] m : moments) {
        for (float[] a : m) {
          for (float v : a) {
            out.writeFloat(v);
          }
        }
      }
      CRC32 crc = new CRC32();
      crc.update(bytes.toByteArray());
      out.writeLong(crc.getValue());
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public final void restoreState(byte[] state) {
    if (state == null || state.length < 16) {
      throw new IllegalArgumentException("optimiser state is " + (state == null ? "null" : "truncated ("
          + state.length + " bytes)"));
    }
    CRC32 crc = new CRC32();
    crc.update(state, 0, state.length - 8);
    long stored = 0;
    for (int i = state.length - 8; i < state.length; i++) {
      stored = (stored << 8) | (state[i] & 0xff);
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state, 0, state.length - 8))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not an optimiser state (bad magic)");
      }
      if (crc.getValue() != stored) {
        throw new IllegalArgumentException("optimiser state is corrupted (CRC-32 mismatch)");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new IllegalArgumentException("optimiser state has format version " + version + "; this build reads "
            + VERSION);
      }
      String savedSpec = in.readUTF();
      if (!savedSpec.equals(spec())) {
        throw new IllegalArgumentException("optimiser state was saved by '" + savedSpec + "', not by this '"
            + spec() + "'");
      }
      int n = in.readInt();
      int[] savedSizes = new int[n];
      for (int i = 0; i < n; i++) {
        savedSizes[i] = in.readInt();
      }
      if (sizes != null && !Arrays.equals(sizes, savedSizes)) {
        throw new IllegalArgumentException("optimiser state has tensor sizes " + Arrays.toString(savedSizes)
            + " but this optimiser was initialised for " + Arrays.toString(sizes));
      }
      long savedUpdates = in.readLong();
      int mc = in.readInt();
      if (mc != momentCount()) {
        throw new IllegalArgumentException("optimiser state has " + mc + " moment buffers, expected "
            + momentCount());
      }
      init(savedSizes);
      for (float[][] m : moments) {
        for (float[] a : m) {
          for (int i = 0; i < a.length; i++) {
            a[i] = in.readFloat();
          }
        }
      }
      if (in.available() != 0) {
        throw new IllegalArgumentException("optimiser state has " + in.available() + " unexpected trailing bytes");
      }
      updates = savedUpdates;
    } catch (EOFException e) {
      throw new IllegalArgumentException("optimiser state is truncated", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The moment buffer {@code k} of one tensor (a copy), for tests and diagnostics. */
  public final float[] moment(int k, int tensor) {
    checkInit();
    return moments[k][tensor].clone();
  }

  private void checkInit() {
    if (sizes == null) {
      throw new IllegalStateException("optimiser not initialised: call init(sizes) first");
    }
  }

  private void check(int n, String what) {
    if (n != sizes.length) {
      throw new IllegalArgumentException(what + " has " + (n < 0 ? "no" : Integer.toString(n))
          + " tensors, expected " + sizes.length);
    }
  }

  private void checkTensor(int n, int t, String what) {
    if (n != sizes[t]) {
      throw new IllegalArgumentException(what + " tensor " + t + " has " + (n < 0 ? "no" : Integer.toString(n))
          + " elements, expected " + sizes[t]);
    }
  }

  @Override
  public String toString() {
    return spec();
  }
}
