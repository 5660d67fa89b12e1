package dev.scalpel.djl.smooth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.loss.Loss;
import dev.scalpel.core.GradientSurgery;
import dev.scalpel.core.Method;
import dev.scalpel.djl.AuxiliaryLoss;
import dev.scalpel.djl.BatchBuffer;
import dev.scalpel.djl.GradientPath;
import dev.scalpel.djl.LossFunction;
import dev.scalpel.djl.StepResult;
import dev.scalpel.djl.TorchThreads;
import dev.scalpel.djl.TwoLossStep;
import dev.scalpel.train.checkpoint.AtomicFiles;
import dev.scalpel.train.checkpoint.CheckpointException;
import dev.scalpel.train.checkpoint.CheckpointFile;
import dev.scalpel.train.checkpoint.Sections;
import dev.scalpel.train.data.Mnist;
import dev.scalpel.train.optim.Adam;
import dev.scalpel.train.optim.LearningRateSchedule;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The smooth-MNIST experiment of the Bloop paper (§5.2, and its reference script): an MLP 784-256-128-10 with ReLU
 * trained with cross-entropy as the main loss and {@code log ∏_l σ(W_l)²} (its Lipschitz bound, squared) as the
 * auxiliary loss, by Adam (lr 3e-4, batch 256, 25 epochs), any {@link GradientSurgery} combining the two.
 *
 * <pre>{@code
 * GradientSurgery bloop = SmoothMnist.referenceMethod(Method.BLOOP, 1e-2);   // ema 0.01 for bloop, 1 for others
 * SmoothMnist.Summary s = SmoothMnist.run(SmoothMnist.Config.defaults(), bloop, Path.of("runs/bloop-1e-2"),
 *     SmoothMnist.Listener.NONE);
 * System.out.println(s.testAcc() + " " + s.auxLoss());
 * }</pre>
 *
 * <p>{@code run} writes {@code runDir/metrics.csv} (one row per epoch, see {@link EpochMetrics}) and
 * {@code runDir/checkpoint.bin} (every {@link Config#checkpointEverySteps()} steps and at each epoch end: model,
 * Adam state, surgery state, power-iteration vectors, data position, metrics so far; atomic and checksummed). If
 * {@code runDir} already holds a valid checkpoint of the same configuration and method, the run resumes from it;
 * with another configuration or method it fails with a {@link CheckpointException}.
 *
 * <p>Deterministic mode ({@link Config#deterministic()}): one PyTorch thread and one surgery thread, all seeds
 * fixed, initialisation and data order in Java; a run killed at any point (even {@code kill -9}) and resumed then
 * ends with exactly the metrics of an uninterrupted run (the seconds column aside). PyTorch's thread count is
 * process-wide: {@code run} sets it when the configuration asks for it.
 */
public final class SmoothMnist {
  /** Network widths. */
  public static final int[] WIDTHS = {784, 256, 128, 10};
  /** The reference λ grid: logspace(-4, 0, 9). */
  public static final double[] LAMBDAS = logspace(-4, 0, 9);
  /** File names inside a run directory. */
  public static final String CHECKPOINT = "checkpoint.bin";
  public static final String METRICS = "metrics.csv";

  private static final String S_CONFIG = "smooth.config";
  private static final String S_POSITION = "smooth.position";
  private static final String S_METRICS = "smooth.metrics";
  private static final String S_AUX = "smooth.aux";
  private static final int EVAL_BATCH = 1000;

  private static volatile Data cached;

  private SmoothMnist() {
  }

  /**
   * The run's settings.
   *
   * @param epochs               epochs (reference 25)
   * @param batchSize            examples per step (reference 256)
   * @param learningRate         Adam's (peak) learning rate (reference 3e-4)
   * @param seed                 seed of the initialisation, the data order and the power-iteration vectors
   * @param checkpointEverySteps checkpoint period in steps (0: only at epoch ends)
   * @param torchThreads         PyTorch intra-op threads (0: leave the engine's setting)
   * @param surgeryThreads       surgery threads (0: the core's default)
   * @param deterministic        one PyTorch and one surgery thread: bit-reproducible, resumes included
   * @param maxStepsPerEpoch     cap on steps per epoch (0: all 234 full batches)
   * @param powerIterations      power-iteration rounds per step for the training-time σ (reference-style: 1)
   * @param warmupSteps          0: constant learning rate; otherwise linear warmup over so many steps then cosine
   *                             decay to 0 at the last step (the paper's longer runs)
   * @param evalTrainSamples     training examples evaluated at each epoch end (0: all 60,000)
   * @param dataDir              MNIST directory or cache (null: {@link Mnist#defaultDataDir()})
   */
  public record Config(int epochs, int batchSize, double learningRate, long seed, int checkpointEverySteps,
      int torchThreads, int surgeryThreads, boolean deterministic, int maxStepsPerEpoch, int powerIterations,
      int warmupSteps, int evalTrainSamples, Path dataDir) {

    public Config {
      if (epochs < 1 || batchSize < 1 || checkpointEverySteps < 0 || torchThreads < 0 || surgeryThreads < 0
          || maxStepsPerEpoch < 0 || powerIterations < 1 || warmupSteps < 0 || evalTrainSamples < 0) {
        throw new IllegalArgumentException("invalid smooth-MNIST config " + this
            + ": counts must be >= 0 (epochs, batch size and power iterations >= 1)");
      }
      if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
        throw new IllegalArgumentException("learning rate (" + learningRate + ") must be a finite number > 0");
      }
    }

    /**
     * The reference settings: 25 epochs, batch 256, Adam 3e-4 constant, seed 0, one power iteration; checkpoints
     * every 500 steps; one PyTorch and one surgery thread (measured fastest on a shared 2-core machine).
     */
    public static Config defaults() {
      return new Config(25, 256, 3e-4, 0L, 500, 1, 1, false, 0, 1, 0, 0, null);
    }

    public Config withEpochs(int v) {
      return new Config(v, batchSize, learningRate, seed, checkpointEverySteps, torchThreads, surgeryThreads,
          deterministic, maxStepsPerEpoch, powerIterations, warmupSteps, evalTrainSamples, dataDir);
    }

    public Config withBatchSize(int v) {
      return new Config(epochs, v, learningRate, seed, checkpointEverySteps, torchThreads, surgeryThreads,
          deterministic, maxStepsPerEpoch, powerIterations, warmupSteps, evalTrainSamples, dataDir);
    }

    public Config withLearningRate(double v) {
      return new Config(epochs, batchSize, v, seed, checkpointEverySteps, torchThreads, surgeryThreads,
          deterministic, maxStepsPerEpoch, powerIterations, warmupSteps, evalTrainSamples, dataDir);
    }

    public Config withSeed(long v) {
      return new Config(epochs, batchSize, learningRate, v, checkpointEverySteps, torchThreads, surgeryThreads,
          deterministic, maxStepsPerEpoch, powerIterations, warmupSteps, evalTrainSamples, dataDir);
    }

    public Config withCheckpointEverySteps(int v) {
      return new Config(epochs, batchSize, learningRate, seed, v, torchThreads, surgeryThreads,
          deterministic, maxStepsPerEpoch, powerIterations, warmupSteps, evalTrainSamples, dataDir);
    }

    public Config withThreads(int torch, int surgery) {
      return new Config(epochs, batchSize, learningRate, seed, checkpointEverySteps, torch, surgery,
          deterministic, maxStepsPerEpoch, powerIterations, warmupSteps, evalTrainSamples, dataDir);
    }

    public Config withDeterministic(boolean v) {
      return new Config(epochs, batchSize, learningRate, seed, checkpointEverySteps, torchThreads, surgeryThreads,
          v, maxStepsPerEpoch, powerIterations, warmupSteps, evalTrainSamples, dataDir);
    }

    public Config withMaxStepsPerEpoch(int v) {
      return new Config(epochs, batchSize, learningRate, seed, checkpointEverySteps, torchThreads, surgeryThreads,
          deterministic, v, powerIterations, warmupSteps, evalTrainSamples, dataDir);
    }

    public Config withPowerIterations(int v) {
      return new Config(epochs, batchSize, learningRate, seed, checkpointEverySteps, torchThreads, surgeryThreads,
          deterministic, maxStepsPerEpoch, v, warmupSteps, evalTrainSamples, dataDir);
    }

    public Config withWarmupSteps(int v) {
      return new Config(epochs, batchSize, learningRate, seed, checkpointEverySteps, torchThreads, surgeryThreads,
          deterministic, maxStepsPerEpoch, powerIterations, v, evalTrainSamples, dataDir);
    }

    public Config withEvalTrainSamples(int v) {
      return new Config(epochs, batchSize, learningRate, seed, checkpointEverySteps, torchThreads, surgeryThreads,
          deterministic, maxStepsPerEpoch, powerIterations, warmupSteps, v, dataDir);
    }

    public Config withDataDir(Path v) {
      return new Config(epochs, batchSize, learningRate, seed, checkpointEverySteps, torchThreads, surgeryThreads,
          deterministic, maxStepsPerEpoch, powerIterations, warmupSteps, evalTrainSamples, v);
    }

    /**
     * The settings that determine the results, as text: stored in checkpoints and compared on resume
     * (checkpoint period, thread counts and data directory may change between a run and its resumption).
     */
    public String identity() {
      return String.format(Locale.ROOT, "smooth-mnist v1: widths=784-256-128-10 epochs=%d batch=%d lr=%s seed=%d "
          + "deterministic=%b maxStepsPerEpoch=%d powerIterations=%d warmup=%d evalTrain=%d", epochs, batchSize,
          learningRate, seed, deterministic, maxStepsPerEpoch, powerIterations, warmupSteps, evalTrainSamples);
    }
  }

  /**
   * The final epoch's metrics.
   *
   * @param trainLoss mean training cross-entropy
   * @param trainAcc  training accuracy
   * @param testLoss  mean test cross-entropy
   * @param testAcc   test accuracy
   * @param auxLoss   the accurate {@code log ∏ σ(W_l)²} at the end
   * @param steps     training steps done
   * @param seconds   wall-clock seconds of the run (resumed runs add up)
   */
  public record Summary(double trainLoss, double trainAcc, double testLoss, double testAcc, double auxLoss,
      long steps, double seconds) {
  }

  /** Progress callbacks, all on the training thread; every method has an empty default. */
  public interface Listener {
    /** No-op listener. */
    Listener NONE = new Listener() {
    };

    /** Called once before training; {@code startStep} > 0 when resuming. */
    default void onStart(long startStep, long totalSteps) {
    }

    /** After each step: the step number (1-based), the total, and the batch's losses (aux: training-time σ). */
    default void onStep(long step, long totalSteps, double mainLoss, double auxLoss) {
    }

    /** After each epoch's evaluation and checkpoint. */
    default void onEpoch(EpochMetrics metrics, int epochs) {
    }

    /** After each checkpoint is written. */
    default void onCheckpoint(Path file, long step) {
    }
  }

  /** The reference settings of a method for λ: ρ (ema) 0.01 for bloop, 1 for mixed, pcgrad, dynamic barrier. */
  public static GradientSurgery referenceMethod(Method method, double lambda) {
    String spec = method.specName() + ":lambda=" + lambda;
    if (method != Method.MIXED) {
      spec += ",ema=" + (method == Method.BLOOP ? "0.01" : "1");
    }
    return GradientSurgery.parse(spec);
  }

  /** Trains (or resumes) one run; see the class comment. */
  public static Summary run(Config cfg, GradientSurgery method, Path runDir, Listener listener) {
    long t0 = System.nanoTime();
    Listener out = listener == null ? Listener.NONE : listener;
    try {
      Files.createDirectories(runDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create run directory " + runDir, e);
    }
    GradientSurgery surgery = method;
    if (cfg.deterministic()) {
      TorchThreads.set(1);
      surgery = surgery.withThreads(1);
    } else {
      if (cfg.torchThreads() > 0) {
        TorchThreads.set(cfg.torchThreads());
      }
      if (cfg.surgeryThreads() > 0) {
        surgery = surgery.withThreads(cfg.surgeryThreads());
      }
    }
    Data data = data(cfg.dataDir());
    int n = data.trainY.length;
    int steps = Batches.stepsPerEpoch(n, cfg.batchSize(), cfg.maxStepsPerEpoch());
    if (steps == 0) {
      throw new IllegalArgumentException("batch size " + cfg.batchSize() + " exceeds the " + n + " training examples");
    }
    long total = (long) steps * cfg.epochs();
    LearningRateSchedule schedule = cfg.warmupSteps() > 0
        ? LearningRateSchedule.warmupCosine(cfg.learningRate(), Math.min(cfg.warmupSteps(), total), total, 0)
        : LearningRateSchedule.constant(cfg.learningRate());
    int evalTrain = cfg.evalTrainSamples() > 0 ? Math.min(cfg.evalTrainSamples(), n) : n;
    Path checkpoint = runDir.resolve(CHECKPOINT);

    try (NDManager manager = NDManager.newBaseManager()) {
      SequentialBlock block = Mlp.build(manager, WIDTHS);
      SpectralNormLoss lipschitz = new SpectralNormLoss(cfg.powerIterations(), cfg.seed());
      try (TwoLossStep step = TwoLossStep.builder(block).surgery(surgery)
          .optimiser(Adam.builder().schedule(schedule).build()).path(GradientPath.NATIVE).build()) {
        step.setParameterValues(Mlp.initialValues(step.parameters(), cfg.seed()));
        lipschitz.bind(step.parameters());
        int epoch = 0;
        int batch = 0;
        double priorSeconds = 0;
        List<EpochMetrics> rows = new ArrayList<>();
        if (Files.exists(checkpoint)) {
          Map<String, byte[]> s = CheckpointFile.read(checkpoint);
          String saved = Sections.utf8(Sections.require(s, S_CONFIG, checkpoint.toString()));
          if (!saved.equals(cfg.identity())) {
            throw new CheckpointException("run directory " + runDir + " holds a checkpoint of another "
                + "configuration:\n  checkpoint: " + saved + "\n  requested:  " + cfg.identity()
                + "\nUse another directory, or delete " + checkpoint + " to start afresh.");
          }
          try {
            step.restoreState(s);
          } catch (CheckpointException e) {
            throw new CheckpointException("cannot resume from " + checkpoint + ": " + e.getMessage()
                + ". Use another directory, or delete the checkpoint to start afresh.", e);
          }
          lipschitz.restoreState(Sections.require(s, S_AUX, checkpoint.toString()));
          try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(
              Sections.require(s, S_POSITION, checkpoint.toString())))) {
            epoch = in.readInt();
            batch = in.readInt();
            priorSeconds = in.readDouble();
          } catch (IOException e) {
            throw new CheckpointException("checkpoint " + checkpoint + " has a malformed position section", e);
          }
          rows.addAll(readRows(Sections.require(s, S_METRICS, checkpoint.toString())));
          writeMetrics(runDir, rows);
        }
        out.onStart(step.steps(), total);

        BatchBuffer images = new BatchBuffer(Math.max(cfg.batchSize(), EVAL_BATCH), WIDTHS[0]);
        long[] labels = new long[cfg.batchSize()];
        int batchSize = cfg.batchSize();
        Loss ce = Loss.softmaxCrossEntropyLoss();
        LossFunction main = m -> {
          NDArray x = images.tensor(m, batchSize);
          NDArray y = m.create(labels);
          NDArray logits = block.forward(step.parameterStore(), new NDList(x), true).singletonOrThrow();
          return ce.evaluate(new NDList(y), new NDList(logits));
        };
        AuxiliaryLoss aux = AuxiliaryLoss.analytic(lipschitz);

        for (; epoch < cfg.epochs(); epoch++, batch = 0) {
          int[] perm = Batches.permutation(n, cfg.seed(), epoch);
          for (; batch < steps; batch++) {
            int from = batch * batchSize;
            images.fill(data.trainX, perm, from, batchSize);
            for (int i = 0; i < batchSize; i++) {
              labels[i] = data.trainY[perm[from + i]];
            }
            StepResult r = step.step(main, aux);
            out.onStep(r.step(), total, r.mainLoss(), r.auxLoss());
            if (cfg.checkpointEverySteps() > 0 && r.step() % cfg.checkpointEverySteps() == 0 && batch + 1 < steps) {
              save(step, lipschitz, cfg, checkpoint, epoch, batch + 1, priorSeconds + elapsed(t0), rows);
              out.onCheckpoint(checkpoint, r.step());
            }
          }
          Evaluation.Result train = Evaluation.evaluate(block, step.parameterStore(), manager, images, data.trainX,
              data.trainY, evalTrain);
          Evaluation.Result test = Evaluation.evaluate(block, step.parameterStore(), manager, images, data.testX,
              data.testY, data.testY.length);
          double auxLoss = lipschitz.accurateValue(step.parameterValues());
          EpochMetrics row = new EpochMetrics(epoch + 1, step.steps(), train.loss(), train.accuracy(), test.loss(),
              test.accuracy(), auxLoss, priorSeconds + elapsed(t0));
          rows.add(row);
          save(step, lipschitz, cfg, checkpoint, epoch + 1, 0, row.seconds(), rows);
          out.onCheckpoint(checkpoint, step.steps());
          writeMetrics(runDir, rows);
          out.onEpoch(row, cfg.epochs());
        }
        EpochMetrics last = rows.get(rows.size() - 1);
        return new Summary(last.trainLoss(), last.trainAcc(), last.testLoss(), last.testAcc(), last.auxLoss(),
            last.step(), last.seconds());
      }
    }
  }

  private static double elapsed(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void save(TwoLossStep step, SpectralNormLoss aux, Config cfg, Path file, int epoch, int batch,
      double seconds, List<EpochMetrics> rows) {
    Map<String, byte[]> extra = new LinkedHashMap<>();
    extra.put(S_CONFIG, Sections.utf8(cfg.identity()));
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      DataOutputStream o = new DataOutputStream(b);
      o.writeInt(epoch);
      o.writeInt(batch);
      o.writeDouble(seconds);
      o.flush();
      extra.put(S_POSITION, b.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    extra.put(S_METRICS, writeRows(rows));
    extra.put(S_AUX, aux.saveState());
    step.saveCheckpoint(file, extra);
  }

  private static byte[] writeRows(List<EpochMetrics> rows) {
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      DataOutputStream o = new DataOutputStream(b);
      o.writeInt(rows.size());
      for (EpochMetrics r : rows) {
        o.writeInt(r.epoch());
        o.writeLong(r.step());
        o.writeDouble(r.trainLoss());
        o.writeDouble(r.trainAcc());
        o.writeDouble(r.testLoss());
        o.writeDouble(r.testAcc());
        o.writeDouble(r.auxLoss());
        o.writeDouble(r.seconds());
      }
      o.flush();
      return b.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<EpochMetrics> readRows(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int n = in.readInt();
      List<EpochMetrics> rows = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        rows.add(new EpochMetrics(in.readInt(), in.readLong(), in.readDouble(), in.readDouble(), in.readDouble(),
            in.readDouble(), in.readDouble(), in.readDouble()));
      }
      return rows;
    } catch (IOException e) {
      throw new CheckpointException("checkpoint metrics section is malformed", e);
    }
  }

  /** Rewrites {@code metrics.csv} atomically from the rows. */
  static void writeMetrics(Path runDir, List<EpochMetrics> rows) {
    StringBuilder s = new StringBuilder(EpochMetrics.HEADER).append('\n');
    for (EpochMetrics r : rows) {
      s.append(r.csv()).append('\n');
    }
    Path file = runDir.resolve(METRICS);
    try {
      AtomicFiles.write(file, s);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * The normalised MNIST arrays ({@code (x/255 − 0.1307)/0.3081}, row-major 784 wide; labels 0..9), loaded once per
   * data directory and kept for later runs of the process (about 220 MB).
   */
  public static Data data(Path dataDir) {
    Path key = dataDir == null ? Mnist.defaultDataDir() : dataDir;
    Data d = cached;
    if (d != null && d.key.equals(key)) {
      return d;
    }
    synchronized (SmoothMnist.class) {
      d = cached;
      if (d != null && d.key.equals(key)) {
        return d;
      }
      Mnist mnist = Mnist.load(key);
      d = new Data(key, mnist.train().normalisedImages(), mnist.train().labelsAsInts(),
          mnist.test().normalisedImages(), mnist.test().labelsAsInts());
      cached = d;
      return d;
    }
  }

  /**
   * MNIST as arrays.
   *
   * @param key    the data directory it came from
   * @param trainX training images, 60000 × 784
   * @param trainY training labels
   * @param testX  test images, 10000 × 784
   * @param testY  test labels
   */
  public record Data(Path key, float[] trainX, int[] trainY, float[] testX, int[] testY) {
  }

  static double[] logspace(double from, double to, int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = Math.pow(10, from + (to - from) * i / (n - 1));
    }
    return out;
  }
}
