package dev.scalpel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scalpel train: errors in one line, failed runs keep their metrics, what may change on resume. */
class TrainCommandTest {
  @TempDir
  Path tmp;

  final StringWriter err = new StringWriter();

  int run(String... args) {
    err.getBuffer().setLength(0);
    var cl = Main.commandLine();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    return cl.execute(args);
  }

  String oneLine() {
    String e = err.toString().strip();
    assertEquals(1, e.lines().count(), "one line: " + e);
    assertTrue(!e.contains("Exception") && !e.contains("\tat "), e);
    return e;
  }

  @Test
  void aDivergingRunFailsInOneLineAndKeepsItsMetrics() throws Exception {
    Path dir = tmp.resolve("x");
    assertEquals(1, run("train", "--task", "toy2d", "--method", "mixed", "--lambda", "100", "--steps", "50", "--out",
        dir.toString()));
    String e = oneLine();
    assertTrue(e.startsWith("scalpel: the run failed: mixed: the direction overflows float at step 39"), e);
    assertTrue(e.endsWith("(metrics until then: " + dir.resolve("metrics.csv") + ")"), e);
    List<String> rows = Files.readAllLines(dir.resolve("metrics.csv"));
    // the header, the start and the 39 steps taken before the overflowing one (the core numbers steps from 0)
    assertEquals(1 + 1 + 39, rows.size());
    assertTrue(rows.get(rows.size() - 1).startsWith("39,39,"), rows.get(rows.size() - 1));
    assertTrue(!Files.exists(dir.resolve("result.csv")));
  }

  @Test
  void operationalSettingsMayChangeButNotTheOthers() throws Exception {
    Path dir = tmp.resolve("r");
    assertEquals(0, run("train", "--task", "toy2d", "--method", "mixed", "--steps", "30", "--out", dir.toString()));
    String first = Files.readString(dir.resolve("result.csv")).replaceAll(",[0-9.]+\n", "\n");
    assertEquals(0, run("train", "--task", "toy2d", "--method", "mixed", "--steps", "30", "--checkpoint-every",
        "7", "--out", dir.toString()));
    assertEquals(0, run("train", "--resume", dir.toString(), "--set", "diagnostics=false"));
    assertEquals(first, Files.readString(dir.resolve("result.csv")).replaceAll(",[0-9.]+\n", "\n"));
    assertEquals(2, run("train", "--task", "toy2d", "--method", "mixed", "--steps", "40", "--out", dir.toString()));
    assertEquals("scalpel: " + dir + " holds another run (steps 30 → 40); continue it with --resume " + dir
        + ", or use another --out", oneLine());
    assertEquals(2, run("train", "--resume", dir.toString(), "--lr", "0.2"));
    assertTrue(oneLine().contains("lr changes results and cannot be given"));
  }

  @Test
  void badUsageIsOneLine() throws Exception {
    assertEquals(2, run("train", "--task", "toy2d", "--method", "mixed", "--out", ""));
    assertEquals("scalpel: --out (\"\") must name a directory", oneLine());
    assertEquals(2, run("train", "--task", "toy2d", "--method", "mixed", "--set", "steps", "--out", "x"));
    assertEquals("scalpel: --set steps: expected KEY=VALUE, e.g. --set steps=10", oneLine());
    assertEquals(2, run("train", "--task", "toy2d", "--method", "mixed", "--lambda", "abc", "--out", "x"));
    assertTrue(oneLine().contains("'abc' is not a double (see: scalpel train --help)"));
    Path file = Files.writeString(tmp.resolve("afile"), "x");
    assertEquals(1, run("train", "--task", "toy2d", "--method", "mixed", "--out", file.resolve("sub").toString()));
    assertEquals("scalpel: cannot write or read " + file.resolve("sub") + ": Not a directory", oneLine());
    Path junk = Files.createDirectories(tmp.resolve("junk"));
    Files.writeString(junk.resolve("run.properties"), "hello\n");
    assertEquals(2, run("train", "--resume", junk.toString()));
    assertTrue(oneLine().contains("names no task or method"));
  }

  @Test
  void resumeSaysWhatTheDirectoryIs() throws Exception {
    Path none = tmp.resolve("none");
    assertEquals(2, run("train", "--resume", none.toString()));
    assertEquals("scalpel: --resume " + none + ": no such directory; start a run with scalpel train --task T "
        + "--method SPEC --out DIR", oneLine());
    Path sweep = tmp.resolve("sweep");
    assertEquals(0, run("sweep", "--task", "toy2d", "--method", "mixed", "--lambdas", "1", "--steps", "5", "--out",
        sweep.toString()));
    assertEquals(2, run("train", "--resume", sweep.toString()));
    assertTrue(oneLine().endsWith("it is a sweep directory: re-run its sweep command to resume it"), err.toString());
    assertEquals(2, run("train", "--resume", sweep.resolve("runs/mixed_lambda=1").toString()));
    assertTrue(oneLine().endsWith("a run of a sweep is resumed by re-running the sweep command"), err.toString());
  }

  @Test
  void aStartThatFailedBeforeItsFirstStepPinsNothing() throws Exception {
    Path dir = tmp.resolve("failed-start");
    Files.createDirectories(dir);
    // what a start that failed while building its model leaves: run.properties and nothing else
    assertEquals(0, run("train", "--task", "toy2d", "--method", "mixed", "--steps", "5", "--out", dir.toString()));
    for (String f : List.of("metrics.csv", "checkpoint.bin", "result.csv", "diagnostics.png")) {
      Files.deleteIfExists(dir.resolve(f));
    }
    assertEquals(0, run("train", "--task", "toy2d", "--method", "mixed", "--steps", "6", "--out", dir.toString()));
    assertTrue(Files.readString(dir.resolve("run.properties")).contains("setting.steps=6"));
    // once a run has made progress, other settings are refused as before
    assertEquals(2, run("train", "--task", "toy2d", "--method", "mixed", "--steps", "7", "--out", dir.toString()));
    assertTrue(oneLine().contains("holds another run (steps 6 → 7)"));
  }

  @Test
  void aDirectoryInUseIsRefusedAndResumeNeedsNoTask() throws Exception {
    Path dir = tmp.resolve("busy");
    try (var lock = dev.scalpel.experiments.io.DirectoryLock.acquire(dir)) {
      assertEquals(2, run("train", "--task", "toy2d", "--method", "mixed", "--steps", "5", "--out", dir.toString()));
      assertTrue(oneLine().contains(dir + " is in use by another scalpel command"));
    }
    assertEquals(0, run("train", "--task", "toy2d", "--method", "mixed", "--steps", "5", "--out", dir.toString()));
    assertEquals(2, run("train", "--resume", dir.toString(), "--task", "toy2d"));
    assertTrue(oneLine().startsWith("scalpel: --resume DIR continues a run with the task, method and settings it "
        + "recorded; leave out --task"));
  }

  @Test
  void filesFollowTheUmaskNotPrivateTempFilePermissions() throws Exception {
    Path dir = tmp.resolve("p");
    assertEquals(0, run("train", "--task", "toy2d", "--method", "mixed", "--steps", "5", "--out", dir.toString()));
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir.resolve("metrics.csv"));
    Path probe = Files.createFile(tmp.resolve("probe"));
    assertEquals(Files.getPosixFilePermissions(probe), perms, "like any file this process creates");
  }
}
