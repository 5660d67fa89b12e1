package dev.scalpel.experiments.overlay;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import dev.scalpel.core.GradientSurgery;
import dev.scalpel.core.SurgeryState;
import dev.scalpel.djl.BatchBuffer;
import dev.scalpel.djl.KLossStep;
import dev.scalpel.djl.KStepResult;
import dev.scalpel.djl.Losses;
import dev.scalpel.djl.TorchThreads;
import dev.scalpel.experiments.Classification;
import dev.scalpel.experiments.PlotSpec;
import dev.scalpel.experiments.RunLoop;
import dev.scalpel.experiments.Schedule;
import dev.scalpel.experiments.Setting;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.TaskSettings;
import dev.scalpel.experiments.DataParallelTrainer;
import dev.scalpel.experiments.KLossDataParallelTrainer;
import dev.scalpel.experiments.Trainer;
import dev.scalpel.experiments.Batches;
import dev.scalpel.train.optim.LearningRateSchedule;
import dev.scalpel.train.optim.Sgd;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/*
 * The paper's two-task vision experiment (Cifar10Mnist, §5.3) at CPU scale: a small residual network with two heads on
 * the overlay images of OverlayData; main loss = cross-entropy of the background's class, auxiliary loss = that of the
 * digit's class; one forward of the shared trunk per step, the k-loss step on DJL. SGD with momentum 0.9 at lr/(1+λ) as
 * in the paper (cosine-decayed to 0 over the run unless cosine=false) (λ of the first auxiliary loss; the plain lr for
 * methods without λ). Deterministic: one PyTorch thread, one surgery thread, initialisation and data order in Java.
 * Each epoch ends with an evaluation of both heads on the first eval_train_samples training overlays and on the test
 * overlays.
 */
/** The overlay task: Fashion-MNIST backgrounds (main) with MNIST digits in the foreground (auxiliary). */
public final class OverlayTask implements Task {
  private static final int EVAL_BATCH = 500;

  @Override
  public String name() {
    return "overlay";
  }

  @Override
  public String description() {
    return "paper §5.3 analogue: Fashion-MNIST background (main) + MNIST digit (aux), residual net with two heads, "
        + "SGD lr/(1+λ)";
  }

  @Override
  public List<Setting> schema() {
    return List.of(
        Setting.integer("epochs", 5, 1, "epochs"),
        Setting.positive("lr", 0.05, "SGD learning rate (momentum 0.9), divided by 1+λ (not with rescale=true)"),
        Setting.flag("cosine", true, "cosine decay of the rate from lr to 0 at the last step (false: constant)"),
        Setting.integer("batch_size", 128, 1, "examples per step").atMost(60_000),
        Setting.seed("seed", 0L, "seed of the overlays, the initialisation and the data order"),
        Setting.integer("train_samples", 20_000, 1, "training overlays").atMost(60_000),
        Setting.integer("test_samples", 10_000, 1, "test overlays").atMost(10_000),
        Setting.integer("width", 8, 1, "channels of the stem (the blocks have 2 and 4 times as many)")
            .atMost(256),
        Setting.integer("max_steps_per_epoch", 0, 0, "cap on steps per epoch (0: all full batches)"),
        Setting.integer("eval_train_samples", 5000, 0, "training overlays evaluated at each epoch end (0: all)"),
        DataParallelTrainer.microBatchesSetting("overlays"),
        Setting.integer(RunLoop.CHECKPOINT_EVERY.name(), 200, 0,
            "steps between checkpoints, besides evaluations (0: at evaluations only)").operational());
  }

  /** The settings, checked as every task's, and batch_size at most train_samples (before anything is written). */
  @Override
  public TaskSettings settings(Map<String, String> given) {
    TaskSettings s = Task.super.settings(given);
    if (s.intValue("batch_size") > s.intValue("train_samples")) {
      throw new IllegalArgumentException("batch_size (" + s.intValue("batch_size") + ") must be at most "
          + "train_samples (" + s.intValue("train_samples") + ")");
    }
    DataParallelTrainer.checkMicroBatches(s);
    return s;
  }

  @Override
  public List<String> metricColumns() {
    return List.of("main_loss", "aux_loss", "test_loss", "test_aux_loss", "test_err", "test_aux_err", "train_acc",
        "train_aux_acc");
  }

  /** Its trainers are data-parallel: {@code micro_batches} cuts each step's batch. */
  @Override
  public boolean dataParallel() {
    return true;
  }

