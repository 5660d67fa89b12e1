package dev.scalpel.cli.sweep;

import dev.scalpel.experiments.io.AtomicFiles;
import dev.scalpel.experiments.io.Csv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/*
 * report.html of a sweep directory, built from the files the sweep wrote there (sweep.properties, results.csv,
 * summary.csv, hypervolume.csv, paired.csv, the PNG plots, each run's metrics.csv): the command and settings, the
 * paired differences and hypervolumes, every plot, the per method × λ summary, and one row per run with links to
 * its metrics and its diagnostics chart. Self-contained HTML with relative links: the directory can be moved or
 * served as it is.
 */
/** Writes {@code report.html} for a sweep directory. */
public final class SweepReport {
  private SweepReport() {
  }

  /** Writes {@code dir/report.html}; {@code command} is the command line that made the sweep (shown as given). */
  public static void write(Path dir, String title, String command) throws IOException {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
        .append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1100px;color:#222}"
            + "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;"
            + "text-align:right;font-size:13px}th{background:#f3f3f3}td.l,th.l{text-align:left}"
            + "img{max-width:100%;border:1px solid #ddd;margin:.5em 0}code,pre{background:#f6f6f6;padding:2px 4px}"
            + "pre{white-space:pre-wrap}.good{color:#1a7f37}.bad{color:#b42318}</style></head><body>\n");
    h.append("<h1>").append(esc(title)).append("</h1>\n");
    h.append("<p>Command:</p><pre>").append(esc(command)).append("</pre>\n");
    Path props = dir.resolve("sweep.properties");
    if (Files.exists(props)) {
      h.append("<p>Settings (<a href=\"sweep.properties\">sweep.properties</a>):</p><pre>")
          .append(esc(Files.readString(props).replaceAll("(?m)^#.*\\n", ""))).append("</pre>\n");
    }
    List<Map<String, String>> paired = read(dir.resolve("paired.csv"));
    if (!paired.isEmpty()) {
      h.append("<h2>Bloop against each baseline: hypervolume differences across seeds</h2>\n<p>Positive: Bloop's "
          + "front dominates more of the space (better). 95 % interval from Student's t; p from the exact two-sided "
          + "sign test over seeds.</p>\n");
      table(h, paired, List.of("method", "baseline", "seeds", "mean_difference", "ci95_low", "ci95_high", "wins",
          "losses", "sign_test_p"), true);
    }
    List<Map<String, String>> hv = read(dir.resolve("hypervolume.csv"));
    if (!hv.isEmpty()) {
      Map<String, String> first = hv.get(0);
      h.append("<h2>Hypervolume per method</h2>\n<p>Space ").append(esc(first.get("space")))
          .append(", reference point (").append(esc(first.get("ref_x"))).append(", ").append(esc(first.get("ref_y")))
          .append("); larger is better. Per seed in <a href=\"hypervolume.csv\">hypervolume.csv</a>.</p>\n");
      Map<String, List<Double>> by = new LinkedHashMap<>();
      for (Map<String, String> r : hv) {
        by.computeIfAbsent(r.get("label"), k -> new ArrayList<>()).add(Double.parseDouble(r.get("hypervolume")));
      }
      List<Map<String, String>> rows = new ArrayList<>();
      by.forEach((label, v) -> {
        double[] m = SweepStatistics.meanSdHalfWidth(v);
        Map<String, String> r = new LinkedHashMap<>();
        r.put("method", label);
        r.put("seeds", Integer.toString(v.size()));
        r.put("mean", fmt(m[0]));
        r.put("sd", fmt(m[1]));
        rows.add(r);
      });
      table(h, rows, List.of("method", "seeds", "mean", "sd"), false);
    }
    h.append("<h2>Plots</h2>\n");
    List<Path> pngs;
    try (var s = Files.list(dir)) {
      // the Pareto plots first, then the curves and diagnostics; not report.png (this page's own screenshot)
      pngs = s.filter(p -> p.getFileName().toString().endsWith(".png")
              && !p.getFileName().toString().equals("report.png"))
          .sorted(java.util.Comparator.comparing((Path p) -> !p.getFileName().toString().startsWith("pareto"))
              .thenComparing(p -> p.getFileName().toString())).toList();
    }
    for (Path p : pngs) {
      String f = p.getFileName().toString();
      h.append("<p><a href=\"").append(esc(f)).append("\"><img src=\"").append(esc(f)).append("\" alt=\"")
          .append(esc(f)).append("\"></a></p>\n");
    }
    List<Map<String, String>> summary = read(dir.resolve("summary.csv"));
    if (!summary.isEmpty()) {
      h.append("<h2>Mean over seeds per method × λ</h2>\n");
      List<String> cols = new ArrayList<>(List.of("label", "lambda", "n"));
      for (String c : summary.get(0).keySet()) {
        if (c.endsWith("_mean")) {
          cols.add(c);
        }
      }
      table(h, summary, cols, false);
    }
    List<Map<String, String>> results = read(dir.resolve("results.csv"));
    if (!results.isEmpty()) {
      h.append("<h2>Runs</h2>\n<p>Every run, with links to its metrics (one row per evaluation, with the "
          + "surgery's diagnostics), its training curves and its directory. All rows: <a href=\"results.csv\">results.csv</a>.</p>\n");
      h.append("<table><tr>");
      List<String> cols = new ArrayList<>();
      for (String c : results.get(0).keySet()) {
        if (!c.equals("method") && !c.equals("run_dir")) {
          cols.add(c);
        }
      }
      for (String c : cols) {
        h.append("<th class=\"l\">").append(esc(c)).append("</th>");
      }
      h.append("<th class=\"l\">run</th></tr>\n");
      for (Map<String, String> r : results) {
        h.append("<tr>");
        for (String c : cols) {
          String v = r.get(c);
          h.append(c.equals("label") || c.equals("status") ? "<td class=\"l\">" : "<td>")
              .append(esc(c.equals("label") || c.equals("status") || c.equals("seed") ? v : fmtText(v)))
              .append("</td>");
        }
        String run = r.get("run_dir");
        h.append("<td class=\"l\"><a href=\"").append(esc(run)).append("/metrics.csv\">metrics</a> · ")
            .append(Files.exists(dir.resolve(run).resolve("curves.png")) ? "<a href=\"" + esc(run)
                + "/curves.png\">curves</a> · " : "")
            .append("<a href=\"").append(esc(run)).append("/\">dir</a></td></tr>\n");
      }
      h.append("</table>\n");
    }
    h.append("<p style=\"color:#777\">Written by scalpel sweep; every number here is in the CSV files beside this "
        + "page.</p>\n</body></html>\n");
    AtomicFiles.write(dir.resolve("report.html"), h.toString());
  }

  private static List<Map<String, String>> read(Path f) throws IOException {
    return Files.exists(f) ? Csv.read(f) : List.of();
  }

  private static void table(StringBuilder h, List<Map<String, String>> rows, List<String> cols, boolean signs) {
    h.append("<table><tr>");
    for (String c : cols) {
      h.append("<th class=\"l\">").append(esc(c)).append("</th>");
    }
    h.append("</tr>\n");
    for (Map<String, String> r : rows) {
      h.append("<tr>");
      for (String c : cols) {
        String v = r.getOrDefault(c, "");
        boolean text = !v.matches("[-+0-9.eE]+|NaN|-?Infinity");
        String cls = text ? "l" : "";
        if (signs && c.equals("mean_difference") && !text) {
          double d = Double.parseDouble(v);
          cls = d > 0 ? "good" : d < 0 ? "bad" : "";
        }
        h.append("<td class=\"").append(cls).append("\">").append(esc(text ? v : fmtText(v))).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n");
  }

  private static String fmtText(String v) {
    if (v == null || v.isEmpty()) {
      return "";
    }
    try {
      if (v.matches("-?[0-9]+")) {
        return v;
      }
      return fmt(Double.parseDouble(v));
    } catch (NumberFormatException e) {
      return v;
    }
  }

  private static String fmt(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : Double.toString(v);
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
