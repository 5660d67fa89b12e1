package dev.scalpel.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scalpel.core.GradientSurgery;
import dev.scalpel.experiments.io.Csv;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The diagnostics columns of metrics.csv against closed forms on toy2d, one evaluation per step (so each row's
 * means are one step's values). The step after row t−1 took g_main = (a, 0), g_aux = (a − 1, b) at that row's
 * (a, b), as float32; with no EMA (mixed, ema = 1) m = g_main:
 *   cos_main_aux = a(a−1) / (|a| √((a−1)² + b²)),  ratio_aux = (a−1)/a,  cos_ema_main = NaN (mixed: no EMA) or 1,
 *   mixed:  d = (a + λ(a−1), λb);   bloop:  d = g_main + λ(g_aux − r g_main), r = a(a−1)/(a² + eps),
 *   d_norm = |d|,  cos_d_main = d·g_main / (|d| |g_main|),  orth_error = cos(d − g_main, g_main).
 */
class DiagnosticsColumnsTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"mixed:lambda=0.7", "bloop:lambda=0.7,ema=1"})
  void eachColumnMatchesItsClosedForm(String spec) throws Exception {
    Task t = Tasks.byName("toy2d");
    RunLoop.of(t, t.settings(Map.of("steps", "30"))).run(GradientSurgery.parse(spec), dir, null);
    List<Map<String, String>> rows = Csv.read(dir.resolve(RunLoop.METRICS));
    assertEquals(31, rows.size());
    double lambda = 0.7;
    boolean bloop = spec.startsWith("bloop");
    for (int i = 1; i < rows.size(); i++) {
      Map<String, String> prev = rows.get(i - 1);
      Map<String, String> row = rows.get(i);
      double a = (float) Double.parseDouble(prev.get("a"));
      double a1 = (float) (Double.parseDouble(prev.get("a")) - 1);
      double b = (float) Double.parseDouble(prev.get("b"));
      double r = bloop ? a * a1 / (a * a + 1e-7) : 0;
      double dx = bloop ? a + lambda * (a1 - r * a) : a + lambda * a1;
      double dy = lambda * b;
      double dn = Math.hypot(dx, dy);
      double ex = dx - a;
      String at = spec + " row " + i;
      assertEquals(a * a1 / (Math.abs(a) * Math.hypot(a1, b)), num(row, "cos_main_aux"), 1e-9, at);
      assertEquals(a1 / a, num(row, "ratio_aux"), 1e-9 * Math.abs(a1 / a), at);
      // mixed keeps no EMA (NaN); bloop with ema = 1 keeps one equal to the gradient (1)
      assertEquals(bloop ? 1 : Double.NaN, num(row, "cos_ema_main"), 1e-12, at);
      assertEquals(dn, num(row, "d_norm"), 1e-6 * dn, at);
      assertEquals(dx * a / (dn * Math.abs(a)), num(row, "cos_d_main"), 1e-6, at);
      assertEquals(ex * a / (Math.hypot(ex, dy) * Math.abs(a)), num(row, "orth_error"), 1e-5, at);
      assertEquals(0, num(row, "skipped"), at);
    }
  }

  static double num(Map<String, String> row, String col) {
    return Double.parseDouble(row.get(col));
  }
}
