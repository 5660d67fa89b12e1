package dev.scalpel.experiments.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {

  @Test
  void quotedFieldsRoundTrip(@TempDir Path dir) throws Exception {
    String spec = "bloop:lambda=0.1,ema=0.01";
    String text = Csv.line(List.of("method", "note")) + Csv.line(List.of(spec, "say \"hi\"\nthere"));
    Path f = dir.resolve("x.csv");
    AtomicFiles.write(f, text);
    List<Map<String, String>> rows = Csv.read(f);
    assertEquals(1, rows.size());
    assertEquals(spec, rows.get(0).get("method"));
    assertEquals("say \"hi\"\nthere", rows.get(0).get("note"));
    // a carriage return inside a field (e.g. a failure message) is quoted and reads back: a sweep stays resumable
    Path g = dir.resolve("y.csv");
    AtomicFiles.write(g, Csv.line(List.of("status", "n")) + Csv.line(List.of("failed: a\rb", "1")));
    assertEquals(List.of(Map.of("status", "failed: a\rb", "n", "1")), Csv.read(g));
    Files.delete(g);
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count(), "no temporary file left behind");
    }
  }
}
