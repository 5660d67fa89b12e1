package dev.scalpel.experiments.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** chrF against the golden values of the independent Python implementation {@code docs/results/chrf.py}. */
class ChrFTest {
  @Test
  void matchesThePythonImplementation() {
    assertEquals(100.0, ChrF.corpus(List.of("Wählen Sie einen Operator."), List.of("Wählen Sie einen Operator.")),
        1e-12);
    assertEquals(71.47011082974863, ChrF.corpus(List.of("Die Katze sitzt auf der Matte.", "Formel"),
        List.of("Die Katze saß auf der Matte.", "Die Formel")), 1e-9);
    assertEquals(63.49206349206349, ChrF.corpus(List.of("ab"), List.of("abc")), 1e-9);
    assertEquals(2.0000000000000003e-14, ChrF.corpus(List.of("xyz"), List.of("abc")), 1e-20);
  }

  @Test
  void whitespaceDoesNotCountAndSizesMustAgree() {
    assertEquals(ChrF.corpus(List.of("a b c"), List.of("abc")), ChrF.corpus(List.of("abc"), List.of("a  bc")), 0);
    assertEquals(0, ChrF.corpus(List.of(""), List.of("")));
    assertEquals("hypotheses (1) and references (2) must be as many", assertThrows(IllegalArgumentException.class,
        () -> ChrF.corpus(List.of("a"), List.of("a", "b"))).getMessage());
  }
}
