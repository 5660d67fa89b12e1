package dev.scalpel.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scalpel.cli.Main;
import dev.scalpel.core.GradientSurgery;
import dev.scalpel.experiments.RunListener;
import dev.scalpel.experiments.RunLoop;
import dev.scalpel.experiments.RunResult;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.Tasks;
import dev.scalpel.experiments.io.Csv;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grids over method keys, task settings and λ weight vectors (--grid), and runs at the same time (--jobs): every
 * grid run is compared with the same configuration run on its own, outside any sweep.
 */
class SweepGridTest {
  @TempDir
  Path dir;

  static int run(String... args) {
    return SweepSeedsTest.run(args);
  }

  /** The same run outside any sweep: the run loop on its own in a fresh directory. */
  private RunResult alone(String task, String spec, Map<String, String> settings) throws Exception {
    Task t = Tasks.byName(task);
    Path d = Files.createTempDirectory(dir, "alone");
    return RunLoop.of(t, t.settings(settings)).run(GradientSurgery.parse(spec), d, new RunListener() { });
  }

  private static Map<String, String> row(List<Map<String, String>> rows, String label, String lambda) {
    return rows.stream().filter(r -> r.get("label").equals(label)
        && Double.parseDouble(r.get("lambda")) == Double.parseDouble(lambda)).findFirst()
        .orElseThrow(() -> new AssertionError("no row " + label + " λ=" + lambda + " in " + rows));
  }

  @Test
  void emaAblationGridGivesOneLinePerEmaAndLeavesMethodsWithoutTheKeyAlone() throws Exception {
    Path out = dir.resolve("ema");
    assertEquals(0, run("sweep", "--task", "toy2d", "--method", "mixed", "--method", "bloop", "--lambdas", "0.5,2",
        "--grid", "ema=0.01,1", "--steps", "300", "--out", out.toString()));
    List<Map<String, String>> rows = Csv.read(out.resolve("results.csv"));
    // mixed has no ema: it runs once per λ; bloop runs per ema value (ema=0.01 labelled, ema=1 labelled too)
    assertEquals(List.of("mixed", "mixed", "bloop ema=0.01", "bloop ema=0.01", "bloop ema=1", "bloop ema=1"),
        rows.stream().map(r -> r.get("label")).toList());
    for (String[] c : new String[][] {{"bloop ema=0.01", "bloop:ema=0.01,lambda=2"},
        {"bloop ema=1", "bloop:ema=1,lambda=0.5"}, {"mixed", "mixed:lambda=2"}}) {
      String lambda = c[1].endsWith("=2") ? "2" : "0.5";
      Map<String, String> r = row(rows, c[0], lambda);
      RunResult ref = alone("toy2d", c[1], Map.of("steps", "300"));
      assertEquals(ref.mainLoss(), Double.parseDouble(r.get("main_loss")), 0, c[0]);
      assertEquals(ref.auxLoss(), Double.parseDouble(r.get("aux_loss")), 0, c[0]);
      assertEquals(GradientSurgery.parse(c[1]).toString(), r.get("method"));
    }
    // the EMA changes the result: the grid's points differ
    assertTrue(!row(rows, "bloop ema=0.01", "2").get("main_loss").equals(row(rows, "bloop ema=1", "2")
        .get("main_loss")));
    assertTrue(Files.isDirectory(out.resolve("runs/bloop_ema=0.01_lambda=2")));
    // three lines in the statistics: bloop ema=… are both paired with mixed
    List<Map<String, String>> hv = Csv.read(out.resolve("hypervolume.csv"));
    assertEquals(List.of("mixed", "bloop ema=0.01", "bloop ema=1"), hv.stream().map(h -> h.get("label")).toList());
  }

