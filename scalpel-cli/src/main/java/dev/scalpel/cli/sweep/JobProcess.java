package dev.scalpel.cli.sweep;

import dev.scalpel.cli.io.RunProgress;
import dev.scalpel.experiments.RunLoop;
import dev.scalpel.experiments.RunResult;
import dev.scalpel.experiments.io.AtomicFiles;
import dev.scalpel.experiments.io.Csv;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/*
 * One run of a sweep in a JVM of its own (sweep --jobs N). Runs cannot share a process: DJL's PyTorch engine
 * allows one gradient collector per process ("A PtGradientCollector is already collecting"), and a process per
 * run also keeps native memory and crashes apart. The child is this JVM's java with its JVM options and class
 * path and a share of the cores (-XX:ActiveProcessorCount = cores / jobs), running `scalpel sweep-job`; it reports on standard output, one line each:
 *   P <done> <total> <detail>     progress (at most 4 a second)
 *   M <text>                      a message (an evaluation, "resuming at step …")
 *   E <text>                      the error that ended the run
 * and writes DIR/job-result.csv (the final metrics, steps, seconds) atomically when the run is finished; its
 * standard error goes to DIR/job.log.
 */
/** Starts a run of a sweep in its own process and waits for its result. */
public final class JobProcess {
  public static final String PROGRESS = "P ";
  public static final String MESSAGE = "M ";
  public static final String ERROR = "E ";
  static final String RESULT = "job-result.csv";

  private JobProcess() {
  }

  /** Writes a finished run's result where the sweep reads it. */
  public static void writeResult(Path dir, RunResult r) throws IOException {
    List<String> h = new ArrayList<>();
    List<String> v = new ArrayList<>();
    r.metrics().forEach((k, x) -> {
      h.add(k);
      v.add(Csv.num(x));
    });
    h.add("steps");
    v.add(Long.toString(r.steps()));
    h.add("seconds");
    v.add(Csv.num(r.seconds()));
    AtomicFiles.write(dir.resolve(RESULT), Csv.line(h) + Csv.line(v));
  }

  /**
   * Runs {@code method} on the task with these settings in {@code dir}, in a child JVM; its progress goes to
   * {@code progress}.
   *
   * @throws IllegalStateException with the child's error (or its exit code and log) when the run failed
   */
  static RunResult run(String task, Map<String, String> settings, String method, Path dir, RunProgress progress,
      int jobs) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString()));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!a.startsWith("-agentlib:jdwp") && !a.startsWith("-javaagent:")
          && !a.startsWith("-XX:ActiveProcessorCount=")) {
        cmd.add(a);
      }
    }
    // the cores shared out: without it each JVM sizes its GC, JIT and the surgery's threads to the whole machine,
    // and two runs at once each run 2.5 times slower than one alone (measured: docs/benchmarks.md)
    cmd.add("-XX:ActiveProcessorCount=" + Math.max(1, Runtime.getRuntime().availableProcessors() / jobs));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.scalpel.cli.Main", "sweep-job",
        "--task", task, "--method", method, "--dir", dir.toString()));
    settings.forEach((k, v) -> cmd.add("--set=" + k + "=" + v));
    Files.deleteIfExists(dir.resolve(RESULT));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(dir.resolve("job.log").toFile());
    Process[] child = new Process[1];
    boolean[] stopped = new boolean[1];
    Thread killer = new Thread(() -> { // SIGTERM: the run saves its position and ends; wait for it
      Process c;
      synchronized (child) {
        c = child[0];
        stopped[0] = true; // nothing starts after this point
      }
      if (c != null) {
        c.destroy();
        try {
          c.waitFor(RunLoop.SHUTDOWN_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    try {
      Runtime.getRuntime().addShutdownHook(killer); // before the child exists: no child outlives the sweep
    } catch (IllegalStateException shuttingDown) {
      throw new SweepRunner.SweepInterruptedException();
    }
    Process p;
    synchronized (child) {
      if (stopped[0]) {
        throw new SweepRunner.SweepInterruptedException();
      }
      p = pb.start();
      child[0] = p;
    }
    String error = null;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith(PROGRESS)) {
          String[] f = line.substring(2).split(" ", 3);
          progress.update(Long.parseLong(f[0]), Long.parseLong(f[1]), f.length > 2 ? f[2] : "");
        } else if (line.startsWith(MESSAGE)) {
          progress.message(line.substring(2));
        } else if (line.startsWith(ERROR)) {
          error = line.substring(2);
        } else if (!line.isBlank()) {
          progress.message(line);
        }
      }
      int code = p.waitFor();
      Path result = dir.resolve(RESULT);
      if (code != 0 || !Files.exists(result)) {
        throw new IllegalStateException(error != null ? error : "the run's process ended with exit code " + code
            + " (its log: " + dir.resolve("job.log") + ")");
      }
      Map<String, String> row = Csv.read(result).get(0);
      Map<String, Double> metrics = new LinkedHashMap<>();
      row.forEach((k, v) -> {
        if (!k.equals("steps") && !k.equals("seconds")) {
          metrics.put(k, Double.parseDouble(v));
        }
      });
      Files.delete(result);
      return new RunResult(metrics, Long.parseLong(row.get("steps")), Double.parseDouble(row.get("seconds")));
    } finally {
      if (p.isAlive()) {
        p.destroy();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(killer);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs
      }
    }
  }
}
