package dev.scalpel.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scalpel.cli.sweep.SweepStatistics.Point;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fronts, hypervolumes and tests against values worked out by hand. */
class SweepStatisticsTest {

  @Test
  void frontKeepsTheNonDominatedPointsSortedByX() {
    List<Point> pts = List.of(new Point(3, 1), new Point(1, 3), new Point(2, 2), new Point(2.5, 2.5),
        new Point(1, 4), new Point(Double.NaN, 0), new Point(2, 2));
    assertEquals(List.of(new Point(1, 3), new Point(2, 2), new Point(3, 1)), SweepStatistics.front(pts));
  }

  @Test
  void hypervolumeIsTheDominatedArea() {
    // staircase (1,3), (2,2), (3,1) against (4,4): 1·1 + 1·2 + 1·3 = 6
    List<Point> pts = List.of(new Point(3, 1), new Point(1, 3), new Point(2, 2), new Point(2.5, 2.5));
    assertEquals(6.0, SweepStatistics.hypervolume(pts, new Point(4, 4)), 0);
    // one point: a rectangle; points outside the reference box add nothing
    assertEquals(2.0 * 3.0, SweepStatistics.hypervolume(List.of(new Point(-1, -2), new Point(5, -9)),
        new Point(1, 1)), 0);
    assertEquals(0.0, SweepStatistics.hypervolume(List.of(), new Point(1, 1)), 0);
  }

  @Test
  void signTestIsExact() {
    assertEquals(2.0 / 8, SweepStatistics.signTest(3, 0), 1e-15); // 2·(1/2)^3
    assertEquals(1.0, SweepStatistics.signTest(2, 2), 1e-15);
    assertEquals(2.0 * (1 + 10) / 1024, SweepStatistics.signTest(9, 1), 1e-15); // 2·(C(10,0)+C(10,1))/2^10
    assertEquals(1.0, SweepStatistics.signTest(0, 0), 0);
  }

  @Test
  void meanSdAndStudentInterval() {
    double[] r = SweepStatistics.meanSdHalfWidth(List.of(1.0, 2.0, 3.0));
    assertArrayEquals(new double[] {2, 1, 4.303 / Math.sqrt(3)}, r, 1e-12);
    assertEquals(Double.NaN, SweepStatistics.meanSdHalfWidth(List.of(5.0))[1]);
    assertEquals(2.042, SweepStatistics.t975(200), 0);
  }
}
