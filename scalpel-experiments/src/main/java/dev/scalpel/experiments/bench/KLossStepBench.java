package dev.scalpel.experiments.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import dev.scalpel.core.GradientSurgery;
import dev.scalpel.djl.BatchBuffer;
import dev.scalpel.djl.KLossStep;
import dev.scalpel.djl.Losses;
import dev.scalpel.djl.TorchThreads;
import dev.scalpel.experiments.Batches;
import dev.scalpel.experiments.smooth.Mlp;
import dev.scalpel.experiments.smooth.SmoothMnist;
import dev.scalpel.experiments.smooth.SpectralNormLoss;
import dev.scalpel.train.optim.Adam;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/*
 * The k-loss step (KLossStep) against the one-backward mixed step on the same model, same machinery (gradients
 * copied out, the surgery, our Adam), one PyTorch thread, real MNIST batches:
 *
 *   cnn  a shared trunk with two heads: conv3x3(16)-relu-pool-conv3x3(32)-relu-pool-linear(64)-relu, head A
 *        linear(10) (digit, cross-entropy: the main loss), head B linear(2) (parity, cross-entropy: auxiliary).
 *        mixed-1bw    one forward, ONE backward of L_A + λ L_B          (KLossStep, k = 1, method sum)
 *        mixed-2bw    one forward, two backward passes, mixed            (k = 2: separate gradients)
 *        bloop        one forward, two backward passes, bloop ema 0.01   (the Bloop step)
 *        bloop-2fw    one forward PER loss, two backward passes, bloop   (k forwards instead of a kept graph)
 *   mlp  smooth MNIST's MLP 784-256-128-10, main cross-entropy (autograd), aux log ∏σ² (analytic): the Bloop step
 *        needs no extra backward pass at all
 *        mixed        one backward + the analytic gradient, mixed
 *        bloop        the same, bloop ema 0.01
 *
 * Variants run interleaved (round-robin, one step each per round, after a warmup), so drift of a shared machine
 * hits them alike; medians over rounds are reported, and each variant's ratio to the first of its model.
 * --rss N instead runs N Bloop steps on the CNN and prints the resident memory every --every steps.
 *   scalpel-experiments/scripts/run-main.sh dev.scalpel.experiments.bench.KLossStepBench [--rounds 60] [--batch 64]
 *   scalpel-experiments/scripts/run-main.sh dev.scalpel.experiments.bench.KLossStepBench --rss 10000
 */
/** Step time of the k-loss step against the one-backward mixed step (see the source for the variants). */
public final class KLossStepBench {
  private static final Loss CE = Loss.softmaxCrossEntropyLoss();

  private KLossStepBench() {
  }

  /** A step variant. */
  interface Variant extends AutoCloseable {
    void step(int index);

    @Override
    void close();
  }

  public static void main(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int rounds = Integer.parseInt(o.getOrDefault("rounds", "60"));
    int warmup = Integer.parseInt(o.getOrDefault("warmup", "20"));
    int batch = Integer.parseInt(o.getOrDefault("batch", "64"));
    String model = o.getOrDefault("model", "both");
    TorchThreads.set(1);
    SmoothMnist.Data data = SmoothMnist.data(null);
    if (o.containsKey("rss")) {
      rss(data, batch, Integer.parseInt(o.get("rss")), Integer.parseInt(o.getOrDefault("every", "1000")));
      return;
    }
    System.out.printf(Locale.ROOT, "k-loss step benchmark: batch %d, %d rounds after %d warmup, 1 PyTorch thread%n",
        batch, rounds, warmup);
    if (!model.equals("mlp")) {
      report("cnn", data, batch, rounds, warmup, List.of("mixed-1bw", "mixed-2bw", "bloop", "bloop-2fw"));
    }
    if (!model.equals("cnn")) {
      report("mlp", data, batch, rounds, warmup, List.of("mixed", "bloop"));
    }
  }

