package dev.scalpel.experiments.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The command line's file writes: atomic through {@link dev.scalpel.train.checkpoint.AtomicFiles} (a reader sees the
 * old content or the new one, never a torn file); on a file system that cannot rename atomically, a plain write.
 */
public final class AtomicFiles {
  private AtomicFiles() {
  }

  public static void write(Path target, byte[] content) throws IOException {
    try {
      dev.scalpel.train.checkpoint.AtomicFiles.write(target, content);
    } catch (AtomicMoveNotSupportedException e) {
      Files.write(target, content);
    }
  }

  public static void write(Path target, String content) throws IOException {
    write(target, content.getBytes(StandardCharsets.UTF_8));
  }
}
