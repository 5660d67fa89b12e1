package dev.scalpel.core;

import static dev.scalpel.core.KeySpec.bool;
import static dev.scalpel.core.KeySpec.choice;
import static dev.scalpel.core.KeySpec.integer;
import static dev.scalpel.core.KeySpec.number;
import static dev.scalpel.core.KeySpec.numbers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The methods Scalpel implements and the spec keys each accepts. Losses are given in priority order (index 0 is
 * the main loss); the first four methods treat the main loss as the one to protect, the others (multi-task
 * aggregators) treat every loss alike. Exact formulas, sources and conventions: {@code docs/methods.md} and each
 * method's constant below.
 */
public enum Method {
  /** {@code d = s (g_0 + Σ λ_j g_j)}, s = 1/(1+Σλ) with rescale. No state. */
  MIXED("mixed", Family.PRIORITY, 2, lambda(), bool("rescale", false, ""), nonfinite()),
  /**
   * Bloop (Hsieh et al., ICML 2024, §2.3): {@code d = s (g_0 + Σ_j λ_j π(g_j; span(m_0..m_{j−1})^⊥))}, m_i the EMA
   * of g_i updated first; Gram–Schmidt with ratios dot/(sq_norm + eps). For k = 2:
   * {@code e ← (1−ρ)e + ρ g_0, r = <e,g_1>/(|e|²+eps), d = s (g_0 + λ (g_1 − r e))}.
   */
  BLOOP("bloop", Family.PRIORITY, 2, lambda(), ema(), init(), seed(), bool("rescale", false, ""),
      bool("ratio-only", false, "k = 2 only: d = s((1 − λr) g_0 + λ g_1)"), eps(1e-7), nonfinite()),
  /**
   * Dynamic barrier (Gong &amp; Liu, NeurIPS 2021): bloop's projection of the auxiliary sum a = Σλ_j g_j on the
   * main EMA e, clipped so that it never removes more than the main gradient: r = min(⟨e,a⟩/(|e|²+eps), 1),
   * {@code d = s (g_0 + a − r e)}; for k = 2 that is r ← min(r, 1/λ).
   */
  DYNAMIC_BARRIER("dynamic-barrier", Family.PRIORITY, 2, lambda(), ema(), init(), seed(),
      bool("rescale", false, ""), eps(1e-7), nonfinite()),
  /**
   * PCGrad (Yu et al., NeurIPS 2020) with EMA targets: for each i, g_i is projected, when they conflict, off each
   * target e_j (the EMA of g_j; g_j itself with ema=1), j ≠ i in a seeded random order;
   * {@code d = s Σ_i λ_i g_i^PC} (λ_0 = 1, a sum as the official code, LibMTL and TorchJD).
   */
  PCGRAD("pcgrad", Family.PRIORITY, 2, lambda(), ema(), init(), seed(), bool("rescale", false, ""), eps(1e-7),
      nonfinite()),
  /** {@code d = (1/k) Σ g_i}. */
  MEAN("mean", Family.AGGREGATOR, 1, nonfinite()),
  /** {@code d = Σ g_i}. */
  SUM("sum", Family.AGGREGATOR, 1, nonfinite()),
  /** {@code d = Σ w_i g_i} with fixed {@code weights=w_0/w_1/...} (one per loss; required). */
  CONSTANT("constant", Family.AGGREGATOR, 1,
      numbers("weights", null, -Double.MAX_VALUE, Double.MAX_VALUE, "one weight per loss, e.g. 1/0.5/0.2"),
      nonfinite()),
  /** Random loss weighting (Lin et al., TMLR 2022): w = softmax(z), z ~ N(0, I) drawn afresh each step, seeded. */
  RANDOM("random", Family.AGGREGATOR, 1, seed(), nonfinite()),
  /**
   * MGDA (Désidéri 2012; Sener &amp; Koltun, NeurIPS 2018): w = argmin over the simplex of wᵀGw, solved exactly.
   * normalization: none; l2 (LibMTL: solved and applied on unit gradients); l2-weights (the original code:
   * weights from unit gradients applied to the gradients).
   */
  MGDA("mgda", Family.AGGREGATOR, 1, choice("normalization", "gradient normalisation", "none", "l2", "l2-weights"),
      nonfinite()),
  /**
   * UPGrad (Quinton &amp; Rey 2024, TorchJD): v_i = argmin_{v ≥ p_i e_i} vᵀGv, w = Σ v_i; pref p (default 1/k),
   * reg adds reg·I to G/trace(G) (TorchJD uses 1e-4; 0 solves exactly).
   */
  UPGRAD("upgrad", Family.AGGREGATOR, 1, pref(), number("reg", 0, 0, 1, false, "TorchJD uses 1e-4"), nonfinite()),
  /** DualProj (TorchJD): w = argmin_{v ≥ p} vᵀGv; keys as upgrad. */
  DUALPROJ("dualproj", Family.AGGREGATOR, 1, pref(), number("reg", 0, 0, 1, false, "TorchJD uses 1e-4"),
      nonfinite()),
  /**
   * CAGrad (Liu et al., NeurIPS 2021): g0 = mean, φ = c|g0|, w = argmin over the simplex of wᵀG1/k + φ√(wᵀGw),
   * d = g0 + (φ/|g_w|) g_w; rescale 0: none (TorchJD), 1: /(1+c²) (official, LibMTL), 2: /(1+c) (official toy).
   */
  CAGRAD("cagrad", Family.AGGREGATOR, 1, number("c", 0.5, 0, 1e6, false, "non-conflicting for c >= 1"),
      choice("rescale", "0 none, 1 divide by 1+c^2, 2 divide by 1+c", "0", "1", "2"), nonfinite()),
  /**
   * Nash-MTL (Navon et al., ICML 2022): α &gt; 0 with Gα = 1/α, solved exactly by damped Newton; d = Jᵀα scaled
   * down to |d| ≤ max-norm (0: no limit). normalization frobenius solves on G/|G|_F as the official code.
   */
  NASH_MTL("nash-mtl", Family.AGGREGATOR, 1, number("max-norm", 1, 0, Double.MAX_VALUE, false, "0: no limit"),
      choice("normalization", "Gramian normalisation", "none", "frobenius"), nonfinite()),
  /** IMTL-G (Liu et al., ICLR 2021): w ∝ G⁺√diag(G), normalised to sum 1 (TorchJD's formulation). */
  IMTL_G("imtl-g", Family.AGGREGATOR, 1, nonfinite()),
  /**
   * Aligned-MTL (Senushkin et al., CVPR 2023): G = VΛVᵀ, B = √σ V Λ^{−1/2} Vᵀ over the eigenvalues above
   * λ_max·k·ε, w = B p; scale σ: min (default), median or rmse (mean); pref p = 1/k (TorchJD) or 1 (LibMTL).
   */
  ALIGNED_MTL("aligned-mtl", Family.AGGREGATOR, 1, pref(), choice("scale", "σ", "min", "median", "rmse"),
      nonfinite()),
  /**
   * GradVac (Wang et al., ICLR 2021): PCGrad towards per-pair EMA targets φ̂_ij of the cosine (β, eps as
   * LibMTL/TorchJD), seeded random order, d = Σ_i g_i^GV.
   */
  GRADVAC("gradvac", Family.AGGREGATOR, 1, number("beta", 0.5, 0, 1, false, "weight of the new cosine"),
      number("eps", 1e-8, 0, 1e300, false, ""), seed(), nonfinite()),
  /**
   * GradDrop (Chen et al., NeurIPS 2020): per coordinate P = ½(1 + Σg_i/Σ|g_i|), U ~ U(0,1); keep the positive
   * parts where P &gt; U, the negative parts where P &lt; U; d = Σ (leak + (1−leak) M_i) g_i. Seeded.
   */
  GRADDROP("graddrop", Family.AGGREGATOR, 1, numbers("leak", new double[] {0}, 0, 1, "one value or one per loss"),
      seed(), nonfinite());

