package dev.scalpel.experiments.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.scalpel.core.GradientSurgery;
import dev.scalpel.core.Method;
import dev.scalpel.core.SurgeryState;
import dev.scalpel.djl.AuxiliaryLoss;
import dev.scalpel.djl.BatchBuffer;
import dev.scalpel.djl.GradientPath;
import dev.scalpel.djl.LossFunction;
import dev.scalpel.djl.NativeViews;
import dev.scalpel.djl.TorchThreads;
import dev.scalpel.djl.TwoLossStep;
import dev.scalpel.train.optim.Adam;
import dev.scalpel.experiments.Batches;
import dev.scalpel.experiments.smooth.Mlp;
import dev.scalpel.experiments.smooth.SmoothMnist;
import dev.scalpel.experiments.smooth.SpectralNormLoss;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training-step time on smooth-MNIST (MLP 784-256-128-10, batch 256, Adam, real MNIST batches): the mixed step
 * done the usual DJL way (one backward pass of {@code CE + λ·Σ 2 log σ}, σ by NDArray power iteration) against the
 * two-gradient {@link TwoLossStep} with mixed, bloop, pcgrad and dynamic barrier; the native-view path against the
 * Java-array path; and the surgery alone on arrays vs direct buffers. Variants run interleaved in rounds (the
 * machine may be shared: a few steps of each variant in turn, so that load hits all of them alike) and each step is
 * timed; the table gives medians and ratios to the usual mixed step.
 *
 * <p>Usage: {@code StepBench [--rounds 100] [--steps 4] [--warmup 40] [--torch-threads 1] [--surgery-threads 1]
 * [--batch 256] [--lambda 0.01]}. Prints a markdown table.
 */
public final class StepBench {
  private StepBench() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = options(args);
    int rounds = Integer.parseInt(opt.getOrDefault("rounds", "100"));
    int steps = Integer.parseInt(opt.getOrDefault("steps", "4"));
    int warmup = Integer.parseInt(opt.getOrDefault("warmup", "40"));
    int torchThreads = Integer.parseInt(opt.getOrDefault("torch-threads", "1"));
    int surgeryThreads = Integer.parseInt(opt.getOrDefault("surgery-threads", "1"));
    int batch = Integer.parseInt(opt.getOrDefault("batch", "256"));
    double lambda = Double.parseDouble(opt.getOrDefault("lambda", "0.01"));
    TorchThreads.set(torchThreads);
    SmoothMnist.Data data = SmoothMnist.data(null);
    int[] perm = Batches.permutation(data.trainY().length, 0, 0);
    int perEpoch = data.trainY().length / batch;

