package dev.scalpel.core;

/**
 * What one step did, in terms of its small problem: the full Gramian of the step's vectors — the k gradients
 * (indices 0..k−1) and the EMA streams (index k + s is the EMA of gradient {@code streamSources()[s]}, as updated by
 * this step) — and the coefficient of each vector in the direction, d = Σ_v c_v v. Every quantity below follows
 * from them exactly (in double, from the same inner products the method used): no extra pass over the parameters.
 * Recorded when the surgery was made with {@link GradientSurgery#withDiagnostics(boolean)} (then every pair of
 * vectors is computed each step: more work in the Gramian pass, the same direction bit for bit).
 *
 * <p>Non-finite values: a cosine involving a zero vector is NaN (undefined), never an exception. Precision: |d| and
 * the cosines involving d come from quadratic forms in the Gramian, exact to about 1e-8·max|v|; smaller |d| (near a
 * stationary point) is rounding noise, and cosines are clamped into [−1, 1].
 *
 * @param losses        number of losses k
 * @param streamSources the gradient each EMA stream averages
 * @param gramian       (k+E)×(k+E) inner products, symmetric (a copy)
 * @param coefficients  c_v for each of the k+E vectors (a copy)
 */
public record Diagnostics(int losses, int[] streamSources, double[][] gramian, double[] coefficients) {

  public Diagnostics {
    streamSources = streamSources.clone();
    double[][] g = new double[gramian.length][];
    for (int i = 0; i < g.length; i++) {
      g[i] = gramian[i].clone();
    }
    gramian = g;
    coefficients = coefficients.clone();
  }

  static Diagnostics of(Plan plan, double[][] gram, double[] coef) {
    return new Diagnostics(plan.k, plan.streams, gram, coef);
  }

  /** cos(v_a, v_b) over the step's vectors (gradients 0..k−1, streams k..). */
  public double cosine(int a, int b) {
    return clamp(gramian[a][b] / Math.sqrt(gramian[a][a] * gramian[b][b]));
  }

  /*
   * Cosines of d come from quadratic forms cᵀGc that cancel when |d| ≪ max|v| (near a stationary point): below about
   * 1e-8·max|v| they are rounding noise and may fall outside [−1, 1]; they are clamped into it (NaN stays NaN).
   */
  private static double clamp(double c) {
    return c > 1 ? 1 : c < -1 ? -1 : c;
  }

  /** |v_a|. */
  public double norm(int a) {
    return Math.sqrt(Math.max(gramian[a][a], 0));
  }

  /** cos(g_i, g_j) between two losses' gradients. */
  public double gradientCosine(int i, int j) {
    return cosine(i, j);
  }

  /** The vector index of the EMA of gradient i, or i itself when no stream averages it (ema = 1). */
  public int emaOf(int i) {
    for (int s = 0; s < streamSources.length; s++) {
      if (streamSources[s] == i) {
        return losses + s;
      }
    }
    return i;
  }

  /** cos(EMA of g_i, g_i): how stale the EMA is (1 when it is the gradient itself). */
  public double emaCosine(int i) {
    return cosine(emaOf(i), i);
  }

  /** |d| = √(cᵀGc). */
  public double directionNorm() {
    return Math.sqrt(Math.max(quadratic(coefficients), 0));
  }

  /** ⟨d, g_i⟩ / (|d| |g_i|): whether the direction descends loss i (positive) or not. */
  public double directionCosine(int i) {
    double dot = 0;
    for (int v = 0; v < coefficients.length; v++) {
      dot += coefficients[v] * gramian[v][i];
    }
    return clamp(dot / (directionNorm() * norm(i)));
  }

  /**
   * The orthogonality error of what d adds to the main gradient: cos(d − g_0, m_0) = ⟨d − g_0, m_0⟩ /
   * (|d − g_0| |m_0|), m_0 the EMA of the main gradient (g_0 itself without EMA). Bloop makes it 0 (up to its eps
   * and rounding; when |m_0|² is far below eps the projection fades and so does this guarantee): its auxiliary
   * terms λ(g_i − r_i m_0) are projected off m_0, whatever the EMA rate. Mixed shows cos(g_1, g_0); an aggregator
   * shows how much of its departure from g_0 runs along the main direction. NaN when d = g_0.
   */
  public double orthogonalityError() {
    double[] aux = coefficients.clone();
    aux[0] -= 1;
    int m0 = emaOf(0);
    double dot = 0;
    for (int v = 0; v < aux.length; v++) {
      dot += aux[v] * gramian[v][m0];
    }
    return clamp(dot / (Math.sqrt(Math.max(quadratic(aux), 0)) * norm(m0)));
  }

  private double quadratic(double[] c) {
    double q = 0;
    for (int a = 0; a < c.length; a++) {
      if (c[a] == 0) {
        continue;
      }
      for (int b = 0; b < c.length; b++) {
        q += c[a] * c[b] * gramian[a][b];
      }
    }
    return q;
  }
}
