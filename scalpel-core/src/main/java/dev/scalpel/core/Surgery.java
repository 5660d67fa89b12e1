package dev.scalpel.core;

import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;

/** The one implementation of {@link GradientSurgery}: validation, state creation and the step's scalar algebra. */
final class Surgery implements GradientSurgery {
  private final SurgeryConfig config;
  private final int threads;

  Surgery(SurgeryConfig config, int threads) {
    if (config == null) {
      throw new IllegalArgumentException("config must not be null");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads (" + threads + ") must be >= 1");
    }
    this.config = config;
    this.threads = threads;
  }

  static int defaultThreads() {
    String p = System.getProperty("scalpel.threads");
    if (p != null) {
      try {
        return Math.max(1, Integer.parseInt(p.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("system property scalpel.threads (" + p + ") must be an integer >= 1");
      }
    }
    return Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
  }

  @Override
  public SurgeryConfig config() {
    return config;
  }

  @Override
  public GradientSurgery withLambda(double lambda) {
    return new Surgery(config.withLambda(lambda), threads);
  }

  @Override
  public GradientSurgery withThreads(int n) {
    return new Surgery(config, n);
  }

  @Override
  public int threads() {
    return threads;
  }

  @Override
  public SurgeryState init(float[][] template) {
    return init(template, template);
  }

  @Override
  public SurgeryState init(float[][] mainTemplate, float[][] auxTemplate) {
    int[] sizes = Layout.sizesOf(mainTemplate, "init template");
    int[] auxSizes = Layout.sizesOf(auxTemplate, "init aux template");
    checkSameShape(sizes, auxSizes, "init aux template");
    Method m = config.method();
    float[][] ema = m.emaCount() >= 1 ? initEma(mainTemplate, sizes, 0) : null;
    float[][] aux = m.emaCount() >= 2 ? initEma(auxTemplate, sizes, 1) : null;
    return new SurgeryState(config.toSpec(), m, sizes, ema, aux);
  }

  @Override
  public SurgeryState init(FloatBuffer[] template) {
    float[][] copy = copyOf(template, "init template");
    return init(copy, copy);
  }

  @Override
  public SurgeryState init(FloatBuffer[] mainTemplate, FloatBuffer[] auxTemplate) {
    return init(copyOf(mainTemplate, "init template"), copyOf(auxTemplate, "init aux template"));
  }

  private static float[][] copyOf(FloatBuffer[] template, String what) {
    if (template == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    float[][] copy = new float[template.length][];
    for (int t = 0; t < template.length; t++) {
      if (template[t] == null) {
        throw new IllegalArgumentException(what + " tensor " + t + " is null");
      }
      copy[t] = new float[template[t].remaining()];
      template[t].get(template[t].position(), copy[t]);
    }
    return copy;
  }

  private float[][] initEma(float[][] template, int[] sizes, int which) {
    float[][] ema = new float[sizes.length][];
    SplittableRandom random = new SplittableRandom(config.seed());
    if (which == 1) {
      random = random.split();
    }
    for (int t = 0; t < sizes.length; t++) {
      switch (config.init()) {
        case GRAD -> {
          for (int i = 0; i < sizes[t]; i++) {
            if (!Float.isFinite(template[t][i])) {
              throw new IllegalArgumentException("init=grad template tensor " + t + " element " + i + " is "
                  + template[t][i] + "; the EMA must start finite");
            }
          }
          ema[t] = template[t].clone();
        }
        case ZEROS -> ema[t] = new float[sizes[t]];
        case RANDOM -> {
          ema[t] = new float[sizes[t]];
          for (int i = 0; i < sizes[t]; i++) {
            ema[t][i] = (float) random.nextGaussian();
          }
        }
        default -> throw new AssertionError(config.init());
      }
    }
    return ema;
  }

  @Override
  public float[][] direction(float[][] gMain, float[][] gAux, SurgeryState state) {
    checkState(state);
    float[][] out = new float[state.layout.sizes.length][];
    for (int t = 0; t < out.length; t++) {
      out[t] = new float[state.layout.sizes[t]];
    }
    direction(gMain, gAux, state, out);
    return out;
  }

  @Override
  public void direction(float[][] gMain, float[][] gAux, SurgeryState state, float[][] out) {
    checkState(state);
    int[] sizes = state.layout.sizes;
    checkArrays(gMain, sizes, "gMain");
    checkArrays(gAux, sizes, "gAux");
    checkArrays(out, sizes, "out");
    state.runner.bind(gMain, gAux, out, threads);
    try {
      step(state);
    } finally {
      state.runner.unbind();
    }
  }

  @Override
  public void direction(FloatBuffer[] gMain, FloatBuffer[] gAux, SurgeryState state, FloatBuffer[] out) {
    checkState(state);
    int[] sizes = state.layout.sizes;
    checkBuffers(gMain, sizes, "gMain");
    checkBuffers(gAux, sizes, "gAux");
    checkBuffers(out, sizes, "out");
    for (int t = 0; t < out.length; t++) {
      if (out[t].isReadOnly()) {
        throw new IllegalArgumentException("out tensor " + t + " is a read-only buffer");
      }
    }
    state.runner.bind(gMain, gAux, out, threads);
    try {
      step(state);
    } finally {
      state.runner.unbind();
    }
  }

  /* The step's scalar algebra; the vector work is in StepRunner's passes. */
  private void step(SurgeryState state) {
    StepRunner run = state.runner;
    WorkerPool pool = WorkerPool.of(threads);
    double lambda = config.lambda();
    double s = config.scale();
    Method m = config.method();
    if (m == Method.MIXED) {
      run.c1 = (float) s;
      run.c2 = (float) (s * lambda);
      run.runPass(StepRunner.COMBINE2, pool);
      if (run.firstNonFiniteChunk(1) >= 0) {
        nonFinite(state, run.firstNonFiniteChunk(1));
        return;
      }
      state.step++;
      state.lastSkipped = false;
      return;
    }
    run.rho = (float) config.ema();
    run.keep = (float) (1.0 - config.ema());
    run.runPass(StepRunner.DOTS, pool);
    int k = m == Method.PCGRAD ? 4 : 2;
    int bad = run.firstNonFiniteChunk(k);
    if (bad >= 0) {
      nonFinite(state, bad);
      return;
    }
    double ee = run.reduce(0);
    double ea = run.reduce(1);
    double eps = config.eps();
    switch (m) {
      case BLOOP, DYNAMIC_BARRIER -> {
        double r = ea / (ee + eps);
        if (m == Method.DYNAMIC_BARRIER && lambda > 0) {
          r = Math.min(r, 1.0 / lambda);
        }
        if (!Double.isFinite(r)) { // |e| = 0 with eps = 0: no direction to project out
          r = 0;
        }
        state.lastRatio = r;
        if (config.ratioOnly()) {
          run.c1 = (float) (s * (1 - lambda * r));
          run.c3 = 0f;
        } else {
          run.c1 = (float) s;
          run.c3 = (float) (-s * lambda * r);
        }
        run.c2 = (float) (s * lambda);
      }
      case PCGRAD -> {
        double aa = run.reduce(2);
        double am = run.reduce(3);
        double r1 = Math.min(ea / (ee + eps), 0);
        double r2 = Math.min(am / (aa + eps), 0);
        if (!Double.isFinite(r1)) {
          r1 = 0;
        }
        if (!Double.isFinite(r2)) {
          r2 = 0;
        }
        state.lastRatio = r1;
        state.lastRatioAux = r2;
        run.c1 = (float) s;
        run.c2 = (float) (s * lambda);
        run.c3 = (float) (-s * lambda * r1);
        run.c4 = (float) (-s * r2);
      }
      default -> throw new AssertionError(m);
    }
    run.runPass(StepRunner.COMBINE, pool);
    state.step++;
    state.lastSkipped = false;
  }

  private void nonFinite(SurgeryState state, int chunk) {
    StepRunner run = state.runner;
    int t = state.layout.chunkTensor[chunk];
    String which = "g_main";
    int index = run.firstNonFinite(0, t);
    float value = index >= 0 ? run.valueAt(0, t, index) : Float.NaN;
    if (index < 0) {
      index = run.firstNonFinite(1, t);
      which = index >= 0 ? "g_aux" : "direction";
      value = index >= 0 ? run.valueAt(1, t, index) : Float.NaN;
    }
    if (config.nonFinite() == NonFinitePolicy.SKIP) {
      run.zeroOut();
      state.skipped++;
      state.lastSkipped = true;
      return;
    }
    throw new NonFiniteGradientException(state.step, which, t, index, value);
  }

  private void checkState(SurgeryState state) {
    if (state == null) {
      throw new IllegalArgumentException("state must not be null; create it with init(...)");
    }
    if (state.method != config.method()) {
      throw new IllegalArgumentException("state belongs to " + state.method.specName() + ", not to "
          + config.method().specName());
    }
  }

  private static void checkArrays(float[][] x, int[] sizes, String what) {
    checkTensors(x, a -> a.length, sizes, what);
  }

  private static void checkBuffers(FloatBuffer[] x, int[] sizes, String what) {
    checkTensors(x, FloatBuffer::remaining, sizes, what);
  }

  /** Non-null, as many tensors as the state, each of the state's size (both sizes in the message). */
  private static <T> void checkTensors(T[] x, ToIntFunction<T> length, int[] sizes, String what) {
    if (x == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    if (x.length != sizes.length) {
      throw new IllegalArgumentException(what + " has " + x.length + " tensors, the state has " + sizes.length);
    }
    for (int t = 0; t < sizes.length; t++) {
      if (x[t] == null) {
        throw new IllegalArgumentException(what + " tensor " + t + " is null");
      }
      int n = length.applyAsInt(x[t]);
      if (n != sizes[t]) {
        throw new IllegalArgumentException(what + " tensor " + t + " has " + n + " floats, the state expects "
            + sizes[t]);
      }
    }
  }

  private static void checkSameShape(int[] sizes, int[] other, String what) {
    if (other.length != sizes.length) {
      throw new IllegalArgumentException(what + " has " + other.length + " tensors, the main template has "
          + sizes.length);
    }
    for (int t = 0; t < sizes.length; t++) {
      if (other[t] != sizes[t]) {
        throw new IllegalArgumentException(what + " tensor " + t + " has " + other[t]
            + " floats, the main template's has " + sizes[t]);
      }
    }
  }

  @Override
  public SurgeryState restore(InputStream snapshot, int[] sizes) {
    if (snapshot == null) {
      throw new IllegalArgumentException("snapshot stream must not be null");
    }
    return Snapshots.read(snapshot, config, sizes);
  }

  @Override
  public SurgeryState restore(byte[] snapshot, int[] sizes) {
    if (snapshot == null) {
      throw new IllegalArgumentException("snapshot must not be null");
    }
    return Snapshots.read(snapshot, config, sizes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Surgery other && other.config.equals(config);
  }

  @Override
  public int hashCode() {
    return config.hashCode();
  }

  @Override
  public String toString() {
    return config.toSpec();
  }
}
