package dev.scalpel.experiments.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scalpel.core.GradientSurgery;
import dev.scalpel.djl.KLossStep;
import dev.scalpel.djl.KStepResult;
import dev.scalpel.djl.Losses;
import dev.scalpel.djl.TorchThreads;
import dev.scalpel.experiments.DataParallelTrainer;
import dev.scalpel.experiments.KLossDataParallelTrainer;
import dev.scalpel.experiments.PlotSpec;
import dev.scalpel.experiments.RunLoop;
import dev.scalpel.experiments.Schedule;
import dev.scalpel.experiments.Setting;
import dev.scalpel.experiments.Task;
import dev.scalpel.experiments.TaskSettings;
import dev.scalpel.experiments.Trainer;
import dev.scalpel.train.data.LibreOfficeHelp;
import dev.scalpel.train.data.TextPair;
import dev.scalpel.train.optim.Adam;
import dev.scalpel.train.optim.LearningRateSchedule;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/*
 * The paper's joint-data translation experiment (§5.4, EN→DE) at CPU scale. Main loss: the byte-level cross-entropy
 * of translating English help paragraphs of LibreOffice's generic modules into German; auxiliary loss: the same on
 * the small domain (the Math module, smath); one encoder-decoder, one forward per data set per step. Adam with a
 * linear warm-up then a cosine decay to 0, the same rate for every λ. Deterministic: one PyTorch thread, one surgery
 * thread, initialisation and pair draws in Java from the seed. Each epoch ends with held-out and training bits per
 * target byte of both, and chrF of greedy translations of the domain's held-out pairs.
 */
/** The joint-data translation task: LibreOffice help EN→DE, generic modules (main) and the Math module (aux). */
public final class TranslationTask implements Task {
  /** The small domain: LibreOffice Math's help. */
  public static final String DOMAIN = "smath";
  private static final int EVAL_BATCH = 64;
  private static final Map<String, List<TextPair>> PAIRS = new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public String name() {
    return "translate";
  }

  @Override
  public String description() {
    return "paper §5.4 analogue: EN→DE LibreOffice help, generic modules (main) + Math module (aux), byte "
        + "encoder-decoder, Adam";
  }

  @Override
  public List<Setting> schema() {
    List<Setting> s = TextTrainer.commonSettings(1e-3, "", "pairs",
        List.of(Setting.integer("max_bytes", 48, 1, "pairs with at most this many bytes a side are used")
            .atMost(512)),
        "blocks of the encoder and of the decoder", "pair draws", 0.2, "each corpus's pairs");
    s.add(DataParallelTrainer.microBatchesSetting("pairs"));
    s.add(Setting.integer("eval_pairs", 256, 1,
        "pairs per corpus and split at each evaluation (at most all of them)"));
    s.add(Setting.integer("chrf_pairs", 100, 0,
        "held-out Math pairs translated greedily for chrF, 0–100 (at most all of them; 0: none)"));
    s.add(Setting.integer(RunLoop.CHECKPOINT_EVERY.name(), 200, 0,
        "steps between checkpoints, besides evaluations (0: at evaluations only)").operational());
    return s;
  }

  /** The settings, checked as every task's, and heads dividing width (before anything is written). */
  @Override
  public TaskSettings settings(Map<String, String> given) {
    TaskSettings s = Task.super.settings(given);
    DataParallelTrainer.checkMicroBatches(s);
    int len = s.intValue("max_bytes");
    ByteTranslator.check(len, len + 1, s.intValue("width"), s.intValue("layers"), s.intValue("heads"),
        s.intValue("hidden"));
    return s;
  }

  @Override
  public List<String> metricColumns() {
    return List.of("main_loss", "aux_loss", "test_bpb", "test_aux_bpb", "test_aux_chrf", "train_bpb",
        "train_aux_bpb");
  }

  /** Its trainers are data-parallel: {@code micro_batches} cuts each step's batch. */
  @Override
  public boolean dataParallel() {
    return true;
  }

