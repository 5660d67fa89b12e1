package dev.scalpel.experiments.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import dev.scalpel.core.GradientSurgery;
import dev.scalpel.djl.KLossStep;
import dev.scalpel.djl.KStepResult;
import dev.scalpel.djl.Losses;
import dev.scalpel.djl.TorchThreads;
import dev.scalpel.experiments.Classification;
import dev.scalpel.experiments.DataParallelTrainer;
import dev.scalpel.experiments.KLossDataParallelTrainer;
import dev.scalpel.experiments.PlotSpec;
import dev.scalpel.experiments.RunLoop;
import dev.scalpel.experiments.Schedule;
import dev.scalpel.experiments.Setting;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.TaskSettings;
import dev.scalpel.experiments.Trainer;
import dev.scalpel.train.data.BrownCorpus;
import dev.scalpel.train.data.Gutenberg;
import dev.scalpel.train.optim.Adam;
import dev.scalpel.train.optim.LearningRateSchedule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/*
 * The paper's joint-data language-model experiment (§5.4) at CPU scale. Main loss: next-byte cross-entropy on a batch
 * of windows from the generic corpus (18 Gutenberg books, the C4 stand-in); auxiliary loss: the same on a batch from the
 * small domain (the Brown Corpus's press genres, the RCV-1 stand-in); one causal byte decoder, one forward per
 * data set per step, the k-loss step on DJL. Adam at the paper's 2e-3 with a linear warm-up then a cosine decay to
 * 0 (cosine=false: constant after the warm-up), the same rate for every λ (the paper divides it by nothing here).
 * Deterministic: one PyTorch thread, one surgery thread, initialisation and window draws in Java from the seed.
 * Each epoch (steps_per_epoch steps) ends with bits per byte on fixed held-out and training windows of both corpora.
 */
/** The joint-data language-model task: Gutenberg books (main) and Brown press text (aux), a causal byte decoder. */
public final class LmTask implements Task {
  private static final int EVAL_BATCH = 64;

  @Override
  public String name() {
    return "lm";
  }

  @Override
  public String description() {
    return "paper §5.4 analogue: next byte on Gutenberg books (main) + Brown Corpus press genres (aux), causal byte "
        + "decoder, Adam";
  }

  @Override
  public List<Setting> schema() {
    List<Setting> s = TextTrainer.commonSettings(2e-3, " (the paper's)", "windows",
        List.of(Setting.integer("context", 64, 2, "bytes of context (the window is one byte longer)").atMost(512)),
        "decoder blocks", "windows", 0.1, "each corpus's 2 KB blocks");
    s.add(DataParallelTrainer.microBatchesSetting("windows"));
    s.add(Setting.integer("eval_windows", 256, 1,
        "windows per corpus and split at each evaluation (at most all non-overlapping ones)"));
    s.add(Setting.integer(RunLoop.CHECKPOINT_EVERY.name(), 200, 0,
        "steps between checkpoints, besides evaluations (0: at evaluations only)").operational());
    return s;
  }

  /** The settings, checked as every task's, and heads dividing width (before anything is written). */
  @Override
  public TaskSettings settings(Map<String, String> given) {
    TaskSettings s = Task.super.settings(given);
    DataParallelTrainer.checkMicroBatches(s);
    ByteDecoder.check(s.intValue("context"), s.intValue("width"), s.intValue("layers"), s.intValue("heads"),
        s.intValue("hidden"));
    return s;
  }

  @Override
  public List<String> metricColumns() {
    return List.of("main_loss", "aux_loss", "test_bpb", "test_aux_bpb", "train_bpb", "train_aux_bpb");
  }

  /** Its trainers are data-parallel: {@code micro_batches} cuts each step's batch. */
  @Override
  public boolean dataParallel() {
    return true;
  }

