package dev.scalpel.core;

/**
 * Thrown (under {@link NonFinitePolicy#THROW}) when a gradient holds a NaN or an infinity.
 * The state is unchanged: the same call can be retried with other gradients.
 */
public final class NonFiniteGradientException extends ArithmeticException {
  private static final long serialVersionUID = 1L;

  private final long step;
  private final String gradient;
  private final int tensor;
  private final int index;

  NonFiniteGradientException(long step, String gradient, int tensor, int index, float value) {
    super("non-finite value " + value + " in " + gradient + " at step " + step + ", tensor " + tensor
        + (index >= 0 ? ", element " + index : "")
        + ("direction".equals(gradient) ? " (the gradients are finite: the direction overflowed float)" : "")
        + "; the surgery state was left unchanged");
    this.step = step;
    this.gradient = gradient;
    this.tensor = tensor;
    this.index = index;
  }

  /** The 0-based step (number of directions computed before this call). */
  public long step() {
    return step;
  }

  /** {@code "g_main"}, {@code "g_aux"}, or {@code "direction"} when finite inputs overflowed. */
  public String gradient() {
    return gradient;
  }

  /** Index of the offending tensor. */
  public int tensor() {
    return tensor;
  }

  /** Index of the first offending element within that tensor, or -1 when not located. */
  public int index() {
    return index;
  }
}
