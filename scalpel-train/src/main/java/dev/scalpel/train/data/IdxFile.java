package dev.scalpel.train.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * One idx file (the format of LeCun's MNIST files) with unsigned-byte elements: its dimensions and its data.
 * {@link #read(Path)} accepts plain and gzip-compressed files (recognised by their first bytes, whatever the name).
 *
 * <p>Checked: the magic (two zero bytes, type {@code 0x08} for unsigned bytes, 1 to 4 dimensions), positive
 * dimensions, and a data part of exactly the announced size: a truncated file and one with trailing bytes are both
 * errors. Every error is a {@link DataException} naming the file and what was wrong.
 *
 * @param dims the dimensions, outermost first (e.g. {@code [60000, 28, 28]})
 * @param data the elements in row-major order, as unsigned bytes stored in Java bytes
 */
public record IdxFile(int[] dims, byte[] data) {

  /** The idx type code of unsigned bytes, the only one MNIST uses. */
  public static final int TYPE_UNSIGNED_BYTE = 0x08;

  public IdxFile {
    dims = dims.clone();
  }

  @Override
  public int[] dims() {
    return dims.clone();
  }

  /** Number of items (the first dimension). */
  public int count() {
    return dims[0];
  }

  /** Reads and checks an idx file, plain or gzip-compressed. */
  public static IdxFile read(Path file) {
    byte[] head = new byte[2];
    try (InputStream raw = Files.newInputStream(file)) {
      int n = raw.readNBytes(head, 0, 2);
      boolean gzip = n == 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
      try (InputStream in = open(file, gzip)) {
        return read(in, file.toString());
      }
    } catch (NoSuchFileException e) {
      throw new DataException("idx file " + file + " does not exist");
    } catch (ZipException e) {
      throw new DataException("idx file " + file + " is gzip-compressed but its compressed data is damaged ("
          + e.getMessage() + "); replace it with a good copy (a cached download is fetched again by itself)", e);
    } catch (EOFException e) {
      throw new DataException("idx file " + file + " is a truncated gzip file; replace it with a good copy (a cached download is fetched again by itself)", e);
    } catch (IOException e) {
      throw new DataException("could not read idx file " + file + ": " + e, e);
    }
  }

  private static InputStream open(Path file, boolean gzip) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    return gzip ? new GZIPInputStream(in, 1 << 16) : in;
  }

  /** Reads and checks an idx file from a stream ({@code name} is used in error messages). */
  public static IdxFile read(InputStream in, String name) throws IOException {
    byte[] magic = in.readNBytes(4);
    if (magic.length < 4) {
      throw new DataException("idx file " + name + " is truncated: " + magic.length
          + " bytes, shorter than the 4-byte magic number");
    }
    if (magic[0] != 0 || magic[1] != 0) {
      throw new DataException("idx file " + name + " is malformed: it does not start with the idx magic "
          + "(two zero bytes), found " + hex(magic) + "; is it an idx file?");
    }
    int type = magic[2] & 0xff;
    if (type != TYPE_UNSIGNED_BYTE) {
      throw new DataException("idx file " + name + " has element type 0x" + Integer.toHexString(type)
          + "; only unsigned bytes (0x08) are supported");
    }
    int rank = magic[3] & 0xff;
    if (rank < 1 || rank > 4) {
      throw new DataException("idx file " + name + " is malformed: it announces " + rank
          + " dimensions (1 to 4 expected)");
    }
    byte[] dimBytes = in.readNBytes(4 * rank);
    if (dimBytes.length < 4 * rank) {
      throw new DataException("idx file " + name + " is truncated inside its header (" + (4 + dimBytes.length)
          + " of " + (4 + 4 * rank) + " header bytes)");
    }
    int[] dims = new int[rank];
    long total = 1;
    for (int d = 0; d < rank; d++) {
      int v = ((dimBytes[4 * d] & 0xff) << 24) | ((dimBytes[4 * d + 1] & 0xff) << 16)
          | ((dimBytes[4 * d + 2] & 0xff) << 8) | (dimBytes[4 * d + 3] & 0xff);
      if (v <= 0) {
        throw new DataException("idx file " + name + " is malformed: dimension " + d + " is " + v
            + " (must be > 0)");
      }
      dims[d] = v;
      total *= v;
    }
    if (total > Integer.MAX_VALUE - 16) {
      throw new DataException("idx file " + name + " announces " + total + " elements, too many for one array; "
          + "dimensions " + Arrays.toString(dims));
    }
    byte[] data = in.readNBytes((int) total);
    if (data.length < total) {
      throw new DataException("idx file " + name + " is truncated: dimensions " + Arrays.toString(dims)
          + " announce " + total + " data bytes but only " + data.length + " follow the header; "
          + "replace it with a good copy (a cached download is fetched again by itself)");
    }
    if (in.read() >= 0) {
      throw new DataException("idx file " + name + " is malformed: bytes follow the " + total
          + " data bytes announced by its dimensions " + Arrays.toString(dims));
    }
    return new IdxFile(dims, data);
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02x", x & 0xff));
    }
    return s.toString();
  }
}
