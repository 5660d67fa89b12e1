package dev.scalpel.train.optim;

import java.util.Locale;

/**
 * The learning rate of each update, by 0-based update index: the {@code t}-th call of
 * {@link Optimiser#updateInPlace} (t = 0, 1, ...) uses {@code at(t)}. Implementations are pure functions of the
 * index, so a resumed run gets the same rates.
 *
 * <pre>{@code
 * LearningRateSchedule.constant(3e-4);
 * LearningRateSchedule.warmupCosine(1e-3, 500, 20_000, 0.0); // 500 linear warmup steps, cosine to 0 at 20k
 * }</pre>
 */
public interface LearningRateSchedule {

  /** The rate of update {@code t} (0-based). */
  double at(long t);

  /** A text that identifies the schedule and its numbers (stored in checkpoints and compared on resume). */
  String spec();

  /** The same rate for every update. */
  static LearningRateSchedule constant(double lr) {
    return new Constant(lr);
  }

  /**
   * Linear warmup from {@code peak/warmupSteps} to {@code peak} over the first {@code warmupSteps} updates
   * ({@code at(t) = peak·(t+1)/warmupSteps}), then a cosine from {@code peak} down to {@code floor} at update
   * {@code totalSteps}, constant {@code floor} after it.
   */
  static LearningRateSchedule warmupCosine(double peak, long warmupSteps, long totalSteps, double floor) {
    return new WarmupCosine(peak, warmupSteps, totalSteps, floor);
  }

  /** A constant rate. */
  record Constant(double lr) implements LearningRateSchedule {
    public Constant {
      if (!(lr >= 0) || Double.isInfinite(lr)) {
        throw new IllegalArgumentException("learning rate (" + lr + ") must be a finite number >= 0");
      }
    }

    @Override
    public double at(long t) {
      return lr;
    }

    @Override
    public String spec() {
      return "constant(" + lr + ")";
    }
  }

  /** Linear warmup then cosine decay; see {@link LearningRateSchedule#warmupCosine}. */
  record WarmupCosine(double peak, long warmupSteps, long totalSteps, double floor)
      implements LearningRateSchedule {
    public WarmupCosine {
      if (!(peak >= 0) || Double.isInfinite(peak)) {
        throw new IllegalArgumentException("peak learning rate (" + peak + ") must be a finite number >= 0");
      }
      if (!(floor >= 0) || floor > peak) {
        throw new IllegalArgumentException("final learning rate (" + floor + ") must be in [0, peak=" + peak + "]");
      }
      if (warmupSteps < 0 || totalSteps < warmupSteps) {
        throw new IllegalArgumentException("need 0 <= warmupSteps (" + warmupSteps + ") <= totalSteps ("
            + totalSteps + ")");
      }
    }

    @Override
    public double at(long t) {
      if (t < warmupSteps) {
        return peak * (t + 1) / warmupSteps;
      }
      long decay = totalSteps - warmupSteps;
      if (decay <= 0 || t >= totalSteps) {
        return decay <= 0 ? peak : floor;
      }
      double progress = (double) (t - warmupSteps) / decay;
      return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    @Override
    public String spec() {
      return String.format(Locale.ROOT, "warmup-cosine(peak=%s,warmup=%d,total=%d,final=%s)", peak, warmupSteps,
          totalSteps, floor);
    }
  }
}
