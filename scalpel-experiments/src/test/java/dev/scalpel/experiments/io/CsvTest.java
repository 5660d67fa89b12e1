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
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count(), "no temporary file left behind");
    }
  }
}
