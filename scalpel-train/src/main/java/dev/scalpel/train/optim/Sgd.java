package dev.scalpel.train.optim;

/**
 * Stochastic gradient descent with optional (Nesterov) momentum, as PyTorch's {@code torch.optim.SGD} with no
 * dampening and no weight decay. For direction {@code g}, momentum μ:
 * <pre>
 *   plain:     p ← p − lr·g
 *   momentum:  b ← g on the first update, else μ·b + g;   p ← p − lr·b
 *   Nesterov:  b as above;                                p ← p − lr·(g + μ·b)
 * </pre>
 *
 * <pre>{@code
 * Sgd sgd = Sgd.builder().learningRate(0.1).momentum(0.9).nesterov(true).build();
 * }</pre>
 */
public final class Sgd extends AbstractOptimiser {
  private final double momentum;
  private final boolean nesterov;
  private float lr;
  private float mu;
  private boolean first;

  private Sgd(Builder b) {
    super(b.schedule);
    if (!(b.momentum >= 0 && b.momentum < 1)) {
      throw new IllegalArgumentException("SGD momentum (" + b.momentum + ") must be in [0, 1)");
    }
    if (b.nesterov && b.momentum == 0) {
      throw new IllegalArgumentException("Nesterov SGD needs a momentum > 0");
    }
    this.momentum = b.momentum;
    this.nesterov = b.nesterov;
  }

  /** A builder with the defaults (lr 0.01 constant, no momentum). */
  public static Builder builder() {
    return new Builder();
  }

  public double momentum() {
    return momentum;
  }

  public boolean nesterov() {
    return nesterov;
  }

  @Override
  int momentCount() {
    return momentum > 0 ? 1 : 0;
  }

  @Override
  void beginUpdate(long t) {
    lr = (float) schedule.at(t);
    mu = (float) momentum;
    first = t == 0;
  }

  @Override
  void kernel(float[] p, int po, float[] d, int dOff, int tensor, int mo, int n) {
    float a = lr;
    if (momentum == 0) {
      for (int i = 0; i < n; i++) {
        p[po + i] -= a * d[dOff + i];
      }
      return;
    }
    float[] b = moments[0][tensor];
    float m = mu;
    if (first) {
      for (int i = 0; i < n; i++) {
        b[mo + i] = d[dOff + i];
      }
    } else {
      for (int i = 0; i < n; i++) {
        b[mo + i] = m * b[mo + i] + d[dOff + i];
      }
    }
    if (nesterov) {
      for (int i = 0; i < n; i++) {
        p[po + i] -= a * (d[dOff + i] + m * b[mo + i]);
      }
    } else {
      for (int i = 0; i < n; i++) {
        p[po + i] -= a * b[mo + i];
      }
    }
  }

  @Override
  public String spec() {
    return "sgd(lr=" + schedule.spec() + ",momentum=" + momentum + ",nesterov=" + nesterov + ")";
  }

  /** Builder of {@link Sgd}. */
  public static final class Builder {
    private LearningRateSchedule schedule = LearningRateSchedule.constant(0.01);
    private double momentum;
    private boolean nesterov;

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

    public Builder momentum(double m) {
      this.momentum = m;
      return this;
    }

    public Builder nesterov(boolean n) {
      this.nesterov = n;
      return this;
    }

    public Sgd build() {
      return new Sgd(this);
    }
  }
}
