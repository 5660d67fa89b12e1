package dev.scalpel.train.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * A minimal reader of ustar archives, gzip-compressed (what {@code npm pack} writes) or plain (what {@code dpkg-deb
 * --fsys-tarfile} writes): regular files only.
 */
final class TarGz {
  private static final int BLOCK = 512;

  private TarGz() {
  }

  /**
   * Extracts the regular files whose archive path {@code wanted} accepts into {@code dir}, flattened to their
   * base names. Returns the files written.
   */
  static List<Path> extract(Path archive, Predicate<String> wanted, Path dir) throws IOException {
    try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive), 1 << 16),
        1 << 16)) {
      return extract(in, archive.toString(), wanted, dir);
    }
  }

  /**
   * {@link #extract(Path, Predicate, Path)} from an uncompressed tar stream ({@code archive} names it in errors);
   * reads up to the end-of-archive blocks.
   */
  static List<Path> extract(InputStream in, String archive, Predicate<String> wanted, Path dir) throws IOException {
    return extract(in, archive, (Function<String, String>) name -> wanted.test(name) ? baseName(name) : null, dir);
  }

  /** The part of an archive path after its last {@code /}. */
  static String baseName(String name) {
    return name.substring(name.lastIndexOf('/') + 1);
  }

  /**
   * Extracts the regular files to which {@code nameOf} gives a file name (null: skip the entry) into {@code dir}
   * under that name; reads up to the end-of-archive blocks. Returns the files written.
   */
  static List<Path> extract(InputStream in, String archive, Function<String, String> nameOf, Path dir)
      throws IOException {
    List<Path> written = new ArrayList<>();
    {
      byte[] header = new byte[BLOCK];
      while (true) {
        int n = in.readNBytes(header, 0, BLOCK);
        if (n == 0) {
          return written; // end without the two zero blocks: tolerated
        }
        if (n < BLOCK) {
          throw new IOException("archive " + archive + " is truncated inside a tar header");
        }
        if (allZero(header)) {
          return written;
        }
        String name = field(header, 0, 100);
        String prefix = field(header, 345, 155);
        if (!prefix.isEmpty()) {
          name = prefix + "/" + name;
        }
        long size = octal(header, 124, 12, archive);
        char type = (char) header[156];
        long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
        boolean regular = type == '0' || type == '\0';
        String base = regular ? nameOf.apply(name) : null;
        if (base != null) {
          if (base.isEmpty() || base.equals(".") || base.equals("..") || base.contains("/")) {
            throw new IOException("archive " + archive + " holds a file with an unusable name: " + name);
          }
          Path out = dir.resolve(base);
          try (OutputStream os = Files.newOutputStream(out)) {
            copy(in, os, size, archive, name);
          }
          skip(in, padded - size, archive, name);
          written.add(out);
        } else {
          skip(in, padded, archive, name);
        }
      }
    }
  }

  private static void copy(InputStream in, OutputStream out, long size, String archive, String name)
      throws IOException {
    byte[] buf = new byte[1 << 16];
    long left = size;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw new IOException("archive " + archive + " is truncated inside " + name);
      }
      out.write(buf, 0, n);
      left -= n;
    }
  }

  private static void skip(InputStream in, long n, String archive, String name) throws IOException {
    long left = n;
    while (left > 0) {
      long s = in.skip(left);
      if (s <= 0) {
        if (in.read() < 0) {
          throw new IOException("archive " + archive + " is truncated after " + name);
        }
        s = 1;
      }
      left -= s;
    }
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static String field(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] h, int off, int len, String archive) throws IOException {
    String s = field(h, off, len).trim();
    if (s.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(s, 8);
    } catch (NumberFormatException e) {
      throw new IOException("archive " + archive + " has a malformed tar header (size field '" + s + "')", e);
    }
  }
}
