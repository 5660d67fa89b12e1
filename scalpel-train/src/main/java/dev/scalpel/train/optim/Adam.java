package dev.scalpel.train.optim;

/**
 * Adam (Kingma and Ba), as PyTorch's {@code torch.optim.Adam} without weight decay or amsgrad. For update
 * {@code t} (1-based here) with direction {@code g}:
 * <pre>
 *   m ← β1·m + (1−β1)·g          v ← β2·v + (1−β2)·g²
 *   p ← p − (lr/(1−β1^t)) · m / (√v/√(1−β2^t) + ε)
 * </pre>
 * Defaults β1 = 0.9, β2 = 0.999, ε = 1e-8, lr 1e-3 constant.
 *
 * <pre>{@code
 * Adam adam = Adam.builder().schedule(LearningRateSchedule.constant(3e-4)).build();
 * }</pre>
 */
public final class Adam extends AbstractOptimiser {
  private static final ElementKernels KERNELS = ElementKernels.DEFAULT;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private float b1;
  private float b2;
  private float oneMinusB1;
  private float oneMinusB2;
  private float stepSize;
  private float invBc2Sqrt;
  private float epsF;

  private Adam(Builder b) {
    super(b.schedule);
    if (!(b.beta1 >= 0 && b.beta1 < 1) || !(b.beta2 >= 0 && b.beta2 < 1)) {
      throw new IllegalArgumentException("Adam betas (" + b.beta1 + ", " + b.beta2 + ") must be in [0, 1)");
    }
    if (!(b.eps >= 0) || Double.isInfinite(b.eps)) {
      throw new IllegalArgumentException("Adam eps (" + b.eps + ") must be a finite number >= 0");
    }
    this.beta1 = b.beta1;
    this.beta2 = b.beta2;
    this.eps = b.eps;
  }

  /** A builder with the defaults (lr 1e-3 constant, β1 0.9, β2 0.999, ε 1e-8). */
  public static Builder builder() {
    return new Builder();
  }

  /** Adam with a constant learning rate and the other defaults. */
  public static Adam withLearningRate(double lr) {
    return builder().schedule(LearningRateSchedule.constant(lr)).build();
  }

  @Override
  int momentCount() {
    return 2;
  }

  @Override
  void beginUpdate(long t0) {
    long t = t0 + 1;
    double lr = schedule.at(t0);
    double bc1 = 1 - Math.pow(beta1, t);
    double bc2 = 1 - Math.pow(beta2, t);
    b1 = (float) beta1;
    b2 = (float) beta2;
    oneMinusB1 = (float) (1 - beta1);
    oneMinusB2 = (float) (1 - beta2);
    stepSize = (float) (lr / bc1);
    invBc2Sqrt = (float) (1 / Math.sqrt(bc2));
    epsF = (float) eps;
  }

  @Override
  void kernel(float[] p, int po, float[] d, int dOff, int tensor, int mo, int n) {
    KERNELS.adam(p, po, d, dOff, moments[0][tensor], moments[1][tensor], mo, n, b1, b2, oneMinusB1, oneMinusB2,
        stepSize, invBc2Sqrt, epsF);
  }

  @Override
  public String spec() {
    return "adam(lr=" + schedule.spec() + ",beta1=" + beta1 + ",beta2=" + beta2 + ",eps=" + eps + ")";
  }

  /** Builder of {@link Adam}. */
  public static final class Builder {
    private LearningRateSchedule schedule = LearningRateSchedule.constant(1e-3);
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;

    private Builder() {
    }

    public Builder schedule(LearningRateSchedule s) {
      this.schedule = s;
      return this;
    }

    public Builder learningRate(double lr) {
      this.schedule = LearningRateSchedule.constant(lr);
      return this;
    }

    public Builder betas(double b1, double b2) {
      this.beta1 = b1;
      this.beta2 = b2;
      return this;
    }

    public Builder eps(double e) {
      this.eps = e;
      return this;
    }

    public Adam build() {
      return new Adam(this);
    }
  }
}
