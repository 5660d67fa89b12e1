package dev.scalpel.experiments.text;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus-level chrF (Popović 2015, "chrF: character n-gram F-score for automatic MT evaluation"), as sacreBLEU 2
 * computes it by default (chrF2: character n-grams of orders 1–6, β = 2, no word n-grams, whitespace removed before
 * counting): for each order n, the matched n-gram count (clipped: the minimum of the hypothesis's and the reference's
 * count of each n-gram) and the hypothesis's and reference's n-gram totals are summed over all sentences; then
 * P_n = matches/hypothesis total, R_n = matches/reference total (1e-16 where a total is 0), F_n = (1+β²)·P_n·R_n /
 * (β²·P_n + R_n) (1e-16 where the denominator is 0), and chrF = 100 · Σ F_n / (orders where both totals are
 * positive). Characters are Unicode code points. Returns 0 when no order has n-grams on both sides.
 * {@code docs/results/chrf.py} is an independent implementation that the tests compare against.
 */
public final class ChrF {
  /** Character n-gram orders 1..{@value}. */
  public static final int ORDER = 6;
  /** The recall weight β. */
  public static final double BETA = 2;

  private ChrF() {
  }

  /**
   * chrF of {@code hypotheses} against {@code references} (same size, sentence by sentence), in [0, 100].
   *
   * @throws IllegalArgumentException when the lists differ in size
   */
  public static double corpus(List<String> hypotheses, List<String> references) {
    if (hypotheses.size() != references.size()) {
      throw new IllegalArgumentException("hypotheses (" + hypotheses.size() + ") and references ("
          + references.size() + ") must be as many");
    }
    long[][] stats = new long[ORDER][3]; // hypothesis total, reference total, matches
    for (int i = 0; i < hypotheses.size(); i++) {
      int[] h = codePoints(hypotheses.get(i));
      int[] r = codePoints(references.get(i));
      for (int n = 1; n <= ORDER; n++) {
        Map<String, Integer> hc = ngrams(h, n);
        Map<String, Integer> rc = ngrams(r, n);
        stats[n - 1][0] += Math.max(0, h.length - n + 1);
        stats[n - 1][1] += Math.max(0, r.length - n + 1);
        for (Map.Entry<String, Integer> e : hc.entrySet()) {
          Integer c = rc.get(e.getKey());
          if (c != null) {
            stats[n - 1][2] += Math.min(c, e.getValue());
          }
        }
      }
    }
    double eps = 1e-16;
    double factor = BETA * BETA;
    double sum = 0;
    int effective = 0;
    for (long[] s : stats) {
      double p = s[0] > 0 ? (double) s[2] / s[0] : eps;
      double r = s[1] > 0 ? (double) s[2] / s[1] : eps;
      double denominator = factor * p + r;
      sum += denominator > 0 ? (1 + factor) * p * r / denominator : eps;
      if (s[0] > 0 && s[1] > 0) {
        effective++;
      }
    }
    return effective == 0 ? 0 : 100 * sum / effective;
  }

  /** The code points of {@code s} without whitespace. */
  private static int[] codePoints(String s) {
    return s.codePoints().filter(c -> !Character.isWhitespace(c)).toArray();
  }

  private static Map<String, Integer> ngrams(int[] cps, int n) {
    Map<String, Integer> m = new HashMap<>();
    for (int i = 0; i + n <= cps.length; i++) {
      m.merge(new String(cps, i, n), 1, Integer::sum);
    }
    return m;
  }
}
