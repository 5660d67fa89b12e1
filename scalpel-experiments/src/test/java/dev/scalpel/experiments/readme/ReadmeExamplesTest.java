package dev.scalpel.experiments.readme;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's example runs as written (its text is checked against the README by ReadmeSnippetsTest). */
class ReadmeExamplesTest {
  @Test
  void runATaskRunsAndWritesItsMetrics(@TempDir Path dir) throws Exception {
    RunATask.main(new String[] {dir.toString()});
    assertTrue(Files.readAllLines(dir.resolve("metrics.csv")).size() == 52, "the start and 50 epochs");
  }
}
