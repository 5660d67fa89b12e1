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
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/*
 * Snapshot format, version 1, big-endian:
 *   int    magic 0x53434C50 ("SCLP")
 *   int    version (1)
 *   long   total length in bytes, this header and the checksum included
 *   short+bytes  canonical spec of the method, UTF-8 (informative; only the method name is checked)
 *   long   step, long skipped steps
 *   int    tensor count n, then n ints: tensor sizes
 *   int    EMA count k (0 mixed, 1 bloop/barrier, 2 pcgrad), then k × Σsizes floats (IEEE bits), tensor by tensor
 *   long   CRC-32 of every byte before it
 * Reading checks, in this order: magic, version, length (truncated or trailing bytes), checksum, method, shapes,
 * and that every EMA value is finite.
 */
final class Snapshots {
  static final int MAGIC = 0x53434C50;
  static final int VERSION = 1;

  private Snapshots() {
  }

  static void write(SurgeryState s, DataOutputStream raw) throws IOException {
    byte[] spec = s.spec.getBytes(StandardCharsets.UTF_8);
    int k = s.method.emaCount();
    long length = 4 + 4 + 8 + 2 + spec.length + 8 + 8 + 4 + 4L * s.layout.sizes.length + 4
        + 4L * k * s.layout.total + 8;
    CRC32 crc = new CRC32();
    DataOutputStream out = new DataOutputStream(new CheckedOutputStream(nonClosing(raw), crc));
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeLong(length);
    out.writeShort(spec.length);
    out.write(spec);
    out.writeLong(s.step);
    out.writeLong(s.skipped);
    out.writeInt(s.layout.sizes.length);
    for (int size : s.layout.sizes) {
      out.writeInt(size);
    }
    out.writeInt(k);
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.BIG_ENDIAN);
    for (int v = 0; v < k; v++) {
      for (float[] tensor : v == 0 ? s.ema : s.emaAux) {
        for (int i = 0; i < tensor.length; ) {
          int n = Math.min(buf.capacity() / 4, tensor.length - i);
          buf.clear();
          buf.asFloatBuffer().put(tensor, i, n);
          out.write(buf.array(), 0, n * 4);
          i += n;
        }
      }
    }
    out.flush();
    raw.writeLong(crc.getValue());
    raw.flush();
  }

  static SurgeryState read(InputStream in, SurgeryConfig config, int[] expectedSizes) {
    byte[] bytes;
    try {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalArgumentException("could not read the surgery snapshot: " + e.getMessage(), e);
    }
    return read(bytes, config, expectedSizes);
  }

  static SurgeryState read(byte[] bytes, SurgeryConfig config, int[] expectedSizes) {
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
    if (version != VERSION) {
      throw new IllegalArgumentException("unsupported surgery snapshot version " + version
          + "; this Scalpel reads version " + VERSION);
    }
    long length = head.getLong();
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
      int k = in.readInt();
      if (k != config.method().emaCount()) {
        throw new IllegalArgumentException("surgery snapshot holds " + k + " EMA vectors, "
            + config.method().specName() + " keeps " + config.method().emaCount());
      }
      if (4L * k * total > in.available()) {
        throw inconsistent(k + " EMA vectors of " + total + " floats do not fit in its declared length " + length);
      }
      float[][][] emas = new float[k][][];
      byte[] buf = new byte[1 << 16];
      for (int v = 0; v < k; v++) {
        emas[v] = new float[n][];
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
          emas[v][t] = tensor;
        }
      }
      if (in.available() != 0) {
        throw new IllegalArgumentException("surgery snapshot: " + in.available() + " unexplained bytes");
      }
      SurgeryState s = new SurgeryState(config.toSpec(), config.method(), sizes,
          k > 0 ? emas[0] : null, k > 1 ? emas[1] : null);
      s.step = step;
      s.skipped = skipped;
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

  static int[] sizes(float[][] tensors) {
    return Arrays.stream(tensors).mapToInt(t -> t.length).toArray();
  }
}
