package dev.scalpel.core;

import java.nio.FloatBuffer;

/*
 * One direction step over a state's fixed chunk layout, in at most two passes over memory.
 *
 * EMA methods (bloop, dynamic barrier, pcgrad):
 *   pass DOTS    per chunk, read g_m, g_a and the EMA(s); compute the UPDATED EMA e' = (1-ρ)e + ρg on the fly
 *                WITHOUT storing it, and the chunk's partial dot products (|e'|², <e',g_a>; pcgrad also
 *                |e_a'|², <e_a',g_m>).
 *   reduce       sum the partials in chunk order (double); a non-finite sum means a non-finite input: the
 *                state has not been touched yet, so THROW and SKIP both leave it exactly as it was.
 *   pass COMBINE per chunk, read g_m, g_a, EMA(s); write e' into the state (same float operations as in DOTS, so
 *                bit-identical) and out = c1 g_m + c2 g_a + c3 e' (+ c4 e_a').
 * Memory traffic for bloop: 3 reads + (3 reads + 2 writes) = 8 passes over P floats, the minimum the issue
 * states; pcgrad 11; mixed, one pass COMBINE2: 3.
 *
 * Inputs are float[] tensors or FloatBuffers (heap or direct, e.g. DJL's toByteBuffer(true) views of native
 * tensors). Buffers are staged chunk by chunk through per-worker scratch arrays with bulk get/put, so DRAM
 * traffic is unchanged and the same kernels (and roundings) serve both paths.
 */
final class StepRunner implements WorkerPool.ChunkTask {
  static final int DOTS = 0;
  static final int COMBINE = 1;
  static final int COMBINE2 = 2;

  private final SurgeryState state;
  private final Layout layout;
  Kernel kernel = Kernel.DEFAULT;
  int pass;
  float keep;
  float rho;
  float c1;
  float c2;
  float c3;
  float c4;
  float[][] gm;
  float[][] ga;
  float[][] out;
  FloatBuffer[] bgm;
  FloatBuffer[] bga;
  FloatBuffer[] bout;
  private float[][] scratch = new float[0][];

  StepRunner(SurgeryState state) {
    this.state = state;
    this.layout = state.layout;
  }

  void bind(float[][] gm, float[][] ga, float[][] out, int workers) {
    this.gm = gm;
    this.ga = ga;
    this.out = out;
    this.bgm = null;
    this.bga = null;
    this.bout = null;
    if (state.method == Method.MIXED) { // only mixed with out aliasing an input stages arrays (see COMBINE2)
      for (int t = 0; t < out.length; t++) {
        if (out[t] == gm[t] || out[t] == ga[t]) {
          ensureScratch(workers);
          break;
        }
      }
    }
  }

  void bind(FloatBuffer[] gm, FloatBuffer[] ga, FloatBuffer[] out, int workers) {
    this.gm = null;
    this.ga = null;
    this.out = null;
    this.bgm = gm;
    this.bga = ga;
    this.bout = out;
    ensureScratch(workers);
  }

  private void ensureScratch(int workers) {
    if (scratch.length < workers) {
      scratch = new float[workers][3 * Layout.CHUNK];
    }
  }

  void unbind() {
    gm = ga = out = null;
    bgm = bga = bout = null;
  }

