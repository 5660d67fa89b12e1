package dev.scalpel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code kill -9}: {@code scalpel train} runs in a child JVM, is killed with SIGKILL right after its first
 * checkpoint, then continued with {@code --resume}; its metrics.csv (every evaluation and diagnostics column but
 * the wall time) and final metrics equal those of an uninterrupted run.
 */
class KillResumeTest {
  @TempDir
  Path tmp;

  static final String[] RUN = {"--task", "quadratic", "--method", "bloop:ema=0.01", "--lambda", "1",
      "--epochs", "6000", "--checkpoint-every", "4000"};

  @Test
  void killedWithSigkillAndResumedEqualsUninterrupted() throws Exception {
    Path cut = tmp.resolve("cut");
    Process p = train(cut);
    CompletableFuture<String> checkpoint = CompletableFuture.supplyAsync(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("checkpoint: step")) {
            p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no flushing
            return line;
          }
        }
        return "ended without a checkpoint line";
      } catch (Exception e) {
        return e.toString();
      }
    });
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child finished or was killed");
    String seen = checkpoint.get(10, TimeUnit.SECONDS);
    assertEquals("checkpoint: step 4000 → " + cut.resolve("checkpoint.bin"), seen);
    assertEquals(137, p.exitValue(), "killed by SIGKILL (128 + 9)");
    assertTrue(!Files.exists(cut.resolve("result.csv")), "the run did not finish");

    var cl = Main.commandLine();
    cl.setErr(new PrintWriter(new StringWriter()));
    cl.setOut(new PrintWriter(new StringWriter()));
    assertEquals(0, cl.execute("train", "--resume", cut.toString()));
    assertSameAsUninterrupted(cl, cut, tmp.resolve("full"));
    assertEquals(6001, Files.readAllLines(cut.resolve("metrics.csv")).size() - 1);
  }

  /**
   * Ctrl-C or {@code kill} (SIGTERM): the run saves its position after the step under way — not only at its last
   * checkpoint — says so, and the resumed run ends as an uninterrupted one.
   */
  @Test
  void stoppedWithSigtermSavesWhereItWasAndResumes() throws Exception {
    Path cut = tmp.resolve("term");
    Process p = train(cut);
    CompletableFuture<String> interrupted = CompletableFuture.supplyAsync(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
        String line;
        String seen = "ended without an interruption line";
        while ((line = r.readLine()) != null) {
          if (line.startsWith("checkpoint: step 4000")) {
            // SIGTERM, as kill or a terminal's Ctrl-C (SIGINT) sends: the JVM's shutdown hooks run (Process.destroy
            // would send it too, but closes the streams this thread reads)
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
          } else if (line.startsWith("interrupted: ")) {
            seen = line;
          }
        }
        return seen;
      } catch (Exception e) {
        return e.toString();
      }
    });
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child finished or stopped");
    String seen = interrupted.get(10, TimeUnit.SECONDS);
    assertTrue(seen.startsWith("interrupted: saved the run after step "), seen);
    long step = Long.parseLong(seen.substring("interrupted: saved the run after step ".length()).split(" ")[0]);
    assertTrue(step >= 4000 && step < 24000, "saved at the step under way: " + step);
    assertEquals(143, p.exitValue(), "stopped by SIGTERM (128 + 15)");
    assertTrue(!Files.exists(cut.resolve("result.csv")), "the run did not finish");

    var cl = Main.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    assertEquals(0, cl.execute("train", "--resume", cut.toString()));
    assertSameAsUninterrupted(cl, cut, tmp.resolve("full"));
  }

  /** Runs RUN uninterrupted into {@code full}; its metrics.csv and result.csv equal {@code cut}'s, wall time aside. */
  static void assertSameAsUninterrupted(picocli.CommandLine cl, Path cut, Path full) throws Exception {
    List<String> args = new ArrayList<>(List.of("train"));
    args.addAll(List.of(RUN));
    args.addAll(List.of("--out", full.toString()));
    assertEquals(0, cl.execute(args.toArray(String[]::new)));
    assertEquals(withoutSeconds(full.resolve("metrics.csv")), withoutSeconds(cut.resolve("metrics.csv")));
    assertEquals(withoutSeconds(full.resolve("result.csv")), withoutSeconds(cut.resolve("result.csv")));
  }

  /** {@code scalpel train RUN --out dir} in a child JVM, its stdout discarded, its stderr to read. */
  static Process train(Path dir) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
        "--add-modules", "jdk.incubator.vector", "-Djava.awt.headless=true", "-cp",
        System.getProperty("java.class.path"), "dev.scalpel.cli.Main", "train"));
    cmd.addAll(List.of(RUN));
    cmd.addAll(List.of("--out", dir.toString()));
    return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** The lines of a CSV whose last column is the wall time, without it. */
  static List<String> withoutSeconds(Path csv) throws Exception {
    return Files.readAllLines(csv).stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList();
  }
}
