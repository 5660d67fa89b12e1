package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden values from the committed script src/test/python/golden_aggregators.py (Debian's numpy and scipy; exact
 * rational and 320-bit enumeration of active sets and supports, independent of the Java solvers): every
 * Gramian method and the priority methods on eight Jacobians with k = 2, 3, 5, 8, including a rank-deficient
 * (5 losses in R^4) and a duplicated-row one.
 *
 * <p>Tolerances. The weights come from exact solvers in double on a Gramian of the same float inputs (relative
 * error ~1e-15 per entry): 1e-9 relative is ~1e5 × that, far below any slip of convention (TorchJD's 1e-4
 * regularisation moves upgrad's weights by 3e-4). The direction is rounded to float once: 1e-6 of its largest
 * element covers that rounding (6e-8) with margin. On dup3 some weights are not unique (the script writes the
 * minimum-norm ones); only d is compared there.
 */
class NumpyGoldenTest {
  record Row(String name, String spec, int k, int p, double[][] j, double[] w, double[] d) {
    @Override
    public String toString() {
      return name + " " + spec;
    }
  }

  static Stream<Row> rows() throws IOException {
    List<Row> rows = new ArrayList<>();
    try (InputStream in = NumpyGoldenTest.class.getResourceAsStream("golden-aggregators.tsv")) {
      assertNotNull(in, "golden-aggregators.tsv is missing");
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t");
        int k = Integer.parseInt(f[2]);
        int p = Integer.parseInt(f[3]);
        double[] flat = numbers(f[4]);
        double[][] j = new double[k][];
        for (int i = 0; i < k; i++) {
          j[i] = Arrays.copyOfRange(flat, i * p, (i + 1) * p);
        }
        rows.add(new Row(f[0], f[1], k, p, j, numbers(f[5]), numbers(f[6])));
      }
    }
    assertTrue(rows.size() > 150, "the table has " + rows.size() + " rows");
    return rows.stream();
  }

  static double[] numbers(String csv) {
    return Arrays.stream(csv.split(",")).mapToDouble(Double::parseDouble).toArray();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void matchesTheNumpyTable(Row row) {
    GradientSurgery s = GradientSurgery.parse(row.spec()).withThreads(1);
    float[][][] g = K.gradients(row.j());
    for (int i = 0; i < row.k(); i++) {
      for (int q = 0; q < row.p(); q++) {
        assertEquals(row.j()[i][q], g[i][0][q], 0.0, "the table's J is exactly float");
      }
    }
    SurgeryState st = s.init(g);
    float[] d = s.direction(g, st)[0];
    double scale = 0;
    for (double v : row.d()) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int q = 0; q < row.p(); q++) {
      assertEquals(row.d()[q], d[q], 1e-6 * scale, row + ": d[" + q + "] " + Arrays.toString(d));
    }
    if (!row.name().equals("dup3")) {
      double[] w = st.lastWeights();
      double wScale = 0;
      for (double v : row.w()) {
        wScale = Math.max(wScale, Math.abs(v));
      }
      for (int i = 0; i < row.k(); i++) {
        assertEquals(row.w()[i], w[i], 1e-9 * wScale, row + ": w[" + i + "] " + Arrays.toString(w));
      }
    }
  }
}