  @Override
  public List<PlotSpec> plots() {
    return List.of(
        new PlotSpec("pareto", "overlay: test losses of the two heads", "test_loss",
            "main: background cross-entropy (test)", true, "test_aux_loss", "aux: digit cross-entropy (test)", true),
        new PlotSpec("pareto_error", "overlay: test error rates of the two heads", "test_err",
            "main: background error (test)", false, "test_aux_err", "aux: digit error (test)", false),
        new PlotSpec("pareto_train", "overlay: training losses of the two heads", "main_loss",
            "main: background cross-entropy (train)", true, "aux_loss", "aux: digit cross-entropy (train)", true));
  }

  @Override
  public Trainer trainer(GradientSurgery method, TaskSettings settings) {
    return new OverlayTrainer(method, settings);
  }

  private static final class OverlayTrainer implements KLossDataParallelTrainer {
    private final OverlayData.Data data;
    private final NDManager manager;
    private final OverlayNet net;
    private final KLossStep step;
    private final BatchBuffer images;
    private final long[] mainLabels;
    private final long[] auxLabels;
    private final Losses losses;
    private final Schedule schedule;
    private final int batchSize;
    private final int evalTrain;
    private final Batches.Order order;
    private final int micro;
    private final BatchBuffer microImages;
    private final long[] microMain;
    private final long[] microAux;
    private final Losses microLosses;

    OverlayTrainer(GradientSurgery method, TaskSettings s) {
      TorchThreads.set(1);
      long seed = s.longValue("seed");
      this.data = OverlayData.build(s.intValue("train_samples"), s.intValue("test_samples"), seed);
      int n = data.train().count();
      this.order = new Batches.Order(n, seed);
      this.batchSize = s.intValue("batch_size");
      int steps = Batches.stepsPerEpoch(n, batchSize, s.intValue("max_steps_per_epoch"));
      if (steps == 0) {
        throw new IllegalArgumentException("batch_size (" + batchSize + ") must be at most train_samples (" + n
            + ")");
      }
      this.schedule = new Schedule(s.intValue("epochs"), steps, 1, false);
      long total = schedule.totalSteps();
      int evalSamples = s.intValue("eval_train_samples");
      this.evalTrain = evalSamples > 0 ? Math.min(evalSamples, n) : n;
      // the paper's lr/(1+λ); a method that rescales its direction by 1/(1+λ) itself (rescale=true) keeps lr
      boolean rescaled = method.config().has("rescale") && Boolean.parseBoolean(method.config().get("rescale"));
      double lambda = method.method().hasLambda() && !rescaled ? method.lambda() : 0;
      double lr = s.doubleValue("lr") / (1 + lambda);
      LearningRateSchedule rate = s.booleanValue("cosine")
          ? LearningRateSchedule.warmupCosine(lr, 0, total, 0)
          : LearningRateSchedule.constant(lr);
      this.manager = NDManager.newBaseManager();
      try {
        this.net = OverlayNet.build(manager, s.intValue("width"));
        this.step = KLossStep.builder(net.parameters()).surgery(method.withThreads(1))
            .optimiser(Sgd.builder().schedule(rate).momentum(0.9).build()).build();
        step.setParameterValues(OverlayNet.initialValues(step.parameters(), seed));
      } catch (RuntimeException e) {
        manager.close();
        throw e;
      }
      this.images = new BatchBuffer(Math.max(batchSize, EVAL_BATCH), 784);
      this.mainLabels = new long[batchSize];
      this.auxLabels = new long[batchSize];
      this.losses = losses(images, mainLabels, auxLabels, batchSize);
      this.micro = s.intValue("micro_batches");
      int rows = batchSize / micro;
      this.microImages = new BatchBuffer(rows, 784);
      this.microMain = new long[rows];
      this.microAux = new long[rows];
      this.microLosses = losses(microImages, microMain, microAux, rows);
    }

    /** Cross-entropy of both heads on the first {@code rows} overlays of {@code x} with their two labels. */
    private Losses losses(BatchBuffer x, long[] main, long[] aux, int rows) {
      Loss ce = Loss.softmaxCrossEntropyLoss();
      return m -> {
        NDArray in = x.tensor(m, rows).reshape(new Shape(rows, 1, 28, 28));
        NDArray h = net.trunk.forward(step.parameterStore(), new NDList(in), true).singletonOrThrow();
        NDList mainOut = net.mainHead.forward(step.parameterStore(), new NDList(h), true);
        NDList auxOut = net.auxHead.forward(step.parameterStore(), new NDList(h), true);
        return new NDList(ce.evaluate(new NDList(m.create(main)), mainOut),
            ce.evaluate(new NDList(m.create(aux)), auxOut));
      };
    }