    Map<String, Bench> benches = new LinkedHashMap<>();
    try (NDManager root = NDManager.newBaseManager()) {
      benches.put("mixed, usual DJL (Trainer + DJL Adam, 1 backward of CE+λ·aux)",
          new DjlMixed(root, data, perm, batch, lambda));
      benches.put("mixed, 1 backward of CE+λ·aux + our Adam",
          new AutogradMixed(root, data, perm, batch, lambda));
      for (Method m : new Method[] {Method.MIXED, Method.BLOOP, Method.DYNAMIC_BARRIER, Method.PCGRAD}) {
        GradientSurgery s = SmoothMnist.referenceMethod(m, lambda).withThreads(surgeryThreads);
        benches.put(m.specName() + ", TwoLossStep native views, analytic aux",
            new StepVariant(root, data, perm, batch, s, GradientPath.NATIVE, false));
      }
      GradientSurgery bloop = SmoothMnist.referenceMethod(Method.BLOOP, lambda).withThreads(surgeryThreads);
      benches.put("bloop, TwoLossStep gradients in Java arrays, analytic aux",
          new StepVariant(root, data, perm, batch, bloop, GradientPath.GRADIENT_ARRAYS, false));
      benches.put("bloop, TwoLossStep all in Java arrays (params copied too), analytic aux",
          new StepVariant(root, data, perm, batch, bloop, GradientPath.ARRAYS, false));
      benches.put("bloop, TwoLossStep native views, autograd aux (2 backwards)",
          new StepVariant(root, data, perm, batch, bloop, GradientPath.NATIVE, true));

      int[] counter = new int[benches.size()];
      int k = 0;
      for (Bench b : benches.values()) {
        int idx = k++;
        for (int i = 0; i < warmup; i++) {
          b.step((counter[idx]++) % perEpoch);
        }
      }
      for (Bench b : benches.values()) {
        if (b instanceof StepVariant sv) {
          sv.step.resetTimings();
        }
      }
      Map<String, List<Double>> times = new LinkedHashMap<>();
      Map<String, List<Double>> cpu = new LinkedHashMap<>();
      for (String name : benches.keySet()) {
        times.put(name, new ArrayList<>());
        cpu.put(name, new ArrayList<>());
      }
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      for (int r = 0; r < rounds; r++) {
        k = 0;
        for (Map.Entry<String, Bench> e : benches.entrySet()) {
          int idx = k++;
          for (int i = 0; i < steps; i++) {
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            e.getValue().step((counter[idx]++) % perEpoch);
            long t1 = System.nanoTime();
            long c1 = mx.getCurrentThreadCpuTime();
            times.get(e.getKey()).add((t1 - t0) / 1e6);
            cpu.get(e.getKey()).add((c1 - c0) / 1e6);
          }
        }
      }
      String base = benches.keySet().iterator().next();
      String autograd = new ArrayList<>(benches.keySet()).get(1);
      double baseMed = median(times.get(base));
      double autoMed = median(times.get(autograd));
      double baseCpu = median(cpu.get(base));
      double autoCpu = median(cpu.get(autograd));
      System.out.printf(Locale.ROOT, "%n### Training step, smooth-MNIST (batch %d, λ=%s, torch threads %d, surgery "
          + "threads %d, %d×%d timed steps each after %d warm-up, load average %.1f)%n%n", batch, lambda,
          torchThreads, surgeryThreads, rounds, steps, warmup,
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      System.out.println("CPU time is the training thread's (with one PyTorch thread the engine computes on it): "
          + "unlike wall time it does not count time taken by other processes.");
      System.out.println();
      System.out.println("| variant | wall median ms | wall p90 ms | CPU median ms | wall × usual DJL mixed "
          + "| wall × 1-backward mixed | CPU × usual DJL mixed | CPU × 1-backward mixed |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
      for (Map.Entry<String, List<Double>> e : times.entrySet()) {
        double med = median(e.getValue());
        double c = median(cpu.get(e.getKey()));
        System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n", e.getKey(), med,
            quantile(e.getValue(), 0.9), c, med / baseMed, med / autoMed, c / baseCpu, c / autoCpu);
      }
      System.out.println();
      System.out.println("Phases of the two-gradient step (mean ms/step over the timed steps):");
      System.out.println();
      System.out.println("| variant | prepare | main fwd+bwd | auxiliary | surgery | optimiser | total |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|");
      for (Map.Entry<String, Bench> e : benches.entrySet()) {
        if (e.getValue() instanceof StepVariant sv) {
          dev.scalpel.djl.StepTimings t = sv.step.timings();
          System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n", e.getKey(),
              t.prepare(), t.main(), t.auxiliary(), t.surgery(), t.optimiser(), t.total());
        }
      }
      for (Bench b : benches.values()) {
        b.close();
      }
    }
    surgeryOnly(lambda, surgeryThreads);
  }

  /* The bloop direction alone on 235,146 parameters: Java arrays vs direct buffers (as views of tensors are). */
  private static void surgeryOnly(double lambda, int threads) {
    int[] sizes = {256 * 784, 256, 128 * 256, 128, 10 * 128, 10};
    GradientSurgery bloop = SmoothMnist.referenceMethod(Method.BLOOP, lambda).withThreads(threads);
    float[][] gm = new float[sizes.length][];
    float[][] ga = new float[sizes.length][];
    FloatBuffer[] bm = new FloatBuffer[sizes.length];
    FloatBuffer[] ba = new FloatBuffer[sizes.length];
    java.util.SplittableRandom r = new java.util.SplittableRandom(1);
    for (int t = 0; t < sizes.length; t++) {
      gm[t] = new float[sizes[t]];
      ga[t] = new float[sizes[t]];
      for (int i = 0; i < sizes[t]; i++) {
        gm[t][i] = (float) r.nextGaussian();
        ga[t][i] = (float) r.nextGaussian();
      }
      bm[t] = ByteBuffer.allocateDirect(4 * sizes[t]).order(ByteOrder.nativeOrder()).asFloatBuffer();
      ba[t] = ByteBuffer.allocateDirect(4 * sizes[t]).order(ByteOrder.nativeOrder()).asFloatBuffer();
      bm[t].put(0, gm[t]);
      ba[t].put(0, ga[t]);
    }
    SurgeryState s1 = bloop.init(gm);
    SurgeryState s2 = bloop.init(gm);
    float[][] outA = new float[sizes.length][];
    for (int t = 0; t < sizes.length; t++) {
      outA[t] = new float[sizes[t]];
    }
    FloatBuffer[] outB = new FloatBuffer[sizes.length];
    for (int t = 0; t < sizes.length; t++) {
      outB[t] = ByteBuffer.allocateDirect(4 * sizes[t]).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
    List<Double> ta = new ArrayList<>();
    List<Double> tb = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      long t0 = System.nanoTime();
      bloop.direction(gm, ga, s1, outA);
      long t1 = System.nanoTime();
      bloop.direction(bm, ba, s2, outB);
      long t2 = System.nanoTime();
      if (i >= 500) {
        ta.add((t1 - t0) / 1e6);
        tb.add((t2 - t1) / 1e6);
      }
    }
    Adam adamA = Adam.withLearningRate(1e-4);
    Adam adamB = Adam.withLearningRate(1e-4);
    adamA.init(sizes);
    adamB.init(sizes);
    float[][] pa = new float[sizes.length][];
    FloatBuffer[] pb = new FloatBuffer[sizes.length];
    for (int t = 0; t < sizes.length; t++) {
      pa[t] = gm[t].clone();
      pb[t] = ByteBuffer.allocateDirect(4 * sizes[t]).order(ByteOrder.nativeOrder()).asFloatBuffer();
      pb[t].put(0, gm[t]);
    }
    SpectralNormLoss lip = new SpectralNormLoss(1, 0);
    List<dev.scalpel.djl.ParameterInfo> infos = new ArrayList<>();
    int[][] shapes = {{256, 784}, {256}, {128, 256}, {128}, {10, 128}, {10}};
    for (int t = 0; t < sizes.length; t++) {
      long[] dims = Arrays.stream(shapes[t]).asLongStream().toArray();
      infos.add(new dev.scalpel.djl.ParameterInfo(t, "p" + t, new ai.djl.ndarray.types.Shape(dims)));
    }
    lip.bind(infos);
    List<Double> tc = new ArrayList<>();
    List<Double> td = new ArrayList<>();
    List<Double> te = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      long t0 = System.nanoTime();
      adamA.updateInPlace(pa, ga);
      long t1 = System.nanoTime();
      adamB.updateInPlace(pb, ba);
      long t2 = System.nanoTime();
      lip.valueAndGradient(pb, outA);
      long t3 = System.nanoTime();
      if (i >= 500) {
        tc.add((t1 - t0) / 1e6);
        td.add((t2 - t1) / 1e6);
        te.add((t3 - t2) / 1e6);
      }
    }
    System.out.printf(Locale.ROOT, "%n### Components alone, 235,146 parameters (surgery threads %d)%n%n", threads);
    System.out.println("| component | median ms | mean ms |");
    System.out.println("|---|---:|---:|");
    System.out.printf(Locale.ROOT, "| bloop direction, Java float[][] | %.4f | %.4f |%n", median(ta), mean(ta));
    System.out.printf(Locale.ROOT, "| bloop direction, direct FloatBuffer[] (as tensor views) | %.4f | %.4f |%n",
        median(tb), mean(tb));
    System.out.printf(Locale.ROOT, "| Adam update, Java float[][] | %.4f | %.4f |%n", median(tc), mean(tc));
    System.out.printf(Locale.ROOT, "| Adam update, direct FloatBuffer[] | %.4f | %.4f |%n", median(td), mean(td));
    System.out.printf(Locale.ROOT, "| spectral aux loss + gradient (1 power iteration, Java) | %.4f | %.4f |%n",
        median(te), mean(te));
  }

  interface Bench extends AutoCloseable {
    void step(int batchIndex);

    @Override
    void close();
  }

  /** Shared data feeding: one fixed permutation, batch i of it. */
  abstract static class Fed implements Bench {
    final SmoothMnist.Data data;
    final int[] perm;
    final int batch;
    final BatchBuffer images;
    final long[] labels;

    Fed(SmoothMnist.Data data, int[] perm, int batch) {
      this.data = data;
      this.perm = perm;
      this.batch = batch;
      this.images = new BatchBuffer(batch, 784);
      this.labels = new long[batch];
    }

    void fill(int batchIndex) {
      int from = batchIndex * batch;
      images.fill(data.trainX(), perm, from, batch);
      for (int i = 0; i < batch; i++) {
        labels[i] = data.trainY()[perm[from + i]];
      }
    }
  }

  static List<NDArray> weights(SequentialBlock block) {
    List<NDArray> w = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().getArray().getShape().dimension() == 2) {
        w.add(p.getValue().getArray());
      }
    }
    return w;
  }

  static SequentialBlock model(NDManager m) {
    return Mlp.build(m, SmoothMnist.WIDTHS);
  }

  /** The usual DJL way: Model + Trainer with DJL's Adam, one backward pass of the combined loss. */
  static final class DjlMixed extends Fed {
    final Model model;
    final Trainer trainer;
    final SequentialBlock block;
    final TorchSpectral spectral;
    final List<NDArray> w;
    final double lambda;
    final Loss ce = Loss.softmaxCrossEntropyLoss();

    DjlMixed(NDManager root, SmoothMnist.Data data, int[] perm, int batch, double lambda) {
      super(data, perm, batch);
      this.lambda = lambda;
      model = Model.newInstance("mixed");
      block = model(model.getNDManager());
      model.setBlock(block);
      DefaultTrainingConfig cfg = new DefaultTrainingConfig(ce)
          .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(3e-4f)).build());
      trainer = model.newTrainer(cfg);
      w = weights(block);
      spectral = new TorchSpectral(w, 0);
    }

    @Override
    public void step(int batchIndex) {
      fill(batchIndex);
      try (NDManager sm = trainer.getManager().newSubManager()) {
        spectral.powerIterate(sm, w);
        try (GradientCollector gc = trainer.newGradientCollector()) {
          NDArray x = images.tensor(sm, batch);
          NDArray y = sm.create(labels);
          NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
          NDArray loss = ce.evaluate(new NDList(y), new NDList(logits)).add(spectral.loss(sm, w).mul(lambda));
          gc.backward(loss);
        }
        trainer.step();
      }
    }

    @Override
    public void close() {
      trainer.close();
      model.close();
    }
  }

  /** One backward pass of the combined loss; our Adam applies the gradient through native views. */
  static final class AutogradMixed extends Fed {
    final SequentialBlock block;
    final TwoLossStep holder; // used only for its parameter store, manager and views
    final Adam adam = Adam.withLearningRate(3e-4);
    final TorchSpectral spectral;
    final List<NDArray> w;
    final List<NDArray> all = new ArrayList<>();
    final double lambda;
    final Loss ce = Loss.softmaxCrossEntropyLoss();
    final FloatBuffer[] params;
    final FloatBuffer[] grads;

    AutogradMixed(NDManager root, SmoothMnist.Data data, int[] perm, int batch, double lambda) {
      super(data, perm, batch);
      this.lambda = lambda;
      block = model(root);
      holder = TwoLossStep.builder(block).surgery(GradientSurgery.parse("mixed")).optimiser(Adam.withLearningRate(1))
          .build();
      for (Pair<String, Parameter> p : block.getParameters()) {
        all.add(p.getValue().getArray());
      }
      w = weights(block);
      spectral = new TorchSpectral(w, 0);
      adam.init(holder.sizes());
      params = new FloatBuffer[all.size()];
      grads = new FloatBuffer[all.size()];
      for (int t = 0; t < all.size(); t++) {
        params[t] = NativeViews.view(all.get(t), "param");
      }
    }

    @Override
    public void step(int batchIndex) {
      fill(batchIndex);
      try (NDManager sm = holder.manager().newSubManager()) {
        spectral.powerIterate(sm, w);
        for (int t = 0; t < all.size(); t++) {
          try (NDArray g = all.get(t).getGradient()) {
            NativeViews.zero(NativeViews.rawView(g));
          }
        }
        try (GradientCollector gc = sm.getEngine().newGradientCollector()) {
          NDArray x = images.tensor(sm, batch);
          NDArray y = sm.create(labels);
          NDArray logits = block.forward(holder.parameterStore(), new NDList(x), true).singletonOrThrow();
          NDArray loss = ce.evaluate(new NDList(y), new NDList(logits)).add(spectral.loss(sm, w).mul(lambda));
          gc.backward(loss);
        }
        for (int t = 0; t < all.size(); t++) {
          try (NDArray g = all.get(t).getGradient()) {
            grads[t] = NativeViews.rawView(g);
          }
        }
        adam.updateInPlace(params, grads);
      }
    }

    @Override
    public void close() {
      holder.close();
    }
  }

  /** The two-gradient step. */
  static final class StepVariant extends Fed {
    final SequentialBlock block;
    final TwoLossStep step;
    final LossFunction main;
    final AuxiliaryLoss aux;

    StepVariant(NDManager root, SmoothMnist.Data data, int[] perm, int batch, GradientSurgery s, GradientPath path,
        boolean autogradAux) {
      super(data, perm, batch);
      block = model(root);
      step = TwoLossStep.builder(block).surgery(s).optimiser(Adam.withLearningRate(3e-4)).path(path).build();
      Loss ce = Loss.softmaxCrossEntropyLoss();
      main = m -> {
        NDArray x = images.tensor(m, batch);
        NDArray y = m.create(labels);
        NDArray logits = block.forward(step.parameterStore(), new NDList(x), true).singletonOrThrow();
        return ce.evaluate(new NDList(y), new NDList(logits));
      };
      if (autogradAux) {
        List<NDArray> w = weights(block);
        TorchSpectral ts = new TorchSpectral(w, 0);
        aux = AuxiliaryLoss.autograd(m -> {
          ts.powerIterate(m, w);
          return ts.loss(m, w);
        });
      } else {
        aux = AuxiliaryLoss.analytic(new SpectralNormLoss(1, 0));
      }
    }

    @Override
    public void step(int batchIndex) {
      fill(batchIndex);
      step.step(main, aux);
    }

    @Override
    public void close() {
      step.close();
    }
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("usage: --name value ...; got " + Arrays.toString(args));
      }
      m.put(args[i].substring(2), args[++i]);
    }
    return m;
  }

  static double median(List<Double> v) {
    return quantile(v, 0.5);
  }

  static double quantile(List<Double> v, double q) {
    double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a[(int) Math.min(a.length - 1, Math.floor(q * a.length))];
  }

  static double mean(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

}
