package dev.scalpel.train.data;

import java.nio.file.Path;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): 60,000 training and 10,000 test images of clothing, 28×28
 * unsigned bytes, labels 0–9 (T-shirt/top, trouser, pullover, dress, coat, sandal, shirt, sneaker, bag, ankle boot),
 * in MNIST's file format, so it loads as a {@link Mnist}.
 *
 * <p>Where it comes from: a directory holding the four idx files (the names of {@link Mnist}, plain or {@code .gz})
 * given to {@link #loadFrom(Path)}; or, with {@link #load(Path)}, the cache {@code DATA_DIR/}{@value #CACHE_SUBDIR}{@code /}
 * (never DATA_DIR itself: MNIST's files have the same names),
 * filled on first use by Debian's ordinary client ({@code apt-get download} {@value #DEB_PACKAGE}, no root needed,
 * unpacked with {@code dpkg-deb}), the package checked against the pinned SHA-256 {@value #DEB_SHA256}. {@code
 * DATA_DIR} is as for {@link Mnist#defaultDataDir()}. Errors are {@link DataException}s that say what to do.
 */
public final class FashionMnist {
  public static final String DEB_PACKAGE = "dataset-fashion-mnist=0.0~git20200523.55506a9-1";
  /** SHA-256 of {@code dataset-fashion-mnist_0.0~git20200523.55506a9-1_all.deb}, computed once and pinned. */
  public static final String DEB_SHA256 = "39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0";
  public static final String CACHE_SUBDIR = "fashion-mnist-0.0-git20200523.55506a9-1";
  /** The class names, by label. */
  public static final java.util.List<String> CLASSES = java.util.List.of("T-shirt/top", "trouser", "pullover",
      "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot");

  private FashionMnist() {
  }

  /** Reads Fashion-MNIST's four idx files (plain or gzip) from {@code dir}. */
  public static Mnist loadFrom(Path dir) {
    return Mnist.loadFrom(dir, "Fashion-MNIST", howToUseFiles(dir));
  }

  /**
   * Loads Fashion-MNIST from the {@value #CACHE_SUBDIR} cache under {@code dataDir}, fetching it with apt-get the
   * first time. {@code null}: {@link Mnist#defaultDataDir()}.
   */
  public static Mnist load(Path dataDir) {
    Path dir = dataDir != null ? dataDir : Mnist.defaultDataDir();
    Path cache = dir.resolve(CACHE_SUBDIR);
    return Mnist.fromCache(cache, DEB_SHA256, () -> fetch(cache, dir), "Fashion-MNIST", howToUseFiles(dir));
  }

  private static void fetch(Path cache, Path dir) {
    PackageFetch.fetch(PackageFetch.apt(), DEB_PACKAGE, DEB_SHA256,
        name -> name.startsWith("./usr/share/datasets/fashion-mnist/") && name.contains("-idx"), cache,
        howToUseFiles(dir));
  }

  private static String howToUseFiles(Path dir) {
    return "To use Fashion-MNIST files already on disk, put " + Mnist.TRAIN_IMAGES + ", " + Mnist.TRAIN_LABELS + ", "
        + Mnist.TEST_IMAGES + " and " + Mnist.TEST_LABELS + " (plain or .gz) in one directory and read it with "
        + "FashionMnist.loadFrom(DIR); "
        + "otherwise Scalpel fetches them with 'apt-get download " + DEB_PACKAGE + "' into "
        + dir.resolve(CACHE_SUBDIR) + ".";
  }
}
