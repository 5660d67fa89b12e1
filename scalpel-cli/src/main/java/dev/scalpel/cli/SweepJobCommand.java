package dev.scalpel.cli;

import dev.scalpel.cli.io.ProgressListener;
import dev.scalpel.cli.io.RunProgress;
import dev.scalpel.cli.sweep.JobProcess;
import dev.scalpel.core.GradientSurgery;
import dev.scalpel.experiments.RunLoop;
import dev.scalpel.experiments.RunResult;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.Tasks;
import dev.scalpel.experiments.io.DirectoryLock;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scalpel sweep-job} (hidden): one run of a sweep in a process of its own, started by {@code sweep --jobs
 * N}. Its progress goes to standard output in {@link JobProcess}'s line protocol, its result to a file in the run
 * directory; it ends itself when the sweep's process ends.
 */
@Command(name = "sweep-job", hidden = true, description = "one run of a sweep --jobs N (internal)")
public final class SweepJobCommand implements Callable<Integer> {
  @Option(names = "--task", required = true)
  String task;

  @Option(names = "--method", required = true)
  String method;

  @Option(names = "--dir", required = true)
  Path dir;

  @Option(names = "--set", mapFallbackValue = "")
  Map<String, String> settings = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    // an orphan would go on writing the run while a resumed sweep starts it again: end with the sweep
    ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    Task t = Tasks.byName(task);
    try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
      RunProgress pipe = new RunProgress() {
        private long last;

        @Override
        public void update(long done, long total, String detail) {
          long now = System.nanoTime();
          if (done < total && now - last < 250_000_000L) {
            return;
          }
          last = now;
          out.println(JobProcess.PROGRESS + done + " " + total + " " + detail);
        }

        @Override
        public void message(String text) {
          out.println(JobProcess.MESSAGE + text.replace('\n', ' ').replace('\r', ' '));
        }
      };
      RunResult r = RunLoop.of(t, t.settings(settings)).run(GradientSurgery.parse(method), dir,
          new ProgressListener(pipe, false));
      JobProcess.writeResult(dir, r);
    } catch (Exception e) {
      out.println(JobProcess.ERROR + String.valueOf(e.getMessage()).replace('\n', ' ').replace('\r', ' '));
      throw e;
    }
    return 0;
  }
}