  @Override
  public List<PlotSpec> plots() {
    return List.of(
        new PlotSpec("pareto", "language model: held-out bits per byte", "test_bpb",
            "main: Gutenberg bits per byte (held out)", false, "test_aux_bpb", "aux: Brown press bits per byte (held out)",
            false),
        new PlotSpec("pareto_train", "language model: training bits per byte", "train_bpb",
            "main: Gutenberg bits per byte (train)", false, "train_aux_bpb", "aux: Brown press bits per byte (train)",
            false));
  }

  @Override
  public Trainer trainer(GradientSurgery method, TaskSettings settings) {
    return new LmTrainer(method, settings, corpora(settings)); // data first: nothing to close when it fails
  }

  /** Gutenberg (main) and Brown press (aux), split by {@code seed}: windows of context + 1 bytes. */
  static ByteCorpus[] corpora(TaskSettings s) {
    long seed = s.longValue("seed");
    int length = s.intValue("context") + 1;
    double held = s.doubleValue("held_out");
    int block = Math.max(2048, length);
    ByteCorpus main = ByteCorpus.split("Gutenberg", Gutenberg.load(null), block, held, length, seed);
    ByteCorpus aux = ByteCorpus.split("Brown press", BrownCorpus.load(null, BrownCorpus.PRESS), block, held, length,
        seed);
    return new ByteCorpus[] {main, aux};
  }

