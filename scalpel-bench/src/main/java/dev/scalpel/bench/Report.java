package dev.scalpel.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns JMH JSON results (-rf json) of this module's benchmarks into markdown tables: per P × threads × method the
 * time per call, the GB/s achieved on the method's minimal memory traffic (passes × 4 bytes × P), the in-place
 * triad's GB/s (3 × 4 bytes × P / time) at the same P and thread count, and the ratio
 * time / (passes × 4P / triad bandwidth) that the 1.25 target is about.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.scalpel.bench.Report [-o out.md] result.json...}; several files
 * (separate JMH invocations) are merged, a later file's row replacing an earlier one with the same key.
 */
public final class Report {
  static final double TARGET = 1.25;
  static final List<String> METHODS = List.of("mixed", "bloop", "bloop-ratio", "dynamic-barrier", "pcgrad");

  /** One JMH result row. */
  record Row(String benchClass, String benchMethod, Map<String, String> params, double ns, double errorNs,
      double bestNs, double allocBytes) {
    String param(String k) {
      return params.getOrDefault(k, "");
    }

    long p() {
      return Long.parseLong(param("P"));
    }

    int threads() {
      return Integer.parseInt(param("threads"));
    }
  }

  private final Map<String, Row> rows = new LinkedHashMap<>();

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
    String md = r.markdown();
    if (out == null) {
      System.out.print(md);
    } else {
      Files.writeString(out, md, StandardCharsets.UTF_8);
    }
  }

  /** Every row loaded so far. */
  java.util.Collection<Row> rows() {
    return rows.values();
  }

  void load(Path file) throws IOException {
    Object json = new Json(Files.readString(file, StandardCharsets.UTF_8)).value();
    for (Object o : (List<?>) json) {
      Map<?, ?> m = (Map<?, ?>) o;
      String bench = (String) m.get("benchmark");
      int dot = bench.lastIndexOf('.');
      String cls = bench.substring(bench.lastIndexOf('.', dot - 1) + 1, dot);
      String meth = bench.substring(dot + 1);
      Map<String, String> params = new LinkedHashMap<>();
      if (m.get("params") instanceof Map<?, ?> pm) {
        pm.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
      }
      Map<?, ?> metric = (Map<?, ?>) m.get("primaryMetric");
      double scale = nanosPer((String) metric.get("scoreUnit"));
      double score = number(metric.get("score")) * scale;
      double err = number(metric.get("scoreError")) * scale;
      double best = Double.NaN;
      if (metric.get("rawData") instanceof List<?> forks) {
        for (Object fork : forks) {
          for (Object it : (List<?>) fork) {
            double v = number(it) * scale;
            if (!(v >= best)) {
              best = v;
            }
          }
        }
      }
      double alloc = Double.NaN; // bytes allocated per call, when JMH ran with -prof gc
      if (m.get("secondaryMetrics") instanceof Map<?, ?> sec) {
        for (Map.Entry<?, ?> en : sec.entrySet()) {
          if (String.valueOf(en.getKey()).endsWith("gc.alloc.rate.norm") && en.getValue() instanceof Map<?, ?> am) {
            alloc = number(am.get("score"));
          }
        }
      }
      Row row = new Row(cls, meth, params, score, err, Double.isNaN(best) ? score : best, alloc);
      rows.put(cls + "." + meth + params, row);
    }
  }

  private static double nanosPer(String unit) {
    return switch (unit) {
      case "ns/op" -> 1;
      case "us/op" -> 1e3;
      case "ms/op" -> 1e6;
      case "s/op" -> 1e9;
      default -> throw new IllegalArgumentException("unsupported JMH score unit " + unit + " (use mode avgt)");
    };
  }

  private static double number(Object o) {
    if (o instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(String.valueOf(o));
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private Row find(String cls, String meth, String method, long p, int threads) {
    for (Row r : rows.values()) {
      if (r.benchClass.equals(cls) && r.benchMethod.equals(meth) && r.param("P").equals(Long.toString(p))
          && r.param("threads").equals(Integer.toString(threads))
          && (method == null || r.param("method").equals(method))) {
        return r;
      }
    }
    return null;
  }

  private TreeSet<Long> sizes(String cls) {
    TreeSet<Long> s = new TreeSet<>();
    for (Row r : rows.values()) {
      if (r.benchClass.equals(cls)) {
        s.add(r.p());
      }
    }
    return s;
  }

  private TreeSet<Integer> threadCounts(String cls) {
    TreeSet<Integer> s = new TreeSet<>();
    for (Row r : rows.values()) {
      if (r.benchClass.equals(cls)) {
        s.add(r.threads());
      }
    }
    return s;
  }

  /** In-place triad time at (P, threads), or NaN. */
  private double triad(long p, int threads) {
    Row t = find("TriadBench", "inPlace", null, p, threads);
    return t == null ? Double.NaN : t.ns;
  }

  /** In-place triad's best iteration at (P, threads), or NaN. */
  private double triadBest(long p, int threads) {
    Row t = find("TriadBench", "inPlace", null, p, threads);
    return t == null ? Double.NaN : t.bestNs;
  }

  /** The fastest in-place triad time at P over all measured thread counts. */
  private double bestTriad(long p) {
    double best = Double.NaN;
    for (Row r : rows.values()) {
      if (r.benchClass.equals("TriadBench") && r.benchMethod.equals("inPlace") && r.p() == p
          && !(r.ns >= best)) {
        best = r.ns;
      }
    }
    return best;
  }

  /** time / (passes·4P / triad bandwidth) = (time / passes) / (triad time / 3). */
  static double ratio(double ns, int passes, double triadNs) {
    return ns * 3 / (passes * triadNs);
  }

  static double gbs(int passes, long p, double ns) {
    return passes * 4.0 * p / ns;
  }

  String markdown() {
    StringBuilder b = new StringBuilder();
    summary(b);
    directionTable(b);
    triadTable(b);
    threadTable(b);
    scalarTable(b);
    bufferTable(b);
    return b.toString();
  }

  private void summary(StringBuilder b) {
    long p = 10_000_000L;
    long dram = 100_000_000L;
    if (find("DirectionBench", "direction", "bloop", p, 1) == null) {
      return;
    }
    b.append("### Target check at P = 10^7 (ratio ≤ ").append(TARGET).append(")\n\n");
    b.append("ratio = time / (passes × 4 B × P / in-place triad GB/s), triad at the same P and thread count as the ")
        .append("issue defines it: from the mean times, and from the best iteration of each (less sensitive to a ")
        .append("loaded machine). The last two columns take the bandwidth of the triad at P = 10^8 instead ")
        .append("(DRAM-bound on any machine), best iterations.\n\n");
    b.append("| method | passes | 1 thread | 1 thread, best iter. | 2 threads | 2 threads, best iter. | 1 thread vs 10^8 triad | 2 threads vs 10^8 triad |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String m : METHODS) {
      Row r1 = find("DirectionBench", "direction", m, p, 1);
      Row r2 = find("DirectionBench", "direction", m, p, 2);
      if (r1 == null && r2 == null) {
        continue;
      }
      int passes = Shapes.passes(m);
      b.append("| ").append(m).append(" | ").append(passes).append(" | ")
          .append(r1 == null ? "–" : verdict(ratio(r1.ns, passes, triad(p, 1)))).append(" | ")
          .append(r1 == null ? "–" : verdict(ratio(r1.bestNs, passes, triadBest(p, 1)))).append(" | ")
          .append(r2 == null ? "–" : verdict(ratio(r2.ns, passes, triad(p, 2)))).append(" | ")
          .append(r2 == null ? "–" : verdict(ratio(r2.bestNs, passes, triadBest(p, 2)))).append(" | ")
          .append(r1 == null ? "–" : verdict(ratio(r1.bestNs, passes, triadBest(dram, 1) * p / dram)))
          .append(" | ")
          .append(r2 == null ? "–" : verdict(ratio(r2.bestNs, passes, triadBest(dram, 2) * p / dram)))
          .append(" |\n");
    }
    b.append('\n');
  }

  private static String verdict(double ratio) {
    if (Double.isNaN(ratio)) {
      return "–";
    }
    return fmt(ratio, 2) + (ratio <= TARGET ? " ✓" : " ✗");
  }

  private void directionTable(StringBuilder b) {
    TreeSet<Long> ps = sizes("DirectionBench");
    if (ps.isEmpty()) {
      return;
    }
    b.append("### Direction (in place, vector kernel) against the in-place triad\n\n");
    b.append("Minimal traffic = passes × 4 B × P. Triad GB/s = 3 × 4 B × P / triad time, same P and threads. ")
        .append("ratio = time / (minimal traffic / triad GB/s), from mean times; ratio, best iter. = the same from ")
        .append("the fastest measurement iteration of each; ratio vs faster triad = mean time against the faster of ")
        .append("the 1- and 2-thread triads at that P. allocated B/call: JMH's gc.alloc.rate.norm (-prof gc); the ")
        .append("in-place call is meant to allocate nothing.\n\n");
    b.append("| P | threads | method | passes | time/call | ± (99.9 %) | best iter. | GB/s (minimal traffic) | triad GB/s | ratio | ratio, best iter. | ratio vs faster triad | allocated B/call |\n");
    b.append("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (long p : ps) {
      for (int th : threadCounts("DirectionBench")) {
        for (String m : METHODS) {
          Row r = find("DirectionBench", "direction", m, p, th);
          if (r == null) {
            continue;
          }
          int passes = Shapes.passes(m);
          double tri = triad(p, th);
          b.append("| ").append(sci(p)).append(" | ").append(th).append(" | ").append(m).append(" | ")
              .append(passes).append(" | ").append(time(r.ns)).append(" | ").append(time(r.errorNs))
              .append(" | ").append(time(r.bestNs))
              .append(" | ").append(fmt(gbs(passes, p, r.ns), 1)).append(" | ")
              .append(fmt(gbs(3, p, tri), 1)).append(" | ").append(fmt(ratio(r.ns, passes, tri), 2))
              .append(" | ").append(fmt(ratio(r.bestNs, passes, triadBest(p, th)), 2))
              .append(" | ").append(fmt(ratio(r.ns, passes, bestTriad(p)), 2))
              .append(" | ").append(bytes(r.allocBytes)).append(" |\n");
        }
      }
    }
    b.append('\n');
  }

  private void triadTable(StringBuilder b) {
    TreeSet<Long> ps = sizes("TriadBench");
    if (ps.isEmpty()) {
      return;
    }
    b.append("### Bandwidth references (STREAM-style triads, 3 passes counted)\n\n");
    b.append("| P | threads | in-place a += s·b | GB/s | GB/s, best iter. | classic a = b + s·c | GB/s |\n");
    b.append("|---:|---:|---:|---:|---:|---:|---:|\n");
    for (long p : ps) {
      for (int th : threadCounts("TriadBench")) {
        Row in = find("TriadBench", "inPlace", null, p, th);
        Row cl = find("TriadBench", "classic", null, p, th);
        if (in == null && cl == null) {
          continue;
        }
        b.append("| ").append(sci(p)).append(" | ").append(th).append(" | ")
            .append(in == null ? "–" : time(in.ns)).append(" | ")
            .append(in == null ? "–" : fmt(gbs(3, p, in.ns), 1)).append(" | ")
            .append(in == null ? "–" : fmt(gbs(3, p, in.bestNs), 1)).append(" | ")
            .append(cl == null ? "–" : time(cl.ns)).append(" | ")
            .append(cl == null ? "–" : fmt(gbs(3, p, cl.ns), 1)).append(" |\n");
      }
    }
    b.append('\n');
  }

  private void threadTable(StringBuilder b) {
    TreeSet<Long> ps = sizes("DirectionBench");
    if (!threadCounts("DirectionBench").containsAll(List.of(1, 2))) {
      return;
    }
    b.append("### Two threads against one (speed-up = time 1 thread / time 2 threads)\n\n");
    b.append("| P |");
    for (String m : METHODS) {
      b.append(' ').append(m).append(" |");
    }
    b.append(" triad |\n|---:|");
    b.append("---:|".repeat(METHODS.size() + 1)).append('\n');
    for (long p : ps) {
      b.append("| ").append(sci(p)).append(" |");
      for (String m : METHODS) {
        Row r1 = find("DirectionBench", "direction", m, p, 1);
        Row r2 = find("DirectionBench", "direction", m, p, 2);
        b.append(' ').append(r1 == null || r2 == null ? "–" : fmt(r1.ns / r2.ns, 2) + "×").append(" |");
      }
      double t1 = triad(p, 1);
      double t2 = triad(p, 2);
      b.append(' ').append(Double.isNaN(t1 / t2) ? "–" : fmt(t1 / t2, 2) + "×").append(" |\n");
    }
    b.append('\n');
  }

  private void scalarTable(StringBuilder b) {
    TreeSet<Long> ps = sizes("ScalarDirectionBench");
    if (ps.isEmpty()) {
      return;
    }
    b.append("### Scalar fallback (-Dscalpel.kernel=scalar) against the vector kernel\n\n");
    b.append("| P | threads | method | scalar time | vector time | vector speed-up | scalar ratio |\n");
    b.append("|---:|---:|---|---:|---:|---:|---:|\n");
    for (long p : ps) {
      for (int th : threadCounts("ScalarDirectionBench")) {
        for (String m : METHODS) {
          Row s = find("ScalarDirectionBench", "direction", m, p, th);
          if (s == null) {
            continue;
          }
          Row v = find("DirectionBench", "direction", m, p, th);
          b.append("| ").append(sci(p)).append(" | ").append(th).append(" | ").append(m).append(" | ")
              .append(time(s.ns)).append(" | ").append(v == null ? "–" : time(v.ns)).append(" | ")
              .append(v == null ? "–" : fmt(s.ns / v.ns, 2) + "×").append(" | ")
              .append(fmt(ratio(s.ns, Shapes.passes(m), triad(p, th)), 2)).append(" |\n");
        }
      }
    }
    b.append('\n');
  }

  private void bufferTable(StringBuilder b) {
    TreeSet<Long> ps = sizes("BufferBench");
    if (ps.isEmpty()) {
      return;
    }
    b.append("### FloatBuffer path (direct buffers) against float[] (in place, vector kernel)\n\n");
    b.append("| P | threads | method | float[] | direct FloatBuffer | buffer / array | buffer ratio |\n");
    b.append("|---:|---:|---|---:|---:|---:|---:|\n");
    for (long p : ps) {
      for (int th : threadCounts("BufferBench")) {
        for (String m : METHODS) {
          Row a = find("BufferBench", "arrays", m, p, th);
          Row f = find("BufferBench", "buffers", m, p, th);
          if (a == null || f == null) {
            continue;
          }
          b.append("| ").append(sci(p)).append(" | ").append(th).append(" | ").append(m).append(" | ")
              .append(time(a.ns)).append(" | ").append(time(f.ns)).append(" | ")
              .append(fmt(f.ns / a.ns, 2)).append("× | ")
              .append(fmt(ratio(f.ns, Shapes.passes(m), triad(p, th)), 2)).append(" |\n");
        }
      }
    }
    b.append('\n');
  }

  /** JMH's gc.alloc.rate.norm, rounded; values under 64 B are JMH's own noise, shown as 0. */
  static String bytes(double b) {
    if (Double.isNaN(b)) {
      return "–";
    }
    if (b < 64) {
      return "0";
    }
    if (b < 1e4) {
      return String.format(Locale.ROOT, "%.0f", b);
    }
    if (b < 1e7) {
      return String.format(Locale.ROOT, "%.0f k", b / 1e3);
    }
    return String.format(Locale.ROOT, "%.1f M", b / 1e6);
  }

  static String sci(long p) {
    long x = p;
    int e = 0;
    while (x >= 10 && x % 10 == 0) {
      x /= 10;
      e++;
    }
    if (x == 1 && e >= 3) {
      return "10^" + e;
    }
    return e >= 3 ? x + "·10^" + e : Long.toString(p);
  }

  static String fmt(double v, int decimals) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "–";
    }
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  static String time(double ns) {
    if (Double.isNaN(ns)) {
      return "–";
    }
    if (ns < 1e3) {
      return sig(ns) + " ns";
    }
    if (ns < 1e6) {
      return sig(ns / 1e3) + " µs";
    }
    if (ns < 1e9) {
      return sig(ns / 1e6) + " ms";
    }
    return sig(ns / 1e9) + " s";
  }

  private static String sig(double v) {
    if (v >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (v >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** Just enough JSON for JMH's result files. */
  static final class Json {
    private final String s;
    private int i;

    Json(String s) {
      this.s = s;
    }

    Object value() {
      ws();
      char c = s.charAt(i);
      switch (c) {
        case '{' -> {
          i++;
          Map<String, Object> m = new LinkedHashMap<>();
          ws();
          if (s.charAt(i) == '}') {
            i++;
            return m;
          }
          while (true) {
            ws();
            String k = string();
            ws();
            expect(':');
            m.put(k, value());
            ws();
            if (s.charAt(i) == ',') {
              i++;
            } else {
              expect('}');
              return m;
            }
          }
        }
        case '[' -> {
          i++;
          List<Object> l = new ArrayList<>();
          ws();
          if (s.charAt(i) == ']') {
            i++;
            return l;
          }
          while (true) {
            l.add(value());
            ws();
            if (s.charAt(i) == ',') {
              i++;
            } else {
              expect(']');
              return l;
            }
          }
        }
        case '"' -> {
          return string();
        }
        default -> {
          int start = i;
          while (i < s.length() && ",}] \n\r\t".indexOf(s.charAt(i)) < 0) {
            i++;
          }
          String tok = s.substring(start, i);
          return switch (tok) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            case "null" -> null;
            default -> Double.parseDouble(tok);
          };
        }
      }
    }

    private String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = s.charAt(i++);
        if (c == '"') {
          return b.toString();
        }
        if (c == '\\') {
          char e = s.charAt(i++);
          switch (e) {
            case 'n' -> b.append('\n');
            case 't' -> b.append('\t');
            case 'r' -> b.append('\r');
            case 'b' -> b.append('\b');
            case 'f' -> b.append('\f');
            case 'u' -> {
              b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
              i += 4;
            }
            default -> b.append(e);
          }
        } else {
          b.append(c);
        }
      }
    }

    private void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private void expect(char c) {
      if (s.charAt(i) != c) {
        throw new IllegalArgumentException("JSON: expected '" + c + "' at " + i + ", found '" + s.charAt(i) + "'");
      }
      i++;
    }
  }
}
