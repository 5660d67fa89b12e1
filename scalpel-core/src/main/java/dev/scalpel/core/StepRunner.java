package dev.scalpel.core;

import java.nio.FloatBuffer;
import java.util.Arrays;

/*
 * The P-sized passes of one step over a state's fixed chunk layout. Every pass is read-only except the last
 * one, so a non-finite input, an overflow or a solver failure is found while the state and every caller's array
 * are still untouched.
 *
 * Two-loss fast path (Plan.Mode.FUSED: mixed, bloop, dynamic-barrier, pcgrad with k = 2), as in the two-loss
 * release and bit-identical to it:
 *   FUSED_DOTS    per chunk, read g_0, g_1 and the EMA(s); the UPDATED EMA e' = (1-ρ)e + ρg is computed on the
 *                 fly, not stored, for |e'|², <e',g_1> (pcgrad also |e_1'|², <e_1',g_0>); plus max |x| of each
 *                 input (cache-hot) for the overflow bound.
 *   FUSED_COMBINE write e' into the state and out = c1 g_0 + c2 g_1 + c3 e' (+ c4 e_1'), fused.
 *   mixed: GRAM with no pairs (a read-only finiteness and max |x| check), then MIXED_COMBINE c1 g_0 + c2 g_1.
 * General path (any k, every method):
 *   GRAM          per chunk, per block of plan.block elements: widen each vector (the streams' updated
 *                 values computed on the fly, not stored) and add the requested pairs' products to their lanes;
 *                 max |x| of every vector.
 *   COMBINE       update the streams in place, out = Σ c_v v formed in double (fma, left to right) and rounded
 *                 once, through a block scratch.
 * When the result could overflow float (Σ|c_v|·max|v| beyond the float range) SAFE_CHECK first finds the
 * largest |d| (read-only; a genuine overflow stops here). On the fast path, where the two-loss release combined in
 * float, a combination that could overflow (or a coefficient beyond float) is formed in double instead:
 * SAFE_CHECK then SAFE_WRITE, where a projection on a tiny EMA uses its unit vector (e/|e|) and the matching
 * coefficient, and the terms are added with Neumaier's compensated summation. GradDrop: DROP_CHECK (only when its bound could overflow) and DROP_WRITE.
 *
 * Memory traffic (floats per parameter): bloop k=2 3 reads + (3 reads + 2 writes) = 8, pcgrad 11, mixed k=2
 * 2 + 3 = 5; general: (k + E) reads + (k + E reads, E + 1 writes), E = number of streams.
 *
 * Inputs are float[] tensors or FloatBuffers (heap or direct, e.g. DJL's toByteBuffer(true) views of native
 * tensors), staged block by block (chunk by chunk on the fast path) through per-worker scratch with bulk get/put:
 * same kernels, same roundings, same DRAM traffic.
 */
final class StepRunner implements WorkerPool.ChunkTask {
  static final int FUSED_DOTS = 0;
  static final int FUSED_COMBINE = 1;
  static final int MIXED_COMBINE = 2;
  static final int GRAM = 3;
  static final int COMBINE = 4;
  static final int SAFE_CHECK = 5;
  static final int SAFE_WRITE = 6;
  static final int DROP_CHECK = 7;
  static final int DROP_WRITE = 8;

  private final SurgeryState state;
  private final Layout layout;
  private final Plan plan;
  Kernel kernel = Kernel.DEFAULT;
  GramKernel gk = GramKernel.DEFAULT;
  int pass;
  float keep;
  float rho;
  /** Fast path: float coefficients per vector; safe path: double coefficients, unit coefficients and norms. */
  final float[] fc;
  final double[] dc;
  final double[] unit;
  final double[] norm;
  double[] leak;
  long seed;
  long step;
  float[][][] g;
  FloatBuffer[][] bg;
  float[][] out;
  FloatBuffer[] bout;
  private Worker[] workers = new Worker[0];

  /* Per-thread scratch. */
  private final class Worker {
    final float[] legacy = new float[3 * Layout.CHUNK];
    final float[][] fs = new float[plan.m][plan.block];
    final double[] d = new double[plan.m * plan.block];
    final double[] lanes = new double[plan.np * 8];
    final float[] max = new float[plan.m];
    final float[] ob = new float[plan.block];
    final float[][] view = new float[plan.m][];
    final int[] voff = new int[plan.m];
    final float[][] cv = new float[plan.m][];
    final int[] co = new int[plan.m];
    final double[] dcc = new double[plan.m];
    final double[] acc = new double[plan.block];
    final float[] vals = new float[plan.k];
  }

