package dev.scalpel.experiments;

/**
 * A Pareto plot drawn from results.csv: one line per method through its points ordered by λ.
 *
 * @param name   file stem: {@code name.png} and {@code name.svg}
 * @param title  the plot's title
 * @param x      column for the x axis
 * @param xLabel x axis label
 * @param xLog   logarithmic x axis
 * @param y      column for the y axis
 * @param yLabel y axis label
 * @param yLog   logarithmic y axis
 * @param xHigherIsBetter the x metric is maximised (an accuracy): the plot's best corner is lower right and its
 *                        non-dominated front is taken with larger x better; y is always minimised
 */
public record PlotSpec(String name, String title, String x, String xLabel, boolean xLog, String y, String yLabel,
    boolean yLog, boolean xHigherIsBetter) {
  /** A plot of two minimised metrics (losses): lower left is better. */
  public PlotSpec(String name, String title, String x, String xLabel, boolean xLog, String y, String yLabel,
      boolean yLog) {
    this(name, title, x, xLabel, xLog, y, yLabel, yLog, false);
  }
}
