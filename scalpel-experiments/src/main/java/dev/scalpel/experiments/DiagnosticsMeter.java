package dev.scalpel.experiments;

import dev.scalpel.core.Diagnostics;
import dev.scalpel.core.SurgeryState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/*
 * Means of the per-step diagnostics over one evaluation period, for k losses (loss 0 the main one):
 *   cos_main_aux[i]   cos(g_0, g_i)                          the conflict between the main and auxiliary gradients
 *   cos_ema_main      cos(EMA of g_0, g_0)                   how stale the EMA is (1: fresh; NaN: no EMA kept)
 *   ratio_aux[i]      <g_i, m>/<m, m>, m the EMA of g_0      the projection ratio Bloop removes (any method)
 *   cos_d_main        cos(d, g_0)                            whether the step descends the main loss
 *   d_norm            |d|
 *   orth_error        cos(d − g_0, m)                        what d adds to g_0, along m (Bloop: ~0; see below)
 *   skipped           steps skipped (non-finite gradients under nonfinite=skip) in the period
 * m is g_0 itself for methods that keep no EMA of it. orth_error is scale-free: for Bloop it is 0 while the part
 * of the auxiliary gradients orthogonal to m dominates the eps residual λ·eps/(|m|²+eps)·⟨g_aux, m⟩/|m|²; once that
 * orthogonal part vanishes (the auxiliary loss is as low as the main one allows), the tiny residual along m is all
 * that is left and the cosine goes to ±1 although ⟨d − g_0, m⟩ itself is tiny.
 * A step whose value is NaN (a zero vector: the cosine is undefined) is left out of that column's mean; a column
 * with no finite value in the period is NaN. Sums in double, in step order: a resumed run adds the same numbers
 * in the same order, so its means are bit-identical.
 */
/** Accumulates the surgery's per-step {@link Diagnostics} into per-period means (the metrics.csv columns). */
final class DiagnosticsMeter {
  private final int k;
  private final List<String> columns;
  private final double[] sum;
  private final long[] count;
  private long skipped;
  private long lastSkippedTotal;

  DiagnosticsMeter(int losses) {
    this.k = losses;
    this.columns = columns(losses);
    this.sum = new double[columns.size() - 1];
    this.count = new long[columns.size() - 1];
  }

  /** The column names for k losses (the auxiliary ones numbered from 2 on, as {@code aux2_loss}). */
  static List<String> columns(int losses) {
    List<String> c = new ArrayList<>();
    for (int i = 1; i < losses; i++) {
      c.add("cos_main_aux" + suffix(i));
    }
    c.add("cos_ema_main");
    for (int i = 1; i < losses; i++) {
      c.add("ratio_aux" + suffix(i));
    }
    c.addAll(List.of("cos_d_main", "d_norm", "orth_error", "skipped"));
    return List.copyOf(c);
  }

  private static String suffix(int i) {
    return i == 1 ? "" : Integer.toString(i);
  }

  List<String> columns() {
    return columns;
  }

  /** Records the step just taken (nothing when the state has no diagnostics). */
  void record(SurgeryState state) {
    if (state == null) {
      return;
    }
    long total = state.skippedSteps();
    skipped += total - lastSkippedTotal;
    lastSkippedTotal = total;
    Diagnostics d = state.lastDiagnostics();
    if (d == null || state.lastStepSkipped()) {
      return;
    }
    int c = 0;
    for (int i = 1; i < k; i++) {
      add(c++, d.gradientCosine(0, i));
    }
    int m = d.emaOf(0);
    add(c++, m == 0 ? Double.NaN : d.emaCosine(0)); // no EMA (mixed, ema = 1, the aggregators): undefined
    double mm = d.gramian()[m][m];
    for (int i = 1; i < k; i++) {
      add(c++, d.gramian()[i][m] / mm);
    }
    add(c++, d.directionCosine(0));
    add(c++, d.directionNorm());
    add(c, d.orthogonalityError());
  }

  private void add(int c, double v) {
    if (Double.isFinite(v)) {
      sum[c] += v;
      count[c]++;
    }
  }

  /** Puts the period's means into {@code row} and starts a new period. */
  void closePeriod(Map<String, Double> row) {
    for (int c = 0; c < sum.length; c++) {
      row.put(columns.get(c), count[c] == 0 ? Double.NaN : sum[c] / count[c]);
      sum[c] = 0;
      count[c] = 0;
    }
    row.put("skipped", (double) skipped);
    skipped = 0;
  }

  byte[] save() {
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      DataOutputStream o = new DataOutputStream(b);
      o.writeInt(sum.length);
      for (int c = 0; c < sum.length; c++) {
        o.writeDouble(sum[c]);
        o.writeLong(count[c]);
      }
      o.writeLong(skipped);
      o.writeLong(lastSkippedTotal);
      o.flush();
      return b.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void restore(byte[] bytes) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int n = in.readInt();
      if (n != sum.length) {
        throw new IOException("diagnostics of " + n + " columns, expected " + sum.length);
      }
      for (int c = 0; c < n; c++) {
        sum[c] = in.readDouble();
        count[c] = in.readLong();
      }
      skipped = in.readLong();
      lastSkippedTotal = in.readLong();
    }
  }
}