  @Override
  public List<PlotSpec> plots() {
    return List.of(
        new PlotSpec("pareto", "EN→DE: held-out bits per target byte", "test_bpb",
            "main: generic modules, bits per byte (held out)", false, "test_aux_bpb",
            "aux: Math module, bits per byte (held out)", false),
        new PlotSpec("pareto_chrf", "EN→DE: domain chrF vs main loss", "test_aux_chrf",
            "aux: Math module chrF (held out, greedy)", false, "test_bpb",
            "main: generic modules, bits per byte (held out)", false, true),
        new PlotSpec("pareto_train", "EN→DE: training bits per target byte", "train_bpb",
            "main: generic modules, bits per byte (train)", false, "train_aux_bpb",
            "aux: Math module, bits per byte (train)", false));
  }

  @Override
  public Trainer trainer(GradientSurgery method, TaskSettings settings) {
    return new TranslationTrainer(method, settings, corpora(settings)); // data first: nothing to close on failure
  }

  /** The generic modules (main) and the domain (aux), filtered and split by the settings. */
  static PairCorpus[] corpora(TaskSettings s) {
    // parsed once per process and data directory (5,120 pages): runs of a sweep in one JVM, tests, the demo
    List<TextPair> all = PAIRS.computeIfAbsent(dev.scalpel.train.data.Mnist.defaultDataDir().toString(),
        k -> List.copyOf(LibreOfficeHelp.load(null)));
    List<TextPair> generic = new ArrayList<>();
    List<TextPair> domain = new ArrayList<>();
    for (TextPair p : all) {
      (p.domain().equals(DOMAIN) ? domain : generic).add(p);
    }
    int len = s.intValue("max_bytes");
    double held = s.doubleValue("held_out");
    long seed = s.longValue("seed");
    return new PairCorpus[] {PairCorpus.split("generic modules", generic, len, held, seed),
        PairCorpus.split("Math module", domain, len, held, seed)};
  }

  private static final class TranslationTrainer extends TextTrainer implements KLossDataParallelTrainer {
    private final PairCorpus[] corpora;
    private final ByteTranslator net;
    private final Schedule schedule;
    private final PairCorpus.Batch[] batches = new PairCorpus.Batch[2];
    private final PairCorpus.Batch evalBatch;
    private final int evalPairs;
    private final int chrfPairs;
    private final Losses losses;
    private final int micro;
    private final PairCorpus.Batch[] microBatches = new PairCorpus.Batch[2];
    private final Losses microLosses;
    private long sampled = -1; // the step whose pairs batches hold

    TranslationTrainer(GradientSurgery method, TaskSettings s, PairCorpus[] corpora) {
      super(LmTask.summaryColumns(true));
      TorchThreads.set(1);
      long seed = s.longValue("seed");
      this.corpora = corpora;
      int batch = s.intValue("batch_size");
      this.evalPairs = s.intValue("eval_pairs");
      this.chrfPairs = s.intValue("chrf_pairs");
      this.schedule = TextTrainer.schedule(s);
      LearningRateSchedule rate = TextTrainer.rate(s, schedule.totalSteps());
      PairCorpus c = corpora[0];
      try {
        this.net = ByteTranslator.build(manager, c.sourceLength(), c.targetLength(), s.intValue("width"),
            s.intValue("layers"), s.intValue("heads"), s.intValue("hidden"));
        this.step = KLossStep.builder(net.parameters()).surgery(method.withThreads(1))
            .optimiser(Adam.builder().schedule(rate).build()).build();
        step.setParameterValues(net.initialValues(step.parameters(), seed));
      } catch (RuntimeException e) {
        close();
        throw e;
      }
      for (int k = 0; k < 2; k++) {
        batches[k] = corpora[k].newBatch(batch);
      }
      this.evalBatch = c.newBatch(EVAL_BATCH);
      this.losses = losses(batches);
      this.micro = s.intValue("micro_batches");
      for (int k = 0; k < 2; k++) {
        microBatches[k] = corpora[k].newBatch(batch / micro);
      }
      this.microLosses = losses(microBatches);
    }

