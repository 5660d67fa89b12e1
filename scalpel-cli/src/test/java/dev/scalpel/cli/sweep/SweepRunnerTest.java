package dev.scalpel.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scalpel.cli.Main;
import dev.scalpel.experiments.io.Csv;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepRunnerTest {

  static int run(String... args) {
    var cl = Main.commandLine();
    cl.setErr(new PrintWriter(new StringWriter()));
    return cl.execute(args);
  }

  @Test
  void toySweepWritesResultsTrajectoriesAndPlotsAndReachesTheClosedForms(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("toy");
    int code = run("sweep", "--task", "toy2d", "--method", "mixed", "--method", "bloop:ema=1,eps=0",
        "--method", "bloop:ema=1", "--lambdas", "0.5,1", "--steps", "500", "--out", out.toString());
    assertEquals(0, code);
    List<Map<String, String>> rows = Csv.read(out.resolve("results.csv"));
    assertEquals(6, rows.size());
    for (Map<String, String> r : rows) {
      double lambda = Double.parseDouble(r.get("lambda"));
      double a = Double.parseDouble(r.get("a"));
      double b = Double.parseDouble(r.get("b"));
      assertTrue(r.get("method").contains("lambda=" + r.get("lambda").replace(".0", "")),
          "method column is the canonical spec with the grid's λ: " + r.get("method"));
      if (r.get("label").equals("mixed")) { // minimiser of ½a² + λ/2((a−1)²+b²)
        assertEquals(lambda / (1 + lambda), a, 1e-6);
        assertEquals(0, b, 1e-6);
        assertEquals(0.5 * a * a, Double.parseDouble(r.get("main_loss")), 1e-12);
      } else if (r.get("label").contains("eps=0")) { // exact bloop without EMA: direction (a, λb) → (0, 0)
        // a_t = 0.9^t in exact arithmetic; in float, d_a = a + λ(a−1) − λ r a cancels two O(λ) terms, leaving
        // an error of a few λ·ulp(1) ≈ 1e-7 per step, a noise floor the iteration contracts towards.
        assertEquals(0, a, 1e-6);
        assertEquals(0, b, 2 * Math.pow(1 - 0.1 * lambda, 500)); // b_t = (1 − 0.1λ)^t
      } else {
        // With eps > 0 the projection is incomplete once a² ~ eps: d_a = a + λ(a−1)·eps/(a²+eps) vanishes at the
        // root of a³ + (1+λ)·eps·a − λ·eps = 0, not at 0.
        double eps = 1e-7;
        double residual = a * a * a + (1 + lambda) * eps * a - lambda * eps;
        assertEquals(0, residual, 1e-3 * lambda * eps, "a=" + a);
        assertTrue(a > 1e-3 && a < 1e-2);
      }
      Path runDir = out.resolve(r.get("run_dir"));
      List<Map<String, String>> evaluations = Csv.read(runDir.resolve("metrics.csv"));
      assertEquals(501, evaluations.size(), "500 steps: the start and every step");
      assertEquals(r.get("a"), evaluations.get(500).get("a"), "results.csv reports the last evaluation");

    }
    BufferedImage diagnostics = ImageIO.read(out.resolve("diagnostics.png").toFile());
    assertEquals(1520, diagnostics.getWidth());
    BufferedImage png = ImageIO.read(out.resolve("pareto.png").toFile());
    assertEquals(1000, png.getWidth());
    String svg = Files.readString(out.resolve("pareto.svg"));
    assertTrue(svg.startsWith("<?xml") && svg.contains("<svg"), "an SVG document");
  }

  @Test
  void rerunResumesWithoutRedoingFinishedRuns(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("q");
    String[] args = {"sweep", "--task", "quadratic", "--method", "mixed", "--method", "bloop:ema=0.01,init=zeros",
        "--lambdas", "0.1,10", "--epochs", "5", "--out", out.toString()};
    assertEquals(0, run(args));
    Path done = out.resolve("runs/mixed_lambda=0.1/result.csv");
    FileTime before = Files.getLastModifiedTime(done);
    String results = Files.readString(out.resolve("results.csv"));
    Files.delete(out.resolve("runs/mixed_lambda=10/result.csv")); // as if killed during this run
    Thread.sleep(20);
    assertEquals(0, run(args));
    assertEquals(before, Files.getLastModifiedTime(done), "finished run not redone");
    assertTrue(Files.exists(out.resolve("runs/mixed_lambda=10/result.csv")), "interrupted run redone");
    assertEquals(withoutTimes(results), withoutTimes(Files.readString(out.resolve("results.csv"))),
        "deterministic: the redone run gives the same results");
    List<Map<String, String>> rows = Csv.read(out.resolve("results.csv"));
    assertEquals(4, rows.size());
    for (Map<String, String> r : rows) {
      assertTrue(Double.parseDouble(r.get("best_main_loss")) <= Double.parseDouble(r.get("main_loss")));
    }
    assertTrue(Files.exists(out.resolve("pareto_best.png")));
  }

  /** results.csv text without the wall-time column. */
  static String withoutTimes(String csv) {
    return csv.replaceAll(",[0-9]+\\.[0-9]{3},ok,", ",ok,");
  }

  @Test
  void aFailedRunIsRecordedAndTriedAgainOnTheNextRun(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("f");
    String[] args = {"sweep", "--task", "toy2d", "--method", "mixed", "--lambdas", "1,100", "--steps", "50",
        "--out", out.toString()};
    assertEquals(1, run(args));
    List<Map<String, String>> rows = Csv.read(out.resolve("results.csv"));
    assertEquals("ok", rows.get(0).get("status"));
    assertTrue(rows.get(1).get("status").startsWith("failed: mixed: the direction overflows float at step 39"),
        rows.get(1).get("status"));
    Path ok = out.resolve("runs/mixed_lambda=1/result.csv");
    Path failed = out.resolve("runs/mixed_lambda=100/result.csv");
    FileTime okBefore = Files.getLastModifiedTime(ok);
    Files.setLastModifiedTime(failed, FileTime.fromMillis(0));
    assertEquals(1, run(args));
    assertEquals(okBefore, Files.getLastModifiedTime(ok), "finished run not redone");
    assertTrue(Files.getLastModifiedTime(failed).toMillis() > 0, "failed run tried again");
  }

  @Test
  void moreMethodsLaterKeepTheEarlierRowsAndASecondSweepAtOnceIsRefused(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("k");
    assertEquals(0, run("sweep", "--task", "toy2d", "--method", "mixed", "--method", "pcgrad", "--lambdas", "1",
        "--steps", "20", "--out", out.toString()));
    assertEquals(0, run("sweep", "--task", "toy2d", "--method", "bloop", "--lambdas", "1,2", "--steps", "20",
        "--out", out.toString()));
    List<Map<String, String>> rows = Csv.read(out.resolve("results.csv"));
    assertEquals(List.of("bloop", "bloop", "mixed", "pcgrad"), rows.stream().map(r -> r.get("label")).toList());
    try (var lock = dev.scalpel.experiments.io.DirectoryLock.acquire(out)) {
      assertEquals(2, run("sweep", "--task", "toy2d", "--method", "bloop", "--lambdas", "1", "--steps", "20",
          "--out", out.toString()));
    }
  }

  @Test
  void otherSettingsInTheSameDirectoryAreRefused(@TempDir Path dir) {
    Path out = dir.resolve("t");
    assertEquals(0, run("sweep", "--task", "toy2d", "--method", "mixed", "--lambdas", "1", "--steps", "10",
        "--out", out.toString()));
    assertEquals(2, run("sweep", "--task", "toy2d", "--method", "mixed", "--lambdas", "1", "--steps", "20",
        "--out", out.toString()));
  }

  @Test
  void aSettingTheTaskGainedLaterIsItsDefaultInAnOlderSweep(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("t");
    assertEquals(0, run("sweep", "--task", "toy2d", "--method", "mixed", "--lambdas", "1", "--steps", "10",
        "--out", out.toString()));
    // as if the sweep predated the setting `lr`: its line is missing from sweep.properties
    Path props = out.resolve("sweep.properties");
    String text = Files.readString(props);
    assertTrue(text.contains("setting.lr="), text);
    Files.writeString(props, text.replaceAll("(?m)^setting\\.lr=.*\\R", ""));
    assertEquals(0, run("sweep", "--task", "toy2d", "--method", "mixed", "--lambdas", "1", "--steps", "10",
        "--out", out.toString()), "the default is what the older sweep ran");
    assertEquals(2, run("sweep", "--task", "toy2d", "--method", "mixed", "--lambdas", "1", "--steps", "10",
        "--set", "lr=0.123", "--out", out.toString()), "another value is another sweep");
  }

  @Test
  void badUsageGivesAClearError() {
    StringWriter err = new StringWriter();
    var cl = Main.commandLine();
    cl.setErr(new PrintWriter(err));
    assertEquals(2, cl.execute("sweep", "--task", "toy2d", "--method", "blop", "--lambdas", "1", "--out", "x"));
    assertTrue(err.toString().contains("unknown method 'blop'"), err.toString());
    err.getBuffer().setLength(0);
    assertEquals(2, cl.execute("sweep", "--task", "toy2d", "--method", "mixed", "--lambdas", "1", "--epochs", "3",
        "--out", "x"));
    assertTrue(err.toString().contains("task toy2d has no setting 'epochs'; its settings: steps, lr,"),
        err.toString());
    err.getBuffer().setLength(0);
    assertEquals(2, cl.execute("sweep", "--task", "toy2d", "--method", "mixed", "--lambdas", "1", "--set",
        "lr=fast", "--out", "x"));
    assertTrue(err.toString().contains("lr (fast) must be a number > 0.0"), err.toString());
    err.getBuffer().setLength(0);
    assertEquals(2, cl.execute("sweep", "--task", "toy2d", "--method", "mixed", "--lambdas", "1", "--set",
        "steps=5", "--steps", "6", "--out", "x"));
    assertTrue(err.toString().contains("give it once"), err.toString());
    err.getBuffer().setLength(0);
    assertEquals(2, cl.execute("sweep", "--task", "nope", "--method", "mixed", "--lambdas", "1", "--out", "x"));
    assertTrue(err.toString().contains("unknown task 'nope'"), err.toString());
    assertThrows(IllegalArgumentException.class, () -> MethodLabel.of(
        dev.scalpel.core.SurgeryConfig.parse("bloop:ema=2")));
  }

  @Test
  void labelsShowOnlyNonDefaultKeys() {
    assertEquals("bloop ema=0.01 init=zeros",
        MethodLabel.of(dev.scalpel.core.SurgeryConfig.parse("bloop:lambda=3,init=zeros,ema=0.01")));
    assertEquals("mixed", MethodLabel.of(dev.scalpel.core.SurgeryConfig.parse("mixed:lambda=2")));
    assertEquals("bloop_ema=0.01_init=zeros", MethodLabel.slug("bloop ema=0.01 init=zeros"));
  }

  @Test
  void smoothMnistSweepRunsOnRealMnistAndDrawsItsThreePlots(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("sm");
    assertEquals(0, run("sweep", "--task", "smooth-mnist", "--method", "mixed", "--method", "bloop:ema=0.01",
        "--lambdas", "0.01", "--epochs", "1", "--set", "max_steps_per_epoch=40", "--set", "warmup_steps=10",
        "--checkpoint-every", "15", "--out", out.toString()));
    List<Map<String, String>> rows = Csv.read(out.resolve("results.csv"));
    assertEquals(2, rows.size());
    for (Map<String, String> r : rows) {
      assertEquals("ok", r.get("status"));
      assertEquals("40", r.get("steps"));
      double acc = Double.parseDouble(r.get("test_acc"));
      assertTrue(acc > 0.5 && acc <= 1, "40 Adam steps already classify far above chance: " + acc);
      assertTrue(Double.isFinite(Double.parseDouble(r.get("aux_loss"))));
      List<Map<String, String>> epochs = Csv.read(out.resolve(r.get("run_dir")).resolve("metrics.csv"));
      assertEquals(1, epochs.size());
      assertEquals(r.get("test_acc"), epochs.get(0).get("test_acc"), "results.csv reports the last epoch");

    }
    assertTrue(Files.size(out.resolve("diagnostics.png")) > 1000);
    for (String plot : List.of("pareto", "pareto_test", "pareto_accuracy")) {
      assertTrue(Files.size(out.resolve(plot + ".png")) > 1000, plot);
      assertTrue(Files.readString(out.resolve(plot + ".svg")).contains("<svg"), plot);
    }
  }
}
