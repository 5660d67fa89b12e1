package dev.scalpel.core;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/*
 * Snapshot format, version 2, big-endian:
 *   int    magic 0x53434C50 ("SCLP")
 *   int    version (2)
 *   long   total length in bytes, this header and the checksum included
 *   short+bytes  canonical spec of the method, UTF-8 (informative; the method name is checked)
 *   int    number of losses k
 *   long   step, long skipped steps
 *   int    tensor count n, then n ints: tensor sizes
 *   int    stream count E, then E ints: the gradient each stream is the EMA of, then E × Σsizes floats
 *   int    method-state length L, then L doubles (GradVac's cosine targets)
 *   long   random state: the seed, then the counter (the step) the next draw uses
 *   byte   last step skipped; double last ratio; double last ratio aux; int k' + k' doubles: last weights;
 *          short+bytes: last status
 *   long   CRC-32 of every byte before it
 * Version 1 (the two-loss release: no k, no method state, no random state, no diagnostics; EMA count 0/1/2 for
 * mixed / bloop, barrier / pcgrad) is still read, as k = 2.
 * Reading checks, in this order: magic, version, length (truncated or trailing bytes), checksum, method, number
 * of losses, shapes, streams, and that every stored value is finite.
 */
final class Snapshots {
  static final int MAGIC = 0x53434C50;
  static final int VERSION = 2;

  private Snapshots() {
  }

