package dev.scalpel.experiments.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on an output directory ({@code DIR/.lock}, an OS file lock: released when the process ends,
 * even by {@code kill -9}), so that two commands never write one run or sweep at once.
 */
public final class DirectoryLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code dir} (created if missing).
   *
   * @throws IllegalArgumentException when another process (or this one) holds it, naming the directory
   */
  public static DirectoryLock acquire(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(".lock");
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      ch.close();
      throw new IllegalArgumentException(dir + " is in use by another scalpel command (lock " + file
          + "); wait for it to finish, or use another --out");
    }
    return new DirectoryLock(ch, l);
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
