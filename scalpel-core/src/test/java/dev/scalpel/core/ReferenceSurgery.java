package dev.scalpel.core;

/**
 * An independent reference of the four methods, written from docs/reference bloop.md and nothing else: every
 * tensor is flattened into one double vector (inner products are global), every quantity is a double, loops are
 * plain. It shares no code with the implementation; tests feed it the same float inputs and compare.
 */
final class ReferenceSurgery {
  final String method;
  final double lambda;
  final double rho;
  final boolean rescale;
  final boolean ratioOnly;
  final double eps;
  /** EMA of g_main (bloop, dynamic-barrier, pcgrad), flattened. */
  double[] e;
  /** pcgrad's EMA of g_aux, flattened. */
  double[] ea;
  /** The ratio(s) of the latest step, after clipping: r (bloop/barrier) or r1, r2 (pcgrad). */
  double r = Double.NaN;
  double r1 = Double.NaN;
  double r2 = Double.NaN;
  /** Whether the latest dynamic-barrier step clipped r at 1/λ; whether the latest pcgrad step projected. */
  boolean clipped;
  boolean projectedAux;
  boolean projectedMain;
  /** Per element of the latest direction: the sum of the absolute values of its terms (its condition). */
  double[] magnitude;
  /** Σ|e_i g_a_i| / (|e|²+eps) of the latest step (pcgrad: the larger of its two): the scale of r's rounding. */
  double ratioScale;

  ReferenceSurgery(String method, double lambda, double rho, boolean rescale, boolean ratioOnly, double eps) {
    this.method = method;
    this.lambda = lambda;
    this.rho = rho;
    this.rescale = rescale;
    this.ratioOnly = ratioOnly;
    this.eps = eps;
  }

  /** The reference for a parsed configuration (only its plain fields are read). */
  static ReferenceSurgery of(SurgeryConfig c) {
    return new ReferenceSurgery(c.method().specName(), c.lambda(), c.ema(), c.rescale(), c.ratioOnly(), c.eps());
  }

  /** Starts the EMA(s) from given values (as the implementation's init produced, or a gradient). */
  ReferenceSurgery start(float[][] mainEma, float[][] auxEma) {
    e = mainEma == null ? null : flatten(mainEma);
    ea = auxEma == null ? null : flatten(auxEma);
    return this;
  }

  double scale() {
    return rescale ? 1.0 / (1.0 + lambda) : 1.0;
  }

  /** One step; returns the direction, flattened. */
  double[] step(float[][] gMainT, float[][] gAuxT) {
    double[] gm = flatten(gMainT);
    double[] ga = flatten(gAuxT);
    int n = gm.length;
    double s = scale();
    double[] d = new double[n];
    magnitude = new double[n];
    switch (method) {
      case "mixed" -> {
        for (int i = 0; i < n; i++) {
          d[i] = s * (gm[i] + lambda * ga[i]);
          magnitude[i] = s * (Math.abs(gm[i]) + lambda * Math.abs(ga[i]));
        }
      }
      case "bloop", "dynamic-barrier" -> {
        // 1. EMA first: e <- e + rho (g_m - e)
        for (int i = 0; i < n; i++) {
          e[i] = e[i] + rho * (gm[i] - e[i]);
        }
        // 2. r = <e, g_a> / (<e, e> + eps)
        double eaDot = 0;
        double ee = 0;
        for (int i = 0; i < n; i++) {
          eaDot += e[i] * ga[i];
          ee += e[i] * e[i];
        }
        r = eaDot / (ee + eps);
        double abs = 0;
        for (int i = 0; i < n; i++) {
          abs += Math.abs(e[i] * ga[i]);
        }
        ratioScale = abs / (ee + eps);
        clipped = false;
        if (method.equals("dynamic-barrier") && r > 1.0 / lambda) {
          r = 1.0 / lambda;
          clipped = true;
        }
        // 3. the direction
        for (int i = 0; i < n; i++) {
          if (ratioOnly) {
            d[i] = s * ((1 - lambda * r) * gm[i] + lambda * ga[i]);
            magnitude[i] = s * (Math.abs(gm[i]) * (1 + Math.abs(lambda * r)) + lambda * Math.abs(ga[i]));
          } else {
            d[i] = s * (gm[i] + lambda * (ga[i] - r * e[i]));
            magnitude[i] = s * (Math.abs(gm[i]) + lambda * Math.abs(ga[i]) + lambda * Math.abs(r * e[i]));
          }
        }
      }
      case "pcgrad" -> {
        for (int i = 0; i < n; i++) {
          e[i] = e[i] + rho * (gm[i] - e[i]);
          ea[i] = ea[i] + rho * (ga[i] - ea[i]);
        }
        double emGa = 0;
        double emEm = 0;
        double eaGm = 0;
        double eaEa = 0;
        for (int i = 0; i < n; i++) {
          emGa += e[i] * ga[i];
          emEm += e[i] * e[i];
          eaGm += ea[i] * gm[i];
          eaEa += ea[i] * ea[i];
        }
        double abs1 = 0;
        double abs2 = 0;
        for (int i = 0; i < n; i++) {
          abs1 += Math.abs(e[i] * ga[i]);
          abs2 += Math.abs(ea[i] * gm[i]);
        }
        ratioScale = Math.max(abs1 / (emEm + eps), abs2 / (eaEa + eps));
        r1 = Math.min(emGa / (emEm + eps), 0);
        r2 = Math.min(eaGm / (eaEa + eps), 0);
        projectedAux = r1 < 0;
        projectedMain = r2 < 0;
        for (int i = 0; i < n; i++) {
          d[i] = s * ((gm[i] - r2 * ea[i]) + lambda * (ga[i] - r1 * e[i]));
          magnitude[i] = s * (Math.abs(gm[i]) + Math.abs(r2 * ea[i]) + lambda * Math.abs(ga[i])
              + lambda * Math.abs(r1 * e[i]));
        }
      }
      default -> throw new IllegalArgumentException(method);
    }
    return d;
  }

  static double[] flatten(float[][] x) {
    int n = 0;
    for (float[] t : x) {
      n += t.length;
    }
    double[] y = new double[n];
    int k = 0;
    for (float[] t : x) {
      for (float v : t) {
        y[k++] = v;
      }
    }
    return y;
  }
}
