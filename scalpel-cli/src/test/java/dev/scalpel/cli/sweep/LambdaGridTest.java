package dev.scalpel.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LambdaGridTest {

  @Test
  void listIsTakenAsGiven() {
    assertEquals(List.of(0.01, 0.1, 1.0, 0.0), LambdaGrid.parse("0.01, 0.1,1,0"));
  }

  @Test
  void logRangeIsNumpyLogspace() {
    List<Double> g = LambdaGrid.parse("1e-3:1e3:10"); // numpy.logspace(-3, 3, 10)
    assertEquals(10, g.size());
    for (int k = 0; k < 10; k++) {
      double expected = Math.pow(10, -3 + 6.0 * k / 9);
      assertEquals(expected, g.get(k), 1e-11 * expected);
    }
    assertEquals(List.of(1e-4, 1e-3, 1e-2, 1e-1, 1.0), LambdaGrid.parse("1e-4:1:5"));
    assertEquals(List.of(5.0), LambdaGrid.parse("5:5:1"));
  }

  @Test
  void badInputNamesTheValue() {
    assertEquals("--lambdas (1:0.1:5): a log range goes up, START (1) <= STOP (0.1); write 0.1:1:5, or list the "
        + "values", assertThrows(IllegalArgumentException.class, () -> LambdaGrid.parse("1:0.1:5")).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LambdaGrid.parse("0.1,x"))
        .getMessage().contains("'x' is not a number"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LambdaGrid.parse("0.1,-1"))
        .getMessage().contains("lambda (-1) must be a finite number >= 0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LambdaGrid.parse("0:1:3"))
        .getMessage().contains("START and STOP > 0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LambdaGrid.parse("1e-3:1:0"))
        .getMessage().contains("COUNT (0) must be >= 1"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LambdaGrid.parse("1:2"))
        .getMessage().contains("START:STOP:COUNT"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LambdaGrid.parse("1,1"))
        .getMessage().contains("twice"));
    assertThrows(IllegalArgumentException.class, () -> LambdaGrid.parse(" "));
  }
}
