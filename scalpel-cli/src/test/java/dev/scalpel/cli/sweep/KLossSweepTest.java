package dev.scalpel.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scalpel.cli.Main;
import dev.scalpel.experiments.io.Csv;
import dev.scalpel.core.SurgeryConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every method from the command line: the three-loss toy's closed forms, λ-free aggregators, labels. */
class KLossSweepTest {

  static int run(String... args) {
    var cl = Main.commandLine();
    cl.setErr(new PrintWriter(new StringWriter()));
    return cl.execute(args);
  }

  @Test
  void toy3dReachesTheClosedFormsAndPlotsTheTradeOff(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("toy3");
    assertEquals(0, run("sweep", "--task", "toy3d", "--method", "mixed", "--method", "bloop:ema=1,eps=0",
        "--method", "upgrad", "--method", "mgda", "--lambdas", "0.5,2", "--steps", "600", "--out", out.toString()));
    List<Map<String, String>> rows = Csv.read(out.resolve("results.csv"));
    assertEquals(2 + 2 + 1 + 1, rows.size(), "aggregators have no λ: they run once");
    for (Map<String, String> r : rows) {
      double a = Double.parseDouble(r.get("a"));
      double b = Double.parseDouble(r.get("b"));
      double c = Double.parseDouble(r.get("c"));
      switch (r.get("label")) {
        case "mixed" -> { // minimiser of f0 + λ(f1 + f2): ((2λ)/(1+2λ), 1/2, 0)
          double l = Double.parseDouble(r.get("lambda"));
          assertEquals(2 * l / (1 + 2 * l), a, 1e-5);
          assertEquals(0.5, b, 1e-5);
          assertEquals(0, c, 1e-5);
        }
        case "bloop ema=1 eps=0" -> { // direction (a, λb, λc): the origin
          assertEquals(0, a, 1e-6);
          assertEquals(0, b, 1e-4);
          assertEquals(0, c, 1e-4);
        }
        default -> { // the aggregators stop on the Pareto set of (f0, f1, f2): no common descent direction left
          assertEquals("", r.get("lambda"), r.get("label"));
          assertTrue(Double.isFinite(a) && Double.isFinite(b), r.toString());
        }
      }
      assertEquals("ok", r.get("status"));
    }
    for (String plot : new String[] {"pareto", "pareto_aux2", "pareto_aux1_aux2"}) {
      assertTrue(Files.size(out.resolve(plot + ".png")) > 1000, plot);
      assertTrue(Files.readString(out.resolve(plot + ".svg")).contains("<svg"), plot);
    }
    assertTrue(Files.isDirectory(out.resolve("runs/upgrad")), "a λ-free run's directory has no λ");
  }

  @Test
  void everyMethodRunsOnTheTwoLossToy(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("all");
    assertEquals(0, run("sweep", "--task", "toy2d", "--method", "mean", "--method", "sum", "--method",
        "constant:weights=1/0.5", "--method", "random", "--method", "mgda", "--method", "upgrad", "--method",
        "dualproj", "--method", "cagrad", "--method", "nash-mtl", "--method", "imtl-g", "--method", "aligned-mtl",
        "--method", "gradvac", "--method", "graddrop", "--method", "pcgrad", "--lambdas", "1", "--steps", "300",
        "--out", out.toString()));
    List<Map<String, String>> rows = Csv.read(out.resolve("results.csv"));
    assertEquals(14, rows.size());
    for (Map<String, String> r : rows) {
      assertEquals("ok", r.get("status"), r.toString());
      assertTrue(Double.parseDouble(r.get("main_loss")) < 0.5, r.get("label") + " lowered the main loss");
    }
  }

  /** A method that cannot take the task's number of losses fails the command before any run. */
  @Test
  void aMethodForAnotherNumberOfLossesFailsUpFront(@TempDir Path dir) {
    Path out = dir.resolve("bad");
    assertEquals(2, run("sweep", "--task", "toy3d", "--method", "mixed", "--method", "constant:weights=1/2",
        "--lambdas", "1", "--out", out.toString()));
    assertTrue(!Files.exists(out.resolve("results.csv")), "nothing ran");
    // λ in a spec is replaced by the grid, so a λ vector there does not fix the number of losses
    assertEquals(0, run("sweep", "--task", "toy2d", "--method", "bloop:lambda=1/2", "--lambdas", "1", "--steps",
        "50", "--out", dir.resolve("ok").toString()));
  }

  @Test
  void labelsNameTheKeysThatDifferFromTheDefaults() {
    assertEquals("constant weights=1/0.5", MethodLabel.of(SurgeryConfig.parse("constant:weights=1/0.5")));
    assertEquals("upgrad", MethodLabel.of(SurgeryConfig.parse("upgrad:pref=mean")));
    assertEquals("cagrad c=1 rescale=1", MethodLabel.of(SurgeryConfig.parse("cagrad:c=1,rescale=1")));
    assertEquals("bloop ema=0.01", MethodLabel.of(SurgeryConfig.parse("bloop:lambda=3,ema=0.01")));
    assertEquals("bloop", MethodLabel.of(SurgeryConfig.parse("bloop:seed=4")), "seed changes nothing here");
  }
}
