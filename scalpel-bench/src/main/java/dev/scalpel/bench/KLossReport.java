package dev.scalpel.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Markdown tables from the JSON results of {@link KLossBench}, {@link TriadBench} ({@code inPlace}) and
 * {@link SolveBench}, measured in the same run: for each P, thread count, method and k, the time of one direction
 * step and its ratio to the time its minimal memory traffic ({@link KLossBench#passes}) takes at the in-place
 * triad's bandwidth at the same P and thread count; and the k×k solve time of each method with {@code mean} (no
 * solve) as the baseline.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.scalpel.bench.KLossReport [-o out.md] result.json...}.
 */
public final class KLossReport {
  private KLossReport() {
  }

  public static void main(String[] args) throws IOException {
    Path out = null;
    Report r = new Report();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-o")) {
        out = Path.of(args[++i]);
      } else {
        r.load(Path.of(args[i]));
      }
    }
    String md = markdown(r);
    if (out == null) {
      System.out.print(md);
    } else {
      Files.writeString(out, md, StandardCharsets.UTF_8);
    }
  }

  static String markdown(Report r) {
    StringBuilder b = new StringBuilder();
    b.append("### Gramian pass + k×k solve + combine pass, in place, against a triad\n\n");
    b.append("ratio = time / (passes × 4 B × P / in-place triad GB/s), the triad at the same P and thread count in the ")
        .append("same run; passes = the minimal traffic: 2k + 1 for a Gramian weighting (upgrad) and for mean, ")
        .append("5k − 2 for bloop (k gradients and k − 1 EMAs read twice, the EMAs and d written). ")
        .append("Target ≤ ").append(Report.TARGET).append(".\n\n");
    b.append("| P | threads | method | k | passes | time/call | ± (99.9 %) | GB/s (minimal traffic) | triad GB/s | ratio | ratio, best iter. |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    TreeSet<Long> ps = new TreeSet<>();
    for (Report.Row row : r.rows()) {
      if (row.benchClass().equals("KLossBench")) {
        ps.add(row.p());
      }
    }
    for (long p : ps) {
      for (int th : new int[] {1, 2}) {
        Report.Row triad = find(r, "TriadBench", "inPlace", p, th, null, null);
        for (String method : List.of("upgrad", "bloop", "mean")) {
          for (int k : new int[] {2, 3, 5, 8}) {
            Report.Row row = find(r, "KLossBench", "direction", p, th, method, Integer.toString(k));
            if (row == null) {
              continue;
            }
            int passes = KLossBench.passes(method, k);
            double gbs = passes * 4.0 * p / row.ns();
            b.append("| ").append(Report.sci(p)).append(" | ").append(th).append(" | ").append(method).append(" | ")
                .append(k).append(" | ").append(passes).append(" | ").append(Report.time(row.ns())).append(" | ")
                .append(Report.time(row.errorNs())).append(" | ").append(Report.fmt(gbs, 1)).append(" | ");
            if (triad == null) {
              b.append("– | – | – |\n");
            } else {
              b.append(Report.fmt(3 * 4.0 * p / triad.ns(), 1)).append(" | ")
                  .append(Report.fmt(Report.ratio(row.ns(), passes, triad.ns()), 2)).append(" | ")
                  .append(Report.fmt(Report.ratio(row.bestNs(), passes, triad.bestNs()), 2)).append(" |\n");
            }
          }
        }
      }
    }
    b.append("\n### The k×k solve, per method (µs per direction call on P = 2k floats, one thread)\n\n");
    List<String> methods = new ArrayList<>();
    TreeSet<Integer> ks = new TreeSet<>();
    for (Report.Row row : r.rows()) {
      if (row.benchClass().equals("SolveBench")) {
        if (!methods.contains(row.param("method"))) {
          methods.add(row.param("method"));
        }
        ks.add(Integer.parseInt(row.param("k")));
      }
    }
    b.append("| method |");
    for (int k : ks) {
      b.append(" k = ").append(k).append(" |");
    }
    b.append("\n|---|");
    for (int k : ks) {
      b.append("---|");
    }
    b.append('\n');
    for (String m : methods) {
      b.append("| ").append(m).append(" |");
      for (int k : ks) {
        Report.Row row = null;
        for (Report.Row x : r.rows()) {
          if (x.benchClass().equals("SolveBench") && x.param("method").equals(m)
              && x.param("k").equals(Integer.toString(k))) {
            row = x;
          }
        }
        b.append(' ').append(row == null ? "–" : String.format(Locale.ROOT, "%.2f", row.ns() / 1e3)).append(" |");
      }
      b.append('\n');
    }
    b.append("\n`mean` has no solve: its column is the fixed cost of a call (two passes over 2k floats per loss, ")
        .append("state bookkeeping); the solve of a method is its time minus mean's.\n");
    return b.toString();
  }

  private static Report.Row find(Report r, String cls, String meth, long p, int threads, String method, String k) {
    for (Report.Row row : r.rows()) {
      if (row.benchClass().equals(cls) && row.benchMethod().equals(meth) && row.p() == p
          && row.threads() == threads && (method == null || row.param("method").equals(method))
          && (k == null || row.param("k").equals(k))) {
        return row;
      }
    }
    return null;
  }
}