  /** Runs the current pass over every chunk, in parallel when the model is large enough. */
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
    int t = layout.chunkTensor[c];
    int off = layout.chunkOffset[c];
    int n = layout.chunkLength[c];
    float[] g;
    float[] a;
    int go;
    int ao;
    float[] s = null;
    if (bgm != null) {
      s = scratch[worker];
      FloatBuffer bg = bgm[t];
      FloatBuffer ba = bga[t];
      bg.get(bg.position() + off, s, 0, n);
      ba.get(ba.position() + off, s, Layout.CHUNK, n);
      g = s;
      a = s;
      go = 0;
      ao = Layout.CHUNK;
    } else {
      g = gm[t];
      a = ga[t];
      go = off;
      ao = off;
    }
    double[] acc = state.partials;
    switch (pass) {
      case DOTS -> {
        int base = 4 * c;
        acc[base] = 0;
        acc[base + 1] = 0;
        kernel.emaDots(g, go, a, ao, state.ema[t], off, n, keep, rho, acc, base);
        if (state.emaAux != null) {
          acc[base + 2] = 0;
          acc[base + 3] = 0;
          kernel.emaDots(a, ao, g, go, state.emaAux[t], off, n, keep, rho, acc, base + 2);
        }
      }
      case COMBINE -> {
        float[] o = s != null ? s : out[t];
        int oo = s != null ? 2 * Layout.CHUNK : off;
        float[] e = state.ema[t];
        if (state.emaAux != null) {
          kernel.updateCombine4InPlace(g, go, a, ao, e, off, state.emaAux[t], off, o, oo, n, keep, rho, c1, c2, c3,
              c4);
        } else {
          kernel.updateCombine3InPlace(g, go, a, ao, e, off, o, oo, n, keep, rho, c1, c2, c3);
        }
        if (s != null) {
          FloatBuffer bo = bout[t];
          bo.put(bo.position() + off, s, oo, n);
        }
      }
      case COMBINE2 -> {
        // mixed has no DOTS pass to vet its inputs first: a chunk is written only when its direction is finite,
        // so a chunk with a NaN/Inf keeps its inputs intact even when out aliases g_main or g_aux, and the error
        // can name the right gradient and element. Aliased arrays are staged through the scratch (in cache).
        boolean staged = s == null && (out[t] == gm[t] || out[t] == ga[t]);
        float[] o = s != null ? s : staged ? scratch[worker] : out[t];
        int oo = s != null ? 2 * Layout.CHUNK : staged ? 0 : off;
        float check = kernel.combine2(g, go, a, ao, o, oo, n, c1, c2);
        acc[4 * c] = check;
        if (!Float.isNaN(check)) {
          if (s != null) {
            FloatBuffer bo = bout[t];
            bo.put(bo.position() + off, s, oo, n);
          } else if (staged) {
            System.arraycopy(o, 0, out[t], off, n);
          }
        }
      }
      default -> throw new AssertionError(pass);
    }
  }

  /** Sum of partial slot {@code k} (0..3) over all chunks, in chunk order. */
  double reduce(int k) {
    double[] acc = state.partials;
    double sum = 0;
    for (int c = 0; c < layout.chunks; c++) {
      sum += acc[4 * c + k];
    }
    return sum;
  }

  /** The first chunk whose partial slots 0..(k-1) are not all finite, or -1. */
  int firstNonFiniteChunk(int k) {
    double[] acc = state.partials;
    for (int c = 0; c < layout.chunks; c++) {
      for (int j = 0; j < k; j++) {
        if (!Double.isFinite(acc[4 * c + j])) {
          return c;
        }
      }
    }
    return -1;
  }

  /** Index of the first non-finite element of tensor t of g_main (which=0) or g_aux (1), or -1. */
  int firstNonFinite(int which, int t) {
    if (bgm != null) {
      FloatBuffer b = which == 0 ? bgm[t] : bga[t];
      for (int i = 0; i < b.remaining(); i++) {
        if (!Float.isFinite(b.get(b.position() + i))) {
          return i;
        }
      }
      return -1;
    }
    float[] x = which == 0 ? gm[t] : ga[t];
    for (int i = 0; i < x.length; i++) {
      if (!Float.isFinite(x[i])) {
        return i;
      }
    }
    return -1;
  }

  float valueAt(int which, int t, int i) {
    if (bgm != null) {
      FloatBuffer b = which == 0 ? bgm[t] : bga[t];
      return b.get(b.position() + i);
    }
    return which == 0 ? gm[t][i] : ga[t][i];
  }

  void zeroOut() {
    if (out != null) {
      for (float[] o : out) {
        java.util.Arrays.fill(o, 0f);
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
