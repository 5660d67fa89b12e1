package dev.scalpel.experiments.smooth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.scalpel.djl.BatchBuffer;
import dev.scalpel.experiments.Classification;

/**
 * Mean cross-entropy and accuracy of a classifier over a data set, in inference mode. Logits come back to Java and
 * the loss is computed there in double precision (log-sum-exp), in a fixed order.
 */
final class Evaluation {
  private Evaluation() {
  }

  /** Loss and accuracy. */
  record Result(double loss, double accuracy) {
  }

  static Result evaluate(Block block, ParameterStore store, NDManager parent, BatchBuffer buffer, float[] x,
      int[] y, int count) {
    double[] sums = new double[2];
    int batch = buffer.rows();
    for (int from = 0; from < count; from += batch) {
      int n = Math.min(batch, count - from);
      buffer.fillRange(x, from, n);
      float[] logits;
      int classes;
      try (NDManager m = parent.newSubManager()) {
        NDArray out = block.forward(store, new NDList(buffer.tensor(m, n)), false).singletonOrThrow();
        classes = (int) out.getShape().get(1);
        logits = out.toFloatArray();
      }
      Classification.accumulate(logits, classes, y, from, n, sums, 0);
    }
    return new Result(sums[0] / count, sums[1] / count);
  }
}
