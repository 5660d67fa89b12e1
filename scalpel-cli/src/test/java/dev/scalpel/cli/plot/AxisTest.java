package dev.scalpel.cli.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AxisTest {

  @Test
  void logAxisMapsDecadesLinearlyAndClipsBelowItsFloor() {
    Axis a = Axis.of(List.of(1e-3, 1e-1, 10.0, 0.0, 1e-30), true, 0, 100);
    assertEquals(10.0 * 1e-12, a.floor, 1e-25, "at most 12 decades below the largest value");
    assertTrue(a.clipped(0.0));
    assertTrue(a.clipped(1e-30));
    assertFalse(a.clipped(1e-3));
    double d1 = a.pixel(1e-2) - a.pixel(1e-3);
    double d2 = a.pixel(1e-1) - a.pixel(1e-2);
    assertEquals(d1, d2, 1e-9);
    assertEquals(a.pixel(a.floor), a.pixel(0.0), 1e-12, "clipped values are drawn at the floor");
  }

  @Test
  void linearAxisTicksAreRoundAndInside() {
    Axis a = Axis.of(List.of(0.91, 0.97), false, 0, 100);
    for (Axis.Tick t : a.ticks()) {
      assertTrue(t.value() >= a.lo - 1e-12 && t.value() <= a.hi + 1e-12);
    }
    assertTrue(a.ticks().size() >= 3);
  }
}
