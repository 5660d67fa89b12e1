package dev.scalpel.train.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Helpers to put typed values in checkpoint sections and to get them back with clear errors. */
public final class Sections {
  private Sections() {
  }

  /** Float arrays as bytes: int count, then for each an int length and its floats (big-endian, as every format). */
  public static byte[] floats(float[][] arrays) {
    long n = 4;
    for (float[] a : arrays) {
      n += 4 + 4L * a.length;
    }
    ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(n)).order(ByteOrder.BIG_ENDIAN);
    b.putInt(arrays.length);
    for (float[] a : arrays) {
      b.putInt(a.length);
      b.asFloatBuffer().put(a);
      b.position(b.position() + 4 * a.length);
    }
    return b.array();
  }

  /** Reads {@link #floats(float[][])}. */
  public static float[][] floats(byte[] bytes, String what) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
      float[][] out = new float[b.getInt()][];
      for (int i = 0; i < out.length; i++) {
        int len = b.getInt();
        out[i] = new float[len];
        b.asFloatBuffer().get(out[i]);
        b.position(b.position() + 4 * len);
      }
      if (b.hasRemaining()) {
        throw new CheckpointException(what + " has " + b.remaining() + " unexpected trailing bytes");
      }
      return out;
    } catch (RuntimeException e) {
      if (e instanceof CheckpointException ce) {
        throw ce;
      }
      throw new CheckpointException(what + " is malformed: " + e, e);
    }
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** The section, or a clear error naming the checkpoint and the missing section. */
  public static byte[] require(Map<String, byte[]> sections, String name, String checkpoint) {
    byte[] b = sections.get(name);
    if (b == null) {
      throw new CheckpointException("checkpoint " + checkpoint + " lacks section '" + name + "' (present: "
          + sections.keySet() + ")");
    }
    return b;
  }
}
