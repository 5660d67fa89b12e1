package dev.scalpel.experiments;

import java.util.Locale;

/**
 * One setting a task declares: its name (as given with {@code --set name=value}), kind, default, lower bound and
 * a one-line description. Values are kept as text in {@link TaskSettings}; {@link #check(String, String)} parses
 * and validates one.
 *
 * @param name           the key, lower case with underscores ({@code batch_size})
 * @param kind           what the value is
 * @param defaultValue   the default, as text (checked like a given value when settings are resolved)
 * @param min            the smallest allowed value for numbers ({@code -∞} for none)
 * @param minExclusive   whether {@code min} itself is refused (learning rates: {@code > 0})
 * @param max            the largest allowed value for numbers ({@code +∞} for none)
 * @param affectsResults false for settings that only change how a run is carried out (checkpoint period, whether
 *                       diagnostics are recorded): a run may be resumed with another value of these
 * @param description    one line for the help text
 */
public record Setting(String name, Kind kind, String defaultValue, double min, boolean minExclusive, double max,
    boolean affectsResults, String description) {

  /** The kind of a setting's value. */
  public enum Kind {
    /** A 32-bit integer. */
    INT,
    /** A 64-bit integer. */
    LONG,
    /** A finite double. */
    DOUBLE,
    /** {@code true} or {@code false}. */
    BOOLEAN
  }

  public Setting {
    if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException("setting name (" + name + ") must be lower case letters, digits and _");
    }
    if (kind == null || defaultValue == null || description == null) {
      throw new IllegalArgumentException("setting " + name + ": kind, default and description are required");
    }
  }

  /** An integer setting ≥ {@code min}. */
  public static Setting integer(String name, int defaultValue, int min, String description) {
    return new Setting(name, Kind.INT, Integer.toString(defaultValue), min, false, Double.POSITIVE_INFINITY, true,
        description);
  }

  /** A long setting (seeds: any value). */
  public static Setting seed(String name, long defaultValue, String description) {
    return new Setting(name, Kind.LONG, Long.toString(defaultValue), Double.NEGATIVE_INFINITY, false,
        Double.POSITIVE_INFINITY, true, description);
  }

  /** A finite double setting > 0. */
  public static Setting positive(String name, double defaultValue, String description) {
    return new Setting(name, Kind.DOUBLE, Double.toString(defaultValue), 0, true, Double.POSITIVE_INFINITY, true,
        description);
  }

  /** A boolean setting. */
  public static Setting flag(String name, boolean defaultValue, String description) {
    return new Setting(name, Kind.BOOLEAN, Boolean.toString(defaultValue), Double.NEGATIVE_INFINITY, false,
        Double.POSITIVE_INFINITY, true, description);
  }

  /** This setting, marked as not affecting results (see {@link #affectsResults()}). */
  public Setting operational() {
    return new Setting(name, kind, defaultValue, min, minExclusive, max, false, description);
  }

  /** This setting with an upper bound (inclusive). */
  public Setting atMost(double bound) {
    return new Setting(name, kind, defaultValue, min, minExclusive, bound, affectsResults, description);
  }

  /**
   * Parses and validates {@code value}; returns its canonical text (numbers re-printed, so {@code 1e-3} and
   * {@code 0.001} are one value).
   *
   * @param where names the value in the error ("lr", "lr (default)")
   * @throws IllegalArgumentException one line naming the value and what was expected
   */
  public String check(String where, String value) {
    String v = value == null ? "" : value.strip();
    try {
      switch (kind) {
        case INT -> {
          int x = Integer.parseInt(v);
          checkMin(where, value, x);
          return Integer.toString(x);
        }
        case LONG -> {
          long x = Long.parseLong(v);
          checkMin(where, value, x);
          return Long.toString(x);
        }
        case DOUBLE -> {
          double x = Double.parseDouble(v);
          if (!Double.isFinite(x)) {
            throw new IllegalArgumentException(where + " (" + value + ") must be a finite number" + bound());
          }
          checkMin(where, value, x);
          return Double.toString(x);
        }
        default -> {
          if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(where + " (" + value + ") must be true or false");
          }
          return v;
        }
      }
    } catch (NumberFormatException e) {
      if (v.matches("[-+]?[0-9]+")) {
        throw new IllegalArgumentException(where + " (" + value + ") is out of range: at most "
            + (kind == Kind.INT ? Integer.MAX_VALUE : Long.MAX_VALUE) + " in magnitude", e);
      }
      throw new IllegalArgumentException(where + " (" + value + ") must be " + what() + bound(), e);
    }
  }

  private void checkMin(String where, String value, double x) {
    if (minExclusive ? !(x > min) : !(x >= min)) {
      throw new IllegalArgumentException(where + " (" + value + ") must be" + bound());
    }
    if (x > max) {
      throw new IllegalArgumentException(where + " (" + value + ") must be <= " + (kind == Kind.DOUBLE
          ? Double.toString(max) : Long.toString((long) max)));
    }
  }

  private String what() {
    return switch (kind) {
      case INT -> "an integer";
      case LONG -> "a 64-bit integer";
      case DOUBLE -> "a number";
      case BOOLEAN -> "true or false";
    };
  }

  private String bound() {
    if (min == Double.NEGATIVE_INFINITY) {
      return "";
    }
    String m = kind == Kind.DOUBLE ? Double.toString(min) : Long.toString((long) min);
    return String.format(Locale.ROOT, " %s %s", minExclusive ? ">" : ">=", m);
  }
}