  static void report(String model, SmoothMnist.Data data, int batch, int rounds, int warmup, List<String> names) {
    NDManager root = NDManager.newBaseManager();
    List<Variant> vs = new ArrayList<>();
    for (String n : names) {
      vs.add(model.equals("cnn") ? cnn(root, data, batch, n) : mlp(root, data, batch, n));
    }
    double[][] ms = new double[vs.size()][rounds];
    for (int r = -warmup; r < rounds; r++) {
      for (int v = 0; v < vs.size(); v++) {
        long t0 = System.nanoTime();
        vs.get(v).step(r + warmup);
        double t = (System.nanoTime() - t0) / 1e6;
        if (r >= 0) {
          ms[v][r] = t;
        }
      }
    }
    double base = median(ms[0]);
    System.out.printf(Locale.ROOT, "%n| %s variant | median ms/step | p10–p90 ms | ratio to %s |%n|---|---|---|---|%n",
        model, names.get(0));
    for (int v = 0; v < vs.size(); v++) {
      double[] s = ms[v].clone();
      Arrays.sort(s);
      System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f–%.2f | %.3f |%n", names.get(v), median(ms[v]),
          s[rounds / 10], s[rounds * 9 / 10], median(ms[v]) / base);
    }
    for (Variant v : vs) {
      v.close();
    }
    root.close();
  }

  /**
   * Resident memory of the Bloop step on the shared-trunk CNN (one forward, two backward passes) over
   * {@code steps} steps: VmRSS and the Java heap every {@code every} steps.
   */
  static void rss(SmoothMnist.Data data, int batch, int steps, int every) {
    System.out.printf(Locale.ROOT, "Bloop on the shared-trunk CNN, batch %d, %d steps%n%n| step | VmRSS MB | heap used MB |"
        + "%n|---|---|---|%n", batch, steps);
    try (NDManager root = NDManager.newBaseManager(); Variant v = cnn(root, data, batch, "bloop")) {
      for (int i = 0; i <= steps; i++) {
        if (i % every == 0) {
          Runtime rt = Runtime.getRuntime();
          System.out.printf(Locale.ROOT, "| %d | %.1f | %.1f |%n", i, RssCheck.rssKb() / 1024.0,
              (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
        }
        if (i < steps) {
          v.step(i);
        }
      }
    }
  }

  static double median(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
  }

  /** Images and labels of batch {@code index} of a fixed permutation. */
  static final class Feed {
    final SmoothMnist.Data data;
    final int[] perm;
    final int batch;
    final BatchBuffer images;
    final long[] digits;
    final long[] parity;

    Feed(SmoothMnist.Data data, int batch) {
      this.data = data;
      this.perm = Batches.permutation(data.trainY().length, 7, 0);
      this.batch = batch;
      this.images = new BatchBuffer(batch, 784);
      this.digits = new long[batch];
      this.parity = new long[batch];
    }

    void fill(int index) {
      int from = (index * batch) % (perm.length - batch);
      images.fill(data.trainX(), perm, from, batch);
      for (int i = 0; i < batch; i++) {
        int y = data.trainY()[perm[from + i]];
        digits[i] = y;
        parity[i] = y % 2;
      }
    }
  }

  static Variant cnn(NDManager root, SmoothMnist.Data data, int batch, String name) {
    NDManager m = root.newSubManager();
    SequentialBlock trunk = new SequentialBlock()
        .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(16).build())
        .add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(2, 2)))
        .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(32).build())
        .add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(2, 2)))
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(64).build())
        .add(Activation.reluBlock());
    trunk.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
    Linear headA = Linear.builder().setUnits(10).build();
    headA.initialize(m, DataType.FLOAT32, new Shape(1, 64));
    Linear headB = Linear.builder().setUnits(2).build();
    headB.initialize(m, DataType.FLOAT32, new Shape(1, 64));
    List<Parameter> ps = new ArrayList<>();
    for (Block b : new Block[] {trunk, headA, headB}) {
      for (Pair<String, Parameter> p : b.getParameters()) {
        ps.add(p.getValue());
      }
    }
    double lambda = 0.1;
    String spec = switch (name) {
      case "mixed-1bw" -> "sum";
      case "mixed-2bw" -> "mixed:lambda=" + lambda;
      default -> "bloop:lambda=" + lambda + ",ema=0.01";
    };
    KLossStep step = KLossStep.builder(ps).surgery(GradientSurgery.parse(spec).withThreads(1))
        .optimiser(Adam.builder().learningRate(1e-3).build()).build();
    Feed f = new Feed(data, batch);
    Shape shape = new Shape(batch, 1, 28, 28);
    Losses losses = switch (name) {
      case "mixed-1bw" -> sm -> {
        NDArray h = trunk.forward(step.parameterStore(), new NDList(f.images.tensor(sm, batch).reshape(shape)),
            true).singletonOrThrow();
        return new NDList(ce(sm, headA, step, h, f.digits).add(ce(sm, headB, step, h, f.parity).mul(lambda)));
      };
      case "bloop-2fw" -> Losses.of(
          sm -> ce(sm, headA, step, trunk.forward(step.parameterStore(),
              new NDList(f.images.tensor(sm, batch).reshape(shape)), true).singletonOrThrow(), f.digits),
          sm -> ce(sm, headB, step, trunk.forward(step.parameterStore(),
              new NDList(f.images.tensor(sm, batch).reshape(shape)), true).singletonOrThrow(), f.parity));
      default -> sm -> {
        NDArray h = trunk.forward(step.parameterStore(), new NDList(f.images.tensor(sm, batch).reshape(shape)),
            true).singletonOrThrow();
        return new NDList(ce(sm, headA, step, h, f.digits), ce(sm, headB, step, h, f.parity));
      };
    };
    return new Variant() {
      @Override
      public void step(int index) {
        f.fill(index);
        step.step(losses);
      }

      @Override
      public void close() {
        step.close();
        m.close();
      }
    };
  }

  static NDArray ce(NDManager sm, Linear head, KLossStep step, NDArray h, long[] labels) {
    NDArray logits = head.forward(step.parameterStore(), new NDList(h), true).singletonOrThrow();
    return CE.evaluate(new NDList(sm.create(labels)), new NDList(logits));
  }

  static Variant mlp(NDManager root, SmoothMnist.Data data, int batch, String name) {
    NDManager m = root.newSubManager();
    SequentialBlock block = Mlp.build(m, SmoothMnist.WIDTHS);
    String spec = name.equals("mixed") ? "mixed:lambda=0.01" : "bloop:lambda=0.01,ema=0.01";
    KLossStep step = KLossStep.builder(block).surgery(GradientSurgery.parse(spec).withThreads(1))
        .optimiser(Adam.builder().learningRate(3e-4).build()).build();
    step.setParameterValues(Mlp.initialValues(step.parameters(), 0));
    SpectralNormLoss lipschitz = new SpectralNormLoss(1, 0);
    Feed f = new Feed(data, batch);
    Losses losses = sm -> {
      NDArray logits = block.forward(step.parameterStore(), new NDList(f.images.tensor(sm, batch)), true)
          .singletonOrThrow();
      return new NDList(CE.evaluate(new NDList(sm.create(f.digits)), new NDList(logits)));
    };
    return new Variant() {
      @Override
      public void step(int index) {
        f.fill(index);
        step.step(losses, lipschitz);
      }

      @Override
      public void close() {
        step.close();
        m.close();
      }
    };
  }
}
