package dev.scalpel.core.readme;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every ```java block of the project's READMEs is a compiled example: it must be, verbatim, the text of a file under
 * some module's src/test/java/**&#47;readme/ (its package line left out), where the build compiles it and a test runs
 * it. This keeps the READMEs' code from drifting away from the API.
 */
class ReadmeSnippetsTest {

  static Path root() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("run-tests"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("project root (with run-tests) not found above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  static List<String> blocks(Path readme) throws IOException {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(readme));
    while (m.find()) {
      out.add(m.group(1).strip());
    }
    return out;
  }

  static List<String> examples(Path root) throws IOException {
    List<String> out = new ArrayList<>();
    List<Path> modules;
    try (Stream<Path> s = Files.list(root)) {
      modules = s.filter(m -> Files.isDirectory(m.resolve("src/test/java"))).toList();
    }
    for (Path module : modules) {
      try (Stream<Path> s = Files.walk(module.resolve("src/test/java"))) {
        for (Path p : s.filter(f -> f.toString().contains("/readme/") && f.toString().endsWith(".java")
            && !f.getFileName().toString().endsWith("Test.java")).toList()) {
          out.add(Files.readString(p).replaceFirst("^package [a-z.]+;\\n\\n", "").strip());
        }
      }
    }
    return out;
  }

  @Test
  void everyJavaBlockIsACompiledExample() throws IOException {
    Path root = root();
    List<String> examples = examples(root);
    int n = 0;
    for (String readme : List.of("README.md", "scalpel-djl/README.md", "scalpel-experiments/README.md")) {
      for (String b : blocks(root.resolve(readme))) {
        n++;
        assertTrue(examples.contains(b), readme + ": this java block is not a compiled example (put it, verbatim, "
            + "in a src/test/java/.../readme/ file):\n" + b);
      }
    }
    assertTrue(n >= 4, "java blocks found: " + n);
  }

  @Test
  void theCoreExampleRuns() {
    LibraryInTenLines.main(new String[0]);
  }
}