    @Override
    public Schedule schedule() {
      return schedule;
    }

    @Override
    public List<String> evaluationColumns() {
      return List.of("train_loss", "train_acc", "train_aux_loss", "train_aux_acc", "test_loss", "test_acc",
          "test_aux_loss", "test_aux_acc");
    }

    @Override
    public double[] step(int epoch, int batch) throws Exception {
      if (micro > 1) {
        return DataParallelTrainer.stepInProcess(this, epoch, batch);
      }
      int[] perm = order.of(epoch);
      int from = batch * batchSize;
      images.fill(data.train().x(), perm, from, batchSize);
      for (int i = 0; i < batchSize; i++) {
        mainLabels[i] = data.train().background()[perm[from + i]];
        auxLabels[i] = data.train().digit()[perm[from + i]];
      }
      KStepResult r = step.step(losses);
      return r.losses();
    }

    @Override
    public KLossStep kLossStep() {
      return step;
    }

    @Override
    public int microBatches() {
      return micro;
    }

    @Override
    public int losses() {
      return 2;
    }

    /** Micro-batch m: overlays m·B/M … (m+1)·B/M − 1 of the step's batch in the epoch's order. */
    @Override
    public double[] microGradients(int epoch, int batch, int m, float[][][] out) {
      KLossDataParallelTrainer.checkMicroBatch(m, micro);
      int[] perm = order.of(epoch);
      int rows = microMain.length;
      int from = batch * batchSize + m * rows;
      microImages.fill(data.train().x(), perm, from, rows);
      for (int i = 0; i < rows; i++) {
        microMain[i] = data.train().background()[perm[from + i]];
        microAux[i] = data.train().digit()[perm[from + i]];
      }
      return gradientsInto(microLosses, out);
    }

    @Override
    public double[] finishStep(float[][][] meanGradients, double[] meanLosses) {
      return finishWith(meanGradients, meanLosses).losses();
    }

    @Override
    public double[] evaluate(int epochsDone) {
      double[] train = evaluate(data.train(), evalTrain);
      double[] test = evaluate(data.test(), data.test().count());
      return new double[] {train[0], train[1], train[2], train[3], test[0], test[1], test[2], test[3]};
    }

    /** Mean cross-entropy and accuracy of both heads over the first {@code count} overlays, in double in Java. */
    private double[] evaluate(OverlayData.Split split, int count) {
      double[] sums = new double[4];
      ParameterStore store = step.parameterStore();
      for (int from = 0; from < count; from += EVAL_BATCH) {
        int n = Math.min(EVAL_BATCH, count - from);
        images.fillRange(split.x(), from, n);
        float[] main;
        float[] aux;
        try (NDManager m = manager.newSubManager()) {
          NDArray x = images.tensor(m, n).reshape(new Shape(n, 1, 28, 28));
          NDArray h = net.trunk.forward(store, new NDList(x), false).singletonOrThrow();
          main = net.mainHead.forward(store, new NDList(h), false).singletonOrThrow().toFloatArray();
          aux = net.auxHead.forward(store, new NDList(h), false).singletonOrThrow().toFloatArray();
        }
        Classification.accumulate(main, 10, split.background(), from, n, sums, 0);
        Classification.accumulate(aux, 10, split.digit(), from, n, sums, 2);
      }
      return new double[] {sums[0] / count, sums[1] / count, sums[2] / count, sums[3] / count};
    }

    @Override
    public SurgeryState surgeryState() {
      return step.surgeryState();
    }

    @Override
    public void save(Map<String, byte[]> sections) {
      sections.putAll(step.saveState());
    }

    @Override
    public void restore(Map<String, byte[]> sections) {
      step.restoreState(sections);
    }

    @Override
    public Map<String, Double> summary(List<Map<String, Double>> rows) {
      Map<String, Double> last = rows.get(rows.size() - 1);
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("main_loss", last.get("train_loss"));
      m.put("aux_loss", last.get("train_aux_loss"));
      m.put("test_loss", last.get("test_loss"));
      m.put("test_aux_loss", last.get("test_aux_loss"));
      m.put("test_err", 1 - last.get("test_acc"));
      m.put("test_aux_err", 1 - last.get("test_aux_acc"));
      m.put("train_acc", last.get("train_acc"));
      m.put("train_aux_acc", last.get("train_aux_acc"));
      return m;
    }

    @Override
    public void close() {
      try {
        step.close();
      } finally {
        manager.close();
      }
    }
  }
}
