package dev.scalpel.train.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that a reader sees either the old content or the new one, never a torn file: the bytes go to a
 * temporary file beside the target, are forced to disk, the temporary file is renamed over the target
 * ({@link StandardCopyOption#ATOMIC_MOVE}) and the directory is forced. Used for checkpoints, metrics and every
 * file the command line writes.
 */
public final class AtomicFiles {
  private AtomicFiles() {
  }

  /**
   * Writes {@code content} to {@code target} atomically.
   *
   * @throws java.nio.file.AtomicMoveNotSupportedException when the file system cannot rename atomically (the
   *     target is then untouched and no temporary file is left)
   */
  public static void write(Path target, byte[] content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    // a fresh name created with the default permissions (the umask applies, unlike createTempFile's 0600)
    Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toUnsignedString(
        java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      forceDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** {@link #write(Path, byte[])} of UTF-8 text. */
  public static void write(Path target, CharSequence content) throws IOException {
    write(target, content.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // some platforms cannot open directories; the rename is still atomic
    }
  }
}
