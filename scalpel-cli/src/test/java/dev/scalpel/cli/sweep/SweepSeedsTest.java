package dev.scalpel.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scalpel.cli.Main;
import dev.scalpel.cli.sweep.SweepStatistics.Point;
import dev.scalpel.experiments.io.Csv;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep over seeds: one row per run in results.csv, and summary.csv, hypervolume.csv and paired.csv recomputed
 * here from results.csv alone (means, sample deviations, hypervolumes in log10(main) × log10(aux), differences).
 */
class SweepSeedsTest {
  @TempDir
  Path dir;

  static int run(String... args) {
    var cl = Main.commandLine();
    cl.setErr(new PrintWriter(new StringWriter()));
    cl.setOut(new PrintWriter(new StringWriter()));
    return cl.execute(args);
  }

  @Test
  void seedsGiveOneRowPerRunAndStatisticsOverThem() throws Exception {
    Path out = dir.resolve("s");
    assertEquals(0, run("sweep", "--task", "quadratic", "--method", "mixed", "--method",
        "bloop:ema=0.01,init=zeros", "--lambdas", "0.1,10", "--epochs", "4", "--seeds", "0:3", "--out",
        out.toString()));
    List<Map<String, String>> rows = Csv.read(out.resolve("results.csv"));
    assertEquals(2 * 2 * 3, rows.size());
    assertEquals(List.of("0", "1", "2"), rows.subList(0, 3).stream().map(r -> r.get("seed")).toList());
    assertTrue(rows.get(1).get("run_dir").endsWith("mixed_lambda=0.1_seed=1"), rows.get(1).get("run_dir"));
    // seeds change the data: the three mixed λ=0.1 runs differ
    assertEquals(3, rows.subList(0, 3).stream().map(r -> r.get("main_loss")).distinct().count());

    List<Map<String, String>> summary = Csv.read(out.resolve("summary.csv"));
    assertEquals(4, summary.size());
    Map<String, String> s0 = summary.get(0);
    assertEquals("mixed", s0.get("label"));
    assertEquals("3", s0.get("n"));
    double[] v = rows.subList(0, 3).stream().mapToDouble(r -> Double.parseDouble(r.get("main_loss"))).toArray();
    double mean = (v[0] + v[1] + v[2]) / 3;
    double sd = Math.sqrt(((v[0] - mean) * (v[0] - mean) + (v[1] - mean) * (v[1] - mean)
        + (v[2] - mean) * (v[2] - mean)) / 2);
    assertEquals(mean, Double.parseDouble(s0.get("main_loss_mean")), 1e-12 * mean);
    assertEquals(sd, Double.parseDouble(s0.get("main_loss_sd")), 1e-9 * sd);

    List<Map<String, String>> hv = Csv.read(out.resolve("hypervolume.csv"));
    assertEquals(2 * 3, hv.size());
    double refX = Double.parseDouble(hv.get(0).get("ref_x"));
    double refY = Double.parseDouble(hv.get(0).get("ref_y"));
    assertEquals("log10(main_loss) x log10(aux_loss)", hv.get(0).get("space"));
    double[] hvMixed = new double[3];
    double[] hvBloop = new double[3];
    for (Map<String, String> h : hv) {
      List<Point> pts = new ArrayList<>();
      for (Map<String, String> r : rows) {
        if (r.get("label").equals(h.get("label")) && r.get("seed").equals(h.get("seed"))) {
          pts.add(new Point(Math.log10(Double.parseDouble(r.get("main_loss"))),
              Math.log10(Double.parseDouble(r.get("aux_loss")))));
        }
      }
      assertEquals(2, pts.size());
      double expect = SweepStatistics.hypervolume(pts, new Point(refX, refY));
      assertEquals(expect, Double.parseDouble(h.get("hypervolume")), 0, h.toString());
      assertTrue(expect > 0);
      (h.get("label").equals("mixed") ? hvMixed : hvBloop)[Integer.parseInt(h.get("seed"))] = expect;
    }
    List<Map<String, String>> paired = Csv.read(out.resolve("paired.csv"));
    assertEquals(1, paired.size());
    Map<String, String> p = paired.get(0);
    assertEquals("bloop ema=0.01 init=zeros", p.get("method"));
    assertEquals("mixed", p.get("baseline"));
    assertEquals("3", p.get("seeds"));
    double d = (hvBloop[0] - hvMixed[0] + hvBloop[1] - hvMixed[1] + hvBloop[2] - hvMixed[2]) / 3;
    assertEquals(d, Double.parseDouble(p.get("mean_difference")), 1e-12 * Math.abs(d));
    int wins = Integer.parseInt(p.get("wins"));
    assertEquals(SweepStatistics.signTest(wins, 3 - wins), Double.parseDouble(p.get("sign_test_p")), 0);

    // report.html: the command, the paired table, every plot, a link to every run's metrics (which exist)
    String html = java.nio.file.Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("scalpel sweep --task quadratic --method mixed"), "the command as given");
    assertTrue(html.contains("<td class=\"l\">bloop ema=0.01 init=zeros</td><td class=\"l\">mixed</td>"), html);
    for (String png : List.of("pareto.png", "pareto_best.png", "diagnostics.png", "curves.png")) {
      assertTrue(html.contains("<img src=\"" + png + "\""), png);
    }
    assertTrue(html.indexOf("pareto.png") < html.indexOf("curves.png"), "the Pareto plots come first");
    java.util.regex.Matcher c = java.util.regex.Pattern.compile("href=\"(runs/[^\"]+/curves.png)\"").matcher(html);
    int curves = 0;
    while (c.find()) {
      assertTrue(java.nio.file.Files.size(out.resolve(c.group(1))) > 1000, c.group(1));
      curves++;
    }
    assertEquals(12, curves, "every run's training curves are linked");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("href=\"(runs/[^\"]+/metrics.csv)\"").matcher(html);
    int links = 0;
    while (m.find()) {
      assertTrue(java.nio.file.Files.exists(out.resolve(m.group(1))), m.group(1));
      links++;
    }
    assertEquals(12, links);

