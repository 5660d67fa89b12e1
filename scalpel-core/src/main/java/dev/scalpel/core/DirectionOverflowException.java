package dev.scalpel.core;

/**
 * Thrown (under {@link NonFinitePolicy#THROW}) when every gradient is finite but the method's exact direction, or
 * one of its EMAs, is outside the float range (|x| &gt; 3.4028235e38): a genuine overflow of the method, for
 * instance λ·g beyond float. Scalpel avoids every overflow that is not genuine: when a float combination could
 * overflow, the direction is formed in double and rounded once, so a finite exact direction is always returned.
 * The state and every caller's array are left exactly as they were.
 */
public final class DirectionOverflowException extends ArithmeticException {
  private static final long serialVersionUID = 1L;

  private final long step;
  private final String what;

  DirectionOverflowException(String method, long step, String what, double magnitude) {
    super(method + ": the " + what + " overflows float at step " + step + " (|x| reaches " + magnitude
        + ") although every gradient is finite; lower λ or the weights, or scale the losses down. The surgery state and the"
        + " arrays were left unchanged");
    this.step = step;
    this.what = what;
  }

  /** The 0-based step (number of directions computed before this call). */
  public long step() {
    return step;
  }

  /** {@code "direction"}, or {@code "EMA of g_i"} when an EMA update overflowed. */
  public String what() {
    return what;
  }
}
