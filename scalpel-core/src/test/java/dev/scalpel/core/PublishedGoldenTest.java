package dev.scalpel.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The golden tables of docs/reference aggregators.md (exact solutions; TorchJD's own table agrees to 1e-3):
 * J = [[−4, 1, 1], [6, 1, 1]] and J3 = [[1,0,0,2], [−1,1,0,0], [0,−1,1,−1]], given there to 5–6 digits.
 */
class PublishedGoldenTest {
  static final double[][] J = {{-4, 1, 1}, {6, 1, 1}};
  static final double[][] J3 = {{1, 0, 0, 2}, {-1, 1, 0, 0}, {0, -1, 1, -1}};

  static double[] parse(String v) {
    return Arrays.stream(v.trim().split(" +")).mapToDouble(Double::parseDouble).toArray();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "mean | 1 1 1",
      "sum | 2 2 2",
      "mgda | 0 1 1",
      "upgrad | 0.29240 1.90058 1.90058",
      "dualproj | 0.55556 1.11111 1.11111",
      "pcgrad:lambda=1,ema=1,eps=0 | 0.58480 3.80117 3.80117",
      "imtl-g | 0.07670 1 1",
      "aligned-mtl | 0.21328 0.96733 0.96733",
      "cagrad:c=0.5 | 0.18350 1.20412 1.20412",
      "nash-mtl | 0.05415 0.70607 0.70607",
  })
  void directionOnJ(String spec, String expected) {
    assertArrayEquals(parse(expected), K.direction(spec, J), 1e-5, spec);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "mgda | 0.6 0.4",
      "upgrad | 1.11111 0.78947",
  })
  void weightsOnJ(String spec, String expected) {
    assertWeights(spec, J, parse(expected), 1e-5);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "mgda | 0.254237 0.389831 0.355932 | -0.135593 0.033898 0.355932 0.152542",
      "upgrad | 0.670034 0.925926 0.878788 | -0.255892 0.047138 0.878788 0.461279",
      "imtl-g | 0.262704 0.379351 0.357945 | -0.116646 0.021405 0.357945 0.167463",
  })
  void weightsAndDirectionOnJ3(String spec, String w, String d) {
    assertWeights(spec, J3, parse(w), 1e-6);
    assertArrayEquals(parse(d), K.direction(spec, J3), 1e-6, spec);
  }

  static void assertWeights(String spec, double[][] j, double[] expected, double tol) {
    GradientSurgery s = GradientSurgery.parse(spec);
    float[][][] g = K.gradients(j);
    SurgeryState st = s.init(g);
    s.direction(g, st);
    double[] w = st.lastWeights();
    assertEquals(expected.length, w.length);
    assertArrayEquals(expected, w, tol, spec + " weights " + Arrays.toString(w));
  }
}