  static void write(SurgeryState s, DataOutputStream raw) throws IOException {
    byte[] spec = s.spec.getBytes(StandardCharsets.UTF_8);
    byte[] status = s.lastStatus.getBytes(StandardCharsets.UTF_8);
    if (status.length > 65535) {
      status = java.util.Arrays.copyOf(status, 65535);
    }
    int e = s.plan.streams.length;
    double[] ms = s.ctx.methodState;
    long length = 4 + 4 + 8 + 2 + spec.length + 4 + 8 + 8 + 4 + 4L * s.layout.sizes.length + 4 + 4L * e
        + 4L * e * s.layout.total + 4 + 8L * ms.length + 16 + 1 + 8 + 8 + 4 + 8L * s.lastWeights.length + 2
        + status.length + 8;
    CRC32 crc = new CRC32();
    DataOutputStream out = new DataOutputStream(new CheckedOutputStream(nonClosing(raw), crc));
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeLong(length);
    out.writeShort(spec.length);
    out.write(spec);
    out.writeInt(s.plan.k);
    out.writeLong(s.step);
    out.writeLong(s.skipped);
    out.writeInt(s.layout.sizes.length);
    for (int size : s.layout.sizes) {
      out.writeInt(size);
    }
    out.writeInt(e);
    for (int src : s.plan.streams) {
      out.writeInt(src);
    }
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.BIG_ENDIAN);
    for (int v = 0; v < e; v++) {
      for (float[] tensor : s.streams[v]) {
        for (int i = 0; i < tensor.length; ) {
          int n = Math.min(buf.capacity() / 4, tensor.length - i);
          buf.clear();
          buf.asFloatBuffer().put(tensor, i, n);
          out.write(buf.array(), 0, n * 4);
          i += n;
        }
      }
    }
    out.writeInt(ms.length);
    for (double d : ms) {
      out.writeDouble(d);
    }
    out.writeLong(seedOf(s.spec));
    out.writeLong(s.step);
    out.writeByte(s.lastSkipped ? 1 : 0);
    out.writeDouble(s.lastRatio);
    out.writeDouble(s.lastRatioAux);
    out.writeInt(s.lastWeights.length);
    for (double d : s.lastWeights) {
      out.writeDouble(d);
    }
    out.writeShort(status.length);
    out.write(status);
    out.flush();
    raw.writeLong(crc.getValue());
    raw.flush();
  }

  private static long seedOf(String spec) {
    try {
      return SurgeryConfig.parse(spec).seed();
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  /** Reads exactly the snapshot's declared length from the stream (what follows it is left unread). */
  static SurgeryState read(InputStream in, Surgery surgery, int[] expectedSizes) {
    byte[] bytes;
    try {
      byte[] head = in.readNBytes(16);
      long length = head.length == 16 ? ByteBuffer.wrap(head, 8, 8).getLong() : head.length;
      if (head.length < 16 || ByteBuffer.wrap(head).getInt() != MAGIC || length < 24 || length > Integer.MAX_VALUE) {
        bytes = head.length < 16 ? head : concat(head, in.readAllBytes()); // the checks below say what is wrong
      } else {
        bytes = concat(head, in.readNBytes((int) length - 16));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("could not read the surgery snapshot: " + e.getMessage(), e);
    }
    return read(bytes, surgery, expectedSizes);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static SurgeryState read(byte[] bytes, Surgery surgery, int[] expectedSizes) {
    SurgeryConfig config = surgery.config();
    if (bytes.length < 16) {
      throw new IllegalArgumentException("surgery snapshot truncated: " + bytes.length
          + " bytes, shorter than its 16-byte header");
    }
    ByteBuffer head = ByteBuffer.wrap(bytes);
    int magic = head.getInt();
    if (magic != MAGIC) {
      throw new IllegalArgumentException(String.format(
          "not a Scalpel surgery snapshot: magic 0x%08X, expected 0x%08X", magic, MAGIC));
    }
    int version = head.getInt();
    if (version != 1 && version != VERSION) {
      throw new IllegalArgumentException("unsupported surgery snapshot version " + version
          + "; this Scalpel reads versions 1 and " + VERSION);
    }
    long length = head.getLong();
    if (length < 16 + 8) {
      throw inconsistent("declared length " + length + " is shorter than its header and checksum");
    }
    if (bytes.length < length) {
      throw new IllegalArgumentException("surgery snapshot truncated: " + bytes.length + " of " + length
          + " bytes");
    }
    if (bytes.length > length) {
      throw new IllegalArgumentException("surgery snapshot has " + (bytes.length - length)
          + " trailing bytes after its declared " + length + " bytes");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    long stored = ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
    if (stored != crc.getValue()) {
      throw new IllegalArgumentException(String.format(
          "surgery snapshot corrupted: checksum 0x%08X stored, 0x%08X computed", stored, crc.getValue()));
    }
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 16, bytes.length - 24));
      byte[] specBytes = new byte[in.readUnsignedShort()];
      in.readFully(specBytes);
      String spec = new String(specBytes, StandardCharsets.UTF_8);
      String name = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
      if (!name.equals(config.method().specName())) {
        throw new IllegalArgumentException("surgery snapshot holds the state of " + name + " (" + spec
            + "), not of " + config.method().specName());
      }
      int k = version == 1 ? 2 : in.readInt();
      if (k < 1 || k > 1 << 16) {
        throw inconsistent("number of losses " + k);
      }
      config.checkLosses(k);
      Plan plan = new Plan(surgery.rule(), k, surgery.forceGeneral(), surgery.diagnostics());
      long step = in.readLong();
      long skipped = in.readLong();
      int n = in.readInt();
      if (n < 0 || 4L * n > in.available()) { // before allocating: a bad count must not exhaust the heap
        throw inconsistent("tensor count " + n + " does not fit in its declared length " + length);
      }
      int[] sizes = new int[n];
      long total = 0;
      for (int t = 0; t < n; t++) {
        sizes[t] = in.readInt();
        if (sizes[t] < 0) {
          throw inconsistent("tensor " + t + " has negative size " + sizes[t]);
        }
        total += sizes[t];
      }
      if (expectedSizes != null) {
        if (n != expectedSizes.length) {
          throw new IllegalArgumentException("surgery snapshot has " + n + " tensors, the model has "
              + expectedSizes.length);
        }
        for (int t = 0; t < n; t++) {
          if (sizes[t] != expectedSizes[t]) {
            throw new IllegalArgumentException("surgery snapshot tensor " + t + " has " + sizes[t]
                + " floats, the model's has " + expectedSizes[t]);
          }
        }
      }
      int e = in.readInt();
      if (e < 0 || e > 1 << 16 || (version == VERSION && 4L * e > in.available())) {
        throw inconsistent("stream count " + e);
      }
      int[] sources = new int[e];
      for (int s = 0; s < e; s++) {
        sources[s] = version == 1 ? s : in.readInt();
      }
      if (!java.util.Arrays.equals(sources, plan.streams)) {
        throw new IllegalArgumentException("surgery snapshot holds " + e + " EMA stream(s) of gradients "
            + java.util.Arrays.toString(sources) + ", " + config.toSpec() + " with " + k + " losses keeps "
            + plan.streams.length + " of " + java.util.Arrays.toString(plan.streams));
      }
      if (4L * e * total > in.available()) {
        throw inconsistent(e + " EMA vectors of " + total + " floats do not fit in its declared length " + length);
      }
      float[][][] streams = new float[e][][];
      byte[] buf = new byte[1 << 16];
      for (int v = 0; v < e; v++) {
        streams[v] = new float[n][];
        for (int t = 0; t < n; t++) {
          float[] tensor = new float[sizes[t]];
          for (int i = 0; i < tensor.length; ) {
            int m = Math.min(buf.length / 4, tensor.length - i);
            in.readFully(buf, 0, m * 4);
            ByteBuffer.wrap(buf, 0, m * 4).asFloatBuffer().get(tensor, i, m);
            i += m;
          }
          for (int i = 0; i < tensor.length; i++) {
            if (!Float.isFinite(tensor[i])) {
              throw new IllegalArgumentException("surgery snapshot EMA " + v + " tensor " + t + " element " + i
                  + " is " + tensor[i] + "; a saved state is always finite");
            }
          }
          streams[v][t] = tensor;
        }
      }
      SurgeryState s = new SurgeryState(config.toSpec(), config.method(), plan, sizes, streams);
      s.step = step;
      s.skipped = skipped;
      if (version == VERSION) {
        int len = in.readInt();
        if (len != plan.methodStateSize) {
          throw new IllegalArgumentException("surgery snapshot holds " + len + " values of method state, "
              + config.method().specName() + " with " + k + " losses keeps " + plan.methodStateSize);
        }
        for (int i = 0; i < len; i++) {
          double d = in.readDouble();
          if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("surgery snapshot method state " + i + " is " + d
                + "; a saved state is always finite");
          }
          s.ctx.methodState[i] = d;
        }
        in.readLong(); // the seed the state was written with (informative: the configuration's seed is used)
        long counter = in.readLong();
        if (counter != step) {
          throw inconsistent("random counter " + counter + " is not the step " + step);
        }
        s.lastSkipped = in.readByte() != 0;
        s.lastRatio = in.readDouble();
        s.lastRatioAux = in.readDouble();
        int w = in.readInt();
        if (w != k) {
          throw inconsistent(w + " last weights for " + k + " losses");
        }
        for (int i = 0; i < w; i++) {
          s.lastWeights[i] = in.readDouble();
        }
        byte[] st = new byte[in.readUnsignedShort()];
        in.readFully(st);
        s.lastStatus = new String(st, StandardCharsets.UTF_8);
      }
      if (in.available() != 0) {
        throw new IllegalArgumentException("surgery snapshot: " + in.available() + " unexplained bytes");
      }
      return s;
    } catch (EOFException e) {
      throw new IllegalArgumentException("surgery snapshot inconsistent: its sections are longer than its "
          + "declared length " + length, e);
    } catch (IOException e) {
      throw new IllegalArgumentException("could not parse the surgery snapshot: " + e.getMessage(), e);
    }
  }

  private static IllegalArgumentException inconsistent(String what) {
    return new IllegalArgumentException("surgery snapshot inconsistent: " + what);
  }

  private static OutputStream nonClosing(OutputStream out) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void flush() throws IOException {
        out.flush();
      }
    };
  }
}