    private Losses losses(PairCorpus.Batch[] of) {
      return m -> {
        NDList out = new NDList();
        for (int k = 0; k < 2; k++) {
          out.add(loss(m, of[k]));
        }
        return out;
      };
    }

    /**
     * Mean cross-entropy (nats) per real target position of batch {@code b}, on the autograd graph: −Σ w_i log p_i
     * with w_i = scale/(real positions) on real positions and 0 on padding (scale: 1 for a whole batch, M for one of
     * M micro-batches, whose real positions are counted over its whole batch). No operation with a Java number
     * ({@code div(n)}, {@code mul(n)}): DJL makes such a scalar from a direct buffer and closes it at once, while
     * autograd keeps its memory for the backward pass — the garbage collector may free it before then (seen as a
     * NaN gradient in one run of many). Every tensor here lives in the step's manager until the backward passes end.
     */
    private NDArray loss(NDManager m, PairCorpus.Batch b) {
      int t = corpora[0].targetLength();
      NDArray logits = forward(m, b, true).reshape(b.count * t, ByteTranslator.OUTPUTS);
      NDArray picked = logits.logSoftmax(1).mul(m.create(b.labels).oneHot(ByteTranslator.OUTPUTS)).sum(new int[] {1});
      float[] w = new float[b.weights.length];
      for (int i = 0; i < w.length; i++) {
        w[i] = -b.weights[i] * b.scale / b.targetBytes;
      }
      return picked.mul(m.create(w)).sum();
    }

    private NDArray forward(NDManager m, PairCorpus.Batch b, boolean training) {
      int s = corpora[0].sourceLength();
      int t = corpora[0].targetLength();
      return net.forward(step.parameterStore(), m.create(b.source, new Shape(b.count, s)),
          m.create(b.sourceKeys, new Shape(b.count, s)), m.create(b.input, new Shape(b.count, t)), training);
    }

    @Override
    public Schedule schedule() {
      return schedule;
    }

