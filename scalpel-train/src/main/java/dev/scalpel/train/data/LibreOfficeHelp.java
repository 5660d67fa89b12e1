package dev.scalpel.train.data;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * English–German paragraph pairs from LibreOffice's help (Debian's {@code libreoffice-help-en-us} and {@code
 * libreoffice-help-de} 4:7.4.7-1+deb12u14): the two languages' HTML pages share paths and paragraph ids, so every
 * paragraph or heading with an id in a page present in both is a pair (53,625 of them whose two texts differ). Their
 * modules are domains: {@code shared} (16,991 pairs), {@code scalc} (11,612), {@code sbasic} (8,649), {@code swriter}
 * (8,128), {@code simpress} (3,196), {@code sdatabase} (1,645), {@code smath} (1,485), {@code schart} (1,031),
 * {@code sdraw} (888). Scalpel's stand-in for the paper's translation data: the generic modules as the large corpus, a
 * small module as the domain. Counts recomputed independently by {@code docs/results/libreoffice_pairs.py}.
 *
 * <p>A pair's text: the element's content with tags removed, {@code &lt; &gt; &amp; &quot; &apos;} and numeric
 * references decoded, runs of ASCII whitespace as one space, trimmed; the first element of a page with a given id
 * counts; pairs whose texts are empty or equal (untranslated) are left out.
 *
 * <p>{@link #load(Path)} reads the caches {@code DATA_DIR/}{@value #CACHE_EN}{@code /} and {@value #CACHE_DE},
 * filled on first use by {@code apt-get download} (no root needed; unpacked with {@code dpkg-deb}), each package
 * checked against its pinned SHA-256 and the pages against a content digest (re-fetched once when damaged). Errors
 * are {@link DataException}s that say what to do.
 */
public final class LibreOfficeHelp {
  public static final String DEB_EN = "libreoffice-help-en-us=4:7.4.7-1+deb12u14";
  public static final String DEB_DE = "libreoffice-help-de=4:7.4.7-1+deb12u14";
  /** SHA-256 of {@code libreoffice-help-en-us_4%3a7.4.7-1+deb12u14_all.deb}, computed once and pinned. */
  public static final String DEB_EN_SHA256 = "8faa840285734d6cfe1ed25537b48f07e74bd6412e3917bf8e5f8a653f7b3712";
  /** SHA-256 of {@code libreoffice-help-de_4%3a7.4.7-1+deb12u14_all.deb}, computed once and pinned. */
  public static final String DEB_DE_SHA256 = "00490b63c509ac96f7f212d6a6e40452d3e0d1f97ccf4b824dd5ec4c01e8277f";
  /** Content digest (see {@code TextFiles}) of the 2,560 English pages, named by their path below text/ ('/' as '+'). */
  public static final String CONTENT_EN_SHA256 = "a434346984f1cb90130088a1f9bd416fe1cc6f24e56d931a891870b616a152da";
  /** Content digest of the 2,560 German pages. */
  public static final String CONTENT_DE_SHA256 = "9ed001cddf443f458a4fa21e32fe9d3da65cbf0b64385a194e1f4f610402e9c6";
  public static final String CACHE_EN = "libreoffice-help-en-us-7.4.7-1-deb12u14";
  public static final String CACHE_DE = "libreoffice-help-de-7.4.7-1-deb12u14";

  private static final Pattern ELEMENT = Pattern.compile("<(p|h[1-6])\\s+id=\"([^\"]+)\"[^>]*>(.*?)</\\1>",
      Pattern.DOTALL);
  private static final Pattern TAG = Pattern.compile("<[^>]*>");
  private static final Pattern SPACE = Pattern.compile("[ \\t\\n\\r\\f\\u000B]+");
  private static final Pattern REFERENCE = Pattern.compile("&(lt|gt|amp|quot|apos|#[0-9]+|#[xX][0-9a-fA-F]+);");

  private LibreOfficeHelp() {
  }

  /** Every pair, page by page (pages in path order), paragraphs in page order. {@code dataDir} null: the default. */
  public static List<TextPair> load(Path dataDir) {
    Path dir = dataDir != null ? dataDir : Mnist.defaultDataDir();
    Map<String, byte[]> en = pages(dir.resolve(CACHE_EN), DEB_EN, DEB_EN_SHA256, CONTENT_EN_SHA256, "en-US");
    Map<String, byte[]> de = pages(dir.resolve(CACHE_DE), DEB_DE, DEB_DE_SHA256, CONTENT_DE_SHA256, "de");
    List<TextPair> pairs = new ArrayList<>();
    for (Map.Entry<String, byte[]> page : en.entrySet()) {
      byte[] other = de.get(page.getKey());
      if (other == null) {
        continue;
      }
      Map<String, String> a = paragraphs(new String(page.getValue(), StandardCharsets.UTF_8));
      Map<String, String> b = paragraphs(new String(other, StandardCharsets.UTF_8));
      String name = page.getKey();
      String module = name.substring(0, name.indexOf('+') < 0 ? name.length() : name.indexOf('+'));
      for (Map.Entry<String, String> p : a.entrySet()) {
        String t = b.get(p.getKey());
        if (t != null && !t.equals(p.getValue())) {
          pairs.add(new TextPair(module, name + "#" + p.getKey(), p.getValue(), t));
        }
      }
    }
    return pairs;
  }

  private static Map<String, byte[]> pages(Path cache, String deb, String debSha, String contentSha, String lang) {
    String prefix = "./usr/share/libreoffice/help/" + lang + "/text/";
    String howTo = "copy " + cache + " from a machine where Scalpel fetched it, or fetch it by hand: 'apt-get "
        + "download " + deb + "', 'dpkg-deb -x' the file, and copy every page below usr/share/libreoffice/help/" + lang
        + "/text/ into " + cache + " named by its path below text/ with '/' written as '+' (e.g. "
        + "smath+01+03090100.html)";
    return TextFiles.fromCache(cache, debSha, contentSha, n -> n.endsWith(".html"),
        () -> PackageFetch.fetchRenamed(PackageFetch.apt(), deb, debSha,
            n -> n.startsWith(prefix) && n.endsWith(".html")
                ? n.substring(prefix.length()).replace('/', '+') : null,
            cache, howTo),
        "LibreOffice help (" + lang + ")");
  }

  /** The id → text of a page's paragraphs and headings, in page order (the first of a repeated id). */
  static Map<String, String> paragraphs(String page) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = ELEMENT.matcher(page);
    while (m.find()) {
      String text = text(m.group(3));
      if (!text.isEmpty()) {
        out.putIfAbsent(m.group(2), text);
      }
    }
    return out;
  }

  /** An element's text: tags removed, references decoded, ASCII whitespace runs as one space, trimmed. */
  static String text(String inner) {
    String s = TAG.matcher(inner).replaceAll("");
    Matcher r = REFERENCE.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (r.find()) {
      String e = r.group(1);
      String rep = switch (e) {
        case "lt" -> "<";
        case "gt" -> ">";
        case "amp" -> "&";
        case "quot" -> "\"";
        case "apos" -> "'";
        default -> new String(Character.toChars(e.charAt(1) == 'x' || e.charAt(1) == 'X'
            ? Integer.parseInt(e.substring(2), 16) : Integer.parseInt(e.substring(1))));
      };
      r.appendReplacement(sb, Matcher.quoteReplacement(rep));
    }
    r.appendTail(sb);
    s = SPACE.matcher(sb).replaceAll(" ");
    int from = 0;
    int to = s.length();
    while (from < to && s.charAt(from) == ' ') {
      from++;
    }
    while (to > from && s.charAt(to - 1) == ' ') {
      to--;
    }
    return s.substring(from, to);
  }
}
