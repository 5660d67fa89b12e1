package dev.scalpel.djl.readme;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import dev.scalpel.core.GradientSurgery;
import dev.scalpel.djl.AnalyticLoss;
import dev.scalpel.djl.Gradients;
import dev.scalpel.djl.KLossStep;
import dev.scalpel.djl.Losses;
import dev.scalpel.train.optim.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A shared trunk with two heads and weight decay, three losses aggregated by UPGrad: one forward, one backward pass
 * per head, the decay's gradient in Java; whole steps, then the same step in its three phases.
 */
public class SharedTrunkTwoHeads {
  public static void main(String[] args) {
    int batch = 32;
    Random rnd = new Random(0);
    float[] x = new float[batch * 784];
    long[] digits = new long[batch];
    long[] parity = new long[batch];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    for (int i = 0; i < batch; i++) {
      digits[i] = rnd.nextInt(10);
      parity[i] = digits[i] % 2;
    }
    try (NDManager manager = NDManager.newBaseManager()) {
      SequentialBlock trunk = new SequentialBlock().add(Linear.builder().setUnits(64).build())
          .add(Activation.reluBlock());
      Linear head1 = Linear.builder().setUnits(10).build();
      Linear head2 = Linear.builder().setUnits(2).build();
      trunk.initialize(manager, DataType.FLOAT32, new Shape(batch, 784));
      head1.initialize(manager, DataType.FLOAT32, new Shape(batch, 64));
      head2.initialize(manager, DataType.FLOAT32, new Shape(batch, 64));
      List<Parameter> parameters = new ArrayList<>();
      for (Block b : List.of(trunk, head1, head2)) {
        for (Pair<String, Parameter> p : b.getParameters()) {
          parameters.add(p.getValue());
        }
      }
      Loss ce = Loss.softmaxCrossEntropyLoss();
      AnalyticLoss weightDecay = (params, grad) -> {     // ½|θ|², its gradient written in Java
        double v = 0;
        for (int t = 0; t < params.length; t++) {
          for (int i = 0; i < grad[t].length; i++) {
            float p = params[t].get(params[t].position() + i);
            v += 0.5 * p * p;
            grad[t][i] = p;
          }
        }
        return v;
      };
      try (KLossStep step = KLossStep.builder(parameters).surgery(GradientSurgery.parse("upgrad"))
          .optimiser(Sgd.builder().learningRate(0.1).build()).build()) {
        Losses heads = m -> {                              // one forward of the shared trunk, two heads
          NDArray h = trunk.forward(step.parameterStore(), new NDList(m.create(x, new Shape(batch, 784))), true)
              .singletonOrThrow();
          NDList o1 = head1.forward(step.parameterStore(), new NDList(h), true);
          NDList o2 = head2.forward(step.parameterStore(), new NDList(h), true);
          return new NDList(ce.evaluate(new NDList(m.create(digits)), o1),
              ce.evaluate(new NDList(m.create(parity)), o2));
        };
        for (int i = 0; i < 20; i++) {
          step.step(heads, weightDecay);                   // = gradients → aggregate → apply; k = 3 losses
        }
        Gradients g = step.gradients(heads, weightDecay);  // or the phases one by one (a data-parallel driver
        if (step.aggregate(g)) {                           // sums the workers' Gradients in between)
          step.apply(g);
        }
        System.out.printf("losses after 21 steps: %.4f %.4f %.4f%n", g.loss(0), g.loss(1), g.loss(2));
      }
    }
  }
}