  @Test
  void taskSettingGridRunsEachValueAndPairsOnlyAtTheSameSetting() throws Exception {
    Path out = dir.resolve("lr");
    assertEquals(0, run("sweep", "--task", "quadratic", "--method", "mixed", "--method", "bloop:ema=0.01",
        "--lambdas", "0.1,10", "--grid", "lr=0.001,0.0005", "--epochs", "3", "--seeds", "0:2", "--out",
        out.toString()));
    List<Map<String, String>> rows = Csv.read(out.resolve("results.csv"));
    assertEquals(2 * 2 * 2 * 2, rows.size());
    Map<String, String> r = rows.stream().filter(x -> x.get("label").equals("bloop ema=0.01 lr=0.0005")
        && Double.parseDouble(x.get("lambda")) == 10 && x.get("seed").equals("1")).findFirst().orElseThrow();
    assertEquals("lr=0.0005", r.get("grid"));
    RunResult ref = alone("quadratic", "bloop:ema=0.01,lambda=10", Map.of("lr", "0.0005", "epochs", "3",
        "seed", "1"));
    assertEquals(ref.mainLoss(), Double.parseDouble(r.get("main_loss")), 0);
    assertEquals(ref.auxLoss(), Double.parseDouble(r.get("aux_loss")), 0);
    assertTrue(out.resolve(r.get("run_dir")).endsWith("bloop_ema=0.01_lr=0.0005_lambda=10_seed=1"),
        r.get("run_dir"));
    // Bloop is paired with mixed at its own learning rate only
    List<Map<String, String>> paired = Csv.read(out.resolve("paired.csv"));
    List<String> pairs = new ArrayList<>();
    for (Map<String, String> p : paired) {
      pairs.add(p.get("method") + " - " + p.get("baseline"));
    }
    assertEquals(List.of("bloop ema=0.01 lr=0.001 - mixed lr=0.001", "bloop ema=0.01 lr=0.0005 - mixed lr=0.0005"),
        pairs);
    // sweep.properties fixes the settings but not the ones on the grid: a resumed run finds everything done
    assertTrue(!Files.readString(out.resolve("sweep.properties")).contains("setting.lr"));
    assertEquals(0, run("sweep", "--task", "quadratic", "--method", "mixed", "--method", "bloop:ema=0.01",
        "--lambdas", "0.1,10", "--grid", "lr=0.001,0.0005", "--epochs", "3", "--seeds", "0:2", "--out",
        out.toString()));
    assertEquals(Files.readString(out.resolve("results.csv")).lines().count(), rows.size() + 1);
  }

  @Test
  void lambdaWeightVectorsScaleWithTheLambdaGrid() throws Exception {
    Path out = dir.resolve("w");
    assertEquals(0, run("sweep", "--task", "toy3d", "--method", "bloop:ema=0.1", "--method", "mean", "--lambdas",
        "0.1,1", "--grid", "lambda=1/0.1,0.1/1", "--steps", "200", "--out", out.toString()));
    List<Map<String, String>> rows = Csv.read(out.resolve("results.csv"));
    // bloop per weight vector × λ, the λ-free mean once
    assertEquals(List.of("bloop weights=1/0.1", "bloop weights=1/0.1", "bloop weights=0.1/1", "bloop weights=0.1/1",
        "mean"), rows.stream().map(r -> r.get("label")).toList());
    Map<String, String> r = row(rows, "bloop weights=0.1/1", "0.1");
    assertEquals("weights=0.1/1", r.get("grid"));
    assertTrue(r.get("run_dir").endsWith("bloop_weights=0.1_1_lambda=0.1"), r.get("run_dir"));
    assertEquals(GradientSurgery.parse("bloop:lambda=0.01/0.1").toString(), r.get("method"));
    RunResult ref = alone("toy3d", "bloop:lambda=0.01/0.1", Map.of("steps", "200"));
    assertEquals(ref.mainLoss(), Double.parseDouble(r.get("main_loss")), 0);
    assertEquals(ref.metrics().get("aux2_loss"), Double.parseDouble(r.get("aux2_loss")), 0);
  }

  @Test
  void twoJobsGiveTheSameResultsAsOne() throws Exception {
    Path one = dir.resolve("one");
    Path two = dir.resolve("two");
    String[] common = {"sweep", "--task", "quadratic", "--method", "mixed", "--method", "bloop:ema=0.01",
        "--lambdas", "0.1,10", "--epochs", "3", "--seeds", "0:2"};
    List<String> a = new ArrayList<>(List.of(common));
    a.addAll(List.of("--out", one.toString()));
    List<String> b = new ArrayList<>(List.of(common));
    b.addAll(List.of("--jobs", "2", "--out", two.toString()));
    assertEquals(0, run(a.toArray(String[]::new)));
    assertEquals(0, run(b.toArray(String[]::new)));
    List<Map<String, String>> ra = Csv.read(one.resolve("results.csv"));
    List<Map<String, String>> rb = Csv.read(two.resolve("results.csv"));
    assertEquals(8, ra.size());
    assertEquals(ra.size(), rb.size());
    for (int i = 0; i < ra.size(); i++) {
      Map<String, String> x = new java.util.LinkedHashMap<>(ra.get(i));
      Map<String, String> y = new java.util.LinkedHashMap<>(rb.get(i));
      x.remove("seconds");
      y.remove("seconds");
      assertEquals(x, y, "row " + i + " in the same order, bit for bit");
    }
    assertEquals(Files.readString(one.resolve("hypervolume.csv")), Files.readString(two.resolve("hypervolume.csv")));
    for (String m : List.of("mixed_lambda=10_seed=1", "bloop_ema=0.01_lambda=0.1_seed=0")) {
      assertEquals(Files.readString(one.resolve("runs").resolve(m).resolve("metrics.csv"))
          .replaceAll("(?m),[^,]*$", ""), Files.readString(two.resolve("runs").resolve(m).resolve("metrics.csv"))
          .replaceAll("(?m),[^,]*$", ""), m);
    }
  }

