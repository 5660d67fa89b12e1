package dev.scalpel.experiments;

/** Cross-entropy and accuracy of classifier logits, summed in double precision in Java, in a fixed order. */
public final class Classification {
  private Classification() {
  }

  /**
   * Adds, for rows {@code 0..n-1} of {@code logits} ({@code n × classes}, row-major) with labels
   * {@code labels[from + i]}, the cross-entropy (log-sum-exp minus the label's logit) to {@code sums[at]} and the
   * number of rows whose arg-max is the label to {@code sums[at + 1]}. Non-finite logits give non-finite sums.
   */
  public static void accumulate(float[] logits, int classes, int[] labels, int from, int n, double[] sums, int at) {
    for (int i = 0; i < n; i++) {
      int base = i * classes;
      double max = Double.NEGATIVE_INFINITY;
      int arg = 0;
      for (int k = 0; k < classes; k++) {
        if (logits[base + k] > max) {
          max = logits[base + k];
          arg = k;
        }
      }
      double sum = 0;
      for (int k = 0; k < classes; k++) {
        sum += Math.exp(logits[base + k] - max);
      }
      int label = labels[from + i];
      sums[at] += max + Math.log(sum) - logits[base + label];
      sums[at + 1] += arg == label ? 1 : 0;
    }
  }
}
