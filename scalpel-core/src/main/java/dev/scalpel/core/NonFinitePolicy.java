package dev.scalpel.core;

import java.util.Locale;

/**
 * What a direction call does when {@code g_main} or {@code g_aux} holds a NaN or an infinity.
 * In both cases the state (EMAs, step counter) is left exactly as it was before the call.
 */
public enum NonFinitePolicy {
  /** Throw a {@link NonFiniteGradientException} naming the step, the gradient and the tensor index (default). */
  THROW("throw"),
  /**
   * Skip the step: the output direction is all zeros, the EMAs and {@link SurgeryState#step()} are unchanged,
   * {@link SurgeryState#skippedSteps()} grows by one and {@link SurgeryState#lastStepSkipped()} is true.
   * A training loop should then skip its optimiser update (a zero gradient still moves Adam or momentum SGD).
   */
  SKIP("skip");

  private final String specName;

  NonFinitePolicy(String specName) {
    this.specName = specName;
  }

  public String specName() {
    return specName;
  }

  static NonFinitePolicy fromSpecName(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "throw" -> THROW;
      case "skip" -> SKIP;
      default -> throw new IllegalArgumentException("nonfinite (" + value + ") must be one of: throw, skip");
    };
  }
}
