package dev.scalpel.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/*
 * One spec key of one method: its name, its type, its default and its check. Values are parsed into Double,
 * double[] (NUMBERS: "a/b/c"), Long, Boolean or a canonical String (CHOICE), and written back by format().
 */
record KeySpec(String name, Type type, Object defaultValue, double min, double max, boolean minOpen,
    List<String> choices, String help) {

  enum Type {
    NUMBER, NUMBERS, INTEGER, BOOLEAN, CHOICE
  }

  static KeySpec number(String name, double def, double min, double max, boolean minOpen, String help) {
    return new KeySpec(name, Type.NUMBER, def, min, max, minOpen, List.of(), help);
  }

  /** One number or several separated by '/'; {@code def} null means the key is required. */
  static KeySpec numbers(String name, double[] def, double min, double max, String help) {
    return new KeySpec(name, Type.NUMBERS, def, min, max, false, List.of(), help);
  }

  static KeySpec integer(String name, long def, String help) {
    return new KeySpec(name, Type.INTEGER, def, Double.NaN, Double.NaN, false, List.of(), help);
  }

  static KeySpec bool(String name, boolean def, String help) {
    return new KeySpec(name, Type.BOOLEAN, def, Double.NaN, Double.NaN, false, List.of(), help);
  }

  /** The first choice is the default. */
  static KeySpec choice(String name, String help, String... choices) {
    return new KeySpec(name, Type.CHOICE, choices[0], Double.NaN, Double.NaN, false, List.of(choices), help);
  }

  Object parse(String value, String method) {
    String v = value.trim();
    return switch (type) {
      case NUMBER -> check(number(v), v, method);
      case NUMBERS -> {
        if (name.equals("pref") && v.equalsIgnoreCase("mean")) {
          yield PREF_MEAN;
        }
        String[] parts = v.split("/", -1);
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
          out[i] = check(number(parts[i].trim(), v), v, method);
        }
        yield out;
      }
      case INTEGER -> {
        try {
          yield Long.parseLong(v);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(name + " (" + value + ") must be an integer", e);
        }
      }
      case BOOLEAN -> switch (v.toLowerCase(Locale.ROOT)) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new IllegalArgumentException(name + " (" + value + ") must be true or false");
      };
      case CHOICE -> {
        String c = v.toLowerCase(Locale.ROOT);
        if (name.equals("init") && c.equals("gradients")) {
          c = "grad"; // the reference README's spelling
        }
        if (!choices.contains(c)) {
          throw new IllegalArgumentException(name + " (" + value + ") must be one of: "
              + String.join(", ", name.equals("init") ? List.of("grad", "gradients", "zeros", "random") : choices));
        }
        yield c;
      }
    };
  }

  /** The marker for the default preference vector 1/k (TorchJD's mean weighting). */
  static final double[] PREF_MEAN = new double[0];

  /** Decimal numbers only (Java's parser also takes 1f, 1d and 0x1p3); NaN and infinities are refused later. */
  private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile(
      "[-+]?((\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?|NaN|Infinity|inf)");

  private double number(String v) {
    return number(v, v);
  }

  private double number(String v, String whole) {
    if (!NUMBER.matcher(v).matches()) {
      throw new IllegalArgumentException(name + " (" + whole + ") must be a number" + (v.equals(whole) ? ""
          : ": '" + v + "' is not"));
    }
    return Double.parseDouble(v.equals("inf") || v.equals("+inf") ? "Infinity" : v.equals("-inf") ? "-Infinity" : v)
        + 0.0; // -0.0 becomes +0.0: equal configurations print alike
  }

  double check(double x, String shown, String method) {
    boolean low = minOpen ? x > min : x >= min;
    if (!(low && x <= max)) { // NaN fails both
      String range = (min <= -Double.MAX_VALUE ? "(-inf" : (minOpen ? "(" : "[") + SurgeryConfig.format(min)) + ", "
          + (max >= Double.MAX_VALUE ? "inf)" : SurgeryConfig.format(max) + "]");
      throw new IllegalArgumentException(name + " (" + shown + ") must be a finite number in " + range
          + " for " + method + (help.isEmpty() ? "" : ": " + help));
    }
    if (Double.isInfinite(x)) {
      throw new IllegalArgumentException(name + " (" + shown + ") must be finite for " + method);
    }
    return x;
  }

  String format(Object value) {
    if (value instanceof double[] v) {
      if (v == PREF_MEAN) {
        return "mean";
      }
      List<String> parts = new ArrayList<>();
      for (double x : v) {
        parts.add(SurgeryConfig.format(x));
      }
      return String.join("/", parts);
    }
    if (value instanceof Double d) {
      return SurgeryConfig.format(d);
    }
    return String.valueOf(value);
  }
}
