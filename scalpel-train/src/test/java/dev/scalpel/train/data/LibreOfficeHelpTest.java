package dev.scalpel.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The English–German pairs of LibreOffice's help (fetched by apt-get into the shared cache the first time), against
 * the counts an independent Python reader computes from the same packages ({@code docs/results/libreoffice_pairs.py}).
 */
class LibreOfficeHelpTest {

  @Test
  void pairsPerModuleMatchThePythonReader() {
    List<TextPair> pairs = LibreOfficeHelp.load(null);
    Map<String, Integer> counts = new TreeMap<>();
    for (TextPair p : pairs) {
      counts.merge(p.domain(), 1, Integer::sum);
    }
    // python3 docs/results/libreoffice_pairs.py .../help/en-US/text .../help/de/text
    assertEquals(Map.of("sbasic", 8649, "scalc", 11612, "schart", 1031, "sdatabase", 1645, "sdraw", 888,
        "shared", 16991, "simpress", 3196, "smath", 1485, "swriter", 8128), counts);
    TextPair unary = pairs.stream().filter(p -> p.id().equals("smath+01+03090100.html#par_id3151241")).findFirst()
        .orElseThrow();
    assertTrue(unary.source().startsWith("You can choose various unary and binary operators to build your "
        + "LibreOffice Math formula."), unary.source());
    assertTrue(unary.target().startsWith("Wählen Sie zwischen verschiedenen unären und binären Operatoren"),
        unary.target());
    for (TextPair p : pairs) {
      assertTrue(!p.source().isEmpty() && !p.source().equals(p.target()), p.id());
    }
  }

  @Test
  void textDropsTagsDecodesReferencesAndFoldsSpace() {
    assertEquals("a < b & \"c\" é 'd'", LibreOfficeHelp.text(
        "  a <span class=\"x\">&lt;</span>\n\t b &amp; &quot;c&quot; &#233; &apos;d&#x27;  "));
    assertEquals(Map.of("p1", "one", "h", "two"), LibreOfficeHelp.paragraphs(
        "<p id=\"p1\" class=\"x\">one</p><p id=\"p1\">again</p><h2 id=\"h\">t<b>wo</b></h2><p id=\"e\"> </p>"));
  }
}