  StepRunner(SurgeryState state) {
    this.state = state;
    this.layout = state.layout;
    this.plan = state.plan;
    this.fc = new float[plan.m];
    this.dc = new double[plan.m];
    this.unit = new double[plan.m];
    this.norm = new double[plan.m];
  }

  void bind(float[][][] g, float[][] out, int threads) {
    this.g = g;
    this.bg = null;
    this.out = out;
    this.bout = null;
    ensureWorkers(threads);
  }

  void bind(FloatBuffer[][] g, FloatBuffer[] out, int threads) {
    this.g = null;
    this.bg = g;
    this.out = null;
    this.bout = out;
    ensureWorkers(threads);
  }

  private void ensureWorkers(int threads) {
    if (workers.length < threads) {
      Worker[] w = Arrays.copyOf(workers, threads);
      for (int i = workers.length; i < threads; i++) {
        w[i] = new Worker();
      }
      workers = w;
    }
  }

  void unbind() {
    g = null;
    bg = null;
    out = null;
    bout = null;
  }

  /** Runs a pass over every chunk, in parallel when the model is large enough. */
  void runPass(int p, WorkerPool pool) {
    this.pass = p;
    if (pool.threads() > 1 && layout.total >= Layout.PARALLEL_MIN) {
      pool.run(layout.chunks, this);
    } else {
      for (int c = 0; c < layout.chunks; c++) {
        run(0, c);
      }
    }
  }

  @Override
  public void run(int worker, int c) {
    Worker w = workers[worker];
    switch (pass) {
      case FUSED_DOTS, FUSED_COMBINE, MIXED_COMBINE -> fused(w, c);
      case GRAM -> gram(w, c);
      case COMBINE -> combine(w, c);
      case SAFE_CHECK, SAFE_WRITE -> safe(w, c, pass == SAFE_WRITE);
      case DROP_CHECK, DROP_WRITE -> drop(w, c, pass == DROP_WRITE);
      default -> throw new AssertionError(pass);
    }
  }

  // ---- the two-loss fast path (unchanged arithmetic of the two-loss release)

  private void fused(Worker w, int c) {
    int t = layout.chunkTensor[c];
    int off = layout.chunkOffset[c];
    int n = layout.chunkLength[c];
    float[] gm;
    float[] ga;
    int go;
    int ao;
    float[] s = null;
    if (bg != null) {
      s = w.legacy;
      FloatBuffer b0 = bg[0][t];
      FloatBuffer b1 = bg[1][t];
      b0.get(b0.position() + off, s, 0, n);
      b1.get(b1.position() + off, s, Layout.CHUNK, n);
      gm = s;
      ga = s;
      go = 0;
      ao = Layout.CHUNK;
    } else {
      gm = g[0][t];
      ga = g[1][t];
      go = off;
      ao = off;
    }
    float[][] streams = plan.streams.length > 0 ? state.streams[0] : null;
    int slots = plan.slots;
    double[] acc = state.partials;
    switch (pass) {
      case FUSED_DOTS -> {
        int base = slots * c;
        acc[base] = 0;
        acc[base + 1] = 0;
        kernel.emaDots(gm, go, ga, ao, streams[t], off, n, keep, rho, acc, base);
        float mg = gk.maxAbs(gm, go, n);
        float ma = gk.maxAbs(ga, ao, n);
        acc[base + plan.np] = mg;
        acc[base + plan.np + 1] = ma;
        acc[base + plan.np + 2] = emaBound(gk.maxAbs(streams[t], off, n), mg);
        if (plan.streams.length == 2) {
          acc[base + 2] = 0;
          acc[base + 3] = 0;
          kernel.emaDots(ga, ao, gm, go, state.streams[1][t], off, n, keep, rho, acc, base + 2);
          acc[base + plan.np + 3] = emaBound(gk.maxAbs(state.streams[1][t], off, n), ma);
        }
      }
      case FUSED_COMBINE -> {
        float[] o = s != null ? s : out[t];
        int oo = s != null ? 2 * Layout.CHUNK : off;
        if (plan.streams.length == 2) {
          kernel.updateCombine4InPlace(gm, go, ga, ao, streams[t], off, state.streams[1][t], off, o, oo, n, keep,
              rho, fc[0], fc[1], fc[2], fc[3]);
        } else {
          kernel.updateCombine3InPlace(gm, go, ga, ao, streams[t], off, o, oo, n, keep, rho, fc[0], fc[1], fc[2]);
        }
        if (s != null) {
          FloatBuffer bo = bout[t];
          bo.put(bo.position() + off, s, oo, n);
        }
      }
      case MIXED_COMBINE -> {
        if (s != null) {
          kernel.combine2(gm, go, ga, ao, s, 2 * Layout.CHUNK, n, fc[0], fc[1]);
          FloatBuffer bo = bout[t];
          bo.put(bo.position() + off, s, 2 * Layout.CHUNK, n);
        } else {
          kernel.combine2(gm, go, ga, ao, out[t], off, n, fc[0], fc[1]);
        }
      }
      default -> throw new AssertionError(pass);
    }
  }

