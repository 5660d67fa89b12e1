package dev.scalpel.core;

import java.util.Locale;

/** How {@link GradientSurgery#init} fills the EMA state. */
public enum InitMode {
  /** Copy the template given to {@code init} (typically the first main gradient). Spec: {@code grad} or {@code gradients}. */
  GRAD("grad"),
  /** All zeros (the reference quadratic notebook's choice). */
  ZEROS("zeros"),
  /** Independent standard normal values from a {@link java.util.SplittableRandom} seeded with {@code seed}. */
  RANDOM("random");

  private final String specName;

  InitMode(String specName) {
    this.specName = specName;
  }

  public String specName() {
    return specName;
  }

  static InitMode fromSpecName(String value) {
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "grad", "gradients" -> {
        return GRAD;
      }
      case "zeros" -> {
        return ZEROS;
      }
      case "random" -> {
        return RANDOM;
      }
      default -> throw new IllegalArgumentException(
          "init (" + value + ") must be one of: grad, gradients, zeros, random");
    }
  }
}