  /** Final metric → evaluation column; translation adds the domain's chrF. */
  static Map<String, String> summaryColumns(boolean chrF) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("main_loss", "train_bpb");
    m.put("aux_loss", "train_aux_bpb");
    m.put("test_bpb", "test_bpb");
    m.put("test_aux_bpb", "test_aux_bpb");
    if (chrF) {
      m.put("test_aux_chrf", "test_aux_chrf");
    }
    m.put("train_bpb", "train_bpb");
    m.put("train_aux_bpb", "train_aux_bpb");
    return m;
  }

  private static final class LmTrainer extends TextTrainer implements KLossDataParallelTrainer {
    private final ByteCorpus[] corpora;
    private final byte[][][] evalWindows; // [main held-out, main train, aux held-out, aux train]
    private final ByteDecoder net;
    private final Schedule schedule;
    private final int batch;
    private final int t;
    private final int[][] inputs = new int[2][];
    private final long[][] targets = new long[2][];
    private final Losses losses;
    private final int micro;
    private final int[][] microInputs = new int[2][];
    private final long[][] microTargets = new long[2][];
    private final Losses microLosses;
    private long sampled = -1; // the step whose windows inputs/targets hold

    LmTrainer(GradientSurgery method, TaskSettings s, ByteCorpus[] corpora) {
      super(summaryColumns(false));
      TorchThreads.set(1);
      long seed = s.longValue("seed");
      this.corpora = corpora;
      int evalN = s.intValue("eval_windows");
      this.evalWindows = new byte[][][] {corpora[0].evaluationWindows(true, evalN),
          corpora[0].evaluationWindows(false, evalN), corpora[1].evaluationWindows(true, evalN),
          corpora[1].evaluationWindows(false, evalN)};
      this.batch = s.intValue("batch_size");
      this.t = s.intValue("context");
      this.schedule = TextTrainer.schedule(s);
      LearningRateSchedule rate = TextTrainer.rate(s, schedule.totalSteps());
      try {
        this.net = ByteDecoder.build(manager, t, s.intValue("width"), s.intValue("layers"), s.intValue("heads"),
            s.intValue("hidden"));
        this.step = KLossStep.builder(net.parameters()).surgery(method.withThreads(1))
            .optimiser(Adam.builder().schedule(rate).build()).build();
        step.setParameterValues(net.initialValues(step.parameters(), seed));
      } catch (RuntimeException e) {
        close();
        throw e;
      }
      for (int k = 0; k < 2; k++) {
        inputs[k] = new int[batch * t];
        targets[k] = new long[batch * t];
      }
      this.micro = s.intValue("micro_batches");
      int rows = batch / micro;
      for (int k = 0; k < 2; k++) {
        microInputs[k] = new int[rows * t];
        microTargets[k] = new long[rows * t];
      }
      this.losses = losses(inputs, targets, batch);
      this.microLosses = losses(microInputs, microTargets, rows);
    }

    /** Next-byte cross-entropy (nats) of both corpora's {@code rows} windows in {@code ids}/{@code next}. */
    private Losses losses(int[][] ids, long[][] next, int rows) {
      Loss ce = Loss.softmaxCrossEntropyLoss();
      return m -> {
        NDList out = new NDList();
        for (int k = 0; k < 2; k++) {
          NDArray x = m.create(ids[k], new Shape(rows, t));
          NDArray logits = net.forward(step.parameterStore(), x, true).reshape(rows * t, ByteDecoder.VOCAB);
          out.add(ce.evaluate(new NDList(m.create(next[k])), new NDList(logits)));
        }
        return out;
      };
    }

    @Override
    public Schedule schedule() {
      return schedule;
    }

    @Override
    public List<String> evaluationColumns() {
      return List.of("test_bpb", "train_bpb", "test_aux_bpb", "train_aux_bpb");
    }

    @Override
    public double[] step(int epoch, int b) throws Exception {
      if (micro > 1) {
        return DataParallelTrainer.stepInProcess(this, epoch, b);
      }
      sample(epoch, b);
      KStepResult r = step.step(losses);
      return bits(r.losses());
    }

    /** The step's windows of both corpora: a function of the seed and the step's index (drawn once per step). */
    private void sample(int epoch, int b) {
      long index = (long) epoch * schedule.stepsPerEpoch() + b;
      if (index == sampled) { // the step's other micro-batches: the same draw
        return;
      }
      sampled = index;
      for (int k = 0; k < 2; k++) {
        corpora[k].sample(index, k, batch, inputs[k], targets[k]);
      }
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

    /** Micro-batch m: windows m·B/M … (m+1)·B/M − 1 of the step's draw, for both corpora. */
    @Override
    public double[] microGradients(int epoch, int b, int m, float[][][] out) {
      KLossDataParallelTrainer.checkMicroBatch(m, micro);
      sample(epoch, b);
      int n = microInputs[0].length;
      for (int k = 0; k < 2; k++) {
        System.arraycopy(inputs[k], m * n, microInputs[k], 0, n);
        System.arraycopy(targets[k], m * n, microTargets[k], 0, n);
      }
      return gradientsInto(microLosses, out);
    }

    @Override
    public double[] finishStep(float[][][] meanGradients, double[] meanLosses) {
      return bits(finishWith(meanGradients, meanLosses).losses());
    }

    @Override
    public double[] evaluate(int epochsDone) {
      double[] out = new double[4];
      for (int i = 0; i < 4; i++) {
        out[i] = bitsPerByte(evalWindows[i]);
      }
      return out;
    }

    /** Mean next-byte cross-entropy over every position of {@code windows}, in bits, summed in double in Java. */
    private double bitsPerByte(byte[][] windows) {
      double[] sums = new double[2];
      int[] ids = new int[EVAL_BATCH * t];
      int[] labels = new int[EVAL_BATCH * t];
      for (int from = 0; from < windows.length; from += EVAL_BATCH) {
        int n = Math.min(EVAL_BATCH, windows.length - from);
        for (int i = 0; i < n; i++) {
          byte[] w = windows[from + i];
          for (int j = 0; j < t; j++) {
            ids[i * t + j] = w[j] & 0xFF;
            labels[i * t + j] = w[j + 1] & 0xFF;
          }
        }
        float[] logits;
        try (NDManager m = manager.newSubManager()) {
          NDArray x = m.create(java.util.Arrays.copyOf(ids, n * t), new Shape(n, t));
          logits = net.forward(step.parameterStore(), x, false).toFloatArray();
        }
        Classification.accumulate(logits, ByteDecoder.VOCAB, labels, 0, n * t, sums, 0);
      }
      return sums[0] / ((double) windows.length * t) / LN2;
    }

  }
}