  /** An upper bound of |keep·e + ρ·g| from max|e| and max|g| (two float roundings included). */
  private double emaBound(float maxE, float maxG) {
    return ((double) keep * maxE + (double) rho * maxG) * (1 + 0x1.0p-21);
  }

  // ---- the general path

  /** Points w.view[v] at gradient v's block (staging a buffer's block into scratch). */
  private void gradientView(Worker w, int v, int t, int o, int n) {
    if (bg != null) {
      FloatBuffer b = bg[v][t];
      b.get(b.position() + o, w.fs[v], 0, n);
      w.view[v] = w.fs[v];
      w.voff[v] = 0;
    } else {
      w.view[v] = g[v][t];
      w.voff[v] = o;
    }
  }

  /** Views of every gradient, and of every stream: updated in place (store) or computed into scratch. */
  private void views(Worker w, int t, int o, int n, boolean store, boolean trackMax) {
    for (int v = 0; v < plan.k; v++) {
      gradientView(w, v, t, o, n);
    }
    for (int s = 0; s < plan.streams.length; s++) {
      int v = plan.k + s;
      int src = plan.streams[s];
      float[] e = state.streams[s][t];
      if (store) {
        gk.ema(e, o, w.view[src], w.voff[src], keep, rho, e, o, n);
        w.view[v] = e;
        w.voff[v] = o;
      } else {
        float mx = gk.ema(e, o, w.view[src], w.voff[src], keep, rho, w.fs[v], 0, n);
        if (trackMax) {
          w.max[v] = Math.max(w.max[v], mx);
        }
        w.view[v] = w.fs[v];
        w.voff[v] = 0;
      }
    }
  }

  private void gram(Worker w, int c) {
    int t = layout.chunkTensor[c];
    int off = layout.chunkOffset[c];
    int len = layout.chunkLength[c];
    int np = plan.np;
    Arrays.fill(w.lanes, 0);
    Arrays.fill(w.max, 0f);
    for (int bo = 0; bo < len; bo += plan.block) {
      int n = Math.min(plan.block, len - bo);
      views(w, t, off + bo, n, false, true);
      for (int v = 0; v < plan.m; v++) {
        if (plan.inPair[v]) {
          w.max[v] = Math.max(w.max[v], gk.widen(w.view[v], w.voff[v], n, w.d, v * plan.block));
        } else if (v < plan.k) {
          w.max[v] = Math.max(w.max[v], gk.maxAbs(w.view[v], w.voff[v], n));
        }
      }
      if (np > 0) {
        gk.dots(w.d, plan.block, plan.pa, plan.pb, np, w.lanes, (n + 7) & ~7);
      }
    }
    double[] acc = state.partials;
    int base = plan.slots * c;
    for (int p = 0; p < np; p++) {
      acc[base + p] = GramKernel.ordered8(w.lanes, 8 * p);
    }
    for (int v = 0; v < plan.m; v++) {
      acc[base + np + v] = w.max[v];
    }
  }

  private void combine(Worker w, int c) {
    int t = layout.chunkTensor[c];
    int off = layout.chunkOffset[c];
    int len = layout.chunkLength[c];
    for (int bo = 0; bo < len; bo += plan.block) {
      int n = Math.min(plan.block, len - bo);
      views(w, t, off + bo, n, true, false);
      int count = 0;
      for (int v = 0; v < plan.m; v++) {
        if (dc[v] != 0) {
          w.cv[count] = w.view[v];
          w.co[count] = w.voff[v];
          w.dcc[count] = dc[v];
          count++;
        }
      }
      if (count == 0) {
        Arrays.fill(w.ob, 0, n, 0f);
        write(w.ob, t, off + bo, n);
      } else if (out != null) {
        // straight into out: element i of the result depends only on element i of each input, read before it is
        // written, so out may alias any input (the same arithmetic as through the block)
        gk.combineDouble(w.cv, w.co, w.dcc, count, w.acc, out[t], off + bo, n);
      } else {
        gk.combineDouble(w.cv, w.co, w.dcc, count, w.acc, w.ob, 0, n);
        write(w.ob, t, off + bo, n);
      }
    }
  }

