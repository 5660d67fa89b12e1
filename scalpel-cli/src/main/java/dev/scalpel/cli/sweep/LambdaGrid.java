package dev.scalpel.cli.sweep;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * Parses {@code --lambdas}: a list {@code 0.01,0.1,1}, or a log range {@code START:STOP:COUNT} giving COUNT
 * log-spaced values from START to STOP inclusive, like numpy's {@code logspace} ({@code 1e-3:1e3:7} is
 * 0.001, 0.01, …, 1000; the reference quadratic grid logspace(-3,3,10) is {@code 1e-3:1e3:10}).
 * Generated values are rounded to 12 significant digits so that labels and file names stay short.
 */
public final class LambdaGrid {
  private LambdaGrid() {
  }

  public static List<Double> parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("--lambdas is empty; expected a list like 0.01,0.1,1 or a log range "
          + "like 1e-3:1e3:10 (START:STOP:COUNT)");
    }
    String s = text.trim();
    List<Double> values = new ArrayList<>();
    if (s.contains(":")) {
      String[] p = s.split(":", -1);
      if (p.length != 3) {
        throw new IllegalArgumentException("--lambdas (" + text + ") must be START:STOP:COUNT, e.g. 1e-3:1e3:10");
      }
      double a = number(p[0], text);
      double b = number(p[1], text);
      int n;
      try {
        n = Integer.parseInt(p[2].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--lambdas (" + text + "): COUNT (" + p[2].trim()
            + ") must be an integer >= 1");
      }
      if (!(a > 0) || !(b > 0)) {
        throw new IllegalArgumentException("--lambdas (" + text + "): a log range needs START and STOP > 0");
      }
      if (n < 1) {
        throw new IllegalArgumentException("--lambdas (" + text + "): COUNT (" + n + ") must be >= 1");
      }
      if (a > b) {
        throw new IllegalArgumentException("--lambdas (" + text + "): a log range goes up, START (" + p[0].trim()
            + ") <= STOP (" + p[1].trim() + "); write " + p[1].trim() + ":" + p[0].trim() + ":" + p[2].trim()
            + ", or list the values");
      }
      double la = Math.log10(a);
      double lb = Math.log10(b);
      for (int k = 0; k < n; k++) {
        double e = n == 1 ? la : la + k * (lb - la) / (n - 1);
        values.add(round(Math.pow(10, e)));
      }
    } else {
      for (String part : s.split(",", -1)) {
        double v = number(part, text);
        if (!(v >= 0) || Double.isInfinite(v)) {
          throw new IllegalArgumentException("--lambdas (" + text + "): lambda (" + part.trim()
              + ") must be a finite number >= 0");
        }
        values.add(v);
      }
    }
    if (new LinkedHashSet<>(values).size() != values.size()) {
      throw new IllegalArgumentException("--lambdas (" + text + ") lists a value twice");
    }
    return values;
  }

  private static double number(String part, String text) {
    try {
      return Double.parseDouble(part.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--lambdas (" + text + "): '" + part.trim() + "' is not a number");
    }
  }

  static double round(double v) {
    return Double.parseDouble(String.format(Locale.ROOT, "%.12g", v));
  }
}
