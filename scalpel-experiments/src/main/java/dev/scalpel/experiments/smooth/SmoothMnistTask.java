package dev.scalpel.experiments.smooth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.loss.Loss;
import dev.scalpel.core.GradientSurgery;
import dev.scalpel.core.SurgeryState;
import dev.scalpel.djl.AuxiliaryLoss;
import dev.scalpel.djl.BatchBuffer;
import dev.scalpel.djl.GradientPath;
import dev.scalpel.djl.LossFunction;
import dev.scalpel.djl.StepResult;
import dev.scalpel.djl.TorchThreads;
import dev.scalpel.djl.TwoLossStep;
import dev.scalpel.experiments.Batches;
import dev.scalpel.experiments.PlotSpec;
import dev.scalpel.experiments.RunLoop;
import dev.scalpel.experiments.Schedule;
import dev.scalpel.experiments.Setting;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.TaskSettings;
import dev.scalpel.experiments.Trainer;
import dev.scalpel.train.checkpoint.Sections;
import dev.scalpel.train.optim.Adam;
import dev.scalpel.train.optim.LearningRateSchedule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/*
 * The paper's §5.2 experiment through scalpel-djl: MLP 784-256-128-10 (ReLU), cross-entropy main loss,
 * log ∏ σ(W_l)² auxiliary loss (power iteration), Adam lr 3e-4, batch 256, 25 epochs. Deterministic: one PyTorch
 * thread (process-wide), one surgery thread, initialisation and data order in Java (epoch e's permutation from
 * (seed, e): Batches), so a killed run resumes bit for bit. Each epoch ends with an evaluation: training loss and
 * accuracy over the first eval_train_samples examples (0: all 60,000), test loss and accuracy, and the accurate
 * log ∏ σ² (SVD-exact power iteration to convergence). Final metrics: main_loss = the last training cross-entropy,
 * aux_loss the last accurate log ∏ σ².
 */
/** Smooth MNIST (paper §5.2) on DJL/PyTorch. */
public final class SmoothMnistTask implements Task {
  private static final int EVAL_BATCH = 1000;

  @Override
  public String name() {
    return "smooth-mnist";
  }

  @Override
  public String description() {
    return "paper §5.2: MLP 784-256-128-10 on MNIST, aux log ∏σ(W)², Adam 3e-4, batch 256, 25 epochs";
  }

  @Override
  public List<Setting> schema() {
    return List.of(
        Setting.integer("epochs", 25, 1, "epochs"),
        Setting.positive("lr", 3e-4, "Adam's (peak) learning rate"),
        Setting.integer("batch_size", 256, 1, "examples per step").atMost(60_000),
        Setting.seed("seed", 0L, "seed of the initialisation, the data order and the power-iteration vectors"),
        Setting.integer("max_steps_per_epoch", 0, 0, "cap on steps per epoch (0: all 234 full batches)"),
        Setting.integer("warmup_steps", 0, 0,
            "linear warmup over N steps, then cosine decay to 0 at the last step (0: constant rate)"),
        Setting.integer("power_iterations", 1, 1, "power-iteration rounds per step for the training-time σ"),
        Setting.integer("eval_train_samples", 0, 0, "training examples evaluated at each epoch end (0: all)")
            .atMost(60_000),
        Setting.integer(RunLoop.CHECKPOINT_EVERY.name(), 500, 0,
            "steps between checkpoints, besides evaluations (0: at evaluations only)").operational());
  }

  @Override
  public List<String> metricColumns() {
    return List.of("main_loss", "aux_loss", "train_acc", "test_loss", "test_acc");
  }

  @Override
  public List<PlotSpec> plots() {
    return List.of(
        new PlotSpec("pareto", "smooth MNIST: train loss vs Lipschitz bound", "main_loss", "train cross-entropy",
            true, "aux_loss", "aux loss log ∏σ(W)²", false),
        new PlotSpec("pareto_test", "smooth MNIST: test loss vs Lipschitz bound", "test_loss", "test cross-entropy",
            true, "aux_loss", "aux loss log ∏σ(W)²", false),
        new PlotSpec("pareto_accuracy", "smooth MNIST: test accuracy vs Lipschitz bound", "test_acc",
            "test accuracy", false, "aux_loss", "aux loss log ∏σ(W)²", false, true));
  }

  @Override
  public Trainer trainer(GradientSurgery method, TaskSettings settings) {
    return new SmoothTrainer(method, settings);
  }

  private static final class SmoothTrainer implements Trainer {
    private final SmoothMnist.Data data;
    private final NDManager manager;
    private final SequentialBlock block;
    private final SpectralNormLoss lipschitz;
    private final TwoLossStep step;
    private final BatchBuffer images;
    private final long[] labels;
    private final LossFunction main;
    private final AuxiliaryLoss aux;
    private final Schedule schedule;
    private final int batchSize;
    private final int evalTrain;
    private final Batches.Order order;