  private void write(float[] block, int t, int o, int n) {
    if (bout != null) {
      FloatBuffer b = bout[t];
      b.put(b.position() + o, block, 0, n);
    } else {
      System.arraycopy(block, 0, out[t], o, n);
    }
  }

  /* The double-precision combination: d = Σ_v c_v v, or u_v (v/|v|) where a unit coefficient is given. */
  private void safe(Worker w, int c, boolean store) {
    int t = layout.chunkTensor[c];
    int off = layout.chunkOffset[c];
    int len = layout.chunkLength[c];
    double max = 0;
    for (int bo = 0; bo < len; bo += plan.block) {
      int n = Math.min(plan.block, len - bo);
      views(w, t, off + bo, n, store, false);
      for (int i = 0; i < n; i++) {
        // Neumaier's compensated sum of the terms: a cancellation between two large terms (λ g_1 and the
        // projection off a tiny EMA) does not swallow a small one (g_0 = 1e-36)
        double d = 0;
        double comp = 0;
        for (int v = 0; v < plan.m; v++) {
          double x = w.view[v][w.voff[v] + i];
          double term;
          if (!Double.isNaN(unit[v])) {
            term = unit[v] * (x / norm[v]);
          } else if (dc[v] != 0) {
            term = dc[v] * x;
          } else {
            continue;
          }
          double sum = d + term;
          comp += Math.abs(d) >= Math.abs(term) ? (d - sum) + term : (term - sum) + d;
          d = sum;
        }
        d += comp;
        max = Math.max(max, Math.abs(d));
        w.ob[i] = (float) d;
      }
      if (store) {
        write(w.ob, t, off + bo, n);
      }
    }
    state.partials[plan.slots * c] = max;
  }

  private void drop(Worker w, int c, boolean store) {
    int t = layout.chunkTensor[c];
    int off = layout.chunkOffset[c];
    int len = layout.chunkLength[c];
    int k = plan.k;
    double max = 0;
    for (int bo = 0; bo < len; bo += plan.block) {
      int n = Math.min(plan.block, len - bo);
      for (int v = 0; v < k; v++) {
        gradientView(w, v, t, off + bo, n);
      }
      long index = layout.tensorStart[t] + off + bo;
      for (int i = 0; i < n; i++) {
        for (int v = 0; v < k; v++) {
          w.vals[v] = w.view[v][w.voff[v] + i];
        }
        double d = GradDrop.combine(w.vals, k, leak, seed, step, index + i);
        max = Math.max(max, Math.abs(d));
        w.ob[i] = (float) d;
      }
      if (store) {
        write(w.ob, t, off + bo, n);
      }
    }
    state.partials[plan.slots * c] = max;
  }

  // ---- reductions and diagnostics

  /** Sum of partial slot {@code k} over all chunks, in chunk order. */
  double reduce(int k) {
    double[] acc = state.partials;
    double sum = 0;
    for (int c = 0; c < layout.chunks; c++) {
      sum += acc[plan.slots * c + k];
    }
    return sum;
  }

  /** Max of partial slot {@code k} over all chunks (NaN if any is NaN). */
  double reduceMax(int k) {
    double[] acc = state.partials;
    double max = 0;
    for (int c = 0; c < layout.chunks; c++) {
      max = Math.max(max, acc[plan.slots * c + k]);
    }
    return max;
  }

  /** Index of the first non-finite element of tensor t of gradient v, or -1. */
  int firstNonFinite(int v, int t) {
    if (bg != null) {
      FloatBuffer b = bg[v][t];
      for (int i = 0; i < b.remaining(); i++) {
        if (!Float.isFinite(b.get(b.position() + i))) {
          return i;
        }
      }
      return -1;
    }
    float[] x = g[v][t];
    for (int i = 0; i < x.length; i++) {
      if (!Float.isFinite(x[i])) {
        return i;
      }
    }
    return -1;
  }

  float valueAt(int v, int t, int i) {
    if (bg != null) {
      FloatBuffer b = bg[v][t];
      return b.get(b.position() + i);
    }
    return g[v][t][i];
  }

  void zeroOut() {
    if (out != null) {
      for (float[] o : out) {
        Arrays.fill(o, 0f);
      }
    } else {
      for (FloatBuffer o : bout) {
        for (int i = 0; i < o.remaining(); i++) {
          o.put(o.position() + i, 0f);
        }
      }
    }
  }
}