  /** How a method treats its losses. */
  public enum Family {
    /** The main loss first; auxiliary losses weighted by λ (mixed, bloop, dynamic-barrier, pcgrad). */
    PRIORITY,
    /** Every loss alike (the multi-task aggregators). */
    AGGREGATOR
  }

  private final String specName;
  private final Family family;
  private final int minLosses;
  private final List<KeySpec> specs;
  private final List<String> keys;

  Method(String specName, Family family, int minLosses, KeySpec... specs) {
    this.specName = specName;
    this.family = family;
    this.minLosses = minLosses;
    this.specs = List.of(specs);
    List<String> names = new ArrayList<>();
    for (KeySpec s : specs) {
      names.add(s.name());
    }
    this.keys = Collections.unmodifiableList(names);
  }

  private static KeySpec lambda() {
    return numbers("lambda", new double[] {0.1}, 0, Double.MAX_VALUE,
        "one value for every auxiliary loss, or one per auxiliary loss in priority order, e.g. 0.1/0.01");
  }

  private static KeySpec ema() {
    return number("ema", 0.1, 0, 1, true, "the weight of the new gradient; 1 = no averaging");
  }

  private static KeySpec init() {
    return choice("init", "how the EMAs start", "grad", "zeros", "random");
  }

  private static KeySpec seed() {
    return integer("seed", 0, "");
  }

