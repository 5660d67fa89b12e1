package dev.scalpel.core;

import java.util.List;
import java.util.Locale;

/**
 * The gradient-surgery methods Scalpel implements, with the spec keys each accepts.
 *
 * <p>Semantics (all inner products global over every tensor, {@code s = 1/(1+λ)} with rescale, else 1):
 * <ul>
 *   <li>{@link #MIXED}: {@code d = s (g_m + λ g_a)}; no state.</li>
 *   <li>{@link #BLOOP}: {@code e ← (1-ρ) e + ρ g_m}, {@code r = <e,g_a>/(<e,e>+eps)},
 *       {@code d = s (g_m + λ (g_a − r e))}; with ratio-only {@code d = s ((1 − λ r) g_m + λ g_a)}.</li>
 *   <li>{@link #DYNAMIC_BARRIER}: bloop with {@code r ← min(r, 1/λ)}.</li>
 *   <li>{@link #PCGRAD}: EMAs of both gradients, {@code r1 = min(<e_m,g_a>/(|e_m|²+eps), 0)},
 *       {@code r2 = min(<e_a,g_m>/(|e_a|²+eps), 0)}, {@code d = s ((g_m − r2 e_a) + λ (g_a − r1 e_m))}.</li>
 * </ul>
 */
public enum Method {
  MIXED("mixed", 0, List.of("lambda", "rescale", "nonfinite")),
  BLOOP("bloop", 1, List.of("lambda", "ema", "init", "seed", "rescale", "ratio-only", "eps", "nonfinite")),
  DYNAMIC_BARRIER("dynamic-barrier", 1, List.of("lambda", "ema", "init", "seed", "rescale", "eps", "nonfinite")),
  PCGRAD("pcgrad", 2, List.of("lambda", "ema", "init", "seed", "rescale", "eps", "nonfinite"));

  private final String specName;
  private final int emaCount;
  private final List<String> keys;

  Method(String specName, int emaCount, List<String> keys) {
    this.specName = specName;
    this.emaCount = emaCount;
    this.keys = keys;
  }

  /** The name used in specs, e.g. {@code dynamic-barrier}. */
  public String specName() {
    return specName;
  }

  /** Number of EMA vectors the state keeps: 0 (mixed), 1 (bloop, dynamic barrier) or 2 (pcgrad). */
  public int emaCount() {
    return emaCount;
  }

  /** The spec keys this method accepts, in canonical order. */
  public List<String> keys() {
    return keys;
  }

  /** Looks a method up by its spec name; the error lists the allowed names. */
  public static Method fromSpecName(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (Method m : values()) {
      if (m.specName.equals(n)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown method '" + name + "'; expected one of: mixed, bloop, dynamic-barrier, pcgrad");
  }

  @Override
  public String toString() {
    return specName;
  }
}
