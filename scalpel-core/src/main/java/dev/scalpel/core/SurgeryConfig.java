package dev.scalpel.core;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The full, validated configuration of a gradient-surgery method. Immutable; compares by value.
 *
 * <p>Spec grammar: {@code name[:key=value[,key=value...]]}, names {@code mixed}, {@code bloop},
 * {@code dynamic-barrier}, {@code pcgrad}; keys (where the method uses them) {@code lambda}, {@code ema},
 * {@code init} ({@code grad}, {@code gradients}, {@code zeros}, {@code random}), {@code seed}, {@code rescale},
 * {@code ratio-only} (bloop only), {@code eps}, {@code nonfinite} ({@code throw}, {@code skip}).
 * Defaults follow the reference: λ 0.1, ρ 0.1, init grad, seed 0, rescale false, eps 1e-7, nonfinite throw.
 * Fields the method does not use (mixed: ema, init, seed, eps) are set to their defaults, and −0.0 to 0.0, so
 * that configurations that behave alike are equal and {@code parse(toSpec())} gives back an equal one.
 *
 * @param method    the method
 * @param lambda    λ ≥ 0, finite: weight of the auxiliary gradient
 * @param ema       ρ in (0, 1]: weight of the NEW gradient in the EMA (1 = no averaging)
 * @param init      how the EMA state starts
 * @param seed      seed of {@link InitMode#RANDOM}
 * @param rescale   multiply the direction by 1/(1+λ)
 * @param ratioOnly bloop only: {@code d = s((1 − λ r) g_m + λ g_a)}
 * @param eps       ≥ 0, finite: added to squared norms before dividing
 * @param nonFinite what to do with NaN/Inf gradients
 */
public record SurgeryConfig(
    Method method,
    double lambda,
    double ema,
    InitMode init,
    long seed,
    boolean rescale,
    boolean ratioOnly,
    double eps,
    NonFinitePolicy nonFinite) {

  public static final double DEFAULT_LAMBDA = 0.1;
  public static final double DEFAULT_EMA = 0.1;
  public static final double DEFAULT_EPS = 1e-7;

  public SurgeryConfig {
    if (method == null) {
      throw new IllegalArgumentException("method must not be null");
    }
    if (!(lambda >= 0) || Double.isInfinite(lambda)) {
      throw new IllegalArgumentException("lambda (" + lambda + ") must be a finite number >= 0");
    }
    if (!(ema > 0 && ema <= 1)) {
      throw new IllegalArgumentException("ema (" + ema + ") must be in (0, 1]: the weight of the new gradient");
    }
    if (init == null) {
      throw new IllegalArgumentException("init must not be null");
    }
    if (!(eps >= 0) || Double.isInfinite(eps)) {
      throw new IllegalArgumentException("eps (" + eps + ") must be a finite number >= 0");
    }
    if (ratioOnly && method != Method.BLOOP) {
      throw new IllegalArgumentException("ratio-only is a bloop option, not one of " + method.specName());
    }
    if (nonFinite == null) {
      throw new IllegalArgumentException("nonfinite must not be null");
    }
    // Normalised so that parse(toSpec()) equals this configuration: the spec writes 0 without its sign, and
    // lists only the keys the method uses (mixed has no EMA: its ema, init, seed and eps are left at defaults).
    lambda += 0.0; // -0.0 becomes +0.0
    eps += 0.0;
    if (method == Method.MIXED) {
      ema = DEFAULT_EMA;
      init = InitMode.GRAD;
      seed = 0L;
      eps = DEFAULT_EPS;
    }
  }

  /** The method's defaults (λ 0.1, ρ 0.1, init grad, seed 0, no rescale, eps 1e-7, throw on non-finite). */
  public static SurgeryConfig defaults(Method method) {
    return new SurgeryConfig(method, DEFAULT_LAMBDA, DEFAULT_EMA, InitMode.GRAD, 0L, false, false, DEFAULT_EPS,
        NonFinitePolicy.THROW);
  }

  /** Parses a spec such as {@code bloop:lambda=0.5,ema=0.01}. Errors name the key, the value and what is allowed. */
  public static SurgeryConfig parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("empty method spec; expected name[:key=value,...] with name one of: "
          + "mixed, bloop, dynamic-barrier, pcgrad");
    }
    String s = spec.trim();
    int colon = s.indexOf(':');
    Method method = Method.fromSpecName(colon < 0 ? s : s.substring(0, colon));
    Map<String, String> values = new LinkedHashMap<>();
    if (colon >= 0) {
      String rest = s.substring(colon + 1).trim();
      if (rest.isEmpty()) {
        throw new IllegalArgumentException("spec '" + spec + "' has ':' but no key=value pairs");
      }
      for (String part : rest.split(",", -1)) {
        int eq = part.indexOf('=');
        if (eq <= 0 || eq == part.length() - 1) {
          throw new IllegalArgumentException("spec '" + spec + "': '" + part.trim()
              + "' is not of the form key=value");
        }
        String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        String value = part.substring(eq + 1).trim();
        if (!method.keys().contains(key)) {
          throw new IllegalArgumentException("unknown key '" + key + "' for method " + method.specName()
              + " in spec '" + spec + "'; allowed keys: " + String.join(", ", method.keys()));
        }
        if (values.put(key, value) != null) {
          throw new IllegalArgumentException("key '" + key + "' given twice in spec '" + spec + "'");
        }
      }
    }
    SurgeryConfig d = defaults(method);
    return new SurgeryConfig(
        method,
        values.containsKey("lambda") ? number("lambda", values.get("lambda")) : d.lambda,
        values.containsKey("ema") ? number("ema", values.get("ema")) : d.ema,
        values.containsKey("init") ? InitMode.fromSpecName(values.get("init")) : d.init,
        values.containsKey("seed") ? integer("seed", values.get("seed")) : d.seed,
        values.containsKey("rescale") ? bool("rescale", values.get("rescale")) : d.rescale,
        values.containsKey("ratio-only") ? bool("ratio-only", values.get("ratio-only")) : d.ratioOnly,
        values.containsKey("eps") ? number("eps", values.get("eps")) : d.eps,
        values.containsKey("nonfinite") ? NonFinitePolicy.fromSpecName(values.get("nonfinite")) : d.nonFinite);
  }

  /** The same configuration with another λ. */
  public SurgeryConfig withLambda(double newLambda) {
    return new SurgeryConfig(method, newLambda, ema, init, seed, rescale, ratioOnly, eps, nonFinite);
  }

  /** The direction's scale: 1/(1+λ) with rescale (for every method; the reference's bloop slip is not copied), else 1. */
  public double scale() {
    return rescale ? 1.0 / (1.0 + lambda) : 1.0;
  }

  /**
   * The canonical spec: the method name followed by every key the method accepts, in {@link Method#keys()}
   * order, so that {@code parse(toSpec())} equals this configuration.
   */
  public String toSpec() {
    StringBuilder b = new StringBuilder(method.specName()).append(':');
    for (String key : method.keys()) {
      String value = switch (key) {
        case "lambda" -> format(lambda);
        case "ema" -> format(ema);
        case "init" -> init.specName();
        case "seed" -> Long.toString(seed);
        case "rescale" -> Boolean.toString(rescale);
        case "ratio-only" -> Boolean.toString(ratioOnly);
        case "eps" -> format(eps);
        case "nonfinite" -> nonFinite.specName();
        default -> throw new AssertionError(key);
      };
      b.append(key).append('=').append(value).append(',');
    }
    b.setLength(b.length() - 1);
    return b.toString();
  }

  /** Shortest text that parses back to exactly {@code v}. */
  static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  private static double number(String key, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " (" + value + ") must be a number", e);
    }
  }

  private static long integer(String key, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " (" + value + ") must be an integer", e);
    }
  }

  private static boolean bool(String key, String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(key + " (" + value + ") must be true or false");
    };
  }
}
