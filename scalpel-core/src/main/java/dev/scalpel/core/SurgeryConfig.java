package dev.scalpel.core;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The full, validated configuration of a gradient-surgery method: the method and a value for every key it
 * accepts. Immutable; compares by value (two configurations are equal when their canonical specs are).
 *
 * <p>Spec grammar: {@code name[:key=value[,key=value...]]}; a vector value separates its numbers with {@code /}
 * ({@code lambda=0.1/0.01}). Names: {@link Method#specNames()}. The keys each method accepts, their defaults
 * and ranges: {@link Method} and {@code docs/methods.md}. Defaults of the two-loss keys follow the reference
 * library: λ 0.1, ρ ({@code ema}) 0.1, init grad, seed 0, rescale false, eps 1e-7, nonfinite throw.
 *
 * <p>Keys that change nothing are set to their defaults, so that configurations that behave alike are equal
 * and {@code parse(toSpec())} gives back an equal one: {@code init} and {@code seed} with {@code ema=1} (the EMA
 * is then the gradient itself), {@code seed} of bloop and the barrier unless {@code init=random}; −0 is 0.
 *
 * <p>Errors ({@link IllegalArgumentException}) name the key, the value and what is allowed, e.g.
 * {@code "lambda (-0.1) must be a finite number in [0, inf) for bloop: ..."}.
 */
public final class SurgeryConfig {
  public static final double DEFAULT_LAMBDA = 0.1;
  public static final double DEFAULT_EMA = 0.1;
  public static final double DEFAULT_EPS = 1e-7;

  private final Method method;
  private final Map<String, Object> values;
  private final String spec;

  private SurgeryConfig(Method method, Map<String, Object> given) {
    if (method == null) {
      throw new IllegalArgumentException("method must not be null");
    }
    Map<String, Object> v = new LinkedHashMap<>();
    for (KeySpec s : method.specs()) {
      Object x = given.containsKey(s.name()) ? given.get(s.name()) : s.defaultValue();
      if (x == null) {
        throw new IllegalArgumentException(method.specName() + " needs " + s.name() + " (" + s.help() + ")");
      }
      v.put(s.name(), x);
    }
    normalise(method, v);
    if (Boolean.TRUE.equals(v.get("ratio-only")) && ((double[]) v.get("lambda")).length > 1) {
      throw new IllegalArgumentException("ratio-only is defined for exactly 2 losses; lambda ("
          + method.spec("lambda").format(v.get("lambda")) + ") has one value per auxiliary loss of "
          + (((double[]) v.get("lambda")).length + 1));
    }
    this.method = method;
    this.values = Collections.unmodifiableMap(v);
    StringBuilder b = new StringBuilder(method.specName()).append(':');
    for (KeySpec s : method.specs()) {
      b.append(s.name()).append('=').append(s.format(v.get(s.name()))).append(',');
    }
    b.setLength(b.length() - 1);
    this.spec = b.toString();
  }

  /* Keys that cannot change the result go back to their defaults (see the class comment). */
  private static void normalise(Method m, Map<String, Object> v) {
    if (m.family() != Method.Family.PRIORITY || m == Method.MIXED) {
      return;
    }
    boolean noAveraging = (Double) v.get("ema") == 1.0;
    if (noAveraging) {
      v.put("init", "grad");
    }
    boolean seedUsed = m == Method.PCGRAD || "random".equals(v.get("init"));
    if (!seedUsed || (noAveraging && m != Method.PCGRAD)) {
      v.put("seed", 0L);
    }
  }

  /** The method's defaults; fails for a method with a required key (constant: weights). */
  public static SurgeryConfig defaults(Method method) {
    return new SurgeryConfig(method, Map.of());
  }

  /**
   * The two-loss configuration of a priority method (mixed, bloop, dynamic-barrier, pcgrad) from its plain
   * fields, as the two-loss release built it. Keys a method does not have are ignored.
   */
  public static SurgeryConfig of(Method method, double lambda, double ema, InitMode init, long seed,
      boolean rescale, boolean ratioOnly, double eps, NonFinitePolicy nonFinite) {
    if (init == null) {
      throw new IllegalArgumentException("init must not be null");
    }
    if (nonFinite == null) {
      throw new IllegalArgumentException("nonfinite must not be null");
    }
    SurgeryConfig c = defaults(method);
    Map<String, String> set = new LinkedHashMap<>();
    set.put("lambda", SurgeryConfig.format(lambda));
    set.put("ema", SurgeryConfig.format(ema));
    set.put("init", init.specName());
    set.put("seed", Long.toString(seed));
    set.put("rescale", Boolean.toString(rescale));
    set.put("ratio-only", Boolean.toString(ratioOnly));
    set.put("eps", SurgeryConfig.format(eps));
    set.put("nonfinite", nonFinite.specName());
    for (Map.Entry<String, String> e : set.entrySet()) {
      if (method.keys().contains(e.getKey())) {
        c = c.with(e.getKey(), e.getValue());
      }
    }
    return c;
  }

  /** Parses a spec such as {@code bloop:lambda=0.5,ema=0.01}. Errors name the key, the value and what is allowed. */
  public static SurgeryConfig parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("empty method spec; expected name[:key=value,...] with name one of: "
          + String.join(", ", Method.specNames()));
    }
    String s = spec.trim();
    int colon = s.indexOf(':');
    Method method = Method.fromSpecName(colon < 0 ? s : s.substring(0, colon));
    Map<String, Object> values = new LinkedHashMap<>();
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
        KeySpec ks = method.spec(key);
        if (ks == null) {
          throw new IllegalArgumentException("unknown key '" + key + "' for method " + method.specName()
              + " in spec '" + spec + "'; allowed keys: " + String.join(", ", method.keys()));
        }
        if (values.put(key, ks.parse(part.substring(eq + 1), method.specName())) != null) {
          throw new IllegalArgumentException("key '" + key + "' given twice in spec '" + spec + "'");
        }
      }
    }
    return new SurgeryConfig(method, values);
  }

  /** The same configuration with one key set from its spec text; errors as {@link #parse}. */
  public SurgeryConfig with(String key, String value) {
    String k = key.trim().toLowerCase(Locale.ROOT);
    KeySpec ks = method.spec(k);
    if (ks == null) {
      throw new IllegalArgumentException("unknown key '" + key + "' for method " + method.specName()
          + "; allowed keys: " + String.join(", ", method.keys()));
    }
    Map<String, Object> v = new LinkedHashMap<>(values);
    v.put(k, ks.parse(value, method.specName()));
    return new SurgeryConfig(method, v);
  }

  /** The same configuration with one λ for every auxiliary loss; fails for methods without λ. */
  public SurgeryConfig withLambda(double newLambda) {
    requireKey("lambda");
    return with("lambda", Double.toString(newLambda));
  }

  public Method method() {
    return method;
  }

  /** The canonical text of one key's value, e.g. {@code "0.1/0.01"}; fails for a key the method does not have. */
  public String get(String key) {
    requireKey(key);
    return method.spec(key).format(values.get(key));
  }

  /** Whether the method has this key. */
  public boolean has(String key) {
    return values.containsKey(key);
  }

  /**
   * λ of the first auxiliary loss (the only one for two losses); NaN for a method without λ. See
   * {@link #lambdas()} for a vector.
   */
  public double lambda() {
    return has("lambda") ? ((double[]) values.get("lambda"))[0] : Double.NaN;
  }

  /** λ as given: one value for every auxiliary loss, or one per auxiliary loss (a copy). */
  public double[] lambdas() {
    requireKey("lambda");
    return ((double[]) values.get("lambda")).clone();
  }

  /** λ of auxiliary loss j (1-based: loss j of k, j ≥ 1). */
  double lambda(int j) {
    double[] l = (double[]) values.get("lambda");
    return l.length == 1 ? l[0] : l[j - 1];
  }

  /** ρ, the weight of the new gradient in the EMAs; 1 for methods without EMA. */
  public double ema() {
    return has("ema") ? (Double) values.get("ema") : 1.0;
  }

  public InitMode init() {
    return has("init") ? InitMode.fromSpecName((String) values.get("init")) : InitMode.GRAD;
  }

  public long seed() {
    return has("seed") ? (Long) values.get("seed") : 0L;
  }

  /** The priority methods' rescale by 1/(1+Σλ); false for the others. */
  public boolean rescale() {
    return values.get("rescale") instanceof Boolean b && b;
  }

  public boolean ratioOnly() {
    return has("ratio-only") && (Boolean) values.get("ratio-only");
  }

  /** eps of bloop, the barrier, pcgrad (1e-7) and gradvac (1e-8); NaN for the others. */
  public double eps() {
    return has("eps") ? (Double) values.get("eps") : Double.NaN;
  }

  public NonFinitePolicy nonFinite() {
    return NonFinitePolicy.fromSpecName((String) values.get("nonfinite"));
  }

  double number(String key) {
    return (Double) values.get(key);
  }

  long integer(String key) {
    return (Long) values.get(key);
  }

  String choice(String key) {
    return (String) values.get(key);
  }

  /** A vector key's numbers (a copy), or null for pref=mean. */
  double[] vector(String key) {
    double[] v = (double[]) values.get(key);
    return v == KeySpec.PREF_MEAN ? null : v.clone();
  }

  /**
   * The number of losses this configuration fixes (λ or weights with one value per loss), or 0 when any number
   * the method accepts will do.
   */
  public int fixedLosses() {
    for (String key : new String[] {"lambda", "weights", "pref", "leak"}) {
      if (has(key)) {
        double[] v = (double[]) values.get(key);
        if (key.equals("lambda") && v.length > 1) {
          return v.length + 1;
        }
        if (!key.equals("lambda") && v != KeySpec.PREF_MEAN && v.length > 1) {
          return v.length;
        }
      }
    }
    if (ratioOnly()) {
      return 2;
    }
    return 0;
  }

  /** Throws a clear error when this configuration cannot take {@code k} losses. */
  public void checkLosses(int k) {
    if (k < method.minLosses()) {
      throw new IllegalArgumentException(method.specName() + " needs at least " + method.minLosses()
          + (method.minLosses() == 1 ? " loss" : " losses (the main loss first)") + ", got " + k);
    }
    int fixed = fixedLosses();
    if (fixed != 0 && fixed != k) {
      String why = ratioOnly() ? "ratio-only is defined for exactly 2 losses"
          : "its " + vectorKey() + " has one value per " + (vectorKey().equals("lambda") ? "auxiliary loss" : "loss")
              + " (" + get(vectorKey()) + ")";
      throw new IllegalArgumentException(spec + " takes " + fixed + " losses (" + why + "), got " + k);
    }
  }

  private String vectorKey() {
    for (String key : new String[] {"lambda", "weights", "pref", "leak"}) {
      if (has(key)) {
        double[] v = (double[]) values.get(key);
        if (v != KeySpec.PREF_MEAN && v.length > 1) {
          return key;
        }
      }
    }
    return "lambda";
  }

  /**
   * The priority methods' scale for k losses: 1/(1+Σ_j λ_j) with rescale (for every method; the reference's
   * bloop slip 1.0/1.0+λ is not copied), else 1.
   */
  public double scale(int k) {
    if (!rescale()) {
      return 1.0;
    }
    double sum = 0;
    for (int j = 1; j < k; j++) {
      sum += lambda(j);
    }
    return 1.0 / (1.0 + sum);
  }

  /** The two-loss scale 1/(1+λ) with rescale, else 1. */
  public double scale() {
    return scale(2);
  }

  private void requireKey(String key) {
    if (!has(key)) {
      throw new IllegalArgumentException(method.specName() + " has no key '" + key + "'; its keys: "
          + String.join(", ", method.keys()));
    }
  }

  /**
   * The canonical spec: the method name followed by every key the method accepts, in {@link Method#keys()}
   * order, so that {@code parse(toSpec())} equals this configuration.
   */
  public String toSpec() {
    return spec;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SurgeryConfig other && other.spec.equals(spec);
  }

  @Override
  public int hashCode() {
    return spec.hashCode();
  }

  @Override
  public String toString() {
    return spec;
  }

  /** Shortest text that parses back to exactly {@code v}. */
  static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  static String formatVector(double[] v) {
    return String.join("/", Arrays.stream(v).mapToObj(SurgeryConfig::format).toList());
  }
}
