package dev.scalpel.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.scalpel.core.GradientSurgery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The resume check every task's test runs: killed after a checkpoint and resumed = uninterrupted, bit for bit. */
public final class ResumeCheck {
  private ResumeCheck() {
  }

  /** Thrown from a listener to stop a run as a kill would. */
  static final class Killed extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  /**
   * Runs {@code method} uninterrupted into {@code tmp/full}; then into {@code tmp/cut}, killed when step
   * {@code killAt} is done, and again, resumed by a new run with fresh objects. Asserts that the resumed run started
   * at {@code expectedStart} (the last checkpoint) and ended with the same metrics and the same metrics.csv (the
   * {@code seconds} column aside).
   */
  public static void interruptedEqualsUninterrupted(Task task, Map<String, String> settings, GradientSurgery method,
      long killAt, long expectedStart, Path tmp) throws Exception {
    Path full = tmp.resolve("full");
    RunResult a = loop(task, settings).run(method, full, null);
    Path cut = tmp.resolve("cut");
    assertThrows(Killed.class, () -> loop(task, settings).run(method, cut, new RunListener() {
      @Override
      public void onStep(long step, long totalSteps, double[] losses) {
        if (step == killAt) {
          throw new Killed();
        }
      }
    }));
    long[] start = new long[1];
    RunResult b = loop(task, settings).run(method, cut, new RunListener() {
      @Override
      public void onStart(long startStep, long totalSteps) {
        start[0] = startStep;
      }
    });
    assertEquals(expectedStart, start[0]);
    assertEquals(a.metrics(), b.metrics());
    assertEquals(lines(full), lines(cut));
  }

  /** A run loop that checkpoints by steps only (no time-based checkpoints). */
  public static RunLoop loop(Task task, Map<String, String> settings) {
    return RunLoop.of(task, task.settings(settings)).withCheckpointSeconds(1e9);
  }

  /** The lines of a run's metrics.csv without their last column ({@code seconds}). */
  public static List<String> lines(Path dir) throws Exception {
    return Files.readAllLines(dir.resolve(RunLoop.METRICS)).stream()
        .map(l -> l.substring(0, l.lastIndexOf(','))).toList();
  }
}
