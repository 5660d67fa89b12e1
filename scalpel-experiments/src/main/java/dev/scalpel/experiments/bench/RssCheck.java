package dev.scalpel.experiments.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.loss.Loss;
import dev.scalpel.core.GradientSurgery;
import dev.scalpel.core.Method;
import dev.scalpel.djl.AuxiliaryLoss;
import dev.scalpel.djl.BatchBuffer;
import dev.scalpel.djl.LossFunction;
import dev.scalpel.djl.TorchThreads;
import dev.scalpel.djl.TwoLossStep;
import dev.scalpel.train.optim.Adam;
import dev.scalpel.experiments.Batches;
import dev.scalpel.experiments.smooth.Mlp;
import dev.scalpel.experiments.smooth.SmoothMnist;
import dev.scalpel.experiments.smooth.SpectralNormLoss;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Resident memory over a long run of the real step code: smooth-MNIST's MLP trained by {@link TwoLossStep} with
 * bloop, alternating the analytic auxiliary loss and the autograd one (a second backward pass), on real MNIST
 * batches, with an in-memory checkpoint every 1000 steps. Prints the process's VmRSS (from /proc/self/status)
 * every {@code --every} steps: it should stay flat once the JIT and allocators have warmed up.
 *
 * <p>Usage: {@code RssCheck [--steps 10000] [--every 1000] [--batch 64] [--torch-threads 1]}; run it with a
 * bounded heap ({@code JAVA_OPTS=-Xmx512m}) so that heap growth is not mistaken for native growth.
 */
public final class RssCheck {
  private RssCheck() {
  }

  public static void main(String[] args) {
    var opt = StepBench.options(args);
    int steps = Integer.parseInt(opt.getOrDefault("steps", "10000"));
    int every = Integer.parseInt(opt.getOrDefault("every", "1000"));
    int batch = Integer.parseInt(opt.getOrDefault("batch", "64"));
    TorchThreads.set(Integer.parseInt(opt.getOrDefault("torch-threads", "1")));
    long[] rss = run(steps, every, batch, System.out);
    System.out.printf(Locale.ROOT, "%nRSS growth from step %d to %d: %+.1f MB%n", every, steps,
        (rss[rss.length - 1] - rss[1]) / 1024.0);
  }

  /** Runs the steps and returns VmRSS in kB at step 0, every, 2·every, ... (printing rows to {@code out}). */
  public static long[] run(int steps, int every, int batch, PrintStream out) {
    SmoothMnist.Data data = SmoothMnist.data(null);
    int perEpoch = data.trainY().length / batch;
    long[] rss = new long[steps / every + 1];
    if (out != null) {
      out.println("| step | VmRSS MB | Java heap used MB |");
      out.println("|---:|---:|---:|");
    }
    try (NDManager root = NDManager.newBaseManager()) {
      SequentialBlock block = Mlp.build(root, SmoothMnist.WIDTHS);
      GradientSurgery bloop = SmoothMnist.referenceMethod(Method.BLOOP, 0.01).withThreads(1);
      try (TwoLossStep step = TwoLossStep.builder(block).surgery(bloop).optimiser(Adam.withLearningRate(3e-4))
          .build()) {
        step.setParameterValues(Mlp.initialValues(step.parameters(), 0));
        BatchBuffer images = new BatchBuffer(batch, 784);
        long[] labels = new long[batch];
        Loss ce = Loss.softmaxCrossEntropyLoss();
        LossFunction main = m -> {
          NDArray logits = block.forward(step.parameterStore(), new NDList(images.tensor(m, batch)), true)
              .singletonOrThrow();
          return ce.evaluate(new NDList(m.create(labels)), new NDList(logits));
        };
        AuxiliaryLoss analytic = AuxiliaryLoss.analytic(new SpectralNormLoss(1, 0));
        List<NDArray> w = StepBench.weights(block);
        TorchSpectral ts = new TorchSpectral(w, 0);
        AuxiliaryLoss autograd = AuxiliaryLoss.autograd(m -> {
          ts.powerIterate(m, w);
          return ts.loss(m, w);
        });
        int[] perm = null;
        for (int s = 0; s <= steps; s++) {
          if (s % every == 0) {
            rss[s / every] = rssKb();
            if (out != null) {
              Runtime rt = Runtime.getRuntime();
              out.printf(Locale.ROOT, "| %d | %.1f | %.1f |%n", s, rss[s / every] / 1024.0,
                  (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
            }
          }
          if (s == steps) {
            break;
          }
          int b = s % perEpoch;
          if (b == 0) {
            perm = Batches.permutation(data.trainY().length, 0, s / perEpoch);
          }
          images.fill(data.trainX(), perm, b * batch, batch);
          for (int i = 0; i < batch; i++) {
            labels[i] = data.trainY()[perm[b * batch + i]];
          }
          step.step(main, s % 2 == 0 ? analytic : autograd);
          if (s % 1000 == 999) {
            step.saveState();
          }
        }
      }
    }
    return rss;
  }

  /** VmRSS of this process in kB (Linux), or -1. */
  public static long rssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
