package dev.scalpel.train.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A checkpoint file: named binary sections, written atomically and verified on load.
 *
 * <p>Format (version {@value #VERSION}): the 8-byte magic {@code SCALPELC}, an int version, an int section count,
 * then for each section its name (modified UTF-8 with a 2-byte length) and its bytes (8-byte length), and last the
 * SHA-256 of everything before it. Big-endian, and so is everything Scalpel writes inside the sections (the
 * parameters, the optimiser state, the surgery snapshot, the spectral-norm vectors). The SHA-256 is the integrity
 * check of the whole checkpoint; the optimiser state and the surgery snapshot also carry a CRC-32 of their own
 * because they can be stored and restored on their own.
 *
 * <p>Writing: to a temporary file in the same directory, forced to disk, renamed over the target with an atomic
 * move, then the directory is forced: a reader sees the old checkpoint or the new one, never a mix, even after a
 * {@code kill -9} or a power cut. Reading checks the magic, the version, the lengths and the checksum, and fails
 * with a {@link CheckpointException} saying which.
 *
 * <pre>{@code
 * CheckpointFile.write(dir.resolve("checkpoint.bin"), Map.of("params", bytes));
 * Map<String, byte[]> sections = CheckpointFile.read(dir.resolve("checkpoint.bin"));
 * }</pre>
 */
public final class CheckpointFile {
  /** 2: every number inside the sections big-endian (version 1 files held little-endian floats: refused). */
  public static final int VERSION = 2;
  private static final byte[] MAGIC = "SCALPELC".getBytes(StandardCharsets.US_ASCII);
  private static final int DIGEST = 32;

  private CheckpointFile() {
  }

  /** Writes the sections (in iteration order) atomically to {@code file}. */
  public static void write(Path file, Map<String, byte[]> sections) {
    byte[] bytes = encode(sections);
    try {
      AtomicFiles.write(file, bytes);
    } catch (AtomicMoveNotSupportedException e) {
      throw new CheckpointException("the file system of " + file.toAbsolutePath().getParent()
          + " cannot rename atomically; checkpoints need a local file system", e);
    } catch (IOException e) {
      throw new CheckpointException("could not write checkpoint " + file + ": " + e, e);
    }
  }

  /** The file's bytes for these sections. */
  public static byte[] encode(Map<String, byte[]> sections) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(MAGIC);
      out.writeInt(VERSION);
      out.writeInt(sections.size());
      for (Map.Entry<String, byte[]> e : sections.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeLong(e.getValue().length);
        out.write(e.getValue());
      }
      out.flush();
      out.write(sha256(bytes.toByteArray(), bytes.size()));
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads and verifies a checkpoint file; the sections in file order. */
  public static Map<String, byte[]> read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new CheckpointException("checkpoint " + file + " does not exist", e);
    } catch (IOException e) {
      throw new CheckpointException("could not read checkpoint " + file + ": " + e, e);
    }
    return decode(bytes, file.toString());
  }

  /** Verifies and splits a checkpoint's bytes ({@code name} is used in errors). */
  public static Map<String, byte[]> decode(byte[] bytes, String name) {
    if (bytes.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw new CheckpointException("checkpoint " + name + " is not a Scalpel checkpoint (bad magic; "
          + bytes.length + " bytes)");
    }
    if (bytes.length < MAGIC.length + 8 + DIGEST) {
      throw new CheckpointException("checkpoint " + name + " is truncated (" + bytes.length + " bytes)");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    in.position(MAGIC.length);
    int version = in.getInt();
    if (version != VERSION) {
      throw new CheckpointException("checkpoint " + name + " has format version " + version + "; this build reads "
          + "version " + VERSION);
    }
    byte[] expected = sha256(bytes, bytes.length - DIGEST);
    byte[] stored = Arrays.copyOfRange(bytes, bytes.length - DIGEST, bytes.length);
    if (!MessageDigest.isEqual(expected, stored)) {
      throw new CheckpointException("checkpoint " + name + " is corrupted or truncated (SHA-256 mismatch); "
          + "delete it to start the run afresh, or restore it from a copy");
    }
    int count = in.getInt();
    int end = bytes.length - DIGEST;
    Map<String, byte[]> sections = new LinkedHashMap<>();
    try (DataInputStream data = new DataInputStream(new ByteArrayInputStream(bytes, in.position(),
        end - in.position()))) {
      for (int i = 0; i < count; i++) {
        String section = data.readUTF();
        long len = data.readLong();
        if (len < 0 || len > data.available()) {
          throw new CheckpointException("checkpoint " + name + " is malformed: section '" + section
              + "' announces " + len + " bytes, " + data.available() + " are left");
        }
        byte[] content = new byte[(int) len];
        data.readFully(content);
        sections.put(section, content);
      }
      if (data.available() != 0) {
        throw new CheckpointException("checkpoint " + name + " is malformed: " + data.available()
            + " unexpected bytes after its sections");
      }
    } catch (IOException e) {
      throw new CheckpointException("checkpoint " + name + " is malformed (sections overrun the file)", e);
    }
    return sections;
  }

  private static byte[] sha256(byte[] b, int len) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(b, 0, len);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