    // more seeds later: the first three are kept, not redone
    assertEquals(0, run("sweep", "--task", "quadratic", "--method", "mixed", "--method",
        "bloop:ema=0.01,init=zeros", "--lambdas", "0.1,10", "--epochs", "4", "--seeds", "0:4", "--out",
        out.toString()));
    assertEquals(16, Csv.read(out.resolve("results.csv")).size());
    assertEquals("4", Csv.read(out.resolve("summary.csv")).get(0).get("n"));

    // a fixed reference point (nothing rerun): recorded on every row, and the region it bounds plotted alone
    assertEquals(0, run("sweep", "--task", "quadratic", "--method", "mixed", "--method",
        "bloop:ema=0.01,init=zeros", "--lambdas", "0.1,10", "--epochs", "4", "--seeds", "0:4", "--hv-ref=0.5,-1",
        "--out", out.toString()));
    for (Map<String, String> h : Csv.read(out.resolve("hypervolume.csv"))) {
      assertEquals(0.5, Double.parseDouble(h.get("ref_x")), 0);
      assertEquals(-1.0, Double.parseDouble(h.get("ref_y")), 0);
    }
    assertTrue(java.nio.file.Files.size(out.resolve("pareto_hv.png")) > 1000);
    assertTrue(java.nio.file.Files.readString(out.resolve("report.html")).contains("<img src=\"pareto_hv.png\""));
  }

  @Test
  void seedsNeedATaskWithASeed() {
    StringWriter err = new StringWriter();
    var cl = Main.commandLine();
    cl.setErr(new PrintWriter(err));
    assertEquals(2, cl.execute("sweep", "--task", "toy2d", "--method", "mixed", "--lambdas", "1", "--seeds", "0:2",
        "--out", dir.resolve("t").toString()));
    assertTrue(err.toString().contains("--seeds: task toy2d has no setting 'seed'"), err.toString());
    err.getBuffer().setLength(0);
    assertEquals(2, cl.execute("sweep", "--task", "quadratic", "--method", "mixed", "--lambdas", "1", "--seeds",
        "3:1", "--out", dir.resolve("t").toString()));
    assertTrue(err.toString().contains("B must be > A"), err.toString());
  }
}
