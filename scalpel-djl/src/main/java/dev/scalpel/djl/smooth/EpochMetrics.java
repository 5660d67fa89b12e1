package dev.scalpel.djl.smooth;

import java.util.Locale;

/**
 * One row of {@code metrics.csv}: the state at the end of an epoch.
 *
 * @param epoch     1-based epoch number
 * @param step      training steps done so far
 * @param trainLoss mean cross-entropy over the training set (or its evaluated prefix), inference mode
 * @param trainAcc  accuracy over the same
 * @param testLoss  mean cross-entropy over the test set
 * @param testAcc   accuracy over the test set
 * @param auxLoss   the accurate {@code log ∏ σ(W_l)²}
 * @param seconds   wall-clock seconds since the run started (training and evaluation; resumed runs add up)
 */
public record EpochMetrics(int epoch, long step, double trainLoss, double trainAcc, double testLoss,
    double testAcc, double auxLoss, double seconds) {

  /** The CSV header. */
  public static final String HEADER = "epoch,step,train_loss,train_acc,test_loss,test_acc,aux_loss,seconds";

  /** The CSV line (shortest decimal forms that read back to the same doubles; seconds to the millisecond). */
  public String csv() {
    return epoch + "," + step + "," + trainLoss + "," + trainAcc + "," + testLoss + "," + testAcc + "," + auxLoss
        + "," + String.format(Locale.ROOT, "%.3f", seconds);
  }
}
