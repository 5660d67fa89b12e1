package dev.scalpel.cli.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scalpel.cli.plot.ParetoPlot.Labels;
import dev.scalpel.cli.plot.ParetoPlot.Point;
import dev.scalpel.cli.plot.ParetoPlot.Series;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.junit.jupiter.api.Test;

/** What the Pareto chart is made of: its lines, the front beneath them, the axes chosen, the caption. */
class ParetoPlotTest {
  static final Labels LOG = new Labels("t", "main", true, "aux", true);

  @Test
  void oneLinePerMethodAndTheFrontBeneath() {
    XYChart c = ParetoPlot.chart(LOG, List.of(
        new Series("mixed", List.of(new Point(1, 100, 0.1), new Point(10, 10, 1))),
        new Series("bloop", List.of(new Point(0.1, 50, 0.1), new Point(20, 1, 1)))));
    assertEquals(List.of("non-dominated front (all)", "mixed", "bloop"), c.getSeriesCollection().stream().map(s -> s.getName()).toList());
    assertTrue(c.getStyler().isXAxisLogarithmic() && c.getStyler().isYAxisLogarithmic());
    assertTrue(c.getTitle().contains("lower left is better"));
  }

  @Test
  void anAccuracyAxisIsBetterToTheRightAndItsFrontSaysSo() {
    // accuracy (maximised) against a bound (minimised): (0.9, 1) dominates (0.8, 2); (0.95, 3) is on the front
    XYChart c = ParetoPlot.chart(new Labels("t", "accuracy", false, "aux", false, true), List.of(
        new Series("a", List.of(new Point(0.8, 2, 0.1), new Point(0.9, 1, 1))),
        new Series("b", List.of(new Point(0.95, 3, 0.1), new Point(0.5, 0.5, 1)))));
    assertTrue(c.getTitle().contains("lower right is better"), c.getTitle());
    var front = c.getSeries("non-dominated front (all)");
    // the staircase through the front's points (0.95, 3), (0.9, 1), (0.5, 0.5), best accuracy first
    assertEquals(List.of(0.95, 0.9, 0.9, 0.5, 0.5), java.util.Arrays.stream(front.getXData()).boxed().toList());
    assertEquals(List.of(3.0, 3.0, 1.0, 1.0, 0.5), java.util.Arrays.stream(front.getYData()).boxed().toList());
  }

  @Test
  void aLogAxisNeedsADecadeAndPositiveValues() {
    XYChart c = ParetoPlot.chart(LOG, List.of(new Series("m", List.of(new Point(2, 15_000, 1),
        new Point(3, 14_000, 2), new Point(200, 11_000, 3)))));
    assertTrue(c.getStyler().isXAxisLogarithmic(), "x spans two decades");
    assertFalse(c.getStyler().isYAxisLogarithmic(), "y spans less than a decade: linear, with readable ticks");
    assertEquals("aux", c.getYAxisTitle());
    // 3..40 holds one power of ten (one label): linear; 3..100 holds two: log
    assertFalse(ParetoPlot.chart(LOG, List.of(new Series("m", List.of(new Point(3, 1, 1), new Point(40, 2, 2)))))
        .getStyler().isXAxisLogarithmic());
    assertTrue(ParetoPlot.chart(LOG, List.of(new Series("m", List.of(new Point(3, 1, 1), new Point(100, 2, 2)))))
        .getStyler().isXAxisLogarithmic());
    // a window's limit is where the axis ends, so it counts: 0.003..0.045 up to 0.1 holds 0.01 and 0.1
    assertTrue(ParetoPlot.windowed(LOG, List.of(new Series("m", List.of(new Point(0.003, 1, 1),
        new Point(0.045, 2, 2)))), new ParetoPlot.Window("r", 0.1, 5)).getStyler().isXAxisLogarithmic());
  }

  @Test
  void pointsThatCannotBeDrawnAreCounted() {
    XYChart c = ParetoPlot.chart(LOG, List.of(new Series("m", List.of(new Point(1, 1, 1), new Point(100, 0.01, 2),
        new Point(Double.NaN, 1, 3), new Point(0, 1, 4)))));
    assertTrue(c.getTitle().contains("2 point(s) not drawn"), c.getTitle());
  }

  @Test
  void aWindowShowsOnlyItsPointsAndCountsTheRest() {
    // window x <= 10, y <= 5: (1, 4) and (10, 5) inside (limits included), (20, 1) and (0.5, 50) outside
    XYChart c = ParetoPlot.windowed(LOG, List.of(
        new Series("a", List.of(new Point(1, 4, 0.1), new Point(20, 1, 1))),
        new Series("b", List.of(new Point(10, 5, 0.1), new Point(0.5, 50, 1)))), new ParetoPlot.Window("r", 10, 5));
    assertEquals(List.of(1.0), java.util.Arrays.stream(c.getSeries("a").getXData()).boxed().toList());
    assertEquals(List.of(10.0), java.util.Arrays.stream(c.getSeries("b").getXData()).boxed().toList());
    assertTrue(c.getXAxisTitle().contains("r x ≤ 10, y ≤ 5; 2 point(s) outside not drawn"), c.getXAxisTitle());
    assertEquals(10.0, c.getStyler().getXAxisMax());
    assertEquals(5.0, c.getStyler().getYAxisMax());
    // higher x better: the window keeps x >= its limit and the axis starts there
    XYChart acc = ParetoPlot.windowed(new Labels("t", "accuracy", false, "aux", false, true), List.of(
        new Series("a", List.of(new Point(0.9, 1, 0.1), new Point(0.5, 1, 1)))), new ParetoPlot.Window("r", 0.8, 2));
    assertEquals(List.of(0.9), java.util.Arrays.stream(acc.getSeries("a").getXData()).boxed().toList());
    assertEquals(0.8, acc.getStyler().getXAxisMin());
  }
}
