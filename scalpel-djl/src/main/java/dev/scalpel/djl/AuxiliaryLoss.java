package dev.scalpel.djl;

/**
 * The auxiliary loss of a {@link TwoLossStep}: either a DJL computation differentiated by autograd (for instance a
 * loss on a batch of a second data set: joint-data training), or an {@link AnalyticLoss} whose gradient is
 * computed in Java (data-free losses).
 *
 * <pre>{@code
 * AuxiliaryLoss joint = AuxiliaryLoss.autograd(m -> lossOnSecondDataSet(m));
 * AuxiliaryLoss smooth = AuxiliaryLoss.analytic(new SpectralNormLoss(1, 42));
 * }</pre>
 */
public sealed interface AuxiliaryLoss permits AuxiliaryLoss.Autograd, AuxiliaryLoss.Analytic {

  /** An auxiliary loss differentiated by autograd (a second backward pass). */
  static AuxiliaryLoss autograd(LossFunction loss) {
    return new Autograd(loss);
  }

  /** A data-free auxiliary loss with a Java-side gradient. */
  static AuxiliaryLoss analytic(AnalyticLoss loss) {
    return new Analytic(loss);
  }

  /** See {@link AuxiliaryLoss#autograd}. */
  record Autograd(LossFunction loss) implements AuxiliaryLoss {
    public Autograd {
      if (loss == null) {
        throw new IllegalArgumentException("auxiliary loss function must not be null");
      }
    }
  }

  /** See {@link AuxiliaryLoss#analytic}. */
  record Analytic(AnalyticLoss loss) implements AuxiliaryLoss {
    public Analytic {
      if (loss == null) {
        throw new IllegalArgumentException("analytic auxiliary loss must not be null");
      }
    }
  }
}
