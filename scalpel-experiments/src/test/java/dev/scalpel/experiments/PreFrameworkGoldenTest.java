package dev.scalpel.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scalpel.core.GradientSurgery;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The run loop gives the results the tasks gave with their own loops before it existed, bit for bit: final losses
 * of toy2d, toy3d and quadratic runs recorded by the earlier command line (resource pre-framework-results.tsv).
 */
class PreFrameworkGoldenTest {
  @TempDir
  Path tmp;

  static Stream<Arguments> recorded() throws Exception {
    List<Arguments> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        PreFrameworkGoldenTest.class.getResourceAsStream("/pre-framework-results.tsv"), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.startsWith("#") && !line.isBlank()) {
          String[] f = line.split("\t");
          out.add(Arguments.of(f[0], f[1], f[2], Double.parseDouble(f[3]), Double.parseDouble(f[4])));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("recorded")
  void sameBitsAsBeforeTheRunLoop(String task, String settings, String method, double main, double aux)
      throws Exception {
    Map<String, String> s = new HashMap<>();
    for (String kv : settings.split(",")) {
      s.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    Task t = Tasks.byName(task);
    RunResult r = RunLoop.of(t, t.settings(s)).run(GradientSurgery.parse(method), tmp, null);
    assertEquals(main, r.mainLoss(), 0.0);
    assertEquals(aux, r.auxLoss(), 0.0);
  }
}
