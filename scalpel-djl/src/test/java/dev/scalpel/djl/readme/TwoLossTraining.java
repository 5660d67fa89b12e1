package dev.scalpel.djl.readme;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.loss.Loss;
import dev.scalpel.core.GradientSurgery;
import dev.scalpel.djl.AuxiliaryLoss;
import dev.scalpel.djl.StepResult;
import dev.scalpel.djl.TwoLossStep;
import dev.scalpel.train.optim.Adam;
import dev.scalpel.train.optim.LearningRateSchedule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/** Joint-data training: a main data set, a second (auxiliary) one, Bloop between them, a checkpoint at the end. */
public class TwoLossTraining {
  public static void main(String[] args) throws Exception {
    int batch = 32;
    Random rnd = new Random(0);
    float[][] x = new float[2][batch * 20];                 // two data sets: inputs of width 20, 3 classes
    long[][] y = new long[2][batch];
    for (int d = 0; d < 2; d++) {
      for (int i = 0; i < x[d].length; i++) {
        x[d][i] = (float) rnd.nextGaussian();
      }
      for (int i = 0; i < batch; i++) {
        y[d][i] = rnd.nextInt(3);
      }
    }
    Shape shape = new Shape(batch, 20);
    try (NDManager manager = NDManager.newBaseManager()) {
      SequentialBlock block = new SequentialBlock().add(Linear.builder().setUnits(32).build())
          .add(Activation.reluBlock()).add(Linear.builder().setUnits(3).build());
      block.initialize(manager, DataType.FLOAT32, shape);
      Loss ce = Loss.softmaxCrossEntropyLoss();
      GradientSurgery bloop = GradientSurgery.parse("bloop:lambda=0.1,ema=0.01");
      try (TwoLossStep step = TwoLossStep.builder(block)          // every parameter that requires a gradient
          .surgery(bloop)
          .optimiser(Adam.builder().schedule(LearningRateSchedule.warmupCosine(1e-3, 10, 100, 0)).build())
          .build()) {
        StepResult r = null;
        for (int i = 0; i < 100; i++) {
          r = step.step(
              m -> ce.evaluate(new NDList(m.create(y[0])),                              // main loss, autograd
                  block.forward(step.parameterStore(), new NDList(m.create(x[0], shape)), true)),
              AuxiliaryLoss.autograd(m -> {                                             // the second data set
                NDArray logits = block.forward(step.parameterStore(), new NDList(m.create(x[1], shape)), true)
                    .singletonOrThrow();
                return ce.evaluate(new NDList(m.create(y[1])), new NDList(logits));
              }));
        }
        System.out.printf("after %d steps: main %.4f, aux %.4f%n", r.step(), r.mainLoss(), r.auxLoss());
        Path dir = Files.createTempDirectory("scalpel-readme");
        step.saveCheckpoint(dir.resolve("ckpt.bin"), Map.of("my.position", new byte[] {1}));  // atomic, checksummed
      }
    }
  }
}