    @Override
    public List<String> evaluationColumns() {
      return List.of("test_bpb", "train_bpb", "test_aux_bpb", "train_aux_bpb", "test_aux_chrf");
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

    /** The step's pairs of both corpora: a function of the seed and the step's index (drawn once per step). */
    private void sample(int epoch, int b) {
      long index = (long) epoch * schedule.stepsPerEpoch() + b;
      if (index == sampled) { // the step's other micro-batches: the same draw
        return;
      }
      sampled = index;
      for (int k = 0; k < 2; k++) {
        corpora[k].sample(index, k, batches[k]);
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

    /** Micro-batch m: pairs m·B/M … (m+1)·B/M − 1 of the step's draw, for both corpora, weighed as in one batch. */
    @Override
    public double[] microGradients(int epoch, int b, int m, float[][][] out) {
      KLossDataParallelTrainer.checkMicroBatch(m, micro);
      sample(epoch, b);
      for (int k = 0; k < 2; k++) {
        corpora[k].slice(batches[k], m, micro, microBatches[k]);
      }
      return gradientsInto(microLosses, out);
    }

    @Override
    public double[] finishStep(float[][][] meanGradients, double[] meanLosses) {
      return bits(finishWith(meanGradients, meanLosses).losses());
    }

    @Override
    public double[] evaluate(int epochsDone) {
      return new double[] {bitsPerByte(corpora[0], true), bitsPerByte(corpora[0], false),
          bitsPerByte(corpora[1], true), bitsPerByte(corpora[1], false), chrF()};
    }

    /** Mean cross-entropy in bits per real target position over the first eval_pairs pairs, in double in Java. */
    private double bitsPerByte(PairCorpus c, boolean heldOut) {
      int n = Math.min(evalPairs, c.size(heldOut));
      int t = c.targetLength();
      double sum = 0;
      long count = 0;
      for (int from = 0; from < n; from += EVAL_BATCH) {
        int rows = Math.min(EVAL_BATCH, n - from);
        c.fill(heldOut, from, rows, evalBatch);
        float[] logits;
        try (NDManager m = manager.newSubManager()) {
          logits = forward(m, evalBatch, false).toFloatArray();
        }
        int v = ByteTranslator.OUTPUTS;
        for (int i = 0; i < rows * t; i++) {
          if (evalBatch.weights[i] == 0) {
            continue;
          }
          double max = Double.NEGATIVE_INFINITY;
          for (int k = 0; k < v; k++) {
            max = Math.max(max, logits[i * v + k]);
          }
          double z = 0;
          for (int k = 0; k < v; k++) {
            z += Math.exp(logits[i * v + k] - max);
          }
          sum += max + Math.log(z) - logits[i * v + (int) evalBatch.labels[i]];
          count++;
        }
      }
      return sum / count / LN2;
    }

    /** chrF of greedy translations of the first chrf_pairs held-out domain pairs (NaN when chrf_pairs is 0). */
    private double chrF() {
      PairCorpus c = corpora[1];
      int n = Math.min(chrfPairs, c.heldOutCount());
      if (n == 0) {
        return Double.NaN;
      }
      List<String> hyps = new ArrayList<>();
      List<String> refs = new ArrayList<>();
      for (int from = 0; from < n; from += EVAL_BATCH) {
        int rows = Math.min(EVAL_BATCH, n - from);
        c.fill(true, from, rows, evalBatch);
        hyps.addAll(greedy(c, evalBatch, rows));
        for (int i = 0; i < rows; i++) {
          refs.add(c.heldOutText().get(from + i).target());
        }
      }
      return ChrF.corpus(hyps, refs);
    }

    /** Greedy decoding of rows 0..rows−1 of {@code b}: at most targetLength−1 bytes each, up to EOS. */
    private List<String> greedy(PairCorpus c, PairCorpus.Batch b, int rows) {
      int s = c.sourceLength();
      int t = c.targetLength();
      int[] ids = new int[b.count * t];
      java.util.Arrays.fill(ids, ByteTranslator.PAD);
      boolean[] done = new boolean[b.count];
      int[] lengths = new int[b.count];
      for (int i = 0; i < b.count; i++) {
        ids[i * t] = ByteTranslator.BOS;
        done[i] = i >= rows;
      }
      try (NDManager m = manager.newSubManager()) {
        NDArray keys = m.create(b.sourceKeys, new Shape(b.count, s));
        NDArray memory = net.encode(step.parameterStore(), m.create(b.source, new Shape(b.count, s)),
            ByteTranslator.keyMask(keys), false);
        for (int pos = 0; pos < t - 1; pos++) {
          float[] logits;
          try (NDManager sub = m.newSubManager()) {
            int len = pos + 1;
            int[] prefix = new int[b.count * len];
            for (int i = 0; i < b.count; i++) {
              System.arraycopy(ids, i * t, prefix, i * len, len);
            }
            NDArray out = net.decode(step.parameterStore(), sub.create(prefix, new Shape(b.count, len)), memory,
                keys, false);
            logits = out.get(":, " + pos + ", :").toFloatArray();
          }
          boolean all = true;
          for (int i = 0; i < b.count; i++) {
            if (done[i]) {
              continue;
            }
            int best = 0;
            for (int k = 1; k < ByteTranslator.OUTPUTS; k++) {
              if (logits[i * ByteTranslator.OUTPUTS + k] > logits[i * ByteTranslator.OUTPUTS + best]) {
                best = k;
              }
            }
            if (best == ByteTranslator.EOS) {
              done[i] = true;
            } else {
              ids[i * t + pos + 1] = best;
              lengths[i]++;
              all = false;
            }
          }
          if (all) {
            break;
          }
        }
      }
      List<String> out = new ArrayList<>();
      for (int i = 0; i < rows; i++) {
        byte[] bytes = new byte[lengths[i]];
        for (int j = 0; j < lengths[i]; j++) {
          bytes[j] = (byte) ids[i * t + 1 + j];
        }
        out.add(decodeUtf8(bytes));
      }
      return out;
    }

    private static String decodeUtf8(byte[] bytes) {
      try {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        throw new IllegalStateException(e);
      }
    }

  }
}
