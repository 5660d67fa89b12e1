package dev.scalpel.cli.io;

/** Where one run reports its progress: a {@link Progress.Run} here, or a pipe to the sweep from a job process. */
public interface RunProgress {
  /** {@code done} of {@code total} units, with a short detail such as losses. */
  void update(long done, long total, String detail);

  /** A full line about the run. */
  void message(String text);
}