  private static KeySpec eps(double def) {
    return number("eps", def, 0, 1e300, false, "added to squared norms before dividing");
  }

  private static KeySpec pref() {
    return numbers("pref", KeySpec.PREF_MEAN, 0, Double.MAX_VALUE, "mean (1/k each), one value, or one per loss");
  }

  private static KeySpec nonfinite() {
    return choice("nonfinite", "what to do with NaN/Inf gradients", "throw", "skip");
  }

  /** The name used in specs, e.g. {@code dynamic-barrier}. */
  public String specName() {
    return specName;
  }

  /** Whether the method protects a main loss (mixed, bloop, dynamic-barrier, pcgrad) or treats losses alike. */
  public Family family() {
    return family;
  }

  /** The fewest losses the method takes. */
  public int minLosses() {
    return minLosses;
  }

  /** Whether the method has the λ key (the weight(s) of the auxiliary losses). */
  public boolean hasLambda() {
    return keys.contains("lambda");
  }

  /**
   * Number of EMA vectors a two-loss state of this method keeps: 0 (mixed and the aggregators), 1 (bloop,
   * dynamic barrier) or 2 (pcgrad).
   */
  public int emaCount() {
    return switch (this) {
      case BLOOP, DYNAMIC_BARRIER -> 1;
      case PCGRAD -> 2;
      default -> 0;
    };
  }

  /** The spec keys this method accepts, in canonical order. */
  public List<String> keys() {
    return keys;
  }

  /** The default value of one of this method's keys as spec text, or null for a required key (constant's weights). */
  public String defaultValue(String key) {
    KeySpec s = spec(key);
    if (s == null) {
      throw new IllegalArgumentException(specName + " has no key '" + key + "'; its keys: " + String.join(", ", keys));
    }
    return s.defaultValue() == null ? null : s.format(s.defaultValue());
  }

  List<KeySpec> specs() {
    return specs;
  }

  KeySpec spec(String key) {
    for (KeySpec s : specs) {
      if (s.name().equals(key)) {
        return s;
      }
    }
    return null;
  }

  /** Every spec name, in declaration order. */
  public static List<String> specNames() {
    List<String> names = new ArrayList<>();
    for (Method m : values()) {
      names.add(m.specName);
    }
    return names;
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
        "unknown method '" + name + "'; expected one of: " + String.join(", ", specNames()));
  }

  @Override
  public String toString() {
    return specName;
  }
}