    SmoothTrainer(GradientSurgery method, TaskSettings s) {
      TorchThreads.set(1);
      this.data = SmoothMnist.data(null);
      int n = data.trainY().length;
      this.batchSize = s.intValue("batch_size");
      long seed = s.longValue("seed");
      this.order = new Batches.Order(n, seed);
      int steps = Batches.stepsPerEpoch(n, batchSize, s.intValue("max_steps_per_epoch"));
      if (steps == 0) {
        throw new IllegalArgumentException("batch_size (" + batchSize + ") must be at most the " + n
            + " training examples");
      }
      int epochs = s.intValue("epochs");
      this.schedule = new Schedule(epochs, steps, 1, false);
      long total = schedule.totalSteps();
      double lr = s.doubleValue("lr");
      int warmup = s.intValue("warmup_steps");
      LearningRateSchedule rate = warmup > 0
          ? LearningRateSchedule.warmupCosine(lr, Math.min(warmup, total), total, 0)
          : LearningRateSchedule.constant(lr);
      int evalSamples = s.intValue("eval_train_samples");
      this.evalTrain = evalSamples > 0 ? Math.min(evalSamples, n) : n;
      this.manager = NDManager.newBaseManager();
      try {
        this.block = Mlp.build(manager, SmoothMnist.WIDTHS);
        this.lipschitz = new SpectralNormLoss(s.intValue("power_iterations"), seed);
        this.step = TwoLossStep.builder(block).surgery(method.withThreads(1))
            .optimiser(Adam.builder().schedule(rate).build()).path(GradientPath.NATIVE).build();
        step.setParameterValues(Mlp.initialValues(step.parameters(), seed));
        lipschitz.bind(step.parameters());
      } catch (RuntimeException e) {
        manager.close();
        throw e;
      }
      this.images = new BatchBuffer(Math.max(batchSize, EVAL_BATCH), SmoothMnist.WIDTHS[0]);
      this.labels = new long[batchSize];
      Loss ce = Loss.softmaxCrossEntropyLoss();
      this.main = m -> {
        NDArray x = images.tensor(m, batchSize);
        NDArray y = m.create(labels);
        NDArray logits = block.forward(step.parameterStore(), new NDList(x), true).singletonOrThrow();
        return ce.evaluate(new NDList(y), new NDList(logits));
      };
      this.aux = AuxiliaryLoss.analytic(lipschitz);
    }

    @Override
    public Schedule schedule() {
      return schedule;
    }

    @Override
    public List<String> evaluationColumns() {
      return List.of("train_loss", "train_acc", "test_loss", "test_acc", "aux_loss");
    }

    @Override
    public double[] step(int epoch, int batch) {
      int[] perm = order.of(epoch);
      int from = batch * batchSize;
      images.fill(data.trainX(), perm, from, batchSize);
      for (int i = 0; i < batchSize; i++) {
        labels[i] = data.trainY()[perm[from + i]];
      }
      StepResult r = step.step(main, aux);
      return new double[] {r.mainLoss(), r.auxLoss()};
    }

    @Override
    public double[] evaluate(int epochsDone) {
      Evaluation.Result train = Evaluation.evaluate(block, step.parameterStore(), manager, images, data.trainX(),
          data.trainY(), evalTrain);
      Evaluation.Result test = Evaluation.evaluate(block, step.parameterStore(), manager, images, data.testX(),
          data.testY(), data.testY().length);
      return new double[] {train.loss(), train.accuracy(), test.loss(), test.accuracy(),
          lipschitz.accurateValue(step.parameterValues())};
    }

    @Override
    public SurgeryState surgeryState() {
      return step.surgeryState();
    }

    @Override
    public void save(Map<String, byte[]> sections) {
      sections.putAll(step.saveState());
      sections.put("smooth.aux", lipschitz.saveState());
    }

    @Override
    public void restore(Map<String, byte[]> sections) {
      step.restoreState(sections);
      lipschitz.restoreState(Sections.require(sections, "smooth.aux", "smooth-mnist checkpoint"));
    }

    @Override
    public Map<String, Double> summary(List<Map<String, Double>> rows) {
      Map<String, Double> last = rows.get(rows.size() - 1);
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("main_loss", last.get("train_loss"));
      m.put("aux_loss", last.get("aux_loss"));
      m.put("train_acc", last.get("train_acc"));
      m.put("test_loss", last.get("test_loss"));
      m.put("test_acc", last.get("test_acc"));
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