  @Test
  void twoDjlRunsAtOnceGiveTheSameResultsAsOneAtATime() throws Exception {
    List<List<Map<String, String>>> results = new ArrayList<>();
    for (String jobs : List.of("1", "2")) {
      Path out = dir.resolve("sm" + jobs);
      assertEquals(0, run("sweep", "--task", "smooth-mnist", "--method", "mixed", "--method", "bloop:ema=0.01",
          "--lambdas", "0.01", "--epochs", "1", "--set", "max_steps_per_epoch=30", "--set", "eval_train_samples=512",
          "--jobs", jobs, "--out", out.toString()));
      List<Map<String, String>> rows = Csv.read(out.resolve("results.csv"));
      rows.forEach(r -> r.remove("seconds"));
      results.add(rows);
    }
    assertEquals(2, results.get(0).size());
    assertEquals(results.get(0), results.get(1));
  }

  @Test
  void aKeyGivenByASpecAndTheGridIsRefused() {
    StringWriter err = new StringWriter();
    var cl = Main.commandLine();
    cl.setErr(new PrintWriter(err));
    assertEquals(2, cl.execute("sweep", "--task", "toy2d", "--method", "mixed", "--method", "bloop:ema=0.01",
        "--lambdas", "1", "--grid", "ema=0.1,1", "--out", dir.resolve("x").toString()));
    assertTrue(err.toString().contains("--method bloop:ema=0.01 gives ema itself; give it in one place"),
        err.toString());
    err.getBuffer().setLength(0);
    assertEquals(2, cl.execute("sweep", "--task", "quadratic", "--method", "mixed", "--lambdas", "1", "--seeds",
        "0:2", "--seed", "3", "--out", dir.resolve("x").toString()));
    assertTrue(err.toString().contains("both give the seed; give it in one place"), err.toString());
  }

  @Test
  void everyMethodKeyOnTheGridIsInTheLabelsItsDefaultToo() throws Exception {
    Path out = dir.resolve("lab");
    assertEquals(0, run("sweep", "--task", "toy2d", "--method", "bloop", "--lambdas", "1", "--grid", "ema=0.1,1",
        "--steps", "20", "--out", out.toString()));
    assertEquals(List.of("bloop ema=0.1", "bloop ema=1"), Csv.read(out.resolve("results.csv")).stream()
        .map(r -> r.get("label")).toList());
  }

  @Test
  void badGridsGiveOneLineErrors() {
    String[][] cases = {
        {"--grid", "emma=0.1", "'emma' is neither a setting of task toy2d (steps, lr, checkpoint_every, diagnostics) "
            + "nor a key of the methods given"},
        {"--grid", "ema", "--grid (ema) must be KEY=V1,V2,..."},
        {"--grid", "ema=0.1,", "has an empty value"},
        {"--grid", "ema=0.1,0.1", "lists 0.1 twice"},
        {"--grid", "ema=2", "ema (2)"},
        {"--grid", "lr=-1", "--grid: lr (-1) must be > 0.0"},
        {"--grid", "task.ema=0.1", "task toy2d has no setting 'ema'"},
        {"--grid", "ema=0.1", "--grid", "ema=0.2", "is given twice"},
        {"--grid", "lr=0.1", "--lr", "0.2", "lr is also given with --set or a shorthand (lr=0.2)"},
        {"--grid", "lambda=1/2", "the task has one auxiliary loss, so a weight is one number (like 0.1)"},
        {"--grid", "lambda=0", "at least one weight must be > 0"},
        {"--grid", "lr=0.1,1e-1", "lr=0.1 and lr=1e-1 give the same run of bloop"},
        {"--grid", "method.seed=0,1", "seed=0 and seed=1 give the same run of bloop"},
        {"--grid", "checkpoint_every=0,10", "checkpoint_every does not change results"},
        {"--jobs", "0", "--jobs (0) must be between 1 and 256"},
    };
    for (String[] c : cases) {
      StringWriter err = new StringWriter();
      var cl = Main.commandLine();
      cl.setErr(new PrintWriter(err));
      cl.setOut(new PrintWriter(new StringWriter()));
      List<String> args = new ArrayList<>(List.of("sweep", "--task", "toy2d", "--method", "bloop", "--lambdas",
          "1", "--out", dir.resolve("bad").toString()));
      args.addAll(List.of(c).subList(0, c.length - 1));
      assertEquals(2, cl.execute(args.toArray(String[]::new)), String.join(" ", c));
      assertTrue(err.toString().contains(c[c.length - 1]), c[c.length - 1] + " in: " + err);
      assertEquals(1, err.toString().strip().lines().count(), err.toString());
    }
    assertTrue(!Files.exists(dir.resolve("bad")), "nothing written for a bad command");
  }
}
